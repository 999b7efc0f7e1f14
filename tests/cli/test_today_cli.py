"""``chang-shan today [--json] [--date D]`` through a real process, on the today town (real
accounts, real visits and caretakers): what each account sees, plain and JSON, and bad input."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER
from tests.accounts.office import PASSWORD, copy_office
from tests.cli.process import chang_shan
from tests.demo.template import TODAY, copy_data_dir, demo_template
from tests.today.town import Town, town_template


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    town: Town = town_template(root / "today-town")
    return copy_office(town.office, root / "today-cli").root  # sign-ins write: never the template


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    return town_template(tmp_path_factory.getbasetemp() / "today-town").people


def today(data_dir: Path, *args: str, user: str | None = "nurse") -> subprocess.CompletedProcess[str]:
    return chang_shan(data_dir, "today", *args, user=user)


def as_json(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def journal_size(data_dir: Path) -> int:
    connection = sqlite3.connect(data_dir / "chang-shan.sqlite3")
    try:
        return connection.execute("SELECT count(*) FROM change_set").fetchone()[0]
    finally:
        connection.close()


def one_line_refusal(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("chang-shan: ") and fragment in line, result.stderr


def test_json_for_a_health_worker(data_dir: Path, people: dict[str, int]) -> None:
    data = as_json(today(data_dir, "--json", "--date", "2026-11-21"))
    assert data["date"] == "2026-11-21"
    sections = {s["key"]: s for s in data["sections"]}
    assert list(sections)[:4] == ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]
    assert data["total"] == sum(s["count"] for s in data["sections"]) == 10
    first = sections["overdue_visits"]["items"][0]
    assert first == {"resident_id": people["张立春"], "name": "张立春", "text": "高血压随访 逾期 81 天（应于 2026-09-01）",
                     "due_on": "2026-09-01", "days_overdue": 81, "target": ["health", people["张立春"]]}
    assert [(i["name"], i["text"]) for i in sections["not_visited"]["items"]] == [
        ("王淑芬", "独居老人 已 81 天未走访"), ("钱秀英", "独居老人 从未走访")]
    assert [i["text"] for i in sections["birthdays"]["items"]] == [
        "11月1日 101 岁生日", "11月5日 90 岁生日", "11月23日 80 岁生日", "11月30日 100 岁生日"]
    assert sections["birthdays"]["items"][2]["due_on"] == "2026-11-23"
    assert sections["birthdays"]["items"][2]["days_overdue"] is None
    assert sections["no_caretaker"]["items"][0]["target"] == ["care", people["钱秀英"]]


def test_a_grid_worker_without_health_permission(data_dir: Path) -> None:
    data = as_json(today(data_dir, "--json", "--date", "2026-11-21", user="grid1man"))
    sections = {s["key"]: [i["name"] for i in s["items"]] for s in data["sections"][:3]}  # (later ledgers follow)
    assert sections == {"not_visited": ["王淑芬"], "birthdays": ["李寿山", "赵德福", "孙玉珍"], "no_caretaker": []}


def test_another_date(data_dir: Path) -> None:
    data = as_json(today(data_dir, "--json", "--date", "2026-02-10", user="viewer"))
    birthdays = next(s for s in data["sections"] if s["key"] == "birthdays")
    assert [(i["name"], i["text"]) for i in birthdays["items"]] == [("郑春花", "2月28日 90 岁生日（2月29日出生）")]


def test_today_by_default(data_dir: Path) -> None:
    assert as_json(today(data_dir, "--json"))["date"] == date.today().isoformat()


def test_plain_output(data_dir: Path) -> None:
    result = today(data_dir, "--date", "2026-11-21")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "今日待办 2026-11-21：共 10 项"
    assert "逾期随访（3）　已过应随访日期，或慢病随访对象尚无随访记录" in lines
    assert "  张立春　高血压随访 逾期 81 天（应于 2026-09-01）" in lines
    assert "  赵德福　11月23日 80 岁生日" in lines
    assert lines.index("  钱秀英　90 岁 独居，尚无包保人") > lines.index("无包保人的老人（1）　独居或需照护、尚未安排包保人的老人")


def test_an_empty_section_says_so(data_dir: Path) -> None:
    result = today(data_dir, "--date", "2026-11-21", user="grid1man")
    lines = result.stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("无包保人的老人（0）"))
    assert lines[heading + 1] == "  无"


@pytest.mark.parametrize("bad", ["2026-13-01", "2026/11/21", "明天", ""])
def test_a_bad_date_is_refused_before_anything_is_opened(data_dir: Path, bad: str) -> None:
    before = journal_size(data_dir)
    one_line_refusal(today(data_dir, "--json", "--date", bad), "日期应写成 YYYY-MM-DD")
    assert journal_size(data_dir) == before  # no sign-in was even tried


def test_credentials_are_needed(data_dir: Path) -> None:
    one_line_refusal(today(data_dir, "--json", "--date", "2026-11-21", user=None), "CHANG_SHAN_USER")


def test_no_database_yet(tmp_path: Path) -> None:
    one_line_refusal(today(tmp_path / "empty", "--json"), "还没有数据库")
    assert not (tmp_path / "empty" / "chang-shan.sqlite3").exists()


def test_the_demo_community(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """The whole demo (about 7,000 residents with a year of visits), as an account with 居民健康库
    made by ``chang-shan user add --health``: every section has work in it, in its order."""
    template, _summary = demo_template(tmp_path_factory.getbasetemp() / "demo-template")
    demo = copy_data_dir(template, tmp_path / "demo").root
    admin = {"CHANG_SHAN_USER": DEMO_ADMIN_USER, "CHANG_SHAN_PASSWORD": DEMO_ADMIN_PASSWORD}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    added = subprocess.run(
        [sys.executable, "-m", "chang_shan", "--data-dir", str(demo), "user", "add", "nurse", "--role", "社区工作者",
         "--health"], capture_output=True, text=True, encoding="utf-8", timeout=120, stdin=subprocess.DEVNULL,
        env={**env, **admin, "CHANG_SHAN_NEW_PASSWORD": PASSWORD, "CHANG_SHAN_HOME": str(tmp_path / "home")},
    )
    assert added.returncode == 0, added.stderr
    data = as_json(today(demo, "--json", "--date", TODAY.isoformat()))
    sections = {s["key"]: s["items"] for s in data["sections"][:4]}  # the built-in ones (later ledgers follow)
    assert list(sections) == ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]
    assert all(sections.values()), {key: len(items) for key, items in sections.items()}
    for key in ("overdue_visits", "not_visited"):
        days = [i["days_overdue"] for i in sections[key]]
        assert days == sorted(days, reverse=True), key
    assert all(i["target"] == ["health", i["resident_id"]] for i in sections["overdue_visits"])
    birthdays = sections["birthdays"]
    assert all(i["text"].startswith("11月") for i in birthdays)
    assert [i["due_on"] for i in birthdays] == sorted(i["due_on"] for i in birthdays)
    assert {int(i["text"].split()[1]) for i in birthdays} <= {80, 90} | set(range(100, 120))
