"""The 四步议事 section of the today list: resolutions whose 公示期 has ended and that wait to be
confirmed (已决议), the longest waiting first (target ``('matter', id)``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models.deliberation import DeliberationMatter
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def notice_due(session: Session, on: date) -> list[TodayItem]:
    """Matters 公示中 whose notice period ended before ``on``."""
    require(session, Perm.VIEW)
    rows = session.execute(
        select(DeliberationMatter.id, DeliberationMatter.number, DeliberationMatter.title,
               DeliberationMatter.notice_from, DeliberationMatter.notice_to)
        .where(DeliberationMatter.status == "公示中", DeliberationMatter.notice_to < on)
        .order_by(DeliberationMatter.notice_to, DeliberationMatter.id)
    ).all()
    items = []
    for r in rows:
        due = r.notice_to + timedelta(days=1)
        text = (f"{r.number} 公示期 {r.notice_from:%Y-%m-%d} 至 {r.notice_to:%Y-%m-%d} 已满，"
                "无异议的请确认决议")
        items.append(TodayItem(None, r.title, text, due, (on - due).days, ("matter", r.id)))
    return items


register_section("deliberation_notice_due", "议事公示期满待确认", notice_due, order=120, perm=Perm.VIEW,
                 note="四步议事决议公示期已满、尚未确认为“已决议”的议题")
