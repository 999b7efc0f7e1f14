"""The sections of the today list (今日待办) and the list built from them.

A section is a titled provider ``provider(session, on) -> list[TodayItem]`` shown to actors who
hold its permission. The built-in sections live in ``chang_shan.today.sections``; a later ledger
adds its own with ``register_section`` in a module named in ``SECTION_MODULES`` (imported on the
first ``build_today``, so importing this module stays light). Scoping (a 网格员's grids) is the
providers' business: they call the services, which filter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.today.shapes import TodayItem, TodayList, TodaySection

Provider = Callable[[Session, date], list[TodayItem]]
Note = str | Callable[[Session, date], str]

# Modules that register sections when imported (like cli.COMMAND_MODULES).
SECTION_MODULES: tuple[str, ...] = ("chang_shan.today.sections", "chang_shan.safety.today",
                                    "chang_shan.service_requests.today", "chang_shan.badges.today",
                                    "chang_shan.wills.today", "chang_shan.backup.today", "chang_shan.party.today",
                                    "chang_shan.volunteers.today", "chang_shan.deliberation.today",
                                    "chang_shan.mediation.today", "chang_shan.fees.today")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    provider: Provider
    order: int
    perm: Perm
    note: Note = ""

    def note_for(self, session: Session, on: date) -> str:
        return self.note(session, on) if callable(self.note) else self.note


_SECTIONS: dict[str, Section] = {}
_loaded = False


def register_section(key: str, title: str, provider: Provider, *, order: int, perm: Perm,
                     note: Note = "") -> Section:
    """Add a section; ``note`` is a line under the title (text, or a function of session and day)."""
    if key in _SECTIONS:
        raise ValueError(f"today section {key!r} is already registered")
    section = Section(key, title, provider, order, perm, note)
    _SECTIONS[key] = section
    return section


def unregister_section(key: str) -> None:
    """Remove a section (for tests that register their own)."""
    _SECTIONS.pop(key, None)


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in SECTION_MODULES:
            importlib.import_module(name)
        _loaded = True


def sections() -> list[Section]:
    """Every registered section, in display order."""
    _load()
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def most_urgent_first(items: list[TodayItem]) -> list[TodayItem]:
    """Largest ``days_overdue`` first; items that are not due dates (None) after them, in the
    provider's order."""
    return sorted(items, key=lambda i: -i.days_overdue if i.days_overdue is not None else float("inf"))


def build_today(session: Session, on: date) -> TodayList:
    """The sections the actor may see (at least ``Perm.VIEW``), each most urgent first."""
    actor = require(session, Perm.VIEW)
    built = [
        TodaySection(s.key, s.title, tuple(most_urgent_first(s.provider(session, on))), s.note_for(session, on))
        for s in sections()
        if actor.can(s.perm)
    ]
    return TodayList(on, tuple(built))
