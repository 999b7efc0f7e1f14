"""The today registry: sections in order, hidden without their permission, items most urgent first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_for
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.today import build_today, register_section
from chang_shan.today.registry import most_urgent_first, sections, unregister_section
from chang_shan.today.shapes import TodayItem

BUILT_IN = ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]


def _item(name: str, days: int | None) -> TodayItem:
    return TodayItem(None, name, f"{name} 的事", None, days, None)


@pytest.fixture
def extra_sections() -> Iterator[list[tuple[Session, date]]]:
    """Two sections of a later ledger: one everybody sees, one behind 遗嘱库; records its calls."""
    calls: list[tuple[Session, date]] = []

    def loans(session: Session, on: date) -> list[TodayItem]:
        calls.append((session, on))
        return [_item("甲", None), _item("乙", 3), _item("丙", 40), _item("丁", 0), _item("戊", None)]

    register_section("loans", "借款到期", loans, order=25, perm=Perm.VIEW,
                     note=lambda _s, on: f"{on.year} 年到期")
    register_section("wills", "遗嘱", lambda s, on: [_item("己", 1)], order=5, perm=Perm.WILLS)
    try:
        yield calls
    finally:
        unregister_section("loans")
        unregister_section("wills")


def test_built_in_sections_in_order() -> None:
    # (later ledgers' sections follow these: chang_shan.safety.today …)
    assert [s.key for s in sections()][:4] == BUILT_IN
    assert [s.title for s in sections()][:4] == ["逾期随访", "久未走访", "本月高龄生日", "无包保人的老人"]
    assert [s.perm for s in sections()][:4] == [Perm.HEALTH, Perm.VIEW, Perm.VIEW, Perm.VIEW]


def test_a_key_is_registered_once() -> None:
    with pytest.raises(ValueError):
        register_section("birthdays", "生日", lambda s, on: [], order=1, perm=Perm.VIEW)


def test_most_urgent_first() -> None:
    items = [_item("甲", None), _item("乙", 3), _item("丙", 40), _item("丁", 0), _item("戊", None)]
    assert [i.name for i in most_urgent_first(items)] == ["丙", "乙", "丁", "甲", "戊"]


def test_a_later_section_slots_in_by_order(db: Database, extra_sections: list) -> None:
    db.actor = actor_for("worker", "社区工作者")  # no 居民健康库, no 遗嘱库
    on = date(2026, 5, 4)
    with db.reader() as s:
        today = build_today(s, on)
    assert [sec.key for sec in today.sections][:4] == ["not_visited", "loans", "birthdays", "no_caretaker"]
    loans = today.section("loans")
    assert [i.name for i in loans.items] == ["丙", "乙", "丁", "甲", "戊"]
    assert loans.note == "2026 年到期"
    assert extra_sections[0][1] == on
    assert today.section("wills") is None and today.section("overdue_visits") is None
    assert today.total == 5  # the empty community has nothing else due


def test_a_section_without_permission_is_not_even_run(db: Database, extra_sections: list) -> None:
    db.actor = actor_for("viewer", "只读")
    with db.reader() as s:
        assert "loans" in [sec.key for sec in build_today(s, date(2026, 5, 4)).sections]
    register_section("secret", "机密", lambda s, on: pytest.fail("must not run"), order=1, perm=Perm.AUDIT)
    try:
        with db.reader() as s:
            assert build_today(s, date(2026, 5, 4)).section("secret") is None
    finally:
        unregister_section("secret")


def test_all_sections_for_the_program_itself(db: Database, extra_sections: list) -> None:
    with db.reader() as s:  # SYSTEM: every permission
        today = build_today(s, date(2026, 5, 4))
    assert [sec.key for sec in today.sections][:6] == ["wills", *BUILT_IN[:2], "loans", *BUILT_IN[2:]]
    assert today.as_json()["sections"][0] == {
        "key": "wills", "title": "遗嘱", "note": "", "count": 1,
        "items": [{"resident_id": None, "name": "己", "text": "己 的事", "due_on": None, "days_overdue": 1,
                   "target": None}],
    }


def test_nobody_signed_in_gets_nothing(db: Database) -> None:
    db.actor = None
    with pytest.raises(PermissionDenied), db.reader() as s:
        build_today(s, date(2026, 5, 4))
