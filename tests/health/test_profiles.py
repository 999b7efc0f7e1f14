"""The health profile (个人基本信息表): reading, checking, saving, stale forms, residents who left,
who has a disease, permissions of every role, the audit trail and undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from chang_shan.audit import trail
from chang_shan.db.database import Database
from chang_shan.db.models.health import HealthCondition, HealthProfile
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health import profiles
from chang_shan.health.shapes import ConditionInput, ProfileInput
from chang_shan.population import residents, undo
from tests.health.office import HealthOffice, cases, check_action, everything, matrix

TODAY = date(2025, 1, 1)


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    """The health office copy, signed in as the 社区工作者 with the health permission."""
    health_db.actor = health_office.actors["worker_h"]
    return health_db


def full_profile() -> ProfileInput:
    return ProfileInput(
        blood_type="4", rh="2", payment=["8", "1"], payment_other=" 单位报销 ", allergies=["2", "5"],
        allergy_other="头孢", exposures=["1"], exposure_note="", genetic_disease="",
        disabilities=["2", "8"], disability_other="糖尿病足", marital_code="2", education_code="80",
        kitchen_code="2", fuel_code="3", water_code="1", toilet_code="3", livestock_code="1",
        family_doctor="  王  大夫 ", family_doctor_phone="１３９ ０４３１ ００７７", medication="硝苯地平\n\n\n\n二甲双胍",
        wandering_risk=True, note="",
        conditions=[
            ConditionInput("手术", "", "阑尾切除", date(1980, 7, 15)),
            ConditionInput("疾病", "6", "胃", date(2018, 4, 20), "已手术"),
            ConditionInput("疾病", "2", "", date(2010, 1, 1)),
        ],
        family_history={"母亲": ["3", "2", "2"], "父亲": ["7"], "子女": []},
    )


def save(db: Database, resident_id: int, data: ProfileInput, version: int | None) -> profiles.ProfileDetail:
    with db.transaction("修改健康档案") as s:
        return profiles.save_profile(s, resident_id, data, expected_version=version, today=TODAY)


def read(db: Database, resident_id: int) -> profiles.ProfileDetail:
    with db.reader() as s:
        return profiles.get_profile(s, resident_id, today=TODAY)


# --- reading --------------------------------------------------------------------------------


def test_a_resident_without_a_profile_reads_as_the_defaults(db: Database, health_office: HealthOffice) -> None:
    detail = read(db, health_office.town.li)
    assert (detail.exists, detail.version, detail.updated_at, detail.self_care) == (False, None, None, None)
    assert detail.data == ProfileInput() and detail.data.blood_type == "5" and detail.data.rh == "3"
    assert (detail.resident_name, detail.age) == ("李桂兰", 72)


def test_the_latest_self_care_assessment_comes_with_the_profile(db: Database, health_office: HealthOffice) -> None:
    detail = read(db, health_office.town.wang)
    assert not detail.exists
    assert detail.self_care is not None and (detail.self_care.total, detail.self_care.level) == (6, "轻度依赖")


def test_an_unknown_resident_is_not_found(db: Database) -> None:
    with db.reader() as s, pytest.raises(NotFound, match="该居民不存在"):
        profiles.get_profile(s, 9999)


# --- saving ---------------------------------------------------------------------------------


def test_a_new_profile_is_saved_cleaned_and_read_back(db: Database, health_office: HealthOffice) -> None:
    li = health_office.town.li
    saved = save(db, li, full_profile(), None)
    assert saved.exists and saved.version == 1 and saved.updated_at is not None
    data = saved.data
    assert data.payment == ["1", "8"] and data.payment_other == "单位报销"
    assert data.family_doctor == "王 大夫" and data.family_doctor_phone == "13904310077"
    assert data.medication == "硝苯地平\n\n二甲双胍"
    assert data.disabilities == ["2", "8"] and data.wandering_risk is True
    # 既往史: diseases first, by date; month precision (day 1).
    assert [(c.category, c.code, c.name, c.on_date) for c in data.conditions] == [
        ("疾病", "2", "", date(2010, 1, 1)), ("疾病", "6", "胃", date(2018, 4, 1)), ("手术", "", "阑尾切除", date(1980, 7, 1)),
    ]
    assert data.family_history == {"父亲": ["7"], "母亲": ["2", "3"]}
    assert read(db, li) == saved
    with db.reader() as s:
        assert profiles.validate_profile(s, full_profile(), resident_id=li, today=TODAY) == data


def test_an_update_replaces_the_lines_and_keeps_the_unchanged_ones(db: Database, health_office: HealthOffice) -> None:
    li = health_office.town.li
    first = save(db, li, full_profile(), None)
    with db.reader() as s:
        kept = s.scalar(select(HealthCondition.id).where(HealthCondition.resident_id == li,
                                                         HealthCondition.code == "2"))
    data = replace(first.data, blood_type="1", conditions=[first.data.conditions[0],
                                                           ConditionInput("输血", name="车祸失血", on_date=date(1999, 9, 1))],
                   family_history={"兄弟姐妹": ["1"]})
    second = save(db, li, data, first.version)
    assert second.version == 2 and second.data.blood_type == "1"
    assert [(c.category, c.code or c.name) for c in second.data.conditions] == [("疾病", "2"), ("输血", "车祸失血")]
    assert second.data.family_history == {"兄弟姐妹": ["1"]}
    with db.reader() as s:
        assert s.scalar(select(HealthCondition.id).where(HealthCondition.resident_id == li,
                                                         HealthCondition.code == "2")) == kept
    # Saving again unchanged still makes a new version (a form opened before it is stale).
    assert save(db, li, second.data, 2).version == 3


def test_a_stale_form_is_refused_and_nothing_is_written(db: Database, health_office: HealthOffice) -> None:
    zhang = health_office.town.zhang
    opened = read(db, zhang)
    save(db, zhang, replace(opened.data, blood_type="2"), opened.version)  # someone else saves first
    before = everything(db)
    with pytest.raises(DomainError, match="已被他人修改"):
        save(db, zhang, replace(opened.data, rh="1"), opened.version)
    with pytest.raises(DomainError, match="已被他人修改"):  # "no profile yet", but there is one
        save(db, zhang, opened.data, None)
    with pytest.raises(DomainError, match="已被他人修改"):  # a version, but there is no profile
        save(db, health_office.town.li, ProfileInput(), 1)
    assert everything(db) == before


def test_rare_characters_survive_and_count_as_one_character(db: Database, health_office: HealthOffice) -> None:
    rare = "𠀀"  # U+20000, CJK Extension B
    data = ProfileInput(family_doctor=rare * 50, medication=f"{rare}𪚥片 每日一次",
                        conditions=[ConditionInput("疾病", "13", f"{rare}病", date(2001, 2, 3))])
    saved = save(db, health_office.town.li, data, None)
    assert saved.data.family_doctor == rare * 50
    assert saved.data.medication == f"{rare}𪚥片 每日一次"
    assert saved.data.conditions[0].name == f"{rare}病"
    with db.reader() as s:
        assert s.get(HealthProfile, health_office.town.li).medication == f"{rare}𪚥片 每日一次"
        with pytest.raises(ValidationError, match="最多 50 个字，现在是 51 个") as exc:
            profiles.validate_profile(s, replace(data, family_doctor=rare * 51))
    assert set(exc.value.errors) == {"family_doctor"}


def test_other_text_is_dropped_when_other_is_not_chosen(db: Database) -> None:
    with db.reader() as s:
        clean = profiles.validate_profile(s, ProfileInput(allergies=["1"], allergy_other="头孢", payment=["2"],
                                                          payment_other="x", disabilities=[], disability_other="y"))
    assert (clean.allergy_other, clean.payment_other, clean.disability_other) == ("", "", "")


def _with(**changes: object) -> ProfileInput:
    return replace(ProfileInput(), **changes)


def _line(*args: object) -> ProfileInput:
    return ProfileInput(conditions=[ConditionInput(*args)])  # type: ignore[arg-type]


BAD = [
    ("blood_type", _with(blood_type="6"), "请从列表中选择血型"),
    ("blood_type", _with(blood_type=""), "请从列表中选择血型"),
    ("rh", _with(rh="0"), "请从列表中选择RH血型"),
    ("education_code", _with(education_code="11"), "文化程度"),
    ("livestock_code", _with(livestock_code="9"), "禽畜栏"),
    ("payment", _with(payment=["9"]), "无效的代码：9"),
    ("allergies", _with(allergies=["1", "2"]), "选了“无”，就不能再选其他项"),
    ("exposures", _with(exposures=["1", "4"]), "选了“无”"),
    ("disabilities", _with(disabilities=["1", "5"]), "选了“无残疾”"),
    ("allergy_other", _with(allergies=["5"]), "请填写其他过敏药物"),
    ("disability_other", _with(disabilities=["8"], disability_other="  "), "请填写其他残疾"),
    ("payment_other", _with(payment=["8"]), "请填写其他支付方式"),
    ("family_doctor_phone", _with(family_doctor_phone="139043100"), "手机号码应为 11 位，现在是 9 位"),
    ("family_doctor_phone", _with(family_doctor_phone="电话"), "电话号码格式不对"),
    ("medication", _with(medication="药" * 501), "用药情况最多 500 个字"),
    ("note", _with(note="注" * 501), "备注最多 500 个字"),
    ("genetic_disease", _with(genetic_disease="病" * 101), "遗传病史最多 100 个字"),
    ("payment_other", _with(payment=["8"], payment_other="其" * 51), "其他支付方式最多 50 个字"),
    ("conditions[0].category", _line("过敏", "", "青霉素"), "既往史的类别只能是"),
    ("conditions[0].code", _line("疾病", ""), "请选择疾病"),
    ("conditions[0].code", _line("疾病", "14"), "无效的疾病代码"),
    ("conditions[0].code", _line("疾病", "1"), "“无”不是一条既往史"),
    ("conditions[0].name", _line("疾病", "6"), "恶性肿瘤请填写肿瘤部位"),
    ("conditions[0].name", _line("疾病", "13", " "), "其他请填写疾病名称"),
    ("conditions[0].name", _line("手术"), "请填写手术的名称或原因"),
    ("conditions[0].name", _line("外伤", "", ""), "请填写外伤的名称或原因"),
    ("conditions[0].name", _line("输血"), "请填写输血的名称或原因"),
    ("conditions[0].name", _line("手术", "", "术" * 101), "名称最多 100 个字"),
    ("conditions[0].note", _line("疾病", "2", "", None, "注" * 201), "备注最多 200 个字"),
    ("conditions[0].on_date", _line("疾病", "2", "", date(2025, 2, 1)), "确诊时间不能晚于今天"),
    ("conditions[0].on_date", _line("手术", "", "骨折", date(1952, 7, 31)), "手术时间不能早于出生日期"),
    ("conditions[1]", ProfileInput(conditions=[ConditionInput("疾病", "2"), ConditionInput("疾病", "2")]), "重复"),
    ("family_history[叔叔]", _with(family_history={"叔叔": ["2"]}), "家族史只记录"),
    ("family_history[父亲]", _with(family_history={"父亲": ["13"]}), "无效的代码：13"),
    ("family_history[子女]", _with(family_history={"子女": ["1", "2"]}), "选了“无”"),
]


@pytest.mark.parametrize(("field", "data", "message"), BAD, ids=[f"{f}-{i}" for i, (f, _d, _m) in enumerate(BAD)])
def test_bad_input_is_refused_field_by_field_before_anything_is_written(
    db: Database, health_office: HealthOffice, field: str, data: ProfileInput, message: str,
) -> None:
    li = health_office.town.li  # born 1952-08-30
    before = everything(db)
    with pytest.raises(ValidationError) as exc:
        save(db, li, data, None)
    assert list(exc.value.errors) == [field]
    assert message in exc.value.errors[field]
    assert everything(db) == before


def test_dates_are_kept_to_the_month(db: Database, health_office: HealthOffice) -> None:
    """李桂兰 was born 1952-08-30: August 1952 is not before her birth; this month is not the future."""
    data = ProfileInput(conditions=[ConditionInput("疾病", "9", on_date=date(1952, 8, 2)),
                                    ConditionInput("疾病", "10", on_date=date(2025, 1, 31))])
    with db.reader() as s:
        clean = profiles.validate_profile(s, data, resident_id=health_office.town.li, today=TODAY)
    assert [c.on_date for c in clean.conditions] == [date(1952, 8, 1), date(2025, 1, 1)]


def test_residents_who_left_are_read_but_not_changed(db: Database, health_office: HealthOffice) -> None:
    town = health_office.town
    db.actor = health_office.actors["admin_h"]
    with db.transaction("登记迁出 张立春") as s:
        residents.move_out(s, town.zhang, on_date=date(2024, 6, 1))
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, town.wang, on_date=date(2024, 7, 1))
    zhang = read(db, town.zhang)
    assert zhang.exists and zhang.data.conditions[0].code == "2"
    assert read(db, town.wang).self_care is not None
    before = everything(db)
    with pytest.raises(DomainError, match="^已迁出的居民不能修改健康档案。$"):
        save(db, town.zhang, zhang.data, zhang.version)
    with pytest.raises(DomainError, match="^已故的居民不能修改健康档案。$"):
        save(db, town.wang, ProfileInput(), None)
    assert everything(db) == before


# --- who has a disease ----------------------------------------------------------------------


def test_residents_with_a_condition(db: Database, health_office: HealthOffice) -> None:
    town, liu = health_office.town, health_office.liu
    save(db, town.wang, ProfileInput(conditions=[ConditionInput("疾病", "2"), ConditionInput("疾病", "3")]), None)
    with db.reader() as s:
        assert profiles.residents_with_condition(s, "2") == sorted([town.zhang, town.wang])
        assert profiles.residents_with_condition(s, "3") == sorted([town.wang, liu])
        assert profiles.residents_with_condition(s, "9") == []
        for bad in ("1", "99", ""):
            with pytest.raises(ValidationError, match="请从列表中选择疾病"):
                profiles.residents_with_condition(s, bad)
    db.actor = health_office.actors["grid_own_h"]
    with db.reader() as s:
        assert profiles.residents_with_condition(s, "3") == [town.wang]  # 刘明 lives in grid 2


def test_an_operation_named_like_a_disease_is_not_that_disease(db: Database, health_office: HealthOffice) -> None:
    save(db, health_office.town.li, ProfileInput(conditions=[ConditionInput("手术", "2", "心脏支架")]), None)
    with db.reader() as s:
        assert health_office.town.li not in profiles.residents_with_condition(s, "2")
        assert s.scalar(select(HealthCondition.code).where(HealthCondition.name == "心脏支架")) == ""


# --- permissions ----------------------------------------------------------------------------

#                          admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
MATRIX = matrix("""
get_profile                no    yes     no     yes      yes        no           yes      no
validate_profile           no    yes     no     yes      yes        no           yes      no
residents_with_condition   no    yes     no     yes      yes        hid          yes      no
save_profile               no    yes     no     yes      yes        no           no       no
""")


def _save_zhang(s, o: HealthOffice) -> None:  # noqa: ANN001
    detail = profiles.get_profile(s, o.town.zhang)
    profiles.save_profile(s, o.town.zhang, replace(detail.data, blood_type="3"), expected_version=detail.version)


RUN = {
    "get_profile": (lambda s, o: profiles.get_profile(s, o.town.zhang), lambda r, o: r.data.conditions[0].code == "2"),
    "validate_profile": (lambda s, o: profiles.validate_profile(s, ProfileInput(rh="1"), resident_id=o.town.zhang),
                         lambda r, o: r.rh == "1"),
    "residents_with_condition": (lambda s, o: profiles.residents_with_condition(s, "2"),
                                 lambda r, o: o.town.zhang in r),
    "save_profile": (_save_zhang, None),
}


@pytest.mark.parametrize(("action", "role", "expected"), cases(MATRIX))
def test_role_against_profile_service(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str,
) -> None:
    check_action(health_db, health_office, role, expected, *RUN[action])


def test_an_administrator_without_the_health_permission_is_told_which(
    db: Database, health_office: HealthOffice,
) -> None:
    db.actor = health_office.actors["admin"]
    with db.reader() as s, pytest.raises(DomainError, match="没有“居民健康库”的权限"):
        profiles.get_profile(s, health_office.town.zhang)


# --- the audit trail and undo ---------------------------------------------------------------


def test_a_save_is_in_the_audit_trail_readable_only_with_the_health_permission(
    db: Database, health_office: HealthOffice,
) -> None:
    zhang = health_office.town.zhang
    detail = read(db, zhang)
    data = replace(detail.data, blood_type="3", family_doctor_phone="13904310077", allergies=["2", "5"],
                   allergy_other="头孢类",
                   conditions=[*detail.data.conditions, ConditionInput("疾病", "3", on_date=date(2020, 5, 1))])
    with db.transaction("修改健康档案 张立春") as s:
        profiles.save_profile(s, zhang, data, expected_version=detail.version)
    db.actor = health_office.actors["admin_h"]
    with db.reader() as s:
        newest = trail.list_entries(s, resident_id=zhang, limit=1)[0]
    assert (newest.action, newest.user, newest.resident_name) == ("修改健康档案 张立春", "nurse", "张立春")
    # codes in words, as on the paper form (not 血型：1 → 3, 药物过敏史：[] → ['2', '5'])
    assert "健康档案 #" in newest.summary and "血型：A型 → O型" in newest.summary
    assert "→ 青霉素、其他" in newest.summary and "其他过敏药物：（空） → 头孢类" in newest.summary
    assert "家庭医生电话：（空） → 139****0077" in newest.summary
    assert "新增既往史" in newest.summary and "疾病 糖尿病" in newest.summary
    db.actor = health_office.actors["admin"]
    with db.reader() as s:
        hidden = trail.list_entries(s, resident_id=zhang, limit=1)[0]
    assert hidden.id == newest.id
    assert "修改健康档案 #" in hidden.summary and "内容受限" in hidden.summary and "血型" not in hidden.summary


def test_undo_brings_back_the_profile_before_the_save(db: Database, health_office: HealthOffice) -> None:
    zhang, li = health_office.town.zhang, health_office.town.li
    opened = read(db, zhang)
    data = replace(opened.data, blood_type="3", conditions=[ConditionInput("手术", name="白内障", on_date=date(2022, 3, 1))],
                   family_history={"父亲": ["2"]})
    save(db, zhang, data, opened.version)
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "修改健康档案"
    back = read(db, zhang)
    assert back.data == opened.data and back.exists
    assert back.version is not None and back.version > opened.version  # type: ignore[operator]
    with pytest.raises(DomainError, match="已被他人修改"):  # the form saved before the undo is stale
        save(db, zhang, data, opened.version + 1)  # type: ignore[operator]
    # Undoing the first save removes the profile again.
    save(db, li, full_profile(), None)
    with db.transaction("撤销") as s:
        undo.undo_last(s)
    assert read(db, li).exists is False and read(db, li).data == ProfileInput()
