"""``chang-shan export`` and ``chang-shan report`` as administrators run them: a real process,
real exit codes, one line on stderr for bad input, nothing written then."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.commands.export import LEDGER_NAMES
from chang_shan.db.database import Database
from chang_shan.exports.ledgers import names
from chang_shan.paths import DataDir
from tests.exports.people import PASSWORD, RARE_ID, RARE_NAME, build_town, events, masked_id
from tests.population.community import ZHANG_ID

REPO = Path(__file__).resolve().parents[2]


def chang_shan(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    env["PYTHONIOENCODING"] = "utf-8"
    if user:
        env.update(CHANG_SHAN_USER=user, CHANG_SHAN_PASSWORD=PASSWORD)
    return subprocess.run([sys.executable, "-m", "chang_shan", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=REPO, env=env, stdin=subprocess.DEVNULL)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Database.open(DataDir(folder)) as db:
        db.actor = SYSTEM
        build_town(db)
    return folder


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def export_events(data: Path) -> list:
    with Database.open_existing(DataDir(data)) as db:
        return events(db, "export")


def test_ledger_names_agree() -> None:
    assert LEDGER_NAMES == tuple(names())


def test_export_masked_then_revealed(data: Path, out: Path) -> None:
    result = chang_shan("--data-dir", str(data), "export", "residents", "--out", str(out / "r.xlsx"), user="worker")
    assert result.returncode == 0, result.stderr
    assert "已导出 5 行" in result.stdout
    values = [c for row in load_workbook(out / "r.xlsx").active.iter_rows(values_only=True) for c in row]
    assert masked_id(ZHANG_ID) in values and ZHANG_ID not in values and RARE_NAME in values

    result = chang_shan("export", "residents", "--out", str(out / "r.csv"), "--reveal", "--data-dir", str(data),
                        user="worker")
    assert result.returncode == 0, result.stderr
    with open(out / "r.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["身份证号"] for row in rows} >= {ZHANG_ID, RARE_ID}
    logged = export_events(data)
    assert [(e.user_name, e.detail["revealed"]) for e in logged] == [("worker", False), ("worker", True)]


def test_export_by_grid(data: Path, out: Path) -> None:
    result = chang_shan("--data-dir", str(data), "export", "households", "--grid", "02", "--out",
                        str(out / "h.csv"), user="admin")
    assert result.returncode == 0, result.stderr
    with open(out / "h.csv", encoding="utf-8-sig", newline="") as handle:
        assert [row["住址"] for row in csv.DictReader(handle)] == ["平房区 长山路12号"]


@pytest.mark.parametrize(
    ("user", "extra", "message"),
    [
        ("reader", [], "导出数据"),
        ("gridder", ["--reveal"], "查看完整身份证号和电话"),
        (None, [], "CHANG_SHAN_USER"),
    ],
)
def test_refused_users_get_one_line_and_no_file(data: Path, out: Path, user: str | None, extra: list[str],
                                                message: str) -> None:
    result = chang_shan("--data-dir", str(data), "export", "residents", "--out", str(out / "r.xlsx"), *extra,
                        user=user)
    assert result.returncode == 2
    assert message in one_line(result.stderr)
    assert list(out.iterdir()) == []
    assert export_events(data) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "people", "--out", "{out}/r.xlsx"], "没有名为 people 的台账"),
        (["export", "residents", "--out", "{out}/r.txt"], "不支持的文件类型 .txt"),
        (["export", "residents", "--out", "{out}/missing/r.csv"], "不存在"),
        (["export", "residents"], "--out"),
        (["report", "nope", "--out", "{out}/x.pdf"], "没有名为 nope 的报表"),
        (["report", "roster", "--out", "{out}/x.docx"], "不支持的文件类型 .docx"),
        (["report", "roster"], "--out"),
        (["report"], "报表名称"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(data: Path, out: Path, args: list[str],
                                                           message: str) -> None:
    before = sorted(p.name for p in data.iterdir())
    result = chang_shan("--data-dir", str(data), *(a.format(out=out) for a in args), user="admin")
    assert result.returncode == 2, result.stdout
    assert message in one_line(result.stderr)
    assert result.stdout == ""
    assert list(out.iterdir()) == []
    assert sorted(p.name for p in data.iterdir()) == before


def test_no_database_yet_is_refused(tmp_path: Path, out: Path) -> None:
    result = chang_shan("--data-dir", str(tmp_path / "empty"), "export", "residents", "--out", str(out / "r.csv"),
                        user="admin")
    assert result.returncode == 2 and "还没有数据库" in one_line(result.stderr)
    assert not (tmp_path / "empty").exists() and list(out.iterdir()) == []


def test_report_list_needs_no_account(tmp_path: Path) -> None:
    result = chang_shan("--data-dir", str(tmp_path / "none"), "report", "--list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("roster\t居民花名册")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_report_roster(data: Path, out: Path) -> None:
    result = chang_shan("--data-dir", str(data), "report", "roster", "--out", str(out / "roster.pdf"),
                        "--grid", "01", "--building", "3", user="reader")
    assert result.returncode == 0, result.stderr
    assert "4 人" in result.stdout and "1 页" in result.stdout
    text = subprocess.run(["pdftotext", str(out / "roster.pdf"), "-"], capture_output=True, check=True,
                          text=True, encoding="utf-8").stdout
    assert masked_id(ZHANG_ID) in text and ZHANG_ID not in text and "第 1 页 共 1 页" in text
