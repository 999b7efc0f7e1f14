"""Residents through the services, on a real SQLite database: register, edit, move, move out,
death, validation messages per field, rare characters, history; nobody is ever hard-deleted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, Household, Movement, Resident
from chang_shan.errors import DomainError, ValidationError
from chang_shan.population import idnumber, residents
from chang_shan.population.residents import ResidentInput
from tests.population.community import KUANCHENG, LI_ID, ZHANG_ID, Community, build_community, id_number, person


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def count(db: Database, model: type) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def detail(db: Database, resident_id: int) -> residents.ResidentDetail:
    with db.reader() as s:
        return residents.resident_detail(s, resident_id)


def errors_for(db: Database, data: ResidentInput, resident_id: int | None = None) -> dict[str, str]:
    with db.reader() as s, pytest.raises(ValidationError) as caught:
        residents.validate_resident(s, data, resident_id=resident_id)
    return caught.value.errors


def register(db: Database, data: ResidentInput, on: date = date(2024, 1, 2)) -> int:
    with db.transaction(f"新增居民 {data.name}") as s:
        return residents.register_resident(s, data, on_date=on)


# --- registering --------------------------------------------------------------------------------


def test_register_derives_birth_date_and_sex_and_keeps_every_field(db: Database, town: Community) -> None:
    number = id_number(KUANCHENG, date(1958, 6, 1), 42)
    new_id = register(db, person(
        town.h101, "张秀英", number, "30", phone="0431-85551234", residence_type="常住",
        employment="离退休", groups=["空巢", "低保"], note="女儿在外地", ethnicity_code="03",
    ))
    got = detail(db, new_id)
    assert (got.name, got.id_number, got.birth_date, got.sex_code) == ("张秀英", number, date(1958, 6, 1), "2")
    assert (got.relation, got.ethnicity, got.phone, got.residence_type) == ("女", "回族", "0431-85551234", "常住")
    assert got.groups == ("低保", "空巢")
    assert (got.employment, got.note, got.status, got.household_id) == ("离退休", "女儿在外地", "在册", town.h101)
    assert got.address == "3号楼1单元101"
    assert got.id_number_masked == idnumber.mask(number)
    assert got.moved_in_on == date(2024, 1, 2)
    with db.reader() as s:
        kinds = s.scalars(select(Movement.kind).where(Movement.resident_id == new_id)).all()
    assert kinds == ["登记"]


def test_elders_registered_in_kuancheng_before_1983_are_accepted(db: Database, town: Community) -> None:
    """宽城区 got its code 220103 in 1983; most of this community's elders were born before and carry
    it (the address code is where the number was issued). python-stdnum refuses such numbers; the
    service must not (fixed in idnumber.region_name)."""
    number = id_number(KUANCHENG, date(1936, 2, 14), 24)
    new_id = register(db, person(town.h102, "赵玉珍", number, "02"))
    assert detail(db, new_id).birth_date == date(1936, 2, 14)
    facts = idnumber.parse(number)
    assert facts.region_name == "吉林省长春市宽城区"
    assert idnumber.parse(number[:6] + number[8:17]).number == number  # the 15-digit form too


def test_an_unknown_region_code_is_a_message_not_a_crash(db: Database, town: Community) -> None:
    """A county code missing from a known province (229999) used to raise KeyError inside stdnum."""
    errors = errors_for(db, person(town.h102, "赵玉珍", id_number("229999", date(1990, 1, 1), 24), "02"))
    assert "229999" in errors["id_number"]


def test_registering_the_head_makes_them_head_of_the_household(db: Database, town: Community) -> None:
    new_id = register(db, person(town.h102, "刘德厚", id_number(KUANCHENG, date(1949, 10, 1), 11), "02"))
    with db.reader() as s:
        assert s.get(Household, town.h102).head_id == new_id
    assert detail(db, new_id).is_head


def test_without_id_number_the_birth_date_is_required(db: Database, town: Community) -> None:
    data = person(town.h102, "新生儿", "", "20")
    assert errors_for(db, data) == {"birth_date": "没有身份证号码时请填写出生日期。"}
    data.birth_date = date(2024, 3, 1)
    data.sex_code = "2"
    new_id = register(db, data)
    got = detail(db, new_id)
    assert (got.id_number, got.id_number_masked, got.birth_date, got.sex) == (None, "", date(2024, 3, 1), "女")


# --- validation, one message per field ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("张3", "姓名中不能有数字或标点（少数民族姓名的间隔号请用“·”）。"),
        ("张三，李四", "姓名中不能有数字或标点（少数民族姓名的间隔号请用“·”）。"),
        ("", "请填写姓名。"),
        ("   ", "请填写姓名。"),
        ("张" * 51, "姓名最多 50 个字，现在是 51 个。"),
    ],
)
def test_bad_names_are_refused_with_a_message(db: Database, town: Community, name: str, message: str) -> None:
    assert errors_for(db, person(town.h102, name, "", "02", birth_date=date(1960, 1, 1)))["name"] == message


def test_a_name_of_exactly_50_characters_is_accepted(db: Database, town: Community) -> None:
    name = "阿" * 50
    new_id = register(db, person(town.h102, name, "", "02", birth_date=date(1960, 1, 1)))
    assert detail(db, new_id).name == name


def test_birth_date_and_sex_must_agree_with_the_id_number(db: Database, town: Community) -> None:
    number = id_number(KUANCHENG, date(1985, 1, 1), 13)  # male
    errors = errors_for(db, person(town.h102, "周强", number, "02", birth_date=date(1985, 1, 2), sex_code="2"))
    assert errors["birth_date"] == "出生日期与身份证号码不一致（号码中为 1985-01-01）。"
    assert errors["sex_code"] == "性别与身份证号码不一致（号码中为男）。"


def test_id_number_errors_are_the_id_rules_messages(db: Database, town: Community) -> None:
    number = id_number(KUANCHENG, date(1985, 1, 1), 13)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert "校验位" in errors_for(db, person(town.h102, "周强", wrong, "02"))["id_number"]
    assert "17 位" in errors_for(db, person(town.h102, "周强", number[:17], "02"))["id_number"]


def test_duplicate_id_number_names_who_has_it(db: Database, town: Community) -> None:
    errors = errors_for(db, person(town.h102, "冒名", ZHANG_ID.lower(), "02"))
    assert errors["id_number"] == f"该身份证号码已登记给“张立春”（编号 {town.zhang}）。"
    # Their own number is no duplicate when a resident is edited.
    with db.reader() as s:
        residents.validate_resident(s, detail(db, town.zhang).as_input(), resident_id=town.zhang)


@pytest.mark.parametrize(
    ("phone", "fragment"),
    [("1380431000", "手机号码应为 11 位，现在是 10 位。"), ("138-0431", "电话号码格式不对"), ("电话", "电话号码格式不对"),
     ("1381234", "手机号码应为 11 位，现在是 7 位。"),  # not a landline: local numbers never begin with 1
     ("0431-05551234", "电话号码格式不对")],
)
def test_wrong_phone_is_refused(db: Database, town: Community, phone: str, fragment: str) -> None:
    data = person(town.h102, "周强", "", "02", birth_date=date(1960, 1, 1), phone=phone)
    assert fragment in errors_for(db, data)["phone"]


@pytest.mark.parametrize("phone", ["13804310001", "１３８０４３１０００１", "+8613804310001", "0431-85551234", "85551234"])
def test_good_phones_are_accepted_and_cleaned(db: Database, town: Community, phone: str) -> None:
    new_id = register(db, person(town.h102, "周强", "", "02", birth_date=date(1960, 1, 1), phone=phone))
    assert detail(db, new_id).phone in ("13804310001", "0431-85551234", "85551234")


def test_unknown_group_is_refused(db: Database, town: Community) -> None:
    data = person(town.h102, "周强", "", "02", birth_date=date(1960, 1, 1), groups=["独居", "富豪"])
    assert errors_for(db, data) == {"groups": "未知的人群类别：富豪。"}


def test_second_head_is_refused(db: Database, town: Community) -> None:
    data = person(town.h101, "张二", "", "02", birth_date=date(1960, 1, 1))
    assert errors_for(db, data) == {"relation_code": "该户已有户主；如需更换户主，请使用“变更户主”。"}


def test_codes_household_and_relation_are_checked(db: Database, town: Community) -> None:
    data = ResidentInput(name="周强", birth_date=date(1960, 1, 1), ethnicity_code="99", residence_type="暂住",
                         sex_code="7")
    errors = errors_for(db, data)
    assert errors == {
        "sex_code": "性别代码无效。",
        "ethnicity_code": "请从列表中选择民族。",
        "residence_type": "居住类型只能是：户籍、常住、流动、人户分离。",
        "household_id": "请选择所在户。",
        "relation_code": "请选择与户主关系。",
    }


def test_birth_date_in_the_future_is_refused(db: Database, town: Community) -> None:
    data = person(town.h102, "周强", "", "02", birth_date=date(2999, 1, 1))
    assert errors_for(db, data) == {"birth_date": "出生日期不能晚于今天。"}


def test_all_errors_come_at_once_and_nothing_is_written(db: Database, town: Community) -> None:
    before = (count(db, Resident), count(db, ChangeSet), count(db, Movement))
    bad = person(town.h101, "张3", ZHANG_ID, "02", phone="123", groups=["富豪"])
    with pytest.raises(ValidationError) as caught, db.transaction("新增居民 张3") as s:
        residents.register_resident(s, bad)
    assert set(caught.value.errors) == {"name", "id_number", "phone", "groups", "relation_code"}
    assert (count(db, Resident), count(db, ChangeSet), count(db, Movement)) == before


# --- rare characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("𠀀", "𠀀"),  # CJK Extension B, U+20000
        ("王𪚥", "王𪚥"),  # U+2A6A5
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),  # a bullet typed for the middle dot
        ("阿依古丽・吐尔逊", "阿依古丽·吐尔逊"),  # the katakana middle dot
        (" 刘 德 厚 ", "刘德厚"),
    ],
)
def test_rare_characters_and_middle_dots_round_trip(db: Database, town: Community, typed: str, stored: str) -> None:
    new_id = register(db, person(town.h102, typed, "", "02", birth_date=date(1960, 1, 1)))
    assert detail(db, new_id).name == stored
    with db.reader() as s:
        assert s.scalar(select(Resident.id).where(Resident.name == stored)) == new_id


# --- editing --------------------------------------------------------------------------------------


def test_edit_saves_changes_and_bumps_the_version(db: Database, town: Community) -> None:
    before = detail(db, town.li)
    data = before.as_input()
    data.phone = "13904310002"
    data.groups = ["残疾"]
    with db.transaction("修改居民 李桂兰") as s:
        residents.update_resident(s, town.li, data, expected_version=before.version)
    after = detail(db, town.li)
    assert (after.phone, after.groups) == ("13904310002", ("残疾",))
    assert after.version == before.version + 1


def test_stale_edit_is_refused_with_the_services_message(db: Database, town: Community) -> None:
    opened = detail(db, town.li)
    other = opened.as_input()
    other.phone = "13904310002"
    with db.transaction("修改居民 李桂兰") as s:
        residents.update_resident(s, town.li, other, expected_version=opened.version)
    mine = opened.as_input()
    mine.note = "我的修改"
    with pytest.raises(DomainError, match="在您编辑期间已被别人修改"), db.transaction("修改居民 李桂兰") as s:
        residents.update_resident(s, town.li, mine, expected_version=opened.version)
    assert detail(db, town.li).note == ""


def test_the_head_cannot_stop_being_head_by_an_edit(db: Database, town: Community) -> None:
    data = detail(db, town.zhang).as_input()
    data.relation_code = "11"
    with pytest.raises(ValidationError) as caught, db.transaction("修改居民 张立春") as s:
        residents.update_resident(s, town.zhang, data)
    assert caught.value.errors == {"relation_code": "此人是户主；如需更换户主，请使用“变更户主”。"}
    # validate says so too (a form checks each field as it is left, before saving)
    with db.reader() as s, pytest.raises(ValidationError) as caught:
        residents.validate_resident(s, data, resident_id=town.zhang)
    assert caught.value.errors == {"relation_code": "此人是户主；如需更换户主，请使用“变更户主”。"}


def test_the_household_is_not_changed_by_an_edit(db: Database, town: Community) -> None:
    data = detail(db, town.son).as_input()
    data.household_id = town.h102
    with pytest.raises(DomainError, match="迁到其他户"), db.transaction("修改居民 张伟") as s:
        residents.update_resident(s, town.son, data)


# --- moving, moving out, death ---------------------------------------------------------------------


def test_move_to_another_household(db: Database, town: Community) -> None:
    with db.transaction("转户 张伟") as s:
        residents.move_to_household(s, town.son, town.h102, relation_code="02", on_date=date(2024, 5, 1))
    got = detail(db, town.son)
    assert (got.household_id, got.relation, got.is_head) == (town.h102, "户主", True)
    with db.reader() as s:
        move = s.scalars(select(Movement).where(Movement.resident_id == town.son, Movement.kind == "转户")).one()
    assert (move.from_household_id, move.to_household_id, move.on_date) == (town.h101, town.h102, date(2024, 5, 1))


def test_move_refuses_the_same_household_a_second_head_and_a_bad_date(db: Database, town: Community) -> None:
    cases = [
        (town.h101, "20", date(2024, 5, 1), "household_id"),
        (town.h301, "02", date(2024, 5, 1), "relation_code"),
        (town.h102, "20", date(2019, 1, 1), "on_date"),  # before 登记 on 2020-05-01
        (town.h102, "20", date(2999, 1, 1), "on_date"),
    ]
    for household_id, relation, on, field in cases:
        with pytest.raises(ValidationError) as caught, db.transaction("转户 张伟") as s:
            residents.move_to_household(s, town.son, household_id, relation_code=relation, on_date=on)
        assert field in caught.value.errors
    assert detail(db, town.son).household_id == town.h101


def test_move_out_keeps_the_record_and_frees_the_head_post(db: Database, town: Community) -> None:
    people = count(db, Resident)
    with db.transaction("登记迁出 张立春") as s:
        residents.move_out(s, town.zhang, on_date=date(2024, 6, 1), note="随子女去大连")
    got = detail(db, town.zhang)
    assert (got.status, got.moved_out_on, got.is_head) == ("已迁出", date(2024, 6, 1), False)
    with db.reader() as s:
        assert s.get(Household, town.h101).head_id is None
    assert count(db, Resident) == people
    with pytest.raises(DomainError, match="已迁出"), db.transaction("登记死亡 张立春") as s:
        residents.record_death(s, town.zhang, on_date=date(2024, 7, 1))


def test_death_keeps_the_record(db: Database, town: Community) -> None:
    people = count(db, Resident)
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 2, 3))
    got = detail(db, town.wang)
    assert (got.status, got.died_on) == ("已故", date(2024, 2, 3))
    assert count(db, Resident) == people
    data = got.as_input()
    data.note = "改"
    with pytest.raises(DomainError, match="不能再修改"), db.transaction("修改居民 王淑芬") as s:
        residents.update_resident(s, town.wang, data)


def test_nobody_is_ever_hard_deleted(db: Database, town: Community) -> None:
    people = count(db, Resident)
    with db.transaction("转户 张伟") as s:
        residents.move_to_household(s, town.son, town.h102, relation_code="02", on_date=date(2024, 5, 1))
    with db.transaction("登记迁出 李桂兰") as s:
        residents.move_out(s, town.li, on_date=date(2024, 6, 1))
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 7, 1))
    assert count(db, Resident) == people
    with db.reader() as s:
        statuses = dict(s.execute(select(Resident.name, Resident.status)).all())
    assert statuses == {"张立春": "在册", "李桂兰": "已迁出", "张伟": "在册", "王淑芬": "已故"}


# --- history --------------------------------------------------------------------------------------


def test_history_lists_events_and_changes_with_the_id_number_masked(db: Database, town: Community) -> None:
    data = detail(db, town.li).as_input()
    new_number = id_number(KUANCHENG, date(1952, 8, 30), 42)
    data.id_number = new_number
    data.groups = ["空巢"]
    with db.transaction("修改居民 李桂兰") as s:
        residents.update_resident(s, town.li, data)
    with db.transaction("登记迁出 李桂兰") as s:
        residents.move_out(s, town.li, on_date=date(2024, 6, 1))
    with db.reader() as s:
        entries = residents.history(s, town.li)
    texts = "\n".join(f"{e.kind} {e.text}" for e in entries)
    assert f"身份证号码：{idnumber.mask(LI_ID)} → {idnumber.mask(new_number)}" in texts
    assert LI_ID not in texts and new_number not in texts
    assert "加入人群类别：空巢" in texts
    assert "迁出日期：（空） → 2024-06-01" in texts
    kinds = [e.kind for e in entries]
    assert kinds[0] == "登记迁出 李桂兰"  # newest first
    assert kinds[-1] == "登记"
    assert "修改居民 李桂兰" in kinds


def test_history_speaks_chinese_and_names_households_by_address(db: Database, town: Community) -> None:
    with db.transaction("转户 张伟") as s:
        residents.move_to_household(s, town.son, town.h102, relation_code="02", on_date=date(2024, 5, 1))
    with db.transaction("登记死亡 张伟") as s:
        residents.record_death(s, town.son, on_date=date(2024, 6, 1))
    with db.reader() as s:
        texts = "\n".join(e.text for e in residents.history(s, town.son))
    assert "所在户：3号楼1单元101 → 3号楼1单元102" in texts
    assert "从 3号楼1单元101 转到 3号楼1单元102" in texts  # the 转户 event itself
    assert "登记到 3号楼1单元101" in texts
    assert "与户主关系：子 → 户主" in texts
    assert "死亡日期：（空） → 2024-06-01" in texts
    assert not re.search(r"[a-z_]{3,}", texts), texts  # no column names such as died_on


def test_notes_keep_their_line_breaks_and_long_text_is_refused(db: Database, town: Community) -> None:
    """Notes used to be folded onto one line; over-long text fitted SQLite but not the columns
    (PostgreSQL refuses it)."""
    data = person(town.h102, "刘德厚", "", "02", birth_date=date(1949, 1, 1),
                  note="  女儿：13804310009 \r\n\r\n\r\n 每周二  送药 ")
    new_id = register(db, data)
    assert detail(db, new_id).note == "女儿：13804310009\n\n每周二 送药"
    long = person(town.h102, "刘德厚", "", "10", birth_date=date(1949, 1, 1), note="记" * 501,
                  employment="岗" * 51)
    assert errors_for(db, long) == {
        "employment": "就业状况最多 50 个字，现在是 51 个。",
        "note": "备注最多 500 个字，现在是 501 个。",
    }


def test_an_event_cannot_be_dated_before_the_last_recorded_event(db: Database, town: Community) -> None:
    with db.transaction("转户 张伟") as s:
        residents.move_to_household(s, town.son, town.h102, relation_code="02", on_date=date(2024, 5, 1))
    with pytest.raises(ValidationError, match="不能早于上一次记录（2024-05-01 转户）"), db.transaction("迁出") as s:
        residents.move_out(s, town.son, on_date=date(2024, 4, 30))
    with db.reader() as s:
        assert s.get(Resident, town.son).status == "在册"
