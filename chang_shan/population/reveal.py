"""Showing a resident's full ID number or phone: a permission of its own, and always audited.

Everywhere else (lists, details for those who may not edit, prints, exports by default) the
values are masked (``220102********1234``, ``138****5678``). A reveal needs ``Perm.REVEAL`` and,
for a 网格员, the resident in their grids; it appends a ``reveal`` event to the audit trail
naming the resident and the field — never the value.

Call inside ``Database.transaction`` (the event is written when it commits):

    with db.transaction("查看完整身份证号") as session:
        number = reveal.reveal_id_number(session, resident_id)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.audit.events import record_event
from chang_shan.db.models import Resident
from chang_shan.errors import NotFound
from chang_shan.population import access

FIELDS = {"id_number": "身份证号", "phone": "电话"}


def _reveal(session: Session, resident_id: int, field: str) -> str:
    access.require_resident(session, Perm.REVEAL, resident_id)
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise NotFound("该居民不存在。")
    record_event(session, "reveal", f"查看完整{FIELDS[field]} {resident.name}", resident_id=resident_id,
                 detail={"field": field})
    return getattr(resident, field) or ""


def reveal_id_number(session: Session, resident_id: int) -> str:
    """The resident's full ID number ("" when none is registered); audited."""
    return _reveal(session, resident_id, "id_number")


def reveal_phone(session: Session, resident_id: int) -> str:
    """The resident's full phone number ("" when none is registered); audited."""
    return _reveal(session, resident_id, "phone")
