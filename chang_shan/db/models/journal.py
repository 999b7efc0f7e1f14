"""The change journal: every write, grouped per user action, with the old and new values.

It is what "undo the last change" replays backwards, and what the audit trail builds on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base, utcnow


class ChangeSet(Base):
    __tablename__ = "change_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_name: Mapped[str] = mapped_column(String(50), default="")
    action: Mapped[str] = mapped_column(String(200))
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"), index=True)
    # 'change' (rows below), or an event with no rows: 'reveal', 'export', 'print', 'login',
    # 'login_failed', 'lockout', 'account' … (see chang_shan/audit).
    kind: Mapped[str] = mapped_column(String(20), default="change", index=True)
    resident_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict | None] = mapped_column(JSON)
    # The audit chain: sha256 over the previous entry's hash and this entry with its rows.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    rows: Mapped[list[ChangeRow]] = relationship(
        order_by="ChangeRow.id", cascade="all, delete-orphan", back_populates="change_set"
    )


class ChangeRow(Base):
    __tablename__ = "change_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_set.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(50))
    row_key: Mapped[dict] = mapped_column(JSON)
    op: Mapped[str] = mapped_column(String(6))  # insert / update / delete
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # For filtering a person's history without parsing JSON.
    resident_id: Mapped[int | None] = mapped_column(index=True)

    change_set: Mapped[ChangeSet] = relationship(back_populates="rows")
