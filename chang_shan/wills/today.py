"""The will registry's section of the today list: wills of testators who have died, whose named
viewers and collectors have not been told yet (target ``('will', id)``). ``Perm.WILLS`` only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Resident
from chang_shan.db.models.wills import WillPerson, WillRegistration
from chang_shan.population import access
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem

VIEWER_ROLES = ("查看人", "提取人")


def viewers_to_notify(session: Session, on: date) -> list[TodayItem]:
    """Wills 有效 or 已启用 whose testator died on or before ``on`` and whose viewers were not
    notified: the longest since the death first."""
    actor = require(session, Perm.WILLS)
    testator = aliased(Resident)
    query = (
        select(WillRegistration.id, WillRegistration.number, WillRegistration.form, WillRegistration.testator_id,
               testator.name, testator.died_on)
        .join(testator, testator.id == WillRegistration.testator_id)
        .where(WillRegistration.status.in_(("有效", "已启用")), WillRegistration.viewers_notified_on.is_(None),
               testator.died_on.is_not(None), testator.died_on <= on)
    )
    if access.scoped(actor):
        query = query.where(testator.household_id.in_(access.households_in_scope(actor)))
    rows = session.execute(query.order_by(testator.died_on, WillRegistration.id)).all()
    names: dict[int, list[str]] = {}
    if rows:
        for will_id, name in session.execute(
            select(WillPerson.will_id, WillPerson.name).where(
                WillPerson.will_id.in_([r.id for r in rows]), WillPerson.role.in_(VIEWER_ROLES))
            .order_by(WillPerson.will_id, WillPerson.role, WillPerson.position)
        ):
            if name not in names.setdefault(will_id, []):
                names[will_id].append(name)
    items = []
    for r in rows:
        who = "、".join(names.get(r.id, [])) or "（未登记查看人，请联系家属）"
        text = f"{r.number} {r.form}遗嘱：立遗嘱人已于 {r.died_on:%Y-%m-%d} 去世，请通知查看人 {who}"
        items.append(TodayItem(r.testator_id, r.name, text, r.died_on, (on - r.died_on).days, ("will", r.id)))
    return items


register_section("will_viewers", "遗嘱：通知查看人", viewers_to_notify, order=80, perm=Perm.WILLS,
                 note="立遗嘱人已故、尚未通知遗嘱查看人或提取人的遗嘱登记")
