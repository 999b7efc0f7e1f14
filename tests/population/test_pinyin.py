"""Pinyin of names: sort keys, surname readings, compound surnames, the words the index holds."""

from __future__ import annotations

import pytest

from chang_shan.population import pinyin
from chang_shan.population.addresses import household_address


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("张立春", "zhang li chun"),
        ("单田芳", "shan tian fang"),  # 单 as a surname is shan, not dan
        ("曾志伟", "zeng zhi wei"),  # not ceng
        ("解放", "xie fang"),  # not jie
        ("区小红", "ou xiao hong"),  # not qu
        ("仇明", "qiu ming"),  # not chou
        ("朴成", "piao cheng"),  # not pu
        ("查明", "zha ming"),  # not cha
        ("欧阳修文", "ou yang xiu wen"),
        ("尉迟恭", "yu chi gong"),  # compound surname: yu, not wei
        ("万俟卨", "mo qi xie"),
        ("吕小红", "lv xiao hong"),  # ü typed as v
        ("John Smith", "john smith"),
        ("阿依古丽·买买提", "a yi gu li mai mai ti"),  # the middle dot separates, nothing more
        ("", ""),
    ],
)
def test_sort_key_reads_a_name_the_way_people_say_it(name: str, key: str) -> None:
    assert pinyin.sort_key(name) == key


def test_a_character_pypinyin_does_not_know_keeps_itself() -> None:
    unknown = "\U00030000"  # CJK Extension G, beyond pypinyin's table
    assert pinyin.sort_key(f"王{unknown}明") == f"wang {unknown} ming"
    assert pinyin.sort_key("王𠀀") == "wang he"  # Extension B it does know


def test_sort_keys_order_names_by_pinyin_not_by_code_point() -> None:
    names = ["王五", "单田芳", "李四", "艾青", "曾志伟", "张三"]
    ordered = sorted(names, key=pinyin.sort_key)
    assert ordered == ["艾青", "李四", "单田芳", "王五", "曾志伟", "张三"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单田芳", ["shan tian fang", "dan tian fang"]),
        ("曾志伟", ["zeng zhi wei", "ceng zhi wei"]),
        ("解放", ["xie fang", "jie fang"]),
        ("区小红", ["ou xiao hong", "qu xiao hong"]),
        ("仇明", ["qiu ming", "chou ming"]),
        ("朴成", ["piao cheng", "pu cheng"]),
        ("查明", ["zha ming", "cha ming"]),
        ("尉迟恭", ["yu chi gong", "wei chi gong"]),
        # Surnames with one reading stay with it: pypinyin's archaic 王 "yu" would make "yu"
        # find every 王.
        ("王小明", ["wang xiao ming"]),
        ("张立春", ["zhang li chun"]),
        ("邓丽", ["deng li"]),
    ],
)
def test_readings_hold_every_reading_of_the_surname_the_surname_reading_first(name: str, expected: list[str]) -> None:
    assert pinyin.readings(name) == expected
    assert pinyin.readings(name)[0] == pinyin.sort_key(name)


def test_split_surname_knows_compound_surnames_only_before_a_given_name() -> None:
    assert pinyin.split_surname("欧阳修文") == ("欧阳", "修文")
    assert pinyin.split_surname("司马光") == ("司马", "光")
    assert pinyin.split_surname("欧阳") == ("欧", "阳")  # a two-character name: 欧 + 阳
    assert pinyin.split_surname("张立春") == ("张", "立春")
    assert pinyin.split_surname("John Smith") == ("", "John Smith")


def test_search_tokens_start_at_every_syllable_and_mix_full_pinyin_with_initials() -> None:
    full, short = pinyin.search_tokens("张立春")
    assert set(full) == {"zhanglichun", "zhanglic", "zhanglc", "lichun", "lic", "chun"}
    assert short == ("zlc", "lc", "c")


def test_search_tokens_of_a_heteronym_surname_cover_both_readings() -> None:
    full, short = pinyin.search_tokens("单田芳")
    assert {"shantianfang", "dantianfang", "tianfang", "fang"} <= set(full)
    assert {"stf", "dtf", "tf", "f"} == set(short)


def test_long_names_get_no_mixed_forms_but_every_start() -> None:
    full, short = pinyin.search_tokens("阿依古丽·买买提")
    assert "ayigulimaimaiti" in full and "maiti" in full and "ti" in full
    assert not any(t.startswith("ayigl") for t in full)  # no mixed forms for seven syllables
    assert short[0] == "ayglmmt"


def test_to_pinyin_text_runs_the_common_readings_together() -> None:
    assert pinyin.to_pinyin_text("张l") == "zhangl"
    assert pinyin.to_pinyin_text("立春") == "lichun"


@pytest.mark.parametrize(
    ("args", "address"),
    [
        (("3号楼", "2单元", "301"), "3号楼2单元301"),
        (("3", "2", "301"), "3号楼2单元301"),  # bare numbers get their words
        (("A座", "1单元", "1502"), "A座1单元1502"),
        (("平房区", None, "长山路12号", "平房区"), "平房区 长山路12号"),
        (("3号楼", None, "101"), "3号楼101"),
        ((" 3号楼 ", " 2单元", " 301 "), "3号楼2单元301"),
    ],
)
def test_household_address(args: tuple, address: str) -> None:
    assert household_address(*args) == address


def test_given_names_are_also_read_character_by_character() -> None:
    # The phrase 长林 reads "zhang lin", but a person called 陈长林 is "chen chang lin" to most.
    assert "chen chang lin" in pinyin.readings("陈长林")
    assert "chen zhang lin" in pinyin.readings("陈长林")
    full, short = pinyin.search_tokens("陈长林")
    assert "changlin" in full and "chenchanglin" in full
    assert pinyin.readings("张立春") == ["zhang li chun"]  # no duplicate when both agree
