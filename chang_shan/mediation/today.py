"""The 人民调解 section of the today list: agreements whose performance is due and not confirmed
by a 回访 (no visit found them 已履行), the longest overdue first (target ``('case', id)``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models.mediation import MediationCase, MediationVisit
from chang_shan.mediation.access import in_scope
from chang_shan.mediation.queries import _rows
from chang_shan.population import access
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def visits_due(session: Session, on: date) -> list[TodayItem]:
    """Cases 达成协议 whose 履行期限 is before ``on`` with no 已履行 visit."""
    actor = require(session, Perm.VIEW)
    performed = select(MediationVisit.case_id).where(MediationVisit.performance == "已履行")
    query = (select(MediationCase)
             .where(MediationCase.status == "达成协议", MediationCase.performance_due.is_not(None),
                    MediationCase.performance_due < on, MediationCase.id.not_in(performed))
             .order_by(MediationCase.performance_due, MediationCase.id))
    if access.scoped(actor):
        query = query.where(in_scope(actor))
    items = []
    for row in _rows(session, list(session.scalars(query))):
        assert row.performance_due is not None
        last = f"，上次回访：{row.performance}" if row.performance else "，尚未回访"
        text = f"{row.number} {row.kind}：履行期限 {row.performance_due:%Y-%m-%d} 已过{last}"
        items.append(TodayItem(None, row.parties, text, row.performance_due, (on - row.performance_due).days,
                               ("case", row.id)))
    return items


register_section("mediation_visits_due", "调解协议回访", visits_due, order=121, perm=Perm.VIEW,
                 note="履行期限已过、尚未回访确认履行的人民调解协议")
