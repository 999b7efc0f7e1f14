"""包保制 and emergency contacts: who looks after a lone or dependent elder, and whom to call.

Neither is health data (they need the ledger permissions, not the health permission): the
caretakers and the badges (issue 6) use them too.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base
from chang_shan.db.models.people import Resident


class CareAssignment(Base):
    """``caretaker`` (usually a 楼栋长 or 单元长) looks after ``elder`` from ``start_on``; ``end_on``
    closes it and the row stays as history."""

    __tablename__ = "care_assignment"
    __table_args__ = (CheckConstraint("elder_id <> caretaker_id", name="not_self"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    caretaker_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    elder: Mapped[Resident] = relationship(foreign_keys=[elder_id])
    caretaker: Mapped[Resident] = relationship(foreign_keys=[caretaker_id])


class ResidentContact(Base):
    """An emergency contact of a resident (family first): name, relation, phone, in calling order."""

    __tablename__ = "resident_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
