"""``chang-shan demo``, ``stats --json`` and ``check`` through a real process, as administrators
and scheduled tasks run them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FULL_ID = re.compile(r"\d{17}[\dXx]")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CHANG_SHAN_HOME": str(home), "XDG_DATA_HOME": str(home / "xdg"), "QT_QPA_PLATFORM": "offscreen"})
    return env


def run(data_dir: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, encoding="utf-8", timeout=300,
        env={**_env(data_dir.parent / "home"), **extra_env}, stdin=subprocess.DEVNULL,
    )


def _copy(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    src = sqlite3.connect(source / "chang-shan.sqlite3")
    dst = sqlite3.connect(target / "chang-shan.sqlite3")
    src.backup(dst)
    dst.close()
    src.close()
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("cli-demo") / "data"
    return data_dir, run(data_dir, "demo")


def test_demo_builds_the_community(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, result = built
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) >= 5
    assert "网格 10 个" in result.stdout and "单元 45 个" in result.stdout and "住户 3100 户" in result.stdout
    assert "党员家庭户 161 户" in result.stdout
    assert "演示管理员：admin / chang-shan-demo" in result.stdout
    assert (data_dir / "chang-shan.sqlite3").exists()


def test_stats_json_counts_the_demo(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = built
    result = run(data_dir, "stats", "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert (counts["grids"], counts["buildings"], counts["low_rise_areas"], counts["units"]) == (10, 11, 1, 45)
    assert counts["households"] == 3100
    assert abs(counts["residents"] - 7000) <= 210
    assert abs(counts["aged_60_plus"] / counts["residents"] * 100 - 62.5) <= 1.5
    assert counts["party_households"] == 161
    assert counts["role_assignments_active"] == 65
    assert counts["residents_total"] == counts["residents"] + counts["moved_out"] + counts["deceased"]
    assert counts["lone_elders"] > 500 and counts["organisations"] == 20


def test_stats_json_counts_the_health_archive_as_the_demo_reported(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """Counts only, no sign-in needed; they agree with what ``demo`` printed (both run today)."""
    data_dir, demo = built
    profiles = int(re.search(r"健康档案 (\d+) 份", demo.stdout).group(1))
    cared, uncared = map(int, re.search(r"包保老人 (\d+) 人（另有 (\d+) 人尚无包保人）", demo.stdout).groups())
    result = run(data_dir, "stats", "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["health_profiles"] == profiles
    assert (counts["care_targets"], counts["care_without_caretaker"]) == (cared + uncared, uncared)
    assert 0 < counts["wandering_risk"] < counts["chronic_patients"] < counts["health_profiles"]
    assert counts["visits_last_year"] > counts["care_targets"]
    assert all(isinstance(counts[key], int) for key in ("chronic_patients", "visits_last_year", "wandering_risk"))


def test_stats_plain_text(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = built
    result = run(data_dir, "stats")
    assert result.returncode == 0, result.stderr
    pairs = dict(line.split("\t") for line in result.stdout.splitlines())
    assert pairs["grids"] == "10" and pairs["party_households"] == "161"


def test_check_passes_on_the_demo(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = built
    result = run(data_dir, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "检查通过" in lines[0]


def test_demo_twice_is_refused_and_changes_nothing(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    data_dir, _ = built
    before_stats = run(data_dir, "stats", "--json").stdout
    before = _digest(data_dir / "chang-shan.sqlite3")
    result = run(data_dir, "demo")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "已有数据" in lines[0] and "--force" in lines[0]
    assert _digest(data_dir / "chang-shan.sqlite3") == before
    assert run(data_dir, "stats", "--json").stdout == before_stats
    assert not list((data_dir / "safety-copies").glob("*before-demo*"))


def test_demo_force_rebuilds_after_a_safety_copy(
    built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data_dir = _copy(built[0], tmp_path / "data")
    refused = run(data_dir, "demo", "--force", "--seed", "5")  # the folder has accounts: admin only
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    not_admin = run(data_dir, "demo", "--force", CHANG_SHAN_USER="admin", CHANG_SHAN_PASSWORD="wrong-password")
    assert not_admin.returncode == 2
    assert not list((data_dir / "safety-copies").glob("*before-demo*"))
    with sqlite3.connect(data_dir / "chang-shan.sqlite3") as connection:
        assert connection.execute("select count(*) from resident").fetchone()[0] > 7000
    result = run(data_dir, "demo", "--force", "--seed", "5",
                 CHANG_SHAN_USER="admin", CHANG_SHAN_PASSWORD="chang-shan-demo")
    assert result.returncode == 0, result.stderr
    assert "备份" in result.stdout
    copies = list((data_dir / "safety-copies").glob("*before-demo*"))
    assert len(copies) == 1
    assert json.loads(run(data_dir, "stats", "--json").stdout)["party_households"] == 161
    assert run(data_dir, "check").returncode == 0


def test_check_reports_one_line_per_problem(
    built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data_dir = _copy(built[0], tmp_path / "data")
    connection = sqlite3.connect(data_dir / "chang-shan.sqlite3")
    # 1: a sex that contradicts the ID number.
    member = connection.execute(
        "SELECT id FROM resident WHERE status = '在册' AND relation_code != '02' "
        "AND id NOT IN (SELECT resident_id FROM role_assignment) ORDER BY id LIMIT 1"
    ).fetchone()[0]
    connection.execute("UPDATE resident SET sex_code = CASE sex_code WHEN '1' THEN '2' ELSE '1' END WHERE id = ?",
                       (member,))
    # 2: a household head whose relation is no longer 户主.
    household, head = connection.execute(
        "SELECT id, head_id FROM household WHERE head_id NOT IN (SELECT resident_id FROM role_assignment) "
        "AND id != (SELECT household_id FROM resident WHERE id = ?) ORDER BY id LIMIT 1", (member,)
    ).fetchone()
    connection.execute("UPDATE resident SET relation_code = '10' WHERE id = ?", (head,))
    # 3: a second current 单元长 for a unit.
    unit = connection.execute(
        "SELECT unit_id FROM role_assignment WHERE role = '单元长' AND end_on IS NULL ORDER BY id LIMIT 1"
    ).fetchone()[0]
    other = connection.execute(
        "SELECT r.id FROM resident r JOIN household h ON h.id = r.household_id WHERE h.unit_id = ? "
        "AND r.status = '在册' AND r.id NOT IN (SELECT resident_id FROM role_assignment) LIMIT 1", (unit,)
    ).fetchone()[0]
    connection.execute(
        "INSERT INTO role_assignment (resident_id, role, unit_id, start_on, note) VALUES (?, '单元长', ?, '2026-01-01', '')",
        (other, unit),
    )
    connection.commit()
    connection.close()

    result = run(data_dir, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    assert any(f"居民 #{member} " in line and "性别" in line for line in lines)
    assert any(f"户 #{household} " in line and "02" in line for line in lines)
    assert any("同时有 2 位在任单元长" in line for line in lines)
    assert not FULL_ID.search(result.stdout)

    as_json = run(data_dir, "check", "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False and report["problem_count"] == 3
    assert sorted(p["check"] for p in report["problems"]) == ["household_head", "id_number", "roles"]


@pytest.mark.parametrize("command", ["stats", "check"])
def test_read_only_commands_on_an_empty_folder_refuse_and_create_nothing(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "empty"
    result = run(folder, command)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "还没有数据库" in result.stderr
    assert not (folder / "chang-shan.sqlite3").exists()
