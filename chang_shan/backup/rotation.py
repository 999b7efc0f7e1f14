"""Thinning old backups on a target: the newest of each of the last days, weeks and months.

A backup is kept when it is the newest of one of the last ``keep_daily`` days that have a backup,
the last ``keep_weekly`` ISO weeks or the last ``keep_monthly`` months (12/10/9 by default: about
two weeks of days, two months of weeks, most of a year of months). The newest backup on the target
and the one named by ``protect`` (the newest verified) are never removed; files whose names are
not ours (``chang-shan-YYYY-MM-DD-HHMM[-n].csbak``) are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

_NAME = re.compile(r"^chang-shan-(\d{4}-\d{2}-\d{2}-\d{4})(?:-(\d+))?\.csbak$")


def _backups(target_dir: Path) -> list[tuple[datetime, int, Path]]:
    """Our backups in ``target_dir``, newest first."""
    found = []
    for path in target_dir.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            when = datetime.strptime(match.group(1), "%Y-%m-%d-%H%M")
        except ValueError:
            continue
        found.append((when, int(match.group(2) or 1), path))
    return sorted(found, reverse=True)


def _newest_per_period(backups: list[tuple[datetime, int, Path]], period: Callable[[datetime], object],
                       keep: int) -> set[Path]:
    kept: dict[object, Path] = {}
    for when, _number, path in backups:
        key = period(when)
        if key not in kept:
            if len(kept) >= keep:
                break
            kept[key] = path
    return set(kept.values())


def backups_to_keep(target_dir: Path, *, keep_daily: int = 12, keep_weekly: int = 10, keep_monthly: int = 9,
                    protect: Path | None = None) -> tuple[set[Path], list[Path]]:
    """(kept, removable) for the backups in ``target_dir``."""
    backups = _backups(target_dir)
    keep = _newest_per_period(backups, lambda w: w.date(), keep_daily)
    keep |= _newest_per_period(backups, lambda w: w.isocalendar()[:2], keep_weekly)
    keep |= _newest_per_period(backups, lambda w: (w.year, w.month), keep_monthly)
    if backups:
        keep.add(backups[0][2])
    if protect is not None:
        keep |= {path for _w, _n, path in backups if path.name == Path(protect).name}
    return keep, [path for _w, _n, path in backups if path not in keep]


def thin_backups(target_dir: str | Path, *, keep_daily: int = 12, keep_weekly: int = 10, keep_monthly: int = 9,
                 protect: Path | None = None) -> list[Path]:
    """Remove the backups the rule above does not keep; returns the removed files."""
    _kept, removable = backups_to_keep(Path(target_dir), keep_daily=keep_daily, keep_weekly=keep_weekly,
                                       keep_monthly=keep_monthly, protect=protect)
    removed = []
    for path in removable:
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
