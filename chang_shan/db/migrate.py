"""Bring a database to the current schema: safety copy first, then Alembic ``upgrade head``.

A database whose revision this program does not know was written by a newer version: it is refused
with a clear message and left untouched.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from chang_shan.errors import EnvironmentProblem, NewerDatabase

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Alembic is imported by the functions that use it, not here: it brings every SQLAlchemy dialect
# (about 100 ms), and importing this module for ``safety_copy`` (the demo builder, which the login
# dialog's demo hint imports) must stay cheap. ``migrate.command`` and the others still work.
_ALEMBIC = {
    "command": ("alembic.command", None),
    "Config": ("alembic.config", "Config"),
    "MigrationContext": ("alembic.runtime.migration", "MigrationContext"),
    "ScriptDirectory": ("alembic.script", "ScriptDirectory"),
}


def __getattr__(name: str) -> Any:
    if name not in _ALEMBIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _ALEMBIC[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


def safety_copy(database: Path, folder: Path, label: str) -> Path:
    """Copy a SQLite database with the backup API (consistent even while open)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-{label}-{stamp}.sqlite3"
    source = sqlite3.connect(database)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def upgrade(engine: Engine, *, safety_folder: Path | None = None) -> Path | None:
    """Upgrade to head. Returns the safety copy made, if one was needed."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    head = script.get_current_head()
    if current == head:
        return None
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:  # alembic raises several kinds for an unknown revision
            raise NewerDatabase(
                f"这个数据库由更新版本的长山程序写入（结构版本 {current}），本程序无法打开。"
                "请安装最新版本后再打开，数据未做任何改动。"
            ) from exc
    copy = None
    database = engine.url.database
    if current is not None and safety_folder is not None and engine.dialect.name == "sqlite" and database:
        copy = safety_copy(Path(database), safety_folder, f"before-{head}")
    try:
        _run_upgrade(engine)
    except Exception as exc:
        if copy is None:
            raise
        engine.dispose()
        _restore(copy, Path(database))
        raise EnvironmentProblem(
            f"数据库升级失败，已恢复到升级前的状态（{exc.__class__.__name__}）。数据未丢失；"
            f"升级前的副本保存在 {copy}。请联系维护人员。"
        ) from exc
    return copy


def _run_upgrade(engine: Engine) -> None:
    from alembic import command

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Rebuilding a table (batch mode) drops it; with foreign keys on, SQLite would delete
            # or refuse the rows pointing at it. Off for the migration (outside a transaction, where
            # the pragma takes effect), checked at the end, on again after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise EnvironmentProblem(f"升级后有 {len(broken)} 处外键不一致：{broken[:3]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _restore(copy: Path, database: Path) -> None:
    """Put the safety copy back in place of a database whose upgrade failed half-way."""
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    temporary = database.with_name(database.name + ".restoring")
    shutil.copyfile(copy, temporary)
    os.replace(temporary, database)
