"""Ledgers out to XLSX and CSV: masked by default, every export permitted and audited.

``export_ledger`` needs the 导出 permission (``Perm.EXPORT``); ``reveal=True`` (full ID numbers
and phones) needs ``Perm.REVEAL`` as well. A 网格员 exports only their own grids. Each export
records one audit event (ledger, row count, file, format, whether revealed; never a value), in
the same transaction that puts the finished file in place: no file without its audit entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chang_shan.accounts.permissions import Perm, require
from chang_shan.audit.events import record_event
from chang_shan.db.database import Database
from chang_shan.exports import ledgers, writers
from chang_shan.exports.output import AtomicFile, check_target
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import scope as scopes

FORMATS = writers.FORMATS


@dataclass(frozen=True)
class ExportResult:
    ledger: str
    path: Path
    rows: int
    revealed: bool
    scope: str


def export_ledger(
    db: Database, ledger: str, out: str | os.PathLike[str], *, reveal: bool = False, grid: str | None = None,
    include_inactive: bool = False, progress: Progress = no_progress,
) -> ExportResult:
    """Write ``ledger`` (``residents``, ``households``) to ``out`` (.xlsx or .csv) as the
    Database's signed-in user. Bad input raises ``DomainError`` before anything is written."""
    spec = ledgers.ledger(ledger)
    target = check_target(out, FORMATS)
    fmt = target.suffix.lower().lstrip(".")
    with db.reader() as session:
        require(session, Perm.EXPORT)
        if reveal:
            require(session, Perm.REVEAL)
        scope = scopes.resolve(session, grid=grid)
        total = spec.count(session, scope, include_inactive)
        with AtomicFile(target) as part:
            assert part.temp is not None
            rows = spec.rows(session, scope, reveal, include_inactive)
            title = f"{spec.title}台账（{scope.label}）"
            if fmt == "xlsx":
                written = writers.write_xlsx(part.temp, spec.columns, rows, sheet=spec.sheet, title=title,
                                             total=total, progress=progress)
            else:
                written = writers.write_csv(part.temp, spec.columns, rows, total=total, progress=progress)
            session.rollback()  # end the read before writing the audit entry
            action = f"导出{spec.title}台账（{scope.label}，{written} 行，{fmt.upper()}）"
            if reveal:
                action += "，含完整身份证号和电话"
            with db.transaction(action) as tx:
                record_event(tx, "export", action, detail={
                    "ledger": spec.name, "rows": written, "file": str(target), "format": fmt,
                    "revealed": reveal, "grid": scope.grid_code, "scope": scope.label,
                    "include_inactive": include_inactive,
                })
                part.commit()
    return ExportResult(spec.name, target, written, reveal, scope.label)
