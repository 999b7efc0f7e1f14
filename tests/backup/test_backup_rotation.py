"""thin_backups (daily/weekly/monthly, never the newest or the protected one, never others' files)
and local_snapshot (at most one a day, a week kept)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from chang_shan.backup.rotation import thin_backups
from chang_shan.backup.snapshot import local_snapshot


def _names(start: datetime, days: int) -> list[str]:
    return [f"chang-shan-{start + timedelta(days=n):%Y-%m-%d-%H%M}.csbak" for n in range(days)]


def test_thinning_keeps_days_weeks_months(stick: Path) -> None:
    names = _names(datetime(2025, 1, 1, 9, 0), 400)  # one backup a day for 400 days
    for name in names:
        (stick / name).write_bytes(b"x")
    (stick / "holiday.jpg").write_bytes(b"not ours")
    oldest = stick / names[0]
    removed = thin_backups(stick, protect=oldest)
    kept = sorted(p.name for p in stick.iterdir() if p.suffix == ".csbak")
    assert (stick / "holiday.jpg").exists() and oldest.exists()
    assert set(names[-12:]) <= set(kept)  # the last 12 days
    assert len(kept) + len(removed) == 400
    # 12 days + weeks and months reaching further back, and the protected oldest: about 30
    assert 20 <= len(kept) <= 32
    months = {name[11:18] for name in kept}
    assert len(months) >= 9


def test_thinning_never_removes_the_newest(stick: Path) -> None:
    for name in _names(datetime(2026, 1, 1, 9, 0), 3):
        (stick / name).write_bytes(b"x")
    removed = thin_backups(stick, keep_daily=0, keep_weekly=0, keep_monthly=0)
    assert [p.name for p in stick.iterdir()] == ["chang-shan-2026-01-03-0900.csbak"] and len(removed) == 2


def test_local_snapshot_once_a_day_and_a_week_kept(db) -> None:  # noqa: ANN001
    first = local_snapshot(db, now=datetime(2026, 11, 1, 8, 0))
    assert first is not None and first.exists()
    assert local_snapshot(db, now=datetime(2026, 11, 1, 17, 0)) is None
    for day in range(2, 12):
        local_snapshot(db, now=datetime(2026, 11, day, 8, 0))
    names = sorted(p.name for p in first.parent.iterdir())
    assert names == [f"chang-shan-2026-11-{d:02d}.sqlite3" for d in range(5, 12)]
