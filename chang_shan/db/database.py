"""Opening the data folder: lock it, connect, migrate, hand out sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from chang_shan.db import journal
from chang_shan.db.engine import make_engine, make_session_factory
from chang_shan.db.lock import DataFolderLock
from chang_shan.db.migrate import upgrade
from chang_shan.paths import DataDir


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

    @classmethod
    def open(cls, data_dir: DataDir, *, lock: bool = True, migrate: bool = True) -> "Database":
        data_dir.ensure()
        folder_lock = DataFolderLock(data_dir.lock_file).acquire() if lock else None
        try:
            engine = make_engine(data_dir.url)
            db = cls(data_dir, engine, folder_lock)
            if migrate:
                db.safety_copy = upgrade(engine, safety_folder=data_dir.safety_copies)
        except BaseException:
            if folder_lock is not None:
                folder_lock.release()
            raise
        return db

    @contextmanager
    def transaction(self, action: str, *, user_name: str = "") -> Iterator[Session]:
        """A unit of work recorded in the change journal as one undoable ``action``."""
        with self.sessions() as session:
            journal.begin(session, action, user_name=user_name)
            with session.begin():
                yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
