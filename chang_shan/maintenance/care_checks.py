"""``chang-shan check`` for 包保 and emergency contacts: assignments whose dates run forward, one
open assignment per elder, none left open for someone who moved out or died (moving out and death
end them: ``population.residents._end_care``), nobody their own caretaker; contacts numbered 1…n
in calling order."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from chang_shan.db.models import CareAssignment, Resident, ResidentContact
from chang_shan.maintenance.context import ACTIVE, CheckContext, Problem


def _dates_and_self(ctx: CheckContext) -> Iterator[Problem]:
    rows = ctx.session.execute(
        select(CareAssignment.id, CareAssignment.elder_id, CareAssignment.caretaker_id, CareAssignment.start_on,
               CareAssignment.end_on)
        .where(or_(CareAssignment.end_on < CareAssignment.start_on,
                   CareAssignment.elder_id == CareAssignment.caretaker_id))
        .order_by(CareAssignment.id)
    )
    for row in rows:
        elder = ctx.resident(row.elder_id)
        if row.elder_id == row.caretaker_id:
            yield Problem("care_assignments", f"{elder}：包保人登记成了其本人（包保记录 #{row.id}）。",
                          "care_assignment", row.id)
        if row.end_on is not None and row.end_on < row.start_on:
            dates = f"结束日期（{row.end_on:%Y-%m-%d}）早于开始日期（{row.start_on:%Y-%m-%d}）"
            yield Problem("care_assignments", f"{elder}：包保记录 #{row.id} 的{dates}。", "care_assignment", row.id)


def _several_open(ctx: CheckContext) -> Iterator[Problem]:
    rows = ctx.session.execute(
        select(CareAssignment.elder_id, func.count(), func.min(CareAssignment.id))
        .where(CareAssignment.end_on.is_(None))
        .group_by(CareAssignment.elder_id)
        .having(func.count() > 1)
        .order_by(CareAssignment.elder_id)
    )
    for elder_id, count, first_id in rows:
        caretakers = ctx.session.scalars(
            select(CareAssignment.caretaker_id)
            .where(CareAssignment.elder_id == elder_id, CareAssignment.end_on.is_(None))
            .order_by(CareAssignment.id)
        ).all()
        names = "、".join(ctx.resident(c) for c in caretakers)
        yield Problem(
            "care_assignments", f"{ctx.resident(elder_id)}：同时有 {count} 条未结束的包保记录（包保人：{names}）。",
            "care_assignment", first_id,
        )


def _open_after_leaving(ctx: CheckContext) -> Iterator[Problem]:
    elder, caretaker = aliased(Resident), aliased(Resident)
    rows = ctx.session.execute(
        select(CareAssignment.id, CareAssignment.elder_id, CareAssignment.caretaker_id,
               elder.status.label("elder_status"), caretaker.status.label("caretaker_status"))
        .join(elder, elder.id == CareAssignment.elder_id)
        .join(caretaker, caretaker.id == CareAssignment.caretaker_id)
        .where(CareAssignment.end_on.is_(None), or_(elder.status != ACTIVE, caretaker.status != ACTIVE))
        .order_by(CareAssignment.id)
    )
    for row in rows:
        who = ctx.resident(row.elder_id)
        if row.elder_status != ACTIVE:
            message = f"{who}：已{row.elder_status[1:]}，但包保记录 #{row.id} 仍未结束。"
        else:
            message = (f"{who}：包保人{ctx.resident(row.caretaker_id)}已{row.caretaker_status[1:]}，"
                       f"但包保记录 #{row.id} 仍未结束。")
        yield Problem("care_assignments", message, "care_assignment", row.id)


def check_care_assignments(ctx: CheckContext) -> Iterator[Problem]:
    yield from _dates_and_self(ctx)
    yield from _several_open(ctx)
    yield from _open_after_leaving(ctx)


def check_contacts(ctx: CheckContext) -> Iterator[Problem]:
    count = func.count()
    rows = ctx.session.execute(
        select(ResidentContact.resident_id, count)
        .group_by(ResidentContact.resident_id)
        .having(or_(func.min(ResidentContact.position) != 1, func.max(ResidentContact.position) != count,
                    func.count(func.distinct(ResidentContact.position)) != count))
        .order_by(ResidentContact.resident_id)
    )
    for resident_id, total in rows:
        yield Problem(
            "contacts",
            f"{ctx.resident(resident_id)}：{total} 位紧急联系人的顺序号不是 1 到 {total} 连续不重复。",
            "resident", resident_id,
        )
