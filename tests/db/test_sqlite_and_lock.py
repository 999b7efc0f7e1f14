"""SQLite settings on live connections, and one running program per data folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid
from chang_shan.errors import AlreadyRunning
from chang_shan.paths import DataDir

REPO = Path(__file__).resolve().parents[2]


# --- PRAGMAs -------------------------------------------------------------------------------------------


def pragmas(connection) -> dict[str, object]:  # noqa: ANN001
    return {
        name: connection.execute(text(f"pragma {name}")).scalar_one()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def test_every_connection_is_wal_full_sync_with_foreign_keys(db: Database) -> None:
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}
    with db.engine.connect() as first, db.engine.connect() as second:
        assert pragmas(first) == expected
        assert pragmas(second) == expected  # a second pooled connection too, not only the first
    with db.reader() as session:
        assert pragmas(session.connection()) == expected


def test_the_database_file_itself_is_in_wal_mode(db: Database) -> None:
    import sqlite3

    raw = sqlite3.connect(db.data_dir.database)  # no PRAGMAs of ours: WAL is persistent in the file
    try:
        assert raw.execute("pragma journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction("建楼栋") as session:
        session.add(Building(grid_id=424242, name="1号楼"))
    with db.reader() as session:
        assert session.scalars(select(Building)).all() == []


def test_committed_data_is_in_the_file_for_another_process(db: Database) -> None:
    with db.transaction("建网格") as session:
        session.add(Grid(code="G01", name="第一网格"))
    out = run_python(
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute('select name from grid').fetchall())",
        str(db.data_dir.database),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('第一网格',)]"


# --- one program per data folder -----------------------------------------------------------------------

OPEN_IN_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from chang_shan.db.database import Database
    from chang_shan.errors import AlreadyRunning
    from chang_shan.paths import DataDir

    try:
        db = Database.open(DataDir(Path(sys.argv[1])))
    except AlreadyRunning as exc:
        print("REFUSED:" + exc.message)
        sys.exit(3)
    if len(sys.argv) > 2 and sys.argv[2] == "hold":
        print("READY", flush=True)
        sys.stdin.read()  # hold the folder until the parent closes our stdin or kills us
    db.close()
    print("OPENED")
    """
)


def run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, encoding="utf-8",
        timeout=timeout, cwd=REPO, env=env,
    )


def test_second_instance_on_the_same_folder_is_refused_until_the_first_closes(data_dir: DataDir) -> None:
    first = Database.open(data_dir)
    try:
        refused = run_python(OPEN_IN_CHILD, str(data_dir.root))
        assert refused.returncode == 3, refused.stderr
        assert refused.stdout.startswith("REFUSED:")
        assert "已经在使用这个数据文件夹" in refused.stdout
        # The refused program did not disturb the first one.
        with first.transaction("建网格") as session:
            session.add(Grid(code="G01", name="第一网格"))
    finally:
        first.close()

    opened = run_python(OPEN_IN_CHILD, str(data_dir.root))
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "OPENED"


def test_another_data_folder_is_not_blocked(tmp_path: Path, db: Database) -> None:
    other = run_python(OPEN_IN_CHILD, str(tmp_path / "another-folder"))
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "OPENED"


def test_this_process_is_refused_while_another_process_holds_the_folder(data_dir: DataDir) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", OPEN_IN_CHILD, str(data_dir.root), "hold"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=REPO, env=env,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "READY"
        with pytest.raises(AlreadyRunning) as caught:
            Database.open(data_dir)
        assert "请先关闭另一个窗口" in caught.value.message
        # A program that dies without closing (power cut, kill -9) does not leave the folder locked.
        holder.kill()
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
        for stream in (holder.stdin, holder.stdout, holder.stderr):
            if stream is not None:
                stream.close()
    assert data_dir.lock_file.exists()  # the stale lock file is still there, and harmless
    with Database.open(data_dir) as db, db.reader() as session:
        assert session.scalars(select(Grid)).all() == []
