"""Safety devices: smart gas alarms in households, extinguishers and smoke detectors in the stair
units (the micro fire station), with installation, inspections and expiry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base

DEVICE_KINDS = ("燃气报警器", "灭火器", "烟感报警器")
DEVICE_STATUSES = ("在用", "已更换", "已拆除")
INSPECTION_RESULTS = ("正常", "需维修", "已更换")


class SafetyDevice(Base):
    """One device where it is: a gas alarm in a household; an extinguisher or smoke detector in a
    unit (or, in the 平房区 without units, a building). ``status`` 在用 counts in the coverage."""

    __tablename__ = "safety_device"
    __table_args__ = (
        CheckConstraint("kind in ('燃气报警器', '灭火器', '烟感报警器')", name="kind"),
        CheckConstraint("status in ('在用', '已更换', '已拆除')", name="status"),
        CheckConstraint(
            "household_id is not null or unit_id is not null or building_id is not null", name="placed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    location: Mapped[str] = mapped_column(String(50), default="")  # 厨房 / 1楼楼梯口 …
    model: Mapped[str] = mapped_column(String(50), default="")
    serial: Mapped[str] = mapped_column(String(50), default="")
    installed_on: Mapped[date] = mapped_column(Date)
    last_inspected_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(3), default="在用", index=True)
    note: Mapped[str] = mapped_column(String(200), default="")

    inspections: Mapped[list[DeviceInspection]] = relationship(
        order_by="DeviceInspection.on_date", cascade="all, delete-orphan"
    )


class DeviceInspection(Base):
    __tablename__ = "device_inspection"
    __table_args__ = (CheckConstraint("result in ('正常', '需维修', '已更换')", name="result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("safety_device.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(3), default="正常")
    inspector: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
