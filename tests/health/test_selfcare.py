"""老年人生活自理能力评估: recording (scores, total, level, dates), history, permissions, undo."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health import codes, selfcare
from chang_shan.health.shapes import SelfCareInput
from chang_shan.population import residents, undo
from tests.health.office import HealthOffice, cases, check_action, everything, matrix

TODAY = date(2025, 1, 1)


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    health_db.actor = health_office.actors["worker_h"]
    return health_db


def record(db: Database, resident_id: int, data: SelfCareInput) -> selfcare.SelfCareDetail:
    with db.transaction("生活自理能力评估") as s:
        return selfcare.record_self_care(s, resident_id, data, today=TODAY)


def history(db: Database, resident_id: int) -> list[selfcare.SelfCareDetail]:
    with db.reader() as s:
        return selfcare.self_care_history(s, resident_id)


@pytest.mark.parametrize(("scores", "total", "level"), [
    ({}, 0, "可自理"),
    ({"grooming": 3}, 3, "可自理"),
    ({"grooming": 1, "eating": 3}, 4, "轻度依赖"),
    ({"eating": 3, "dressing": 5}, 8, "轻度依赖"),
    ({"eating": 3, "grooming": 1, "dressing": 5}, 9, "中度依赖"),
    ({"eating": 3, "toileting": 10, "activity": 5}, 18, "中度依赖"),
    ({"grooming": 7, "dressing": 5, "toileting": 1, "activity": 5, "eating": 3}, 21, "不能自理"),
    ({"eating": 5, "grooming": 7, "dressing": 5, "toileting": 10, "activity": 10}, 37, "不能自理"),
])
def test_the_total_and_level_are_computed(
    db: Database, health_office: HealthOffice, scores: dict[str, int], total: int, level: str,
) -> None:
    detail = record(db, health_office.town.li, SelfCareInput(date(2024, 12, 1), **scores))
    assert (detail.total, detail.level) == (total, level)
    assert all(getattr(detail, field) == scores.get(field, 0) for field in selfcare.ITEM_FIELDS)
    assert history(db, health_office.town.li) == [detail]


def test_no_date_means_today_and_text_is_cleaned(db: Database, health_office: HealthOffice) -> None:
    detail = record(db, health_office.town.li, SelfCareInput(assessor="  社区  医生 𠀀 ", note="上午\t评估"))
    assert detail.assessed_on == TODAY
    assert (detail.assessor, detail.note) == ("社区 医生 𠀀", "上午 评估")


def test_history_is_newest_first_and_the_latest_is_the_newest(db: Database, health_office: HealthOffice) -> None:
    wang = health_office.town.wang  # assessed 2024-03-01 in the office (total 6)
    later = record(db, wang, SelfCareInput(date(2024, 11, 5), eating=3, grooming=3, toileting=5))
    earlier = record(db, wang, SelfCareInput(date(2023, 6, 1)))
    same_day = record(db, wang, SelfCareInput(date(2024, 11, 5), eating=5, grooming=7))
    dates = [d.assessed_on for d in history(db, wang)]
    assert dates == [date(2024, 11, 5), date(2024, 11, 5), date(2024, 3, 1), date(2023, 6, 1)]
    assert [d.id for d in history(db, wang)][:2] == [same_day.id, later.id]
    assert history(db, wang)[-1] == earlier
    with db.reader() as s:
        assert selfcare.latest_self_care(s, wang) == same_day
        assert selfcare.latest_self_care(s, health_office.town.li) is None
        assert selfcare.self_care_history(s, health_office.town.li) == []


BAD = [
    ("eating", SelfCareInput(eating=1), "进餐的评分只能是 0、3、5 之一"),
    ("grooming", SelfCareInput(grooming=5), "梳洗的评分只能是 0、1、3、7 之一"),
    ("dressing", SelfCareInput(dressing=-3), "穿衣的评分只能是 0、3、5 之一"),
    ("toileting", SelfCareInput(toileting=2), "如厕的评分只能是 0、1、5、10 之一"),
    ("activity", SelfCareInput(activity="5"), "活动的评分只能是"),  # type: ignore[arg-type]
    ("activity", SelfCareInput(activity=True), "活动的评分只能是"),
    ("assessed_on", SelfCareInput(date(2025, 1, 2)), "评估日期不能晚于今天"),
    ("assessed_on", SelfCareInput(date(1952, 8, 29)), "评估日期不能早于出生日期"),
    ("assessor", SelfCareInput(assessor="人" * 51), "评估人最多 50 个字"),
    ("note", SelfCareInput(note="注" * 201), "备注最多 200 个字"),
]


@pytest.mark.parametrize(("field", "data", "message"), BAD, ids=[f"{f}-{i}" for i, (f, _d, _m) in enumerate(BAD)])
def test_bad_input_is_refused_before_anything_is_written(
    db: Database, health_office: HealthOffice, field: str, data: SelfCareInput, message: str,
) -> None:
    before = everything(db)
    with pytest.raises(ValidationError) as exc:
        record(db, health_office.town.li, data)  # 李桂兰, born 1952-08-30
    assert list(exc.value.errors) == [field] and message in exc.value.errors[field]
    assert everything(db) == before


def test_every_score_the_form_offers_is_accepted(db: Database, health_office: HealthOffice) -> None:
    for field, _item, choices in codes.SELF_CARE_ITEMS:
        for score, _text in choices:
            assert getattr(record(db, health_office.town.li, SelfCareInput(**{field: score})), field) == score


def test_residents_who_left_keep_their_history_but_get_no_new_assessment(
    db: Database, health_office: HealthOffice,
) -> None:
    wang = health_office.town.wang
    db.actor = health_office.actors["admin_h"]
    with db.transaction("登记死亡 王淑芬") as s:
        residents.record_death(s, wang, on_date=date(2024, 7, 1))
    assert len(history(db, wang)) == 1
    before = everything(db)
    with pytest.raises(DomainError, match="^已故的居民不能修改健康档案。$"):
        record(db, wang, SelfCareInput(date(2024, 6, 1)))
    assert everything(db) == before


def test_unknown_resident(db: Database) -> None:
    with db.reader() as s:
        for call in (selfcare.self_care_history, selfcare.latest_self_care):
            with pytest.raises(NotFound):
                call(s, 9999)
    with pytest.raises(NotFound), db.transaction("评估") as s:
        selfcare.record_self_care(s, 9999, SelfCareInput())


def test_undo_removes_the_assessment(db: Database, health_office: HealthOffice) -> None:
    wang = health_office.town.wang
    before = history(db, wang)
    record(db, wang, SelfCareInput(date(2024, 12, 1), activity=10))
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "生活自理能力评估"
    assert history(db, wang) == before


#                      admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
MATRIX = matrix("""
record_self_care       no    yes     no     yes      yes        no           no       no
self_care_history      no    yes     no     yes      yes        no           yes      no
latest_self_care       no    yes     no     yes      yes        no           yes      no
""")

RUN = {
    "record_self_care": (lambda s, o: selfcare.record_self_care(s, o.town.wang, SelfCareInput(eating=3)), None),
    "self_care_history": (lambda s, o: selfcare.self_care_history(s, o.town.wang),
                          lambda r, o: [d.total for d in r] == [6]),
    "latest_self_care": (lambda s, o: selfcare.latest_self_care(s, o.town.wang), lambda r, o: r.total == 6),
}


@pytest.mark.parametrize(("action", "role", "expected"), cases(MATRIX))
def test_role_against_self_care_service(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str,
) -> None:
    check_action(health_db, health_office, role, expected, *RUN[action])
