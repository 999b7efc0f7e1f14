"""The today list's 备份提醒: one item when the last verified backup is older than
``backup.interval_days`` (工具 → 设置, 7 days unless changed), opening 文件 → 备份到U盘…
(target ``('backup', 0)``).

With no backup at all the clock starts at the database's first recorded action (its first use):
an office is reminded a week after it began keeping records, not while the program is still empty
(an empty database has nothing to lose and no reminder). Shown to the users who may take a backup
(``BACKUP_PERM``, not limited to some grids: ``chang_shan.backup.create.require_backup``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of
from chang_shan.db.models import ChangeSet
from chang_shan.settings import get_setting
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem

INTERVAL_KEY = "backup.interval_days"
TARGET = ("backup", 0)
# Who sees the reminder: who may take a backup (a 社区工作者 takes the weekly backup home).
BACKUP_PERM = Perm.EXPORT


def _local_day(when: datetime) -> date:
    """A stored time (naive UTC, as the journal keeps it; or aware) as the local calendar day."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().date()


def _first_use(session: Session) -> date | None:
    first = session.execute(select(func.min(ChangeSet.at))).scalar()
    return _local_day(first) if first is not None else None


def last_verified(session: Session) -> tuple[datetime, str] | None:
    """(when, where) of the last backup that was written and checked, or None."""
    from chang_shan.backup.record import last_backup

    record = last_backup(session)
    return (record.created_at, str(record.target)) if record is not None else None


def backup_due(session: Session, on: date) -> list[TodayItem]:
    """One item when the last verified backup (or, without one, the first use) is ``interval``
    days or more before ``on``; none otherwise."""
    actor = actor_of(session)
    if actor is not None and actor.grid_ids is not None:
        return []  # a 网格员 may not back up the whole database (chang_shan.backup.create)
    interval = int(get_setting(session, INTERVAL_KEY))
    last = last_verified(session)
    since = _local_day(last[0]) if last is not None else _first_use(session)
    if since is None or (on - since).days < interval:
        return []
    age = (on - since).days
    if last is not None:
        said = f"上次备份是 {since:%Y-%m-%d}（{age} 天前，{last[1]}）"
    else:
        said = f"从 {since:%Y-%m-%d} 开始使用以来还没有备份过（{age} 天）"
    due = since + timedelta(days=interval)
    return [TodayItem(None, "数据备份", said + "，请插入U盘，用“文件 → 备份到U盘…”备份", due, (on - due).days, TARGET)]

register_section("backup_due", "备份提醒", backup_due, order=900, perm=BACKUP_PERM,
                 note=lambda session, _on: f"超过 {get_setting(session, INTERVAL_KEY)} 天没有核对过的备份")
