"""三长 and other posts held by residents, with dates (history is kept)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base
from chang_shan.db.models.people import Resident

ROLES = ("网格长", "楼栋长", "单元长")


class RoleAssignment(Base):
    """A resident holds a role over a scope (a grid, a building or a unit) from ``start_on``.

    Exactly one scope column is set, matching the role: 网格长 → grid, 楼栋长 → building,
    单元长 → unit. ``end_on`` closes the assignment; the row stays as history.
    """

    __tablename__ = "role_assignment"
    __table_args__ = (
        CheckConstraint(
            "(role = '网格长' and grid_id is not null and building_id is null and unit_id is null)"
            " or (role = '楼栋长' and building_id is not null and grid_id is null and unit_id is null)"
            " or (role = '单元长' and unit_id is not null and grid_id is null and building_id is null)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")

    resident: Mapped[Resident] = relationship()
