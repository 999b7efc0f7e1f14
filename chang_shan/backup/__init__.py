"""Encrypted backups onto USB sticks, their checking and restoring; local snapshots. No Qt.

The services (imported lazily: ``drives`` and ``today`` stay light for the window's start-up):

- ``create_backup(db, target_dir, passphrase, *, progress, now=None) -> BackupResult`` (``create``)
- ``verify_backup(path, passphrase, *, progress) -> BackupInfo`` (``verify``)
- ``read_header(path) -> BackupHeader`` without the passphrase (``container``)
- ``restore_backup(data_dir, path, passphrase, *, progress, actor) -> RestoreResult`` (``restore``)
- ``finish_interrupted_restore(data_dir)`` (``restore``)
- ``thin_backups(target_dir, *, keep_daily=12, keep_weekly=10, keep_monthly=9, protect=None)``
  (``rotation``)
- ``local_snapshot(db, *, now=None)`` (``snapshot``)
- ``last_backup(session) -> LastBackup | None`` (``record``)

The file format is described in ``container``; the errors (``WrongPassphrase``, ``DamagedBackup``,
``NotABackup``, ``NewerBackup``, ``BackupTargetProblem``) live in ``chang_shan.errors``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "create_backup": "create", "BackupResult": "create",
    "verify_backup": "verify", "BackupInfo": "verify",
    "read_header": "container", "BackupHeader": "container",
    "restore_backup": "restore", "RestoreResult": "restore", "finish_interrupted_restore": "restore",
    "thin_backups": "rotation",
    "local_snapshot": "snapshot",
    "last_backup": "record", "LastBackup": "record",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = sorted(_EXPORTS)
