"""The today list (今日待办): sections of things due on a day, each item opening a record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class TodayItem:
    resident_id: int | None
    name: str  # whom it concerns (a resident's name, or a thing: a device, a loan …)
    text: str  # what is due, one line: '高血压随访 逾期 12 天（应于 2026-11-09）'
    due_on: date | None = None
    days_overdue: int | None = None  # None when the item is not a due date (a birthday, no caretaker)
    # What one click opens: ('resident', id) the resident's record, ('health', id) the health
    # record, ('care', id) the elder on the 包保关怀 screen, or a later ledger's own kind
    # ('request', id) …
    target: tuple[str, int] | None = None


@dataclass(frozen=True)
class TodaySection:
    key: str  # 'overdue_visits', 'not_visited', 'birthdays', 'no_caretaker' …
    title: str  # 逾期随访 / 久未走访 / 本月高龄生日 / 无包保人的老人
    items: tuple[TodayItem, ...]
    note: str = ""  # e.g. '超过 30 天未走访的独居或需照护老人'

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class TodayList:
    on_date: date
    sections: tuple[TodaySection, ...]

    def section(self, key: str) -> TodaySection | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)

    def as_json(self) -> dict[str, Any]:
        """Plain data for ``chang-shan today --json`` (dates as ISO text)."""

        def item(i: TodayItem) -> dict[str, Any]:
            d = asdict(i)
            d["due_on"] = i.due_on.isoformat() if i.due_on else None
            d["target"] = list(i.target) if i.target else None
            return d

        return {
            "date": self.on_date.isoformat(),
            "total": self.total,
            "sections": [
                {"key": s.key, "title": s.title, "note": s.note, "count": s.count,
                 "items": [item(i) for i in s.items]}
                for s in self.sections
            ],
        }
