"""``chang-shan badges --out FILE.pdf …`` through a real process on the badge office (real
accounts): the PDF with every code decoded, the summary and warnings, the register written, and
bad input refused in one line with nothing written."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.accounts.office import copy_office
from tests.badges.office import RARE_NAME, TODAY, badge_office  # noqa: F401
from tests.cli.process import chang_shan
from tests.reports.test_badges_pdf import decoded_pages, page_sizes, pts

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@pytest.fixture
def data_dir(badge_office, tmp_path: Path) -> Path:  # noqa: ANN001, F811
    return copy_office(badge_office.base, tmp_path / "cli-office").root


def badges(data_dir: Path, *args: str, user: str | None = "doc") -> subprocess.CompletedProcess[str]:
    return chang_shan(data_dir, "badges", *args, user=user)


def register_size(data_dir: Path) -> tuple[int, int]:
    connection = sqlite3.connect(data_dir / "chang-shan.sqlite3")
    try:
        return (connection.execute("SELECT count(*) FROM badge").fetchone()[0],
                connection.execute("SELECT count(*) FROM badge_print").fetchone()[0])
    finally:
        connection.close()


def test_all_60plus_as_cards(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    result = badges(data_dir, "--out", str(out), "--all-60plus", "--layout", "card", "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已生成防走失联系卡：4 人，4 页：{out}"
    assert "社区电话未设置" in result.stderr  # the office has no hotline yet
    assert page_sizes(out) == [(pytest.approx(pts(85.6), abs=0.05), pytest.approx(pts(54), abs=0.05))] * 4
    codes = [code for page in decoded_pages(out, tmp_path) for code in page]
    assert len(codes) == 4 and any(f"姓名：{RARE_NAME}" in code for code in codes)
    assert register_size(data_dir) == (4, 4)
    # the same again: nothing changed, so nothing to reprint
    again = badges(data_dir, "--out", str(tmp_path / "again.pdf"), "--changed-since", "--date", TODAY.isoformat())
    assert again.returncode == 2 and again.stdout == "" and "没有" in again.stderr
    assert not (tmp_path / "again.pdf").exists()


def test_one_resident_on_a_label(data_dir: Path, badge_office, tmp_path: Path) -> None:  # noqa: ANN001, F811
    out = tmp_path / "one.pdf"
    result = badges(data_dir, "--out", str(out), "--resident", str(badge_office.zhao), "--layout", "label",
                    "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    ((code,),) = decoded_pages(out, tmp_path)
    assert code.startswith(f"防走失联系卡\n姓名：{RARE_NAME}\n家属：赵建国（儿子）13604310021")
    assert register_size(data_dir) == (1, 1)


@pytest.mark.parametrize(("args", "fragment"), [
    (["--out", "x.pdf"], "请选择要打印哪些人的防走失卡"),
    (["--out", "x.txt", "--all-60plus"], "不支持的文件类型 .txt"),
    (["--out", "x.pdf", "--all-60plus", "--layout", "poster"], "无效的选择"),
    (["--out", "x.pdf", "--all-60plus", "--date", "2025-13-01"], "日期格式应为"),
    (["--all-60plus"], "缺少参数"),
])
def test_bad_input_one_line_nothing_written(data_dir: Path, tmp_path: Path, args: list[str], fragment: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = badges(data_dir, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.glob("x.*")) == [] and register_size(data_dir) == (0, 0)


def test_a_reader_is_refused(data_dir: Path, tmp_path: Path) -> None:
    result = badges(data_dir, "--out", str(tmp_path / "r.pdf"), "--all-60plus", user="healthview")
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists() and register_size(data_dir) == (0, 0)


def test_without_credentials_refused(data_dir: Path, tmp_path: Path) -> None:
    result = badges(data_dir, "--out", str(tmp_path / "n.pdf"), "--all-60plus", user=None)
    assert result.returncode == 2 and "CHANG_SHAN_USER" in result.stderr
