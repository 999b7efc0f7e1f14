"""What every health and care service checks before it reads or writes: the resident (with the
permission for them), the free-text fields (cleaned, within their columns) and event dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models import Resident
from chang_shan.errors import DomainError, NotFound
from chang_shan.population import access
from chang_shan.population.residents import ACTIVE
from chang_shan.population.text import clean_text


def column_limit(model: type, column: str) -> int:
    """The length of a text column (PostgreSQL refuses longer text; SQLite would keep it)."""
    return model.__table__.c[column].type.length  # type: ignore[attr-defined]


def resident(session: Session, resident_id: int) -> Resident:
    found = session.get(Resident, resident_id)
    if found is None:
        raise NotFound("该居民不存在。")
    return found


def resident_to_read(session: Session, resident_id: int, perm: Perm = Perm.HEALTH) -> Resident:
    """``perm`` (and for a 网格员 the resident's grid), then the resident or ``NotFound``."""
    access.require_resident(session, perm, resident_id)
    return resident(session, resident_id)


def resident_to_write(session: Session, resident_id: int, *, what: str, health: bool = True) -> Resident:
    """``Perm.HEALTH`` (when ``health``) and ``Perm.EDIT`` for the resident's grid; the resident
    must still live here: people who moved out or died are kept as history and read only."""
    if health:
        access.require_resident(session, Perm.HEALTH, resident_id)
    access.require_resident(session, Perm.EDIT, resident_id)
    found = resident(session, resident_id)
    if found.status != ACTIVE:
        raise DomainError(f"{found.status}的居民不能修改{what}。")
    return found


def clean_field(
    errors: dict[str, str], key: str, label: str, raw: str | None, limit: int,
    cleaner: Callable[[str | None], str] = clean_text,
) -> str:
    """``raw`` cleaned; a note in ``errors[key]`` when it is longer than ``limit`` characters."""
    value = cleaner(raw)
    if len(value) > limit:
        errors[key] = f"{label}最多 {limit} 个字，现在是 {len(value)} 个。"
    return value


def check_date(
    errors: dict[str, str], key: str, label: str, value: date | None, *, today: date, birth: date | None,
    month_only: bool = False,
) -> None:
    """An event date is real: not after ``today``, not before the resident's birth (compared by
    month when the form asks only the year and month)."""
    if value is None:
        return
    cut = (lambda d: (d.year, d.month)) if month_only else (lambda d: (d.year, d.month, d.day))
    if cut(value) > cut(today):
        errors[key] = f"{label}不能晚于今天。"
    elif birth is not None and cut(value) < cut(birth):
        errors[key] = f"{label}不能早于出生日期（{birth:%Y-%m-%d}）。"
