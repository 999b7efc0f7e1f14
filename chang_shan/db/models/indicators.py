"""The "八零" indicators: per year, each of the eight zero targets either derived from the records
the program keeps (``indicators`` service) or entered here with its source (派出所通报, 学校 …).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base

# key → the target's name. The order is the dashboard's.
EIGHT_ZEROS: dict[str, str] = {
    "petitions": "零上访",
    "drugs": "零吸毒",
    "crime": "零犯罪",
    "dropouts": "零辍学",
    "public_security": "零治安案件",
    "zero_employment": "零就业家庭动态为零",
    "escalation": "零矛盾升级",
    "domestic_violence": "零家庭暴力",
}


class EightZeroEntry(Base):
    """The count of one indicator in one year, as entered (0 = target met), with its source."""

    __tablename__ = "eight_zero_entry"
    __table_args__ = (CheckConstraint("count >= 0", name="count_nonnegative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    indicator: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(200))  # where the figure comes from
    entered_by: Mapped[str] = mapped_column(String(50), default="")
    entered_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
