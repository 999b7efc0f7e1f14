"""The points bank at the counter: redemption numbers, the running balance, never below zero,
stock never negative, refusals that write nothing, adjustments and the catalogue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.db.models.volunteers import VolunteerRedemption, VolunteerRedemptionLine, VolunteerRewardItem
from chang_shan.errors import DomainError, ValidationError
from chang_shan.volunteers import points, queries
from tests.volunteers.office import TODAY, balance_facts, give


def stock(db, item_id: int) -> int:  # noqa: ANN001
    with db.reader() as s:
        return s.scalar(select(VolunteerRewardItem.stock).where(VolunteerRewardItem.id == item_id))


def counts(db) -> tuple[int, int]:  # noqa: ANN001
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(VolunteerRedemption)),
                s.scalar(select(func.count()).select_from(VolunteerRedemptionLine)))


def test_a_redemption_and_its_receipt(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.zhang_wei, 130)
    with vdb.transaction("积分兑换") as s:
        result = points.redeem(s, world.zhang_wei, [(world.rice, 1), (world.towel, 2), (world.towel, 1)], today=TODAY)
    assert (result.number, result.total, result.balance_after) == ("DH2025-0001", 80, 50)
    assert [(line.name, line.quantity, line.points_each, line.points) for line in result.lines] == [
        ("大米（5kg）", 1, 50, 50), ("毛巾", 3, 10, 30)]
    assert (result.volunteer_number, result.volunteer_name) == ("CSV-00001", "张伟")
    assert stock(vdb, world.rice) == 1 and stock(vdb, world.towel) == 97
    assert balance_facts(vdb, world.zhang_wei) == (50, 50, 50)
    with vdb.reader() as s:
        assert [(e.kind, e.points, e.balance_after) for e in queries.ledger(s, world.zhang_wei)] == [
            ("调整", 130, 130), ("兑换", -80, 50)]
        assert queries.redemption_detail(s, "dh2025-0001") == result
        with pytest.raises(DomainError, match="没有编号为 DH2025-0009 的兑换记录"):
            queries.redemption_detail(s, "DH2025-0009")


def test_numbers_count_per_year(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.student, 100)
    numbers = []
    for day in (date(2025, 3, 1), date(2025, 3, 20), date(2026, 1, 2)):
        with vdb.transaction("积分兑换") as s:
            numbers.append(points.redeem(s, world.student, [(world.towel, 1)], today=day).number)
    assert numbers == ["DH2025-0001", "DH2025-0002", "DH2026-0001"]
    with vdb.reader() as s:
        assert [r.number for r in queries.redemptions(s, year=2025)] == ["DH2025-0002", "DH2025-0001"]


def test_short_points_write_nothing(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.zhang_wei, 55)
    with pytest.raises(DomainError) as refused, vdb.transaction("积分兑换") as s:
        points.redeem(s, world.zhang_wei, [(world.rice, 1), (world.towel, 1)], today=TODAY)
    assert refused.value.message == "积分不足：张伟（CSV-00001）现有积分 55，本次兑换需要 60 分。"
    assert counts(vdb) == (0, 0)
    assert stock(vdb, world.rice) == 2 and stock(vdb, world.towel) == 100
    assert balance_facts(vdb, world.zhang_wei) == (55, 55, 55)


def test_short_stock_writes_nothing(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.zhang_wei, 500)
    with pytest.raises(DomainError) as refused, vdb.transaction("积分兑换") as s:
        points.redeem(s, world.zhang_wei, [(world.towel, 1), (world.rice, 3)], today=TODAY)
    assert refused.value.message == "库存不足：大米（5kg）现有 2袋，本次要兑换 3袋。"
    assert counts(vdb) == (0, 0)
    assert stock(vdb, world.rice) == 2 and stock(vdb, world.towel) == 100  # the towel claimed first: rolled back
    assert balance_facts(vdb, world.zhang_wei) == (500, 500, 500)
    with vdb.transaction("积分兑换") as s:
        points.redeem(s, world.zhang_wei, [(world.rice, 2)], today=TODAY)
    assert stock(vdb, world.rice) == 0
    with pytest.raises(DomainError, match="库存不足：大米（5kg）现有 0袋"), vdb.transaction("积分兑换") as s:
        points.redeem(s, world.zhang_wei, [(world.rice, 1)], today=TODAY)
    assert stock(vdb, world.rice) == 0 and balance_facts(vdb, world.zhang_wei) == (400, 400, 400)


def test_bad_lines_and_items_taken_off_the_counter(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.zhang_wei, 100)
    with vdb.transaction("积分兑换") as s:
        with pytest.raises(ValidationError, match="请选择要兑换的物品"):
            points.redeem(s, world.zhang_wei, [], today=TODAY)
        with pytest.raises(ValidationError, match="数量应为大于 0 的整数"):
            points.redeem(s, world.zhang_wei, [(world.towel, 0)], today=TODAY)
    with vdb.transaction("下架") as s:
        item = s.get(VolunteerRewardItem, world.towel)
        points.update_item(s, world.towel, item.version, name="毛巾", unit="条", points=10, active=False)
    with pytest.raises(DomainError, match="“毛巾”已下架"), vdb.transaction("积分兑换") as s:
        points.redeem(s, world.zhang_wei, [(world.towel, 1)], today=TODAY)
    with vdb.reader() as s:
        assert [i.name for i in queries.catalogue(s)] == ["大米（5kg）"]
        assert len(queries.catalogue(s, active_only=False)) == 2


def test_adjustments_never_below_zero(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.liu, 20)
    with pytest.raises(DomainError, match="积分不足：刘明（CSV-00002）现有积分 20，不能扣减 21 分"):
        with vdb.transaction("调整积分") as s:
            points.adjust(s, world.liu, -21, "录入错误冲减", today=TODAY)
    with vdb.transaction("调整积分") as s:
        with pytest.raises(ValidationError, match="请填写调整原因"):
            points.adjust(s, world.liu, -5, " ", today=TODAY)
        with pytest.raises(ValidationError, match="不等于 0 的整数"):
            points.adjust(s, world.liu, 0, "无", today=TODAY)
        assert points.adjust(s, world.liu, -20, "录入错误冲减", today=TODAY) == 0
    assert balance_facts(vdb, world.liu) == (0, 0, 0)


def test_the_catalogue(vdb, world) -> None:  # noqa: ANN001
    with vdb.transaction("兑换物品") as s:
        with pytest.raises(ValidationError) as refused:
            points.add_item(s, "毛巾", "条", 0, -1)
        assert set(refused.value.errors) == {"name", "points"}
        oil = points.add_item(s, "食用油（5L）", "桶", 60, 5)
        assert points.restock(s, oil, 10) == 15
        assert points.restock(s, oil, -3) == 12
        with pytest.raises(DomainError, match="库存不足：食用油（5L）现有 12桶，不能减少 13桶"):
            points.restock(s, oil, -13)
    assert stock(vdb, oil) == 12


def test_rules_cannot_start_before_a_later_one(vdb, world) -> None:  # noqa: ANN001
    with vdb.transaction("积分规则") as s:
        with pytest.raises(ValidationError, match="已有自 2025-03-01 起的规则"):
            points.set_rule(s, "关爱老人", 9, 0, date(2025, 2, 1))
        with pytest.raises(ValidationError, match="不小于 0 的整数"):
            points.set_rule(s, "清雪", -1, 0, date(2025, 2, 1))
        points.set_rule(s, "清雪", 8, 0, date(2024, 11, 1))
        assert [r.text for r in queries.rules(s, date(2025, 1, 1)) if r.kind == "清雪"] == ["每小时 8 分"]
        assert "清雪" in queries.service_kinds(s, TODAY)
