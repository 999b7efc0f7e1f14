"""Service records count only once confirmed: no ledger entry while 待确认 or 已退回, exactly one on
confirmation (by the rule in force on the day served), never a second; the hours rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.db.models.volunteers import VolunteerPointEntry, VolunteerPointRule, VolunteerService
from chang_shan.errors import DomainError, ValidationError
from chang_shan.volunteers import queries, service_records
from chang_shan.volunteers.service_records import check_hours
from tests.volunteers.office import TODAY, balance_facts, confirm, record, service


def entries(db, service_id: int) -> int:  # noqa: ANN001
    with db.reader() as s:
        return s.scalar(select(func.count()).where(VolunteerPointEntry.service_id == service_id))


def test_a_record_earns_nothing_until_confirmed(vdb, world) -> None:  # noqa: ANN001
    sid = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10), hours="2.5"))
    with vdb.reader() as s:
        [row] = queries.services(s, volunteer_id=world.zhang_wei)
        assert (row.status, row.hours, row.points, row.entered_by) == ("待确认", Decimal("2.5"), None, "system")
        assert queries.ledger(s, world.zhang_wei) == []
        assert queries.volunteers(s, text="张伟")[0].hours == Decimal("0.0")
    assert entries(vdb, sid) == 0 and balance_facts(vdb, world.zhang_wei) == (0, 0, None)

    assert confirm(vdb, sid) == 25  # 10 per hour since 2025-03-01
    assert entries(vdb, sid) == 1
    assert balance_facts(vdb, world.zhang_wei) == (25, 25, 25)
    with vdb.reader() as s:
        [row] = queries.services(s, volunteer_id=world.zhang_wei)
        assert (row.status, row.points, row.confirmed_by, row.confirmed_on) == ("已确认", 25, "system", TODAY)
        [entry] = queries.ledger(s, world.zhang_wei)
        assert (entry.kind, entry.points, entry.balance_after, entry.service_id) == ("服务积分", 25, 25, sid)
        assert queries.volunteers(s, text="张伟")[0].hours == Decimal("2.5")

    with pytest.raises(DomainError, match="不能重复确认"):
        confirm(vdb, sid)
    assert entries(vdb, sid) == 1 and balance_facts(vdb, world.zhang_wei) == (25, 25, 25)


def test_a_returned_record_earns_nothing_and_cannot_be_confirmed(vdb, world) -> None:  # noqa: ANN001
    sid = record(vdb, service(world.liu, world.patrol, date(2025, 3, 12), kind="巡逻", hours="3"))
    with vdb.transaction("退回志愿服务") as s:
        with pytest.raises(ValidationError, match="请填写退回原因"):
            service_records.return_service(s, sid, 1, "  ")
        service_records.return_service(s, sid, 1, "服务时长含往返路途时间，请核减")
    assert entries(vdb, sid) == 0
    with pytest.raises(DomainError, match="已退回"):
        confirm(vdb, sid)
    assert entries(vdb, sid) == 0 and balance_facts(vdb, world.liu) == (0, 0, None)
    # corrected, it goes back to 待确认 and then counts
    with vdb.transaction("修改志愿服务") as s:
        service_records.update_service(s, sid, 2, service(world.liu, world.patrol, date(2025, 3, 12), kind="巡逻",
                                                           hours="2.5"), today=TODAY)
        assert queries.service(s, sid).status == "待确认" and queries.service(s, sid).return_reason == ""
    assert confirm(vdb, sid) == 13  # 5 × 2.5 = 12.5, half up
    assert balance_facts(vdb, world.liu) == (13, 13, 13)


def test_the_rule_in_force_on_the_day_served(vdb, world) -> None:  # noqa: ANN001
    before = record(vdb, service(world.zhang_wei, world.care, date(2025, 2, 28), hours="1.5"))
    after = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 1), hours="1.5"))
    errand = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 2), kind="代购", hours="0.5",
                                 content="为王淑芬代购药品"))
    assert [confirm(vdb, i) for i in (before, after, errand)] == [12, 15, 5]
    with vdb.reader() as s:
        assert [e.balance_after for e in queries.ledger(s, world.zhang_wei)] == [12, 27, 32]
        old = s.scalars(select(VolunteerPointRule).where(VolunteerPointRule.kind == "关爱老人")
                        .order_by(VolunteerPointRule.start_on)).all()
        assert [(r.start_on, r.end_on) for r in old] == [(date(2024, 1, 1), date(2025, 2, 28)), (date(2025, 3, 1), None)]
        assert [r.text for r in queries.rules(s, date(2025, 2, 28)) if r.kind == "关爱老人"] == ["每小时 8 分"]
    assert balance_facts(vdb, world.zhang_wei) == (32, 32, 32)


def test_a_kind_without_a_rule_that_day_is_refused(vdb, world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10), kind="清雪"))
    assert "没有有效的积分规则" in refused.value.errors["kind"]
    with pytest.raises(ValidationError) as refused:
        record(vdb, service(world.zhang_wei, world.care, date(2023, 12, 31)))  # before the rule, and registration
    assert "登记日期" in refused.value.errors["served_on"]


@pytest.mark.parametrize(("hours", "problem"), [
    ("0", "服务时长必须大于 0"), ("-1", "服务时长必须大于 0"), ("24.5", "不能超过 24 小时"),
    ("1.25", "最多保留一位小数"), ("两小时", "请填写服务时长"), ("", "请填写服务时长"), ("nan", "请填写服务时长"),
])
def test_hours_are_checked_and_the_message_says_travel_time_does_not_count(hours: str, problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_hours(hours)
    message = refused.value.errors["hours"]
    assert problem in message and "不含往返路途时间" in message


def test_good_hours() -> None:
    assert check_hours("1.5") == Decimal("1.5")
    assert check_hours("24") == Decimal("24.0")
    assert check_hours(Decimal("0.1")) == Decimal("0.1")
    assert check_hours("2.50") == Decimal("2.5")
    assert "不含往返路途时间" in service_records.HOURS_LABEL


def test_a_record_in_the_future_or_beyond_24_hours_a_day_is_refused(vdb, world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 21)))
    assert refused.value.errors["served_on"] == "服务日期不能晚于今天：服务完成后再登记。"
    record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 15), hours="20"))
    with pytest.raises(ValidationError) as refused:
        record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 15), hours="4.5"))
    assert "一天合计不能超过 24 小时" in refused.value.errors["hours"]
    assert "路途" in refused.value.errors["hours"]
    record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 15), hours="4"))  # exactly 24
    with vdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(VolunteerService)) == 2


def test_every_problem_at_once_and_nothing_written(vdb, world) -> None:  # noqa: ANN001
    bad = service_records.ServiceInput(world.zhang_wei, world.care, date(2025, 3, 10), "", "", "", "30")
    with pytest.raises(ValidationError) as refused:
        record(vdb, bad)
    assert set(refused.value.errors) == {"hours", "kind", "content", "place"}
    with vdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(VolunteerService)) == 0


def test_a_stale_version_is_refused(vdb, world) -> None:  # noqa: ANN001
    sid = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10)))
    with vdb.transaction("退回") as s:
        service_records.return_service(s, sid, 1, "内容不清")
    with vdb.transaction("确认") as s, pytest.raises(DomainError, match="记录已被他人修改"):
        service_records.confirm(s, sid, 1, today=TODAY)


def test_confirm_many_is_all_or_nothing(vdb, world) -> None:  # noqa: ANN001
    a = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10), hours="1"))
    b = record(vdb, service(world.student, world.care, date(2025, 3, 11), hours="2"))
    c = record(vdb, service(world.liu, world.patrol, date(2025, 3, 11), kind="巡逻", hours="2"))
    confirm(vdb, c)
    with pytest.raises(DomainError, match="不是待确认"):
        with vdb.transaction("确认所选") as s:
            service_records.confirm_many(s, [a, b, c], today=TODAY)
    assert entries(vdb, a) == entries(vdb, b) == 0
    with vdb.transaction("确认所选") as s:
        assert service_records.confirm_many(s, [a, b], today=TODAY) == 30
    assert entries(vdb, a) == entries(vdb, b) == 1
    assert balance_facts(vdb, world.student) == (20, 20, 20)
