"""Opening the data folder: lock it, connect, migrate, hand out sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from chang_shan.db import journal
from chang_shan.db.engine import make_engine, make_session_factory
from chang_shan.db.lock import DataFolderLock
from chang_shan.errors import DomainError, EnvironmentProblem, NewerDatabase
from chang_shan.paths import DataDir

# Where a session carries the signed-in user (chang_shan.accounts.permissions.Actor); the db
# layer only carries it, the services read it.
ACTOR_KEY = "chang_shan.actor"

# The newest Alembic revision this program knows (tests/db checks it against the scripts).
# Knowing it here lets a normal start skip importing Alembic at all.
SCHEMA_HEAD = "0009"
# A versioned row (``version_id_col``) was changed by someone else between reading and writing.
STALE_MESSAGE = "记录已被他人修改，请刷新后再试。"
DUPLICATE_MESSAGE = "另一处刚刚保存了相同的编号或唯一项，这次没有保存。请再保存一次。"


def unique_violation(exc: IntegrityError) -> bool:
    """A unique index refused the row (SQLite's message; PostgreSQL's SQLSTATE 23505)."""
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)
RESTORE_STAGING = ".restore-staging"  # chang_shan.backup.restore.STAGING


def stored_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database, or None for an empty database."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None


class Database:
    """The open data folder. ``with Database.open(data_dir) as db: ...``.

    ``lock=False`` is for read-only tools that must run beside the window (never for writers).
    """

    def __init__(self, data_dir: DataDir, engine: Engine, lock: DataFolderLock | None) -> None:
        self.data_dir = data_dir
        self.engine = engine
        self._lock = lock
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.safety_copy: Path | None = None
        # The signed-in user: every transaction and reader of this Database works as them.
        self.actor: Any = None

    @classmethod
    def open(cls, data_dir: DataDir, *, lock: bool = True, migrate: bool = True) -> "Database":
        """Open for work: take the folder lock, create or upgrade the schema (safety copy first)."""
        data_dir.ensure()
        folder_lock = DataFolderLock(data_dir.lock_file).acquire() if lock else None
        engine = None
        try:
            if folder_lock is not None and (data_dir.root / RESTORE_STAGING).exists():
                # A restore was killed: finish it (the database was swapped in) or discard it
                # (it was not) before anything reads the folder. Imported here: the backup
                # package sits above this layer and is needed only in this rare case.
                from chang_shan.backup.restore import finish_interrupted_restore

                finish_interrupted_restore(data_dir)
            engine = make_engine(data_dir.url)
            db = cls(data_dir, engine, folder_lock)
            if migrate and stored_revision(engine) != SCHEMA_HEAD:
                from chang_shan.db.migrate import upgrade

                db.safety_copy = upgrade(engine, safety_folder=data_dir.safety_copies)
        except BaseException:
            if engine is not None:
                engine.dispose()
            if folder_lock is not None:
                folder_lock.release()
            raise
        return db

    @classmethod
    def open_existing(cls, data_dir: DataDir) -> "Database":
        """Open for reading beside a running window: no lock, nothing created, nothing migrated.

        Refused with a clear message when there is no database yet or its schema is not current.
        """
        if not data_dir.database.exists():
            raise EnvironmentProblem(
                f"数据文件夹 {data_dir.root} 中还没有数据库。请先打开程序，或运行 chang-shan demo。"
            )
        engine = make_engine(data_dir.url)
        try:
            revision = stored_revision(engine)
            if revision != SCHEMA_HEAD:
                from chang_shan.db.migrate import is_known_revision

                if revision is not None and not is_known_revision(revision):
                    raise NewerDatabase(
                        f"这个数据库由更新版本的长山程序写入（结构版本 {revision}），本程序无法读取。"
                    )
                raise EnvironmentProblem("数据库需要升级到本程序的版本。请先打开程序一次，它会先备份再升级。")
        except BaseException:
            engine.dispose()
            raise
        return cls(data_dir, engine, None)

    @contextmanager
    def transaction(self, action: str, *, actor: Any = None) -> Iterator[Session]:
        """A unit of work recorded in the change journal as one undoable ``action``, done as
        ``actor`` (default: the signed-in user)."""
        actor = actor if actor is not None else self.actor
        with self.sessions() as session:
            session.info[ACTOR_KEY] = actor
            journal.begin(session, action, user_name=getattr(actor, "username", "") or "")
            try:
                with session.begin():
                    yield session
            except StaleDataError as exc:  # a versioned row changed under us (another workstation)
                raise DomainError(STALE_MESSAGE) from exc
            except IntegrityError as exc:
                if not unique_violation(exc):
                    raise
                # Two workstations took the same new number (YS…, WY…) at the same moment on a server
                # database: the unique index refused the second. Saving again takes the next number.
                raise DomainError(DUPLICATE_MESSAGE) from exc

    @contextmanager
    def reader(self, *, actor: Any = None) -> Iterator[Session]:
        with self.sessions() as session:
            session.info[ACTOR_KEY] = actor if actor is not None else self.actor
            yield session

    def close(self) -> None:
        if self._lock is not None and self.engine.dialect.name == "sqlite":
            # Keep the planner's statistics fresh for the lists (cheap; SQLite decides what to do).
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA optimize")
            except Exception:  # noqa: BLE001 - closing must not fail over an optimisation
                pass
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
