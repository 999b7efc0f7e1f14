"""Follow-up visits (随访), the yearly check (年度体检) and care calls (关怀): record, correct,
delete, list, and the next due date a form proposes.

A visit is dated (not after today, not before birth), made 上门 or by 电话, may carry blood
pressure (both values or neither: systolic 60–260, diastolic 30–160 and below it) and blood
sugar (a ``Decimal`` in mmol/L, 1.0–33.3, one decimal at most; stored as tenths, never a float),
and may plan the next visit (``next_due_on``, after the visit). The visitor defaults to the
signed-in user's name. People who moved out or died keep their visits as history, read only.

Access: reading needs ``Perm.HEALTH``, writing ``Perm.HEALTH`` and ``Perm.EDIT``; a 网格员
reaches the residents of their grids only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of
from chang_shan.care.queries import is_care_target
from chang_shan.db.models import HealthCondition, HealthVisit, Resident
from chang_shan.db.models.health import VISIT_KINDS, VISIT_PURPOSES
from chang_shan.errors import NotFound, ValidationError
from chang_shan.health import checks
from chang_shan.health.codes import FOLLOW_UP_CODES, FOLLOW_UP_DAYS
from chang_shan.health.shapes import VisitInput, VisitRow
from chang_shan.population.query import years_before
from chang_shan.population.text import clean_note
from chang_shan.settings import get_setting

SYSTOLIC = (60, 260)  # mmHg
DIASTOLIC = (30, 160)
GLUCOSE = (Decimal("1.0"), Decimal("33.3"))  # mmol/L
NEXT_DUE_YEARS = 2  # a next visit planned further ahead is a typing mistake
NOT_VISITED_SETTING = "today.not_visited_days"

_VISITOR_LIMIT = checks.column_limit(HealthVisit, "visitor")
_NOTES_LIMIT = checks.column_limit(HealthVisit, "notes")


def one_year_after(day: date) -> date:
    """The same day a year later; 29 February becomes 28 February."""
    return years_before(day, -1)


# --- validation --------------------------------------------------------------------------------


def _pressure(errors: dict[str, str], key: str, label: str, value: object, bounds: tuple[int, int]) -> int | None:
    if value is None:
        return None
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = f"{label}应为整数（mmHg）。"
        return None
    if not low <= value <= high:
        errors[key] = f"{label}应在 {low}–{high} mmHg 之间。"
    return value


def glucose_tenths(errors: dict[str, str], value: object) -> int | None:
    """Blood sugar in tenths of mmol/L (``Decimal('7.2')`` → 72); text like '7.2' is read too. A
    float is refused outright: it cannot hold 7.2 exactly."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("blood sugar is a Decimal (or text), never a float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if isinstance(value, bool) or not amount.is_finite():
        errors["glucose"] = "血糖应为数字，如 6.1。"
        return None
    tenths = amount * 10
    if tenths != tenths.to_integral_value():
        errors["glucose"] = "血糖最多保留一位小数，如 6.1。"
        return None
    low, high = GLUCOSE
    if not low <= amount <= high:
        errors["glucose"] = f"血糖应在 {low}–{high} mmol/L 之间。"
        return None
    return int(tenths)


def _glucose(tenths: int | None) -> Decimal | None:
    return None if tenths is None else Decimal(tenths).scaleb(-1)


def _validated(resident: Resident, data: VisitInput, *, today: date, visitor: str) -> tuple[VisitInput, int | None]:
    """A cleaned copy of ``data`` and the blood sugar in tenths, or ``ValidationError``."""
    errors: dict[str, str] = {}
    visited_on = data.visited_on or today
    checks.check_date(errors, "visited_on", "随访日期", visited_on, today=today, birth=resident.birth_date)
    if data.kind not in VISIT_KINDS:
        errors["kind"] = "随访方式只能是：" + "、".join(VISIT_KINDS) + "。"
    if data.purpose not in VISIT_PURPOSES:
        errors["purpose"] = "随访类别只能是：" + "、".join(VISIT_PURPOSES) + "。"
    systolic = _pressure(errors, "systolic", "收缩压", data.systolic, SYSTOLIC)
    diastolic = _pressure(errors, "diastolic", "舒张压", data.diastolic, DIASTOLIC)
    if (data.systolic is None) != (data.diastolic is None):
        missing = "systolic" if data.systolic is None else "diastolic"
        errors[missing] = "血压请同时填写收缩压和舒张压。"
    elif systolic is not None and diastolic is not None and "systolic" not in errors and diastolic >= systolic:
        errors.setdefault("diastolic", "舒张压应低于收缩压。")
    tenths = glucose_tenths(errors, data.glucose)
    next_due = data.next_due_on
    if next_due is not None and next_due <= visited_on:
        errors["next_due_on"] = "下次随访日期应晚于本次随访日期。"
    elif next_due is not None and next_due > years_before(visited_on, -NEXT_DUE_YEARS):
        errors["next_due_on"] = f"下次随访日期不能晚于本次随访后 {NEXT_DUE_YEARS} 年。"
    notes = checks.clean_field(errors, "notes", "随访记录", data.notes, _NOTES_LIMIT, clean_note)
    visitor = checks.clean_field(errors, "visitor", "随访人", data.visitor, _VISITOR_LIMIT) or visitor
    if errors:
        raise ValidationError(errors)
    clean = replace(data, visited_on=visited_on, visitor=visitor, systolic=systolic, diastolic=diastolic,
                    glucose=_glucose(tenths), notes=notes, next_due_on=next_due)
    return clean, tenths


def _apply(visit: HealthVisit, clean: VisitInput, tenths: int | None) -> None:
    visit.visited_on = clean.visited_on  # type: ignore[assignment]
    visit.kind, visit.purpose, visit.visitor = clean.kind, clean.purpose, clean.visitor
    visit.systolic, visit.diastolic, visit.glucose_tenths = clean.systolic, clean.diastolic, tenths
    visit.notes, visit.next_due_on = clean.notes, clean.next_due_on


def _row(visit: HealthVisit, name: str) -> VisitRow:
    return VisitRow(
        id=visit.id, resident_id=visit.resident_id, resident_name=name, visited_on=visit.visited_on,
        kind=visit.kind, purpose=visit.purpose, visitor=visit.visitor, systolic=visit.systolic,
        diastolic=visit.diastolic, glucose=_glucose(visit.glucose_tenths), notes=visit.notes,
        next_due_on=visit.next_due_on,
    )


def _visit(session: Session, visit_id: int) -> HealthVisit:
    visit = session.get(HealthVisit, visit_id)
    if visit is None:
        raise NotFound("该随访记录不存在。")
    return visit


# --- the services ------------------------------------------------------------------------------


def record_visit(session: Session, resident_id: int, data: VisitInput, *, today: date | None = None) -> VisitRow:
    """A new visit of a resident 在册 (``visited_on`` None: ``today``; visitor empty: the user)."""
    resident = checks.resident_to_write(session, resident_id, what="随访记录")
    actor = actor_of(session)
    clean, tenths = _validated(resident, data, today=today or date.today(),
                               visitor=actor.display_name or actor.username)  # type: ignore[union-attr]
    visit = HealthVisit(resident_id=resident_id)
    _apply(visit, clean, tenths)
    session.add(visit)
    session.flush()
    return _row(visit, resident.name)


def update_visit(session: Session, visit_id: int, data: VisitInput, *, today: date | None = None) -> VisitRow:
    """Correct a visit. An empty visitor keeps the recorded one (not the user who corrects it)."""
    visit = _visit(session, visit_id)
    resident = checks.resident_to_write(session, visit.resident_id, what="随访记录")
    clean, tenths = _validated(resident, data, today=today or date.today(), visitor=visit.visitor)
    _apply(visit, clean, tenths)
    session.flush()
    return _row(visit, resident.name)


def delete_visit(session: Session, visit_id: int) -> None:
    visit = _visit(session, visit_id)
    checks.resident_to_write(session, visit.resident_id, what="随访记录")
    session.delete(visit)
    session.flush()


def list_visits(session: Session, resident_id: int) -> list[VisitRow]:
    """The resident's visits, newest first (same day: the one recorded last first)."""
    resident = checks.resident_to_read(session, resident_id)
    visits = session.scalars(
        select(HealthVisit).where(HealthVisit.resident_id == resident_id)
        .order_by(HealthVisit.visited_on.desc(), HealthVisit.id.desc())
    )
    return [_row(v, resident.name) for v in visits]


def is_follow_up_patient(session: Session, resident_id: int) -> bool:
    """Has a 既往史 disease the 规范 follows up (``FOLLOW_UP_CODES``). Internal: callers checked."""
    return session.scalar(
        select(HealthCondition.id).where(
            HealthCondition.resident_id == resident_id, HealthCondition.category == "疾病",
            HealthCondition.code.in_(FOLLOW_UP_CODES),
        ).limit(1)
    ) is not None


def default_next_due(session: Session, resident_id: int, visited_on: date, purpose: str) -> date | None:
    """The next due date a form proposes: 随访 of a follow-up patient → ``FOLLOW_UP_DAYS`` later;
    年度体检 → a year later (29 February → 28 February); 关怀 of a care target (on
    ``visited_on``) → the not-visited setting's days later; anything else → None."""
    checks.resident_to_read(session, resident_id)
    if purpose not in VISIT_PURPOSES:
        raise ValidationError({"purpose": "随访类别只能是：" + "、".join(VISIT_PURPOSES) + "。"})
    if purpose == "年度体检":
        return one_year_after(visited_on)
    if purpose == "随访":
        return visited_on + timedelta(days=FOLLOW_UP_DAYS) if is_follow_up_patient(session, resident_id) else None
    target = session.scalar(select(Resident.id).where(Resident.id == resident_id, is_care_target(visited_on)))
    if target is None:
        return None
    return visited_on + timedelta(days=int(get_setting(session, NOT_VISITED_SETTING)))
