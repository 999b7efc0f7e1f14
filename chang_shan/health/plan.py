"""Which visit plans a resident's next one: the latest follow-up (a 随访, or a 年度体检, which stands
for one); a 关怀 call neither clears nor sets that plan (久未走访 watches calls). The today list
(``due.overdue_visits``) and the health record read the plan the same way."""

from __future__ import annotations

from collections.abc import Sequence

from chang_shan.health.shapes import VisitRow

FOLLOW_UP_PURPOSES = ("随访", "年度体检")


def planning_visit(visits: Sequence[VisitRow]) -> VisitRow | None:
    """Of a resident's visits (newest first), the one whose ``next_due_on`` is the plan: the latest
    follow-up, or the latest visit for someone never followed up."""
    return next((v for v in visits if v.purpose in FOLLOW_UP_PURPOSES), visits[0] if visits else None)
