"""The today list's sections of this ledger (registered with ``today.registry.register_section``):
service records waiting for confirmation, the oldest first (target ``('volunteer_service', id)``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Resident
from chang_shan.db.models.volunteers import Volunteer, VolunteerService, VolunteerTeam
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem
from chang_shan.volunteers import queries


def pending_services(session: Session, on: date) -> list[TodayItem]:
    """Records 待确认 served on or before ``on``: the longest waiting first."""
    require(session, Perm.VIEW)
    query = queries._scoped(session, (
        select(VolunteerService.id, VolunteerService.served_on, VolunteerService.kind, VolunteerService.hours,
               VolunteerService.content, Volunteer.resident_id, Volunteer.number, queries.NAME.label("name"),
               VolunteerTeam.name.label("team"))
        .join(Volunteer, Volunteer.id == VolunteerService.volunteer_id)
        .outerjoin(Resident, Resident.id == Volunteer.resident_id)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == VolunteerService.team_id)
        .where(VolunteerService.status == "待确认", VolunteerService.served_on <= on)
        .order_by(VolunteerService.served_on, VolunteerService.id)
    ))
    items = []
    for r in session.execute(query):
        team = f"，{r.team}" if r.team else ""
        text = f"{r.served_on:%Y-%m-%d} {r.kind} {r.hours} 小时：{r.content}（{r.number}{team}）待确认"
        items.append(TodayItem(r.resident_id, r.name or "", text, r.served_on, (on - r.served_on).days,
                               ("volunteer_service", r.id)))
    return items


register_section("volunteer_pending", "志愿服务记录待确认", pending_services, order=110, perm=Perm.VIEW,
                 note="确认后才计入服务时长和积分")
