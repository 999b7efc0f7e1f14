"""The data the canteen services exchange with forms, prints and the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass
class MemberInput:
    resident_id: int | None = None
    mode: str = "堂食"  # 堂食 / 送餐
    lunch: bool = True
    dinner: bool = True
    route: str = ""  # required for 送餐
    start_on: date | None = None  # None = today
    note: str = ""


@dataclass(frozen=True)
class MemberRow:
    id: int
    resident_id: int
    name: str
    age: int | None
    address: str
    phone: str  # masked unless the user may edit the resident
    lone: bool  # in the special group 独居
    mode: str
    lunch: bool
    dinner: bool
    route: str
    start_on: date
    end_on: date | None
    note: str


@dataclass(frozen=True)
class DayLine:
    resident_id: int
    name: str
    address: str
    phone: str  # masked unless the user may edit the resident
    mode: str
    route: str
    served: bool | None  # None: the meal is not recorded yet; else whether this person got it


@dataclass(frozen=True)
class MealList:
    """One meal of one day: who eats in, and who gets it delivered, route by route."""

    on_date: date
    meal: str  # 午餐 / 晚餐
    eat_in: tuple[DayLine, ...]
    routes: tuple[tuple[str, tuple[DayLine, ...]], ...]  # (route, lines by address), routes sorted
    recorded: bool  # the meals served were recorded (record_meal)
    price: Decimal

    @property
    def count(self) -> int:
        return len(self.eat_in) + sum(len(lines) for _route, lines in self.routes)


@dataclass(frozen=True)
class StatementLine:
    on_date: date
    meal: str
    mode: str
    price: Decimal


@dataclass(frozen=True)
class Statement:
    resident_id: int
    name: str
    address: str
    year: int
    month: int
    lines: tuple[StatementLine, ...]
    meals: int
    total: Decimal  # sum of the lines' prices, exactly


@dataclass(frozen=True)
class StatementSummary:
    resident_id: int
    name: str
    meals: int
    delivered: int
    total: Decimal
