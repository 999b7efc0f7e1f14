"""乐龄食堂: who eats at the seniors' canteen (in the hall or delivered), and the meals served.

Money is kept in fen (integer cents) and handed out as ``Decimal`` yuan by the services: never a
float. Each meal row keeps its own price, so a change of price never rewrites past statements.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base

MEALS = ("午餐", "晚餐")
MODES = ("堂食", "送餐")


class CanteenMember(Base):
    """A resident signed up for the canteen from ``start_on`` (``end_on`` closes it): which meals,
    eating in or delivered, and for delivery the route."""

    __tablename__ = "canteen_member"
    __table_args__ = (CheckConstraint("mode in ('堂食', '送餐')", name="mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    mode: Mapped[str] = mapped_column(String(2), default="堂食")
    lunch: Mapped[bool] = mapped_column(default=True)
    dinner: Mapped[bool] = mapped_column(default=True)
    route: Mapped[str] = mapped_column(String(20), default="")  # delivery route, e.g. 一号线
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class CanteenMeal(Base):
    """A meal served (eaten in or delivered) to a resident on a day, at the price of that day."""

    __tablename__ = "canteen_meal"
    __table_args__ = (
        UniqueConstraint("resident_id", "on_date", "meal", name="one_per_meal"),
        CheckConstraint("meal in ('午餐', '晚餐')", name="meal"),
        CheckConstraint("mode in ('堂食', '送餐')", name="mode"),
        CheckConstraint("price_fen >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    meal: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(2))
    route: Mapped[str] = mapped_column(String(20), default="")
    price_fen: Mapped[int] = mapped_column(Integer)
