"""Random draws shared by the demo generators: weighted choices, ages, days."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from chang_shan.maintenance.stats import shift_years


@cache
def _cumulative(items: tuple[tuple[Any, float], ...]) -> tuple[list[Any], list[float]]:
    return [v for v, _ in items], list(accumulate(w for _, w in items))


def _weighted(rng: random.Random, items: tuple[tuple[Any, float], ...]) -> Any:
    """One of the values of ``(value, weight)`` pairs (a tuple: its sums are kept), as
    ``rng.choices(values, weights)`` draws it."""
    values, cumulative = _cumulative(items)
    return rng.choices(values, cum_weights=cumulative)[0]


def _age(rng: random.Random, bands: tuple[tuple[int, int, float], ...]) -> int:
    lo, hi, _ = rng.choices(bands, [b[2] for b in bands])[0]
    return rng.randint(lo, hi)


def _birth_for_age(rng: random.Random, today: date, age: int) -> date:
    latest = shift_years(today, -age)
    earliest = shift_years(today, -age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _random_day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _generation(age: int) -> str:
    if age >= 60:
        return "old"
    if age >= 31:
        return "mid"
    return "young"


def _later_day(rng: random.Random, since: date, today: date) -> date:
    """A day after ``since`` (preferably a while after) and before today."""
    last = today - timedelta(days=1)
    first = min(since + timedelta(days=200), last)
    return max(since + timedelta(days=1), _random_day(rng, first, last))
