"""What is due on a day: overdue follow-ups, elders not visited for a while, the yearly check.

Everything is "as of ``on``": visits dated after ``on`` are ignored, ages are counted on ``on``.
A date that falls due ON ``on`` is due today and listed with ``days_overdue`` 0 (the lists are
worklists: what must be done by the end of the day). Each list is a few SQL queries over the
whole community (grouped subqueries give each resident's latest visit), never a loop over the
residents; only residents 在册 are listed, and a 网格员 sees those of their grids.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.care.assignments import care_targets
from chang_shan.care.queries import LONE, Whereabouts, aged_at_least, latest_rows
from chang_shan.db.models import HealthCondition, HealthVisit, Resident
from chang_shan.health.codes import FOLLOW_UP_CODES, YEARLY_CHECK_AGE, disease
from chang_shan.health.plan import FOLLOW_UP_PURPOSES
from chang_shan.health.shapes import DueRow
from chang_shan.health.visits import one_year_after
from chang_shan.population import access
from chang_shan.population.residents import ACTIVE, age_on

YEARLY_CHECK = "年度体检"
_REASONS = {"年度体检": "年度体检", "关怀": "关怀走访"}  # 随访: the diseases followed up, e.g. 高血压随访


def _residents(session: Session, *columns: Any) -> tuple[Select, Whereabouts]:
    """``SELECT`` residents 在册 the actor may see, with their address and ``columns``."""
    place = Whereabouts()
    query = place.join(
        select(Resident.id, Resident.name, Resident.name_pinyin, Resident.birth_date, *place.columns(), *columns)
        .where(Resident.status == ACTIVE)
    )
    scope = access.resident_scope(session)
    return (query if scope is None else query.where(scope)), place


def _row(row: Any, place: Whereabouts, on: date, reason: str, due_on: date | None, days: int,
         last: date | None) -> DueRow:
    return DueRow(resident_id=row.id, name=row.name, age=age_on(row.birth_date, on), address=place.address(row),
                  reason=reason, due_on=due_on, days_overdue=days, last_visit_on=last)


def _followed_diseases(session: Session, resident_ids: list[int]) -> dict[int, str]:
    """resident id → the diseases followed up, as a reason's start: ``高血压、糖尿病``."""
    names: dict[int, list[str]] = {}
    order = {code: i for i, code in enumerate(FOLLOW_UP_CODES)}
    wanted = sorted(set(resident_ids))
    for start in range(0, len(wanted), 900):
        rows = session.execute(
            select(HealthCondition.resident_id, HealthCondition.code).distinct().where(
                HealthCondition.resident_id.in_(wanted[start:start + 900]), HealthCondition.category == "疾病",
                HealthCondition.code.in_(FOLLOW_UP_CODES),
            )
        ).all()
        for rid, code in sorted(rows, key=lambda r: (r.resident_id, order[r.code])):
            names.setdefault(rid, []).append(disease().label(code))
    return {rid: "、".join(items) for rid, items in names.items()}


def overdue_visits(session: Session, on: date) -> list[DueRow]:
    """Residents whose latest follow-up (a 随访 or 年度体检 on or before ``on``) planned the next
    one on or before ``on`` (due today: ``days_overdue`` 0; a later follow-up, whatever its plan,
    replaces an earlier one's), and follow-up patients (a ``FOLLOW_UP_CODES`` disease) never
    followed up (``due_on`` None, ``days_overdue`` 0). A 关怀 call is not a follow-up: it neither
    clears nor sets this plan (``not_visited`` watches those). Never-followed-up first, then the
    longest overdue; reason ``高血压随访``, ``随访`` or ``年度体检`` after the latest one's purpose."""
    require(session, Perm.HEALTH)
    follow_up = HealthVisit.purpose.in_(FOLLOW_UP_PURPOSES)
    latest = latest_rows(HealthVisit, HealthVisit.visited_on, on, HealthVisit.visited_on.label("visited_on"),
                         HealthVisit.purpose.label("purpose"), HealthVisit.next_due_on.label("next_due_on"),
                         where=(follow_up,))
    planned, place = _residents(session, latest.c.visited_on, latest.c.purpose, latest.c.next_due_on)
    planned = planned.join(latest, latest.c.resident_id == Resident.id).where(latest.c.next_due_on <= on)
    patients = select(HealthCondition.resident_id).where(
        HealthCondition.category == "疾病", HealthCondition.code.in_(FOLLOW_UP_CODES))
    never, _ = _residents(session)
    never = never.where(
        Resident.id.in_(patients),
        Resident.id.not_in(select(HealthVisit.resident_id).where(HealthVisit.visited_on <= on, follow_up)),
    )
    late = session.execute(planned).all()
    unseen = session.execute(never).all()
    diseases = _followed_diseases(session, [r.id for r in late if r.purpose == "随访"] + [r.id for r in unseen])
    rows = [_row(r, place, on, diseases.get(r.id, "") + "随访", None, 0, None) for r in unseen]
    rows += [
        _row(r, place, on, _REASONS.get(r.purpose) or diseases.get(r.id, "") + "随访", r.next_due_on,
             (on - r.next_due_on).days, r.visited_on)
        for r in late
    ]
    pinyin = {r.id: r.name_pinyin for r in (*late, *unseen)}
    return sorted(rows, key=lambda d: (d.due_on is not None, d.due_on or on, pinyin[d.resident_id], d.resident_id))


def not_visited(session: Session, on: date, days: int) -> list[DueRow]:
    """Care targets (see ``care.assignments``) with no visit of any kind in the ``days`` days up
    to ``on`` — last visited ``days`` or more days ago (``days_overdue``: the days since that
    visit; ``due_on``: that visit plus ``days``, so due today when exactly ``days`` ago), or
    never (``due_on`` None, ``days_overdue`` = ``days``). Longest first; no health values."""
    require(session, Perm.VIEW)
    if days < 1:
        raise ValueError(f"days must be positive: {days}")
    rows = []
    for target in care_targets(session, on, unvisited_since=on - timedelta(days=days)):
        who = "独居老人走访" if LONE in target.reasons else "需照护老人走访"
        last = target.last_visit_on
        rows.append(DueRow(
            resident_id=target.resident_id, name=target.name, age=target.age, address=target.address, reason=who,
            due_on=last + timedelta(days=days) if last else None, days_overdue=(on - last).days if last else days,
            last_visit_on=last,
        ))
    return sorted(rows, key=lambda d: (d.last_visit_on is not None, d.last_visit_on or on))


def yearly_check_due(session: Session, on: date) -> list[DueRow]:
    """Residents aged ``YEARLY_CHECK_AGE`` or more on ``on`` with no 年度体检 from 1 January of
    ``on``'s year up to ``on``. ``last_visit_on`` is their last 年度体检 (None: never), ``due_on``
    a year after it (None: never checked) and ``days_overdue`` the days since then (0 when that
    anniversary is still ahead). Never checked first, then the longest ago."""
    require(session, Perm.HEALTH)
    checks = and_(HealthVisit.purpose == YEARLY_CHECK, HealthVisit.visited_on <= on)
    last = (
        select(HealthVisit.resident_id.label("resident_id"), func.max(HealthVisit.visited_on).label("last_on"))
        .where(checks).group_by(HealthVisit.resident_id).subquery()
    )
    query, place = _residents(session, last.c.last_on)
    query = query.outerjoin(last, last.c.resident_id == Resident.id).where(
        aged_at_least(YEARLY_CHECK_AGE, on),
        Resident.id.not_in(select(HealthVisit.resident_id).where(checks, HealthVisit.visited_on >= date(on.year, 1, 1))),
    ).order_by(last.c.last_on.is_not(None), last.c.last_on, Resident.name_pinyin, Resident.id)
    result = []
    for row in session.execute(query):
        due_on = one_year_after(row.last_on) if row.last_on else None
        days = max(0, (on - due_on).days) if due_on else 0
        result.append(_row(row, place, on, YEARLY_CHECK, due_on, days, row.last_on))
    return result
