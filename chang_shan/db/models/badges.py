"""防走失二维码: each elder's badge (a number that stays), the register of printed versions, what the
family agreed may go on the badge, and the resident's photo.

None of these tables is health data by name: the one health item a badge may carry, the medical
note, is text the family agreed to show to whoever finds the elder (written only by a user with the
health permission, see ``chang_shan.badges.consent``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

BADGE_LAYOUTS = ("sheet", "card", "label")  # A4 sheet with cut marks, ID-1 card, 50×30 mm label


class Badge(Base):
    """A resident's badge. ``number`` is given at the first print and kept for every reprint."""

    __tablename__ = "badge"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), unique=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BadgePrint(Base):
    """One printing of one badge: which version (content) was printed when, by whom, in which layout.

    ``content_hash`` is the hash of everything printed on the badge (``BadgeData.content_hash``);
    when today's content hashes differently the printed badge is stale. ``version`` goes up by
    one each time a different content is printed.
    """

    __tablename__ = "badge_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badge.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    part_hashes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # BadgeData.part_hashes()
    layout: Mapped[str] = mapped_column(String(10))
    printed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    printed_by: Mapped[str] = mapped_column(String(50), default="")  # account user name
    output: Mapped[str] = mapped_column(String(20), default="pdf")  # 'pdf' (saved file) or 'printer'


class BadgeConsent(Base):
    """What the family agreed may go on the badge. Without a row the office defaults apply
    (settings ``badges.default_address``, ``badges.default_photo``, ``badges.max_contacts``); a
    medical note is only ever printed when recorded here."""

    __tablename__ = "badge_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), unique=True)
    include_address: Mapped[bool] = mapped_column(Boolean, default=False)
    include_photo: Mapped[bool] = mapped_column(Boolean, default=True)
    include_medical: Mapped[bool] = mapped_column(Boolean, default=False)
    medical_note: Mapped[str] = mapped_column(String(60), default="")  # '阿尔茨海默病；糖尿病；青霉素过敏'
    max_contacts: Mapped[int] = mapped_column(Integer, default=2)  # family contacts on the badge, 1–3
    given_by: Mapped[str] = mapped_column(String(50), default="")  # who agreed: '本人' / '儿子 张伟'
    given_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ResidentPhoto(Base):
    """A resident's photo, cropped and scaled for badges, stored as a file under the data folder
    (``files/photos/…``, path relative to ``DataDir.files``). Files are named by their content
    and never overwritten, so undoing a change of photo finds the old file again."""

    __tablename__ = "resident_photo"
    __table_args__ = (UniqueConstraint("resident_id", name="uq_resident_photo_resident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    file: Mapped[str] = mapped_column(String(200))  # 'photos/ab/ab12….jpg'
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
