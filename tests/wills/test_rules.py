"""The registration checks (民法典第1134–1143条): each form's witnesses, who may not witness, the
confirmations, the notarial certificate, the emergency of an oral will, custody and dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chang_shan.population import residents
from chang_shan.wills import registry
from chang_shan.wills.rules import CHILD, PARENT, SIBLING, SPOUSE, relation_to_testator
from chang_shan.wills.shapes import PersonInput
from tests.population.community import KUANCHENG, LI_ID, SON_ID, id_number
from tests.wills.office import NEIGHBOURS, neighbours, will, witness

TODAY = date(2025, 6, 1)


def problems(db, data, **kw):  # noqa: ANN001, ANN201
    with db.reader() as s:
        return registry.problems_by_field(s, data, today=TODAY, **kw)


def test_a_good_will_passes(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    for form in ("自书", "代书", "打印", "录音录像", "口头", "公证"):
        assert problems(wills_db, will(town.zhang, form)) == {}, form


@pytest.mark.parametrize(("form", "article"), [("代书", 1135), ("打印", 1136), ("录音录像", 1137), ("口头", 1138)])
@pytest.mark.parametrize("count", [0, 1])
def test_witnessed_forms_need_two_witnesses(wills_db, wills_office, form, article, count) -> None:  # noqa: ANN001
    data = will(wills_office.town.zhang, form, witnesses=neighbours()[:count])
    found = problems(wills_db, data)
    assert set(found) == {"witnesses"}
    assert "两个以上见证人" in found["witnesses"] and f"第{article}条" in found["witnesses"]
    with wills_db.reader() as s:
        assert registry.check_will(s, data, today=TODAY) == [found["witnesses"]]


@pytest.mark.parametrize("form", ["自书", "公证"])
def test_holographic_and_notarised_wills_need_no_witnesses(wills_db, wills_office, form) -> None:  # noqa: ANN001
    assert problems(wills_db, will(wills_office.town.zhang, form, witnesses=[])) == {}


def test_the_same_witness_twice_is_one_witness(wills_db, wills_office) -> None:  # noqa: ANN001
    name, number = NEIGHBOURS[0]
    found = problems(wills_db, will(wills_office.town.zhang, witnesses=[witness(name, number), witness(name, number)]))
    assert "重复" in found["witnesses[1].name"]


def test_household_heirs_may_not_witness(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    # 张立春's wife by name, his son by ID number under another name
    found = problems(wills_db, will(town.zhang, witnesses=[witness("李桂兰"), witness("张小伟", SON_ID)]))
    assert "配偶" in found["witnesses[0].name"] and "第1140条" in found["witnesses[0].name"]
    assert "子女" in found["witnesses[1].name"] and "第一顺序法定继承人" in found["witnesses[1].name"]
    # seen from the wife (妻 of the head): the head is her spouse, the head's son her child
    found = problems(wills_db, will(town.li, witnesses=[witness("张立春"), witness("张伟")]))
    assert "配偶" in found["witnesses[0].name"] and "子女" in found["witnesses[1].name"]
    # someone else's household is no bar
    assert problems(wills_db, will(town.wang, witnesses=[witness("张立春"), witness("李桂兰", LI_ID)])) == {}


def test_recorded_heirs_legatees_and_the_testator_may_not_witness(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    name, number = NEIGHBOURS[0]
    legatee = PersonInput("受遗赠人", "孙𠀀明", "邻居", number)
    found = problems(wills_db, will(town.wang, witnesses=[witness(name, number), witness("王淑芬")],
                                    persons=[legatee]))
    assert "本遗嘱的受遗赠人" in found["witnesses[0].name"]
    assert "立遗嘱人本人" in found["witnesses[1].name"]
    # a 查看人 is not an heir by being one
    viewer = PersonInput("查看人", name, "邻居", number)
    assert problems(wills_db, will(town.wang, persons=[viewer])) == {}


def test_each_witness_confirmation_is_asked(wills_db, wills_office) -> None:  # noqa: ANN001
    unticked = replace(neighbours()[1], no_interest_confirmed=False, capacity_confirmed=False)
    found = problems(wills_db, will(wills_office.town.zhang, witnesses=[neighbours()[0], unticked]))
    message = found["witnesses[1].confirmations"]
    assert "与继承人、受遗赠人没有利害关系" in message and "具有完全民事行为能力" in message
    assert "不是继承人" not in message
    found = problems(wills_db, will(wills_office.town.zhang, checks_confirmed=False))
    assert "已核对" in found["checks_confirmed"]


def test_a_minor_may_not_witness_and_id_numbers_are_checked(wills_db, wills_office) -> None:  # noqa: ANN001
    minor = witness("钱小宝", id_number(KUANCHENG, date(2010, 1, 1), 91))
    bad = witness("吴大成", NEIGHBOURS[0][1][:-1] + ("0" if NEIGHBOURS[0][1][-1] != "0" else "1"))
    found = problems(wills_db, will(wills_office.town.zhang, witnesses=[minor, bad]))
    assert "未满十八周岁" in found["witnesses[0].id_number"]
    assert "校验位" in found["witnesses[1].id_number"]


def test_notarised_and_oral_wills(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    found = problems(wills_db, will(town.zhang, "公证", notary_certificate="", notary_office=""))
    assert "公证书编号" in found["notary_certificate"] and "第1139条" in found["notary_certificate"]
    assert "notary_office" in found
    found = problems(wills_db, will(town.zhang, "口头", emergency_note=" "))
    assert "危急情况" in found["emergency_note"] and "第1138条" in found["emergency_note"]


def test_custody_and_dates(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    found = problems(wills_db, will(town.zhang, cabinet="", file_number=""))
    assert set(found) == {"cabinet", "file_number"}
    found = problems(wills_db, will(town.zhang, custody_kind="公证处"))
    assert "公证机构" in found["notary_office"]
    found = problems(wills_db, will(town.zhang, custody_kind="家属保管"))
    assert "由谁保管" in found["custody_note"]
    assert "晚于登记日期" in problems(wills_db, will(town.zhang, made_on=date(2024, 3, 6)))["made_on"]
    assert "晚于今天" in problems(wills_db, will(town.zhang, registered_on=date(2025, 7, 1)))["registered_on"]
    assert "年、月、日" in problems(wills_db, will(town.zhang, made_on=None))["made_on"]


def test_the_testator_must_be_alive_and_in_the_ledger(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    with wills_db.transaction("死亡") as s:
        residents.record_death(s, town.wang, on_date=date(2025, 1, 2))
    assert "已故" in problems(wills_db, will(town.wang))["testator_id"]
    assert "请选择立遗嘱人" in problems(wills_db, will(None))["testator_id"]


def test_relations_through_the_household_head() -> None:
    assert relation_to_testator("02", "12") == SPOUSE
    assert relation_to_testator("02", "22") == CHILD
    assert relation_to_testator("22", "02") == PARENT  # the head is the son's parent
    assert relation_to_testator("12", "56") == PARENT  # the head's 岳母 is his wife's own mother
    assert relation_to_testator("12", "52") is not PARENT  # the head's mother is her mother-in-law
    assert relation_to_testator("22", "32") == SIBLING
    assert relation_to_testator("93", "02") is None  # 侄子: the head is an uncle, no heir of his
