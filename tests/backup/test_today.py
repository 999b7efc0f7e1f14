"""备份提醒 on the today list: due once the last verified backup (or, without one, the first use)
is ``backup.interval_days`` old; shown to those who may take a backup; the interval is a setting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from chang_shan.accounts.permissions import actor_for
from chang_shan.backup.today import TARGET, backup_due
from chang_shan.db.database import Database
from chang_shan.settings import SETTINGS, set_setting
from chang_shan.today import build_today
from chang_shan.today.registry import sections
from tests.backup.recorded import record_backup

TODAY = date.today()


def due(db: Database, on: date) -> list:
    with db.reader() as s:
        return backup_due(s, on)


def start_using(db: Database) -> None:
    from chang_shan.population import places

    with db.transaction("建立网格") as s:
        places.create_grid(s, code="01", name="第一网格")


def test_an_empty_database_has_nothing_to_back_up(db: Database) -> None:
    assert due(db, TODAY + timedelta(days=400)) == []


def test_never_backed_up_counts_from_the_first_use(db: Database) -> None:
    start_using(db)
    assert due(db, TODAY + timedelta(days=6)) == []
    [item] = due(db, TODAY + timedelta(days=7))
    assert item.text == (f"从 {TODAY:%Y-%m-%d} 开始使用以来还没有备份过（7 天），"
                         "请插入U盘，用“文件 → 备份到U盘…”备份")
    assert (item.resident_id, item.name, item.due_on, item.days_overdue, item.target) == (
        None, "数据备份", TODAY + timedelta(days=7), 0, TARGET)
    assert due(db, TODAY + timedelta(days=30))[0].days_overdue == 23


def test_a_verified_backup_resets_the_clock(db: Database, tmp_path) -> None:  # noqa: ANN001
    start_using(db)
    backed_up = datetime.combine(TODAY + timedelta(days=20), datetime.min.time().replace(hour=15, minute=30))
    record_backup(db, backed_up, tmp_path / "stick" / "chang-shan.csbak")
    assert due(db, TODAY + timedelta(days=26)) == []
    [item] = due(db, TODAY + timedelta(days=29))
    day = TODAY + timedelta(days=20)
    assert item.text.startswith(f"上次备份是 {day:%Y-%m-%d}（9 天前，{tmp_path / 'stick'}")
    assert (item.due_on, item.days_overdue) == (day + timedelta(days=7), 2)


def test_the_interval_is_the_setting(db: Database) -> None:
    assert (SETTINGS["backup.interval_days"].default, SETTINGS["backup.interval_days"].minimum,
            SETTINGS["backup.interval_days"].maximum) == (7, 1, 90)
    start_using(db)
    with db.transaction("设置") as s:
        set_setting(s, "backup.interval_days", 30)
    assert due(db, TODAY + timedelta(days=29)) == []
    assert due(db, TODAY + timedelta(days=30))[0].days_overdue == 0
    with db.reader() as s:
        assert build_today(s, TODAY).section("backup_due").note == "超过 30 天没有核对过的备份"


@pytest.mark.parametrize(("role", "count"), [("管理员", 1), ("社区工作者", 1), ("网格员", 0), ("只读", None)])
def test_who_is_reminded(db: Database, role: str, count: int | None) -> None:
    """Those who may take a backup; a 网格员 may not (the backup holds every grid)."""
    start_using(db)
    db.actor = actor_for("someone", role, grid_ids=[1] if role == "网格员" else None)
    with db.reader() as s:
        today = build_today(s, TODAY + timedelta(days=10))
    section = today.section("backup_due")
    assert (section.count if section is not None else None) == count
    if section is not None:
        assert section.title == "备份提醒"


def test_the_section_comes_after_the_ledgers(db: Database) -> None:
    keys = [s.key for s in sections()]
    assert keys[-1] == "backup_due" and keys[:4] == ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]
