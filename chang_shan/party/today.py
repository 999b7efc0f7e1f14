"""The party ledger's sections of the today list: this month's political birthdays (政治生日) and
study-day absences still to follow up (target ``('party_member', member id)``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.party.queries import birthdays_in_month
from chang_shan.party.study import next_study_day, pending_follow_ups
from chang_shan.safety.dates import years_after
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem

TARGET = "party_member"


def political_birthdays(session: Session, on: date) -> list[TodayItem]:
    """Members 在册 whose 政治生日 is in ``on``'s month: '入党 N 周年（YYYY-MM-DD）', dated this
    year's anniversary, by day."""
    items = []
    for row in birthdays_in_month(session, on.year, on.month):
        years = on.year - row.joined_on.year
        items.append(TodayItem(row.resident_id, row.name, f"入党 {years} 周年（{row.joined_on:%Y-%m-%d}）",
                               years_after(row.joined_on, years), None, (TARGET, row.id)))
    return items


def study_followups(session: Session, on: date) -> list[TodayItem]:
    """Absences from study days on or before ``on`` not followed up: the oldest first."""
    items = []
    for r in pending_follow_ups(session, on):
        reason = r.reason or "未说明原因"
        items.append(TodayItem(r.resident_id, r.name, f"{r.held_on:%Y-%m-%d} {r.org_name}主题党日缺席（{reason}），待跟进",
                               r.held_on, (on - r.held_on).days, (TARGET, r.member_id)))
    return items


def _next_day_note(session: Session, on: date) -> str:
    return f"缺席主题党日、尚未谈心谈话或补学的党员；下次主题党日：{next_study_day(session, on):%Y-%m-%d}"


register_section("party_birthdays", "本月政治生日", political_birthdays, order=100, perm=Perm.VIEW,
                 note="本月入党纪念日的在册党员")
register_section("party_study_followup", "主题党日缺席待跟进", study_followups, order=101, perm=Perm.VIEW,
                 note=_next_day_note)
