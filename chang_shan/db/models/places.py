"""Places: grids (网格), buildings (楼栋), units (单元), households (户) and organisations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base, utcnow

if TYPE_CHECKING:
    from chang_shan.db.models.people import Resident

BUILDING_KINDS = ("楼房", "平房区")


class Grid(Base):
    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(String(500), default="")

    buildings: Mapped[list[Building]] = relationship(back_populates="grid", order_by="Building.sort_key")


class Building(Base):
    """A 楼栋, or the low-rise area (平房区), which has no units."""

    __tablename__ = "building"
    __table_args__ = (
        UniqueConstraint("grid_id", "name"),
        CheckConstraint("kind in ('楼房', '平房区')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(8), default="楼房")
    address: Mapped[str] = mapped_column(String(200), default="")
    sort_key: Mapped[int] = mapped_column(default=0)

    grid: Mapped[Grid] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building", order_by="Unit.sort_key")


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("building_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sort_key: Mapped[int] = mapped_column(default=0)

    building: Mapped[Building] = relationship(back_populates="units")


class Household(Base):
    """A 户: a dwelling (room in a unit, or an address in the low-rise area) and its members."""

    __tablename__ = "household"
    __table_args__ = (
        CheckConstraint("area_m2 is null or area_m2 >= 0", name="area_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    room: Mapped[str] = mapped_column(String(50))
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2, asdecimal=True))
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", use_alter=True, name="fk_household_head_id_resident"), index=True
    )
    phone: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic concurrency, as on Resident: two workers never silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    building: Mapped[Building] = relationship()
    unit: Mapped[Unit | None] = relationship()
    head: Mapped[Resident | None] = relationship(foreign_keys=[head_id], post_update=True)
    members: Mapped[list[Resident]] = relationship(
        back_populates="household", foreign_keys="Resident.household_id"
    )
    tags: Mapped[list[HouseholdTag]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def tag_names(self) -> list[str]:
        return sorted(t.tag for t in self.tags)


class HouseholdTag(Base):
    """A label on a household, e.g. 党员家庭户."""

    __tablename__ = "household_tag"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Organisation(Base):
    """An organisation in the area: 驻区单位, 大党委 member unit, shop, school …"""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="驻区单位")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    in_party_committee: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
