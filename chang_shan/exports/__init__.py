"""Ledgers out to XLSX and CSV: masked by default, every export permitted and audited.

``export_ledger`` needs the 导出 permission (``Perm.EXPORT``); ``reveal=True`` (full ID numbers
and phones) needs ``Perm.REVEAL`` as well. A 网格员 exports only their own grids. Each export
records one audit event (ledger, row count, file, format, whether revealed; never a value), in
the same transaction that puts the finished file in place: no file without its audit entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

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
    with db.reader() as session:
        require_export(session, reveal)
        scope = scopes.resolve(session, grid=grid)
        total = spec.count(session, scope, include_inactive)
        rows = spec.rows(session, scope, reveal, include_inactive)
        written = write_audited(
            db, session, target, spec.columns, rows, total=total, sheet=spec.sheet,
            title=f"{spec.title}台账（{scope.label}）", action=f"导出{spec.title}台账（{scope.label}，{{rows}} 行，{{format}}）",
            reveal=reveal, detail={"ledger": spec.name, "grid": scope.grid_code, "scope": scope.label,
                                   "include_inactive": include_inactive},
            progress=progress,
        )
    return ExportResult(spec.name, target, written, reveal, scope.label)


def require_export(session: Session, reveal: bool) -> None:
    """导出 needs ``Perm.EXPORT``; full ID numbers and phones ``Perm.REVEAL`` as well."""
    require(session, Perm.EXPORT)
    if reveal:
        require(session, Perm.REVEAL)


def write_audited(
    db: Database, session: Session, target: Path, columns: Sequence[ledgers.Col], rows: Iterable[list[object]], *,
    total: int, sheet: str, title: str, action: str, reveal: bool, detail: dict[str, object], progress: Progress,
) -> int:
    """Write ``rows`` (read in ``session``, a reader) to ``target`` (.xlsx or .csv) under a
    temporary name, then put the file in place in the transaction that records the audit event.
    ``action`` may hold ``{rows}`` and ``{format}``; ``detail`` gets rows, file, format and
    revealed added. Returns the number of rows written."""
    fmt = target.suffix.lower().lstrip(".")
    with AtomicFile(target) as part:
        assert part.temp is not None
        if fmt == "xlsx":
            written = writers.write_xlsx(part.temp, columns, rows, sheet=sheet, title=title, total=total,
                                         progress=progress)
        else:
            written = writers.write_csv(part.temp, columns, rows, total=total, progress=progress)
        session.rollback()  # end the read before writing the audit entry
        action = action.format(rows=written, format=fmt.upper())
        if reveal:
            action += "，含完整身份证号和电话"
        with db.transaction(action) as tx:
            record_event(tx, "export", action, detail={
                **detail, "rows": written, "file": str(target), "format": fmt, "revealed": reveal,
            })
            part.commit()
    return written
