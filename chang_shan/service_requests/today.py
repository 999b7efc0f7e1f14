"""The service requests' sections of the today list: requests past due (逾期服务请求) and completed
requests waiting for their call-back (待回访). Each item opens the request (``('request', id)``);
the services check permissions and limit a 网格员 to their grids."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import RequestRow
from chang_shan.settings import get_setting
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def _item(row: RequestRow, text: str, due_on: date, days: int) -> TodayItem:
    who = f" · {row.assignee_label}" if row.assignee_label else " · 未派单"
    return TodayItem(row.resident_id, row.for_name, text + who, due_on, days, ("request", row.id))


def overdue_requests(session: Session, on: date) -> list[TodayItem]:
    """'理发 逾期 3 天（应于 2026-11-18） · 王芳（社区工作者）'."""
    return [_item(r, f"{r.category} 逾期 {r.days_overdue} 天（应于 {r.due_on.isoformat()}）", r.due_on,
                  r.days_overdue or 0)
            for r in requests.overdue_requests(session, on)]


def awaiting_revisit(session: Session, on: date) -> list[TodayItem]:
    """'家政 已完成 5 天未回访（2026-11-16 完成） · 家政服务队'; due the day the call-back was due."""
    items = []
    for r in requests.awaiting_revisit(session, on):
        assert r.completed_on is not None
        due_on = requests.revisit_due_on(session, r.completed_on)
        text = f"{r.category} 已完成 {(on - r.completed_on).days} 天未回访（{r.completed_on.isoformat()} 完成）"
        items.append(_item(r, text, due_on, (on - due_on).days))
    return items


def _revisit_note(session: Session, _on: date) -> str:
    return f"完成满 {get_setting(session, requests.REVISIT_AFTER_DAYS)} 天、尚未回访的服务请求"


register_section("overdue_requests", "逾期服务请求", overdue_requests, order=50, perm=Perm.VIEW,
                 note="已过应办日期、尚未办结的服务请求")
register_section("awaiting_revisit", "待回访", awaiting_revisit, order=60, perm=Perm.VIEW, note=_revisit_note)
