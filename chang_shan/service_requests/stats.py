"""The year's figures of the service requests, for the statistics tab and its printout.

Counted over the requests the actor may see (a 网格员: those of their grids), in a few grouped SQL
queries whatever the size of the ledger:

- ``by_category`` / ``per_month`` / ``received``: requests received in the year, per category (every
  category in use, by position; a retired one only when it has requests that year) and month;
- ``closed`` / ``open`` / ``overdue``: of those, how many are 已完成 or 已回访 now, how many still
  open, and how many of the open ones are past due on the last day of the year (on ``today`` in the
  current year: due before that day, as in the today list);
- ``median_days_to_close`` / ``average_days_to_close`` and ``satisfaction``: over the requests
  completed in the year (whenever received): days from received to completed, and the call-backs'
  answers, ``未回访`` for those not called back yet (a reopened request is not completed).
"""

from __future__ import annotations

import statistics
from datetime import date

from sqlalchemy import Select, and_, case, extract, func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Actor, Perm, require
from chang_shan.db.models import ServiceCategory, ServiceRequest
from chang_shan.db.models.services import SATISFACTION
from chang_shan.service_requests.queries import CLOSED, OPEN, in_scope, with_place
from chang_shan.service_requests.shapes import CategoryMonth, RequestStatistics

NOT_REVISITED = "未回访"


def _counted(actor: Actor, *columns: object) -> Select:
    """``SELECT columns`` over the requests ``actor`` may see."""
    return in_scope(with_place(select(*columns).select_from(ServiceRequest)), actor)


def _by_category(session: Session, actor: Actor, year: int) -> tuple[CategoryMonth, ...]:
    month = extract("month", ServiceRequest.received_on)
    counts: dict[int, list[int]] = {}
    query = _counted(actor, ServiceRequest.category_id, month.label("month"), func.count().label("n")).where(
        ServiceRequest.received_on.between(date(year, 1, 1), date(year, 12, 31)),
    ).group_by(ServiceRequest.category_id, month)
    for category_id, m, n in session.execute(query):
        counts.setdefault(category_id, [0] * 12)[int(m) - 1] = n
    listed = session.execute(
        select(ServiceCategory.id, ServiceCategory.name, ServiceCategory.active)
        .order_by(ServiceCategory.position, ServiceCategory.id)
    )
    return tuple(
        CategoryMonth(name, tuple(counts.get(cid, [0] * 12)), sum(counts.get(cid, ())))
        for cid, name, active in listed if active or cid in counts
    )


def request_statistics(session: Session, year: int, *, today: date | None = None) -> RequestStatistics:
    """The figures of ``year`` (see the module's description); ``today`` pins the current day."""
    actor = require(session, Perm.VIEW)
    as_of = min(today or date.today(), date(year, 12, 31))
    by_category = _by_category(session, actor, year)
    per_month = tuple(sum(row.counts[m] for row in by_category) for m in range(12))

    closed_now = func.sum(case((ServiceRequest.status.in_(CLOSED), 1), else_=0))
    late = func.sum(case((and_(ServiceRequest.status.in_(OPEN), ServiceRequest.due_on < as_of), 1), else_=0))
    received, closed, overdue = session.execute(
        _counted(actor, func.count(), closed_now, late)
        .where(ServiceRequest.received_on.between(date(year, 1, 1), date(year, 12, 31)))
    ).one()

    completed_in_year = ServiceRequest.completed_on.between(date(year, 1, 1), date(year, 12, 31))
    answer = func.coalesce(ServiceRequest.satisfaction, NOT_REVISITED)
    answers = dict(session.execute(
        _counted(actor, answer, func.count()).where(completed_in_year).group_by(answer)).all())
    days = [(done - got).days for got, done in session.execute(
        _counted(actor, ServiceRequest.received_on, ServiceRequest.completed_on).where(completed_in_year))]
    return RequestStatistics(
        year=year, by_category=by_category, per_month=per_month, received=received, closed=closed or 0,
        open=received - (closed or 0), overdue=overdue or 0,
        median_days_to_close=float(statistics.median(days)) if days else None,
        average_days_to_close=statistics.fmean(days) if days else None,
        satisfaction={key: answers.get(key, 0) for key in (*SATISFACTION, NOT_REVISITED)},
    )
