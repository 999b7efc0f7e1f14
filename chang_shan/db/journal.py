"""Record every write in the change journal, and undo the last action.

A session that was ``begin()``-ed here records, at each flush, one ``ChangeRow`` per inserted,
updated or deleted mapped row (old and new column values), under one ``ChangeSet`` named after
the user's action. ``undo_last`` replays the newest not-yet-undone set backwards, refusing if a
later change touched the same rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, delete, event, insert, inspect, select, update
from sqlalchemy.orm import Session, aliased, object_session
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from chang_shan.db import audit_chain
from chang_shan.db.base import Base, utcnow
from chang_shan.db.models.journal import ChangeRow, ChangeSet
from chang_shan.errors import DomainError

_ACTION = "chang_shan.journal.action"
_SET = "chang_shan.journal.set"
_USER = "chang_shan.journal.user"
_PENDING = "chang_shan.journal.pending"
# Accounts are audited by explicit events (never with password hashes), not row by row. Badge
# numbers and the register of printed badges record paper that exists: a print cannot be undone,
# and the print itself is an audit event (chang_shan.badges.job).
_UNTRACKED = {"change_set", "change_row", "app_meta", "user_account", "user_grid", "badge", "badge_print"}


def new_entry(
    session: Session, *, action: str, user_name: str = "", kind: str = "change",
    undoes_id: int | None = None, resident_id: int | None = None, detail: dict | None = None,
) -> int:
    """Append one journal entry (Core insert, so it is safe inside flush events); sealed into
    the audit chain when the transaction commits."""
    entry_id = session.connection().execute(
        insert(ChangeSet.__table__).values(
            at=utcnow(), user_name=user_name, action=action[:200], kind=kind, undoes_id=undoes_id,
            resident_id=resident_id, detail=detail, prev_hash="", hash="",
        )
    ).inserted_primary_key[0]
    audit_chain.mark_for_sealing(session, entry_id)
    return entry_id


def begin(session: Session, action: str, *, user_name: str = "") -> None:
    session.info[_ACTION] = action
    session.info[_USER] = user_name


def current_set_id(session: Session) -> int | None:
    """The journal entry of the running action, once something has been flushed."""
    return session.info.get(_SET)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return date.fromisoformat(value["$d"])
        if "$dec" in value:
            return Decimal(value["$dec"])
    return value


def _columns(obj: Base):  # noqa: ANN202 - (attribute key, column name) pairs
    return [(attr.key, attr.columns[0].name) for attr in inspect(obj).mapper.column_attrs]


def _plain(value: Any) -> Any:
    return None if value in (NO_VALUE, NEVER_SET) else _encode(value)


def _all_values(obj: Base) -> dict[str, Any]:
    return {column: _plain(getattr(obj, key)) for key, column in _columns(obj)}


def _changed_values(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, column in _columns(obj):
        history = state.attrs[key].load_history()
        if not history.has_changes():
            continue
        old = _plain(history.deleted[0]) if history.deleted else None
        new = _plain(history.added[0]) if history.added else None
        if old != new:
            before[column] = old
            after[column] = new
    return before, after


def _resident_of(table: str, values: dict[str, Any]) -> int | None:
    if table == "resident":
        return values.get("id")
    if table == "care_assignment":  # whom the change is about: the elder, not the caretaker
        return values.get("elder_id")
    if table == "loan":  # an 诚信借款 is about its borrower
        return values.get("borrower_id")
    return values.get("resident_id")


def _tracked(obj: object) -> bool:
    return isinstance(obj, Base) and obj.__table__.name not in _UNTRACKED  # type: ignore[attr-defined]


def _pending(obj: Base) -> list | None:
    session = object_session(obj)
    if session is None or session.info.get(_ACTION) is None:
        return None
    return session.info.setdefault(_PENDING, [])


# Mapper events see every row the flush writes, orphans removed by a cascade included.
@event.listens_for(Base, "before_update", propagate=True)
def _on_update(_mapper, _connection, obj: Base) -> None:  # noqa: ANN001
    pending = _pending(obj)
    if pending is not None and _tracked(obj):
        before, after = _changed_values(obj)
        if before or after:
            pending.append(("update", obj, before, after))


@event.listens_for(Base, "before_delete", propagate=True)
def _on_delete(_mapper, _connection, obj: Base) -> None:  # noqa: ANN001
    pending = _pending(obj)
    if pending is not None and _tracked(obj):
        pending.append(("delete", obj, _all_values(obj), None))


@event.listens_for(Base, "after_insert", propagate=True)
def _on_insert(_mapper, _connection, obj: Base) -> None:  # noqa: ANN001
    pending = _pending(obj)
    if pending is not None and _tracked(obj):
        pending.append(("insert", obj, None, None))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:  # noqa: ANN001
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    set_id = session.info.get(_SET)
    if set_id is None:
        set_id = new_entry(session, action=session.info[_ACTION], user_name=session.info.get(_USER, ""))
        session.info[_SET] = set_id
    rows = []
    for op, obj, before, after in pending:
        table = obj.__table__  # type: ignore[attr-defined]
        values = _all_values(obj) if op != "delete" else before
        if op == "insert":
            after = values
        key = {c.name: values[c.name] for c in table.primary_key.columns}
        rows.append(
            {
                "change_set_id": set_id, "table_name": table.name, "row_key": key, "op": op,
                "before": before, "after": after,
                "resident_id": _resident_of(table.name, values),
            }
        )
    connection.execute(insert(ChangeRow.__table__), rows)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_SET, None)
    session.info.pop(_PENDING, None)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]  # type: ignore[return-value]


def _where(table: Table, key: dict[str, Any]):  # noqa: ANN202
    return and_(*(table.c[name] == _decode(value) for name, value in key.items()))


def is_undone(session: Session, change_set_id: int) -> bool:
    undo_entry = aliased(ChangeSet)
    return session.scalar(select(undo_entry.id).where(undo_entry.undoes_id == change_set_id).limit(1)) is not None


def last_undoable(session: Session) -> ChangeSet | None:
    """The newest change that has not been undone (entries are never edited: an undo is a new
    entry pointing at the one it reverts)."""
    undo_entry = aliased(ChangeSet)
    return session.scalars(
        select(ChangeSet)
        .where(
            ChangeSet.kind == "change", ChangeSet.undoes_id.is_(None),
            ~select(undo_entry.id).where(undo_entry.undoes_id == ChangeSet.id).exists(),
        )
        .order_by(ChangeSet.id.desc())
        .limit(1)
    ).first()


def _same(current: Any, recorded: Any) -> bool:
    """Is the value in the row now the one the journal recorded? Decimals compare by value."""
    recorded = _decode(recorded)
    if isinstance(current, Decimal) or isinstance(recorded, Decimal):
        try:
            return current is not None and recorded is not None and Decimal(current) == Decimal(recorded)
        except (ArithmeticError, TypeError, ValueError):
            return False
    return current == recorded


def undo_last(session: Session, *, user_name: str = "", expected_id: int | None = None) -> str:
    """Revert the newest action that has not been undone. Returns its name.

    ``expected_id`` is the action the user was shown ("撤销：修改居民 张三"): when another
    workstation has saved something newer meanwhile, nothing is undone and the user is told.
    Runs inside the caller's transaction. Raises ``DomainError`` when there is nothing to undo
    or the rows were changed again since (the data is then left as it is).
    """
    target = last_undoable(session)
    if target is None:
        raise DomainError("没有可以撤销的操作。")
    if expected_id is not None and target.id != expected_id:
        raise DomainError(f"最近的操作已变为“{target.action}”（可能是别人刚保存的），请重新确认后再撤销。")
    session.info[_ACTION] = None  # the revert itself is recorded below, not row by row
    rows = list(reversed(target.rows))
    # Rows inserted together may point forward at each other (a household at its head, inserted
    # after it): loosen exactly those links first, so deleting in reverse never trips a foreign key.
    inserted_at = {
        (row.table_name, _decode(next(iter(row.row_key.values())))): position
        for position, row in enumerate(target.rows) if row.op == "insert" and len(row.row_key) == 1
    }
    for position, row in enumerate(target.rows):
        if row.op != "insert":
            continue
        table = _table(row.table_name)
        links = {
            fk.parent.name: None for fk in table.foreign_keys
            if fk.parent.nullable
            and inserted_at.get((fk.column.table.name, (row.after or {}).get(fk.parent.name)), -1) > position
        }
        if links:
            session.execute(update(table).where(_where(table, row.row_key)).values(links))
    for row in rows:
        table = _table(row.table_name)
        where = _where(table, row.row_key)
        if row.op == "insert":
            session.execute(delete(table).where(where))
        elif row.op == "delete":
            session.execute(insert(table).values({k: _decode(v) for k, v in (row.before or {}).items()}))
        else:
            current = session.execute(select(table).where(where)).mappings().first()
            if current is None:
                raise DomainError(f"无法撤销“{target.action}”：记录已不存在。")
            for column, value in (row.after or {}).items():
                if column in ("version", "updated_at"):
                    continue
                if not _same(current[column], value):
                    raise DomainError(f"无法撤销“{target.action}”：该记录之后又被修改过。")
            values = {k: _decode(v) for k, v in (row.before or {}).items() if k != "updated_at"}
            if "version" in table.c:
                values["version"] = current["version"] + 1
            session.execute(update(table).where(where).values(values))
    # The undo is an entry of its own, its rows the reverse of the target's (who undid what, when).
    undo_id = new_entry(session, action=f"撤销：{target.action}", user_name=user_name, undoes_id=target.id)
    session.execute(
        insert(ChangeRow.__table__),
        [
            {
                "change_set_id": undo_id, "table_name": row.table_name, "row_key": row.row_key,
                "op": {"insert": "delete", "delete": "insert"}.get(row.op, "update"),
                "before": row.after, "after": row.before, "resident_id": row.resident_id,
            }
            for row in rows
        ],
    )
    session.flush()
    session.expire_all()
    return target.action
