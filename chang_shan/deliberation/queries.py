"""Reading the 四步议事 ledger: the list of matters, one matter's detail with its steps, and the
report dialog's choice list. ``Perm.VIEW``; matters are the whole community's (no grid scope)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models.deliberation import MATTER_STATUSES, DeliberationMatter, DeliberationStep
from chang_shan.deliberation.rules import VOTING_STEP, quorum
from chang_shan.deliberation.shapes import DONE, MatterDetail, MatterRow, StepRow, step_name
from chang_shan.errors import NotFound, ValidationError


def stage_text(matter: DeliberationMatter) -> str:
    if matter.status == "议事中":
        return f"下一步：{step_name(matter.step)}"
    if matter.status == "公示中":
        return f"公示中（至 {matter.notice_to:%Y-%m-%d}）"
    return matter.status


def _row(matter: DeliberationMatter, last_held_on: date | None) -> MatterRow:
    return MatterRow(
        id=matter.id, number=matter.number, title=matter.title, category=matter.category,
        proposed_on=matter.proposed_on, status=matter.status, step=matter.step, stage=stage_text(matter),
        last_held_on=last_held_on, notice_from=matter.notice_from, notice_to=matter.notice_to,
        closed_on=matter.closed_on, version=matter.version,
    )


def matters(session: Session, *, status: str | None = None, year: int | None = None, text: str = "") -> list[MatterRow]:
    """Matters, the latest proposed first. ``year``: the year proposed; ``text`` matches the
    number, the title, the category or the background."""
    require(session, Perm.VIEW)
    if status is not None and status not in MATTER_STATUSES:
        raise ValidationError({"status": "状态只能是：" + "、".join(MATTER_STATUSES) + "。"})
    last = (select(DeliberationStep.matter_id, func.max(DeliberationStep.held_on).label("held_on"))
            .group_by(DeliberationStep.matter_id).subquery())
    query = select(DeliberationMatter, last.c.held_on).outerjoin(last, last.c.matter_id == DeliberationMatter.id)
    if status:
        query = query.where(DeliberationMatter.status == status)
    if year:
        query = query.where(extract("year", DeliberationMatter.proposed_on) == year)
    needle = (text or "").strip()
    if needle:
        like = f"%{needle}%"
        query = query.where(or_(DeliberationMatter.number.ilike(like), DeliberationMatter.title.like(like),
                                DeliberationMatter.category.like(like), DeliberationMatter.background.like(like)))
    query = query.order_by(DeliberationMatter.proposed_on.desc(), DeliberationMatter.id.desc())
    return [_row(m, held) for m, held in session.execute(query)]


def _step_row(s: DeliberationStep) -> StepRow:
    return StepRow(
        id=s.id, seq=s.seq, step=s.step, name=step_name(s.step), held_on=s.held_on, place=s.place, host=s.host,
        participants=s.participants, expected=s.expected, present=s.present, votes_for=s.votes_for,
        votes_against=s.votes_against, votes_abstain=s.votes_abstain,
        quorum=quorum(s.expected) if s.step == VOTING_STEP and s.expected else None, minutes=s.minutes,
        outcome=s.outcome, back_to=s.back_to, back_to_name=step_name(s.back_to), reason=s.reason,
        recorded_by=s.recorded_by,
    )


def find_matter(session: Session, number: str) -> int:
    """The id of the matter numbered ``number`` (YS2026-003)."""
    require(session, Perm.VIEW)
    found = session.scalar(select(DeliberationMatter.id).where(DeliberationMatter.number == (number or "").strip()))
    if found is None:
        raise NotFound(f"没有编号为 {number} 的议题。")
    return found


def matter_detail(session: Session, matter_id: int) -> MatterDetail:
    """The matter and its steps in the order they were held; what may be done next."""
    require(session, Perm.VIEW)
    matter = session.get(DeliberationMatter, matter_id)
    if matter is None:
        raise NotFound("该议题不存在。")
    steps = tuple(_step_row(s) for s in session.scalars(
        select(DeliberationStep).where(DeliberationStep.matter_id == matter.id).order_by(DeliberationStep.seq)))
    allowed: tuple[str, ...] = ()
    next_step = None
    close_from = None
    if matter.status == "议事中":
        next_step = matter.step
        allowed = ("record_step", "withdraw", "edit")
    elif matter.status == "公示中":
        assert matter.notice_to is not None
        close_from = matter.notice_to + timedelta(days=1)
        allowed = ("close_notice", "withdraw", "edit")
    return MatterDetail(
        row=_row(matter, steps[-1].held_on if steps else None), background=matter.background,
        resolution=matter.resolution, notice_number=matter.notice_number, close_reason=matter.close_reason,
        created_by=matter.created_by, steps=steps, next_step=next_step, next_step_name=step_name(next_step),
        allowed=allowed, close_from=close_from,
    )


def matter_choices(session: Session) -> list[tuple[str, str]]:
    """(number, 'YS2026-003 燃气管道更新') of every matter, the latest first — the reports
    dialog's 议题 list."""
    require(session, Perm.VIEW)
    rows = session.execute(select(DeliberationMatter.number, DeliberationMatter.title)
                           .order_by(DeliberationMatter.proposed_on.desc(), DeliberationMatter.id.desc()))
    return [(number, f"{number} {title}") for number, title in rows]


__all__ = ["DONE", "find_matter", "matter_choices", "matter_detail", "matters", "stage_text"]
