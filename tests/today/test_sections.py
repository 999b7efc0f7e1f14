"""The built-in sections on pinned days (the fake clock is ``on``), through the real health and
care services, and what each role sees of them."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import actor_for
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.settings import set_setting
from chang_shan.today import build_today
from chang_shan.today.shapes import TodayList
from tests.today.town import ON, Town

ALL = ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]
WITHOUT_HEALTH = ALL[1:]


def _today(db: Database, actor, on: date = ON) -> TodayList:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        return build_today(s, on)


def _items(today: TodayList, key: str) -> list[tuple]:
    section = today.section(key)
    assert section is not None, key
    return [(i.name, i.text, i.days_overdue) for i in section.items]


def _targets(today: TodayList, key: str) -> list[tuple[str, int] | None]:
    return [i.target for i in today.section(key).items]


def test_everything_for_a_health_worker(town: Town, town_db: Database) -> None:
    today = _today(town_db, town.actors["nurse"])
    assert [s.key for s in today.sections][:4] == ALL  # later ledgers' sections follow
    assert [s.title for s in today.sections][:4] == ["逾期随访", "久未走访", "本月高龄生日", "无包保人的老人"]
    assert _items(today, "overdue_visits") == [
        ("张立春", "高血压随访 逾期 81 天（应于 2026-09-01）", 81),
        ("刘明", "高血压随访 逾期 20 天（应于 2026-11-01）", 20),
        ("赵德福", "糖尿病随访 尚无随访记录", 0),
    ]
    people = town.people
    assert _targets(today, "overdue_visits") == [("health", people[n]) for n in ("张立春", "刘明", "赵德福")]
    assert _items(today, "not_visited") == [
        ("王淑芬", "独居老人 已 81 天未走访", 81),
        ("钱秀英", "独居老人 从未走访", 30),
    ]
    assert _targets(today, "not_visited") == [("resident", people["王淑芬"]), ("resident", people["钱秀英"])]
    assert today.section("not_visited").note == "超过 30 天未走访的独居或需照护老人"
    assert [n for n, _t, _d in _items(today, "birthdays")] == ["李寿山", "钱秀英", "赵德福", "孙玉珍"]
    assert today.section("birthdays").note == "11月满 80、90、100 岁及百岁以上的老人"
    assert _items(today, "no_caretaker") == [("钱秀英", "90 岁 独居，尚无包保人", None)]
    assert _targets(today, "no_caretaker") == [("care", people["钱秀英"])]
    assert today.total == 3 + 2 + 4 + 1


def test_items_carry_their_resident(town: Town, town_db: Database) -> None:
    today = _today(town_db, town.actors["nurse"])
    for section in today.sections:
        for item in section.items:
            assert town.people[item.name] == item.resident_id


def test_without_health_permission_there_is_no_overdue_section(town: Town, town_db: Database) -> None:
    for role in ("admin", "worker", "reader"):
        today = _today(town_db, town.actors[role])
        assert [s.key for s in today.sections][:3] == WITHOUT_HEALTH, role
        assert today.total == 2 + 4 + 1
        # nothing of the health record shows in the sections everybody sees
        text = " ".join(i.text for s in today.sections for i in s.items)
        assert "高血压" not in text and "糖尿病" not in text


def test_a_grid_worker_sees_only_their_grid(town: Town, town_db: Database) -> None:
    own = _today(town_db, town.actors["grid_own"])
    assert [s.key for s in own.sections][:3] == WITHOUT_HEALTH
    assert [n for n, _t, _d in _items(own, "not_visited")] == ["王淑芬"]
    assert [n for n, _t, _d in _items(own, "birthdays")] == ["李寿山", "赵德福", "孙玉珍"]
    assert _items(own, "no_caretaker") == []

    other = _today(town_db, town.actors["grid_other"])
    assert [n for n, _t, _d in _items(other, "not_visited")] == ["钱秀英"]
    assert [n for n, _t, _d in _items(other, "birthdays")] == ["钱秀英"]
    assert [n for n, _t, _d in _items(other, "no_caretaker")] == ["钱秀英"]

    nurse = _today(town_db, town.actors["grid_nurse"])
    assert [s.key for s in nurse.sections][:4] == ALL
    assert [n for n, _t, _d in _items(nurse, "overdue_visits")] == ["张立春", "赵德福"]


def test_the_day_moves_the_list(town: Town, town_db: Database) -> None:
    nurse = town.actors["nurse"]
    on_due_day = _today(town_db, nurse, date(2026, 9, 1))  # 张立春 is due today
    assert _items(on_due_day, "overdue_visits") == [
        ("赵德福", "糖尿病随访 尚无随访记录", 0), ("张立春", "高血压随访 今天到期（2026-09-01）", 0)]
    assert [n for n, _t, _d in _items(_today(town_db, nurse, date(2026, 8, 31)), "overdue_visits")] == ["赵德福"]
    assert _items(_today(town_db, nurse, date(2026, 9, 2)), "overdue_visits")[0] == (
        "张立春", "高血压随访 逾期 1 天（应于 2026-09-01）", 1)
    # On 2026-09-20 王淑芬 was visited 19 days ago: only 钱秀英, never visited, is left.
    assert [n for n, _t, _d in _items(_today(town_db, nurse, date(2026, 9, 20)), "not_visited")] == ["钱秀英"]
    # Before 王淑芬's caretaker started, she too had none.
    early = _today(town_db, nurse, date(2025, 12, 15))
    assert sorted(n for n, _t, _d in _items(early, "no_caretaker")) == ["王淑芬", "钱秀英"]
    assert _items(early, "birthdays") == []


def test_the_not_visited_setting(town: Town, town_copy: Database) -> None:
    town_copy.actor = actor_for("boss", "管理员")
    with town_copy.transaction("修改设置") as s:
        set_setting(s, "today.not_visited_days", 90)
    today = _today(town_copy, town.actors["nurse"])
    assert _items(today, "not_visited") == [("钱秀英", "独居老人 从未走访", 90)]  # 王淑芬: 81 days ago
    assert today.section("not_visited").note == "超过 90 天未走访的独居或需照护老人"


def test_nobody_signed_in(town: Town, town_db: Database) -> None:
    with pytest.raises(PermissionDenied):
        _today(town_db, town.actors["nobody"])
