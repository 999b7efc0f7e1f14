"""The resident list of the 居民健康库 screen: the population search (name, pinyin, ID or phone
fragment, address) narrowed by one quick filter.

Quick filters (``QUICK_FILTERS``):

- ``profile``    有健康档案: a 个人基本信息表 has been saved;
- ``follow_up``  慢病随访对象: a 既往史 disease the 规范 follows up (``FOLLOW_UP_CODES``);
- ``no_check``   今年未体检的65岁以上: aged 65+ with no 年度体检 visit this calendar year;
- ``wandering``  走失风险: the profile marks a wandering risk;
- ``dependent``  需照护: the latest self-care total is ``DEPENDENT_FROM`` or more.

Needs ``Perm.HEALTH``; a 网格员 sees the residents of their grids only (the population queries and
the health services apply the same scope). Only residents 在册 are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models.health import HealthProfile, HealthSelfCare
from chang_shan.health.codes import DEPENDENT_FROM
from chang_shan.population import query
from chang_shan.population.query import ResidentRow

QUICK_FILTERS: dict[str, str] = {
    "": "全部居民",
    "profile": "有健康档案",
    "follow_up": "慢病随访对象",
    "no_check": "今年未体检的65岁以上",
    "wandering": "走失风险",
    "dependent": "需照护",
}
LIMIT = 500  # rows shown at once; a search narrows a longer list


@dataclass(frozen=True)
class Found:
    total: int  # how many residents match (all of them, not only the rows)
    rows: list[ResidentRow]  # the first ``limit`` in name order (plus ``include`` when it matches)


def quick_ids(session: Session, quick: str, on: date) -> set[int]:
    """The residents a quick filter picks (before the text search and the grid scope)."""
    if quick == "profile":
        return set(session.scalars(select(HealthProfile.resident_id)))
    if quick == "wandering":
        return set(session.scalars(select(HealthProfile.resident_id).where(HealthProfile.wandering_risk.is_(True))))
    if quick == "follow_up":
        from chang_shan.health.codes import FOLLOW_UP_CODES
        from chang_shan.health.profiles import residents_with_condition

        return {rid for code in FOLLOW_UP_CODES for rid in residents_with_condition(session, code)}
    if quick == "no_check":
        from chang_shan.health.due import yearly_check_due

        return {row.resident_id for row in yearly_check_due(session, on)}
    if quick == "dependent":
        newer = aliased(HealthSelfCare)
        latest = (
            select(newer.id).where(newer.resident_id == HealthSelfCare.resident_id)
            .order_by(newer.assessed_on.desc(), newer.id.desc()).limit(1).scalar_subquery()
        )
        return set(session.scalars(
            select(HealthSelfCare.resident_id).where(HealthSelfCare.id == latest,
                                                     HealthSelfCare.total >= DEPENDENT_FROM)
        ))
    raise ValueError(f"unknown quick filter: {quick!r}")


def find_residents(
    session: Session, text: str = "", quick: str = "", *, on: date, limit: int = LIMIT, include: int | None = None,
) -> Found:
    """Residents 在册 matching ``text`` and the quick filter, in name order. ``include`` (a
    resident the caller wants to show) is added to the rows when it matches but lies beyond
    ``limit``."""
    require(session, Perm.HEALTH)
    filt = query.ResidentFilter(text=text.strip(), on_date=on)
    if quick:
        wanted = quick_ids(session, quick, on)
        ids = [rid for rid in query.resident_ids(session, filt) if rid in wanted]
        total = len(ids)
    else:
        total = query.count_residents(session, filt)
        ids = query.resident_ids(session, filt, limit=limit) if total > limit else query.resident_ids(session, filt)
    page = ids[:limit]
    if include is not None and include not in page:
        matching = ids if len(ids) == total else query.resident_ids(session, filt)
        if include in matching:
            page.append(include)
    return Found(total, query.resident_rows(session, page, on_date=on))
