"""Who reaches which mediation case. ``Perm.VIEW`` reads, ``Perm.EDIT`` writes. A case is about
residents when a party is one: a 网格员 reaches the cases with at least one party living in their
grids (cases between outsiders only are the office's), and may name as a party only residents of
their grids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Resident
from chang_shan.db.models.mediation import MediationCase, MediationParty
from chang_shan.errors import NotFound, PermissionDenied
from chang_shan.population import access

OUTSIDE = "这件调解案件的当事人都不在您负责的网格内。"


def in_scope(actor: Any) -> Any:
    """WHERE condition on ``MediationCase`` for a scoped actor: a party lives in their grids."""
    return exists(
        select(MediationParty.id).join(Resident, Resident.id == MediationParty.resident_id)
        .where(MediationParty.case_id == MediationCase.id,
               Resident.household_id.in_(access.households_in_scope(actor)))
    )


def get_case(session: Session, case_id: int) -> MediationCase:
    case = session.get(MediationCase, case_id)
    if case is None:
        raise NotFound("该调解案件不存在。")
    return case


def _require_case(session: Session, perm: Perm, case_id: int) -> MediationCase:
    actor = require(session, perm)
    case = get_case(session, case_id)
    if access.scoped(actor) and not session.scalar(select(in_scope(actor)).where(MediationCase.id == case.id)):
        raise PermissionDenied(OUTSIDE)
    return case


def case_to_read(session: Session, case_id: int) -> MediationCase:
    return _require_case(session, Perm.VIEW, case_id)


def case_to_write(session: Session, case_id: int) -> MediationCase:
    return _require_case(session, Perm.EDIT, case_id)
