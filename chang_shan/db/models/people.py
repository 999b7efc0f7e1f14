"""Residents and what happens to them (moves, moving out, death). Nobody is hard-deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base, utcnow

if TYPE_CHECKING:
    from chang_shan.db.models.places import Household

RESIDENT_STATUSES = ("在册", "已迁出", "已故")
RESIDENCE_TYPES = ("户籍", "常住", "流动", "人户分离")
MOVEMENT_KINDS = ("登记", "迁入", "转户", "迁出", "死亡", "变更户主")


class Resident(Base):
    __tablename__ = "resident"
    __table_args__ = (
        CheckConstraint("status in ('在册', '已迁出', '已故')", name="status"),
        CheckConstraint("sex_code in ('0', '1', '2', '9')", name="sex_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    # GB 11643, 18 characters, upper-case X. Unique when present (some newcomers have none yet).
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    # Toneless pinyin of the name, for sorting by name the way people read it (see population/pinyin.py).
    name_pinyin: Mapped[str] = mapped_column(String(300), default="", index=True)
    sex_code: Mapped[str] = mapped_column(String(1), default="0")  # GB/T 2261.1
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    ethnicity_code: Mapped[str] = mapped_column(String(2), default="01")  # GB/T 3304
    relation_code: Mapped[str] = mapped_column(String(2), default="99")  # GB/T 4761
    phone: Mapped[str] = mapped_column(String(30), default="", index=True)
    residence_type: Mapped[str] = mapped_column(String(8), default="户籍")
    employment: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(8), default="在册", index=True)
    moved_in_on: Mapped[date | None] = mapped_column(Date)
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    died_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: two workers editing one person do not silently overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)

    household: Mapped[Household | None] = relationship(
        back_populates="members", foreign_keys=[household_id]
    )
    groups: Mapped[list[ResidentGroup]] = relationship(cascade="all, delete-orphan")
    movements: Mapped[list[Movement]] = relationship(
        back_populates="resident", order_by="Movement.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def group_names(self) -> list[str]:
        return sorted(g.group for g in self.groups)


class ResidentGroup(Base):
    """Membership of a special group (独居, 空巢, 残疾, 低保, 特困, 退役军人 …)."""

    __tablename__ = "resident_group"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), primary_key=True)
    group: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class Movement(Base):
    """One event in a resident's history: registration, moves, moving out, death, head change."""

    __tablename__ = "movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    on_date: Mapped[date] = mapped_column(Date)
    from_household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    to_household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    resident: Mapped[Resident] = relationship(back_populates="movements")
