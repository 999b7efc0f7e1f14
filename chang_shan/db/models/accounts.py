"""Accounts of the office's workers: role, extra permissions, grids, lockout state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base, utcnow

ROLE_NAMES = ("管理员", "社区工作者", "网格员", "只读")


class UserAccount(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role in ('管理员', '社区工作者', '网格员', '只读')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    # Separate permissions for sensitive ledgers (PIPL art. 28): granted per person, not per role.
    can_health: Mapped[bool] = mapped_column(default=False)
    can_wills: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grids: Mapped[list[UserGrid]] = relationship(cascade="all, delete-orphan")

    @property
    def grid_ids(self) -> list[int]:
        return sorted(g.grid_id for g in self.grids)


class UserGrid(Base):
    """A grid a 网格员 works in: they see and edit only these."""

    __tablename__ = "user_grid"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
