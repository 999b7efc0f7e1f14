"""The audit chain: every journal entry (a change with its rows, or an event such as a reveal)
carries ``hash = sha256(prev_hash + canonical entry)``. Editing an entry breaks its own hash;
deleting one breaks the link of the next. ``verify`` walks the chain (``chang-shan check``).

Entries are sealed in the transaction that writes them, just before it commits, so the chain is
always complete on disk. The canonical form is JSON with sorted keys: version 1, never changed
(a new form would need a new version marker in the entry).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, event, select, update
from sqlalchemy.orm import Session

from chang_shan.db.models.journal import ChangeRow, ChangeSet

_TO_SEAL = "chang_shan.audit.to_seal"
GENESIS = "0" * 64


def mark_for_sealing(session: Session, change_set_id: int) -> None:
    session.info.setdefault(_TO_SEAL, []).append(change_set_id)


def _stamp(value: Any) -> Any:
    return value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value


def canonical(entry: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    document = {
        "v": 1,
        "id": entry["id"], "at": _stamp(entry["at"]), "user": entry["user_name"],
        "action": entry["action"], "kind": entry["kind"], "undoes": entry["undoes_id"],
        "resident": entry["resident_id"], "detail": entry["detail"],
        "rows": [
            [r["id"], r["table_name"], r["row_key"], r["op"], r["before"], r["after"], r["resident_id"]]
            for r in rows
        ],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(prev_hash: str, entry: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry, rows)).hexdigest()


_ENTRY_COLUMNS = (ChangeSet.id, ChangeSet.at, ChangeSet.user_name, ChangeSet.action, ChangeSet.kind,
                  ChangeSet.undoes_id, ChangeSet.resident_id, ChangeSet.detail, ChangeSet.prev_hash,
                  ChangeSet.hash)
_ROW_COLUMNS = (ChangeRow.id, ChangeRow.change_set_id, ChangeRow.table_name, ChangeRow.row_key,
                ChangeRow.op, ChangeRow.before, ChangeRow.after, ChangeRow.resident_id)


def seal(connection: Connection, ids: list[int]) -> None:
    """Compute and store prev_hash/hash for the given entries, in id order."""
    for entry_id in sorted(set(ids)):
        prev = connection.execute(
            select(ChangeSet.hash).where(ChangeSet.id < entry_id).order_by(ChangeSet.id.desc()).limit(1)
        ).scalar()
        prev = prev or GENESIS
        entry = connection.execute(select(*_ENTRY_COLUMNS).where(ChangeSet.id == entry_id)).mappings().one()
        rows = [dict(r) for r in connection.execute(
            select(*_ROW_COLUMNS).where(ChangeRow.change_set_id == entry_id).order_by(ChangeRow.id)
        ).mappings()]
        connection.execute(
            update(ChangeSet.__table__).where(ChangeSet.id == entry_id)
            .values(prev_hash=prev, hash=digest(prev, dict(entry), rows))
        )


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()
    ids = session.info.pop(_TO_SEAL, None)
    if ids:
        seal(session.connection(), ids)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TO_SEAL, None)


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify(connection: Connection, *, limit: int = 50) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain. Returns (entries checked, problems found — at most ``limit``)."""
    problems: list[ChainProblem] = []
    rows_by_entry: dict[int, list[dict[str, Any]]] = {}
    for row in connection.execute(select(*_ROW_COLUMNS).order_by(ChangeRow.change_set_id, ChangeRow.id)).mappings():
        rows_by_entry.setdefault(row["change_set_id"], []).append(dict(row))
    prev = GENESIS
    count = 0
    for entry in connection.execute(select(*_ENTRY_COLUMNS).order_by(ChangeSet.id)).mappings():
        count += 1
        entry = dict(entry)
        if entry["prev_hash"] != prev:
            problems.append(ChainProblem(entry["id"], f"审计记录 #{entry['id']} 之前的记录被删除或改动（链接断开）。"))
        expected = digest(entry["prev_hash"], entry, rows_by_entry.pop(entry["id"], []))
        if entry["hash"] != expected:
            problems.append(ChainProblem(entry["id"], f"审计记录 #{entry['id']}（{entry['action']}）的内容被改动过。"))
        prev = entry["hash"]
        if len(problems) >= limit:
            break
    for orphan in list(rows_by_entry)[: max(0, limit - len(problems))]:
        problems.append(ChainProblem(orphan, f"审计明细属于已被删除的记录 #{orphan}。"))
    return count, problems
