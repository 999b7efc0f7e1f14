"""Calendar arithmetic of the safety devices: service lives in years, and the end of a month."""

from __future__ import annotations

import calendar
from datetime import date


def years_after(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def month_end(on: date) -> date:
    """The last day of ``on``'s month."""
    return date(on.year, on.month, calendar.monthrange(on.year, on.month)[1])
