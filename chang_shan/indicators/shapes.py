"""The values the 八零 dashboard, its print and its entry dialog exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NOT_ENTERED = "未填报"


@dataclass(frozen=True)
class IndicatorValue:
    """One of the eight targets in one year. ``count`` None: nothing entered and nothing to derive
    (``source`` 未填报, ``met`` None). ``derived``: the program counted (part of) it from its own
    records; ``entered`` holds the figure entered with ``source`` (None when nothing was)."""

    key: str  # 'escalation'
    name: str  # 零矛盾升级
    year: int
    count: int | None
    source: str  # 由人民调解记录统计 / 派出所通报 / 未填报 …
    derived: bool
    met: bool | None  # count == 0
    entered: int | None = None
    note: str = ""
    entered_by: str = ""
    entered_on: date | None = None
    may_enter: bool = True  # whether ``indicators.enter`` takes a figure for this key and year


@dataclass(frozen=True)
class ZeroEmploymentHousehold:
    household_id: int
    address: str
    members: str  # the working-age members: '张伟（失业）、李娜（失业）'
