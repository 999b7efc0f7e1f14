"""Bring a database to the current schema: safety copy first, then Alembic ``upgrade head``.

A database whose revision this program does not know was written by a newer version: it is refused
with a clear message and left untouched.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from chang_shan.errors import NewerDatabase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
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
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return copy
