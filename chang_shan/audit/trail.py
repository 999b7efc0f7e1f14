"""Reading the audit trail: the administrator's audit screen, its export, and the chain check.

Every entry of the change journal is one line here: a change (with the old and new value of each
field), an undo, or an event (a reveal, an export, a print, a login, an account change). Reading it
needs ``Perm.AUDIT``. The lines are filtered in SQL (person, record, user, dates, kinds) and paged;
each carries a readable summary in Chinese in which ID numbers and phones are always masked (also
inside free text such as notes), health and will records are hidden from an administrator without
those permissions, and health terms in free text are replaced likewise.

``export_entries`` writes the filtered trail to CSV (UTF-8 with a BOM, for Excel) or XLSX, masked
the same way, and is itself recorded as an ``export`` event.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Select, event, func, or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan import codes
from chang_shan.accounts import permissions
from chang_shan.accounts.permissions import Actor, Perm, require
from chang_shan.audit.events import EVENT_KINDS, record_event
from chang_shan.db import audit_chain
from chang_shan.db.models import Grid, Resident
from chang_shan.db.models.journal import ChangeRow, ChangeSet
from chang_shan.errors import ValidationError
from chang_shan.logs import mask_numbers, redact
from chang_shan.population import idnumber

DEFAULT_LIMIT = 200
MAX_LIMIT = 5000
SUMMARY_MAX = 1000
_BATCH = 500

KIND_LABELS: dict[str, str] = {"change": "修改数据", **EVENT_KINDS}
UNDO_LABEL = "撤销"

TABLE_LABELS: dict[str, str] = {
    "resident": "居民", "household": "住户", "grid": "网格", "building": "楼栋", "unit": "单元",
    "household_tag": "住户标签", "organisation": "驻区单位", "role_assignment": "任职",
    "movement": "迁移记录", "resident_group": "人群类别",
}

# Field labels: per table first, then common ones. Later ledgers add theirs with ``register_table``.
_COMMON_FIELDS: dict[str, str] = {
    "name": "名称", "note": "备注", "phone": "电话", "address": "地址", "kind": "类型", "code": "编号",
    "grid_id": "网格", "building_id": "楼栋", "unit_id": "单元", "household_id": "所在户",
    "resident_id": "居民", "id_number": "身份证号码", "status": "状态",
}
FIELD_LABELS: dict[str, dict[str, str]] = {
    "resident": {
        "name": "姓名", "id_number": "身份证号码", "sex_code": "性别", "birth_date": "出生日期",
        "ethnicity_code": "民族", "relation_code": "与户主关系", "phone": "电话", "residence_type": "居住类型",
        "employment": "就业状况", "note": "备注", "status": "状态", "household_id": "所在户",
        "moved_in_on": "登记/迁入日期", "moved_out_on": "迁出日期", "died_on": "死亡日期",
    },
    "household": {
        "room": "门牌", "area_m2": "面积（m²）", "head_id": "户主", "phone": "电话", "note": "备注",
        "dissolved_on": "注销日期", "building_id": "楼栋", "unit_id": "单元",
    },
    "grid": {"code": "网格编号", "name": "网格名称"},
    "building": {"name": "楼栋名称", "kind": "类型", "address": "地址", "grid_id": "所属网格"},
    "unit": {"name": "单元名称", "building_id": "所属楼栋"},
    "household_tag": {"tag": "标签", "household_id": "住户"},
    "organisation": {
        "name": "名称", "kind": "类型", "grid_id": "所属网格", "address": "地址", "contact_name": "联系人",
        "phone": "电话", "in_party_committee": "大党委成员单位",
    },
    "role_assignment": {"role": "职务", "start_on": "任职日期", "end_on": "离任日期"},
    "movement": {"kind": "类型", "on_date": "日期", "from_household_id": "原住户", "to_household_id": "新住户"},
    "resident_group": {"group": "人群类别"},
}
_HIDDEN_FIELDS = {"id", "name_pinyin", "updated_at", "created_at", "recorded_at", "version", "sort_key"}
# Tables whose contents only holders of a permission may read (by name prefix).
RESTRICTED_PREFIXES = permissions.RESTRICTED_PREFIXES  # one mapping: undo and the trail agree
_PHONE_FIELDS = {"phone", "mobile", "contact_phone"}
# Columns that hold a resident's id: shown with the person's name.
RESIDENT_COLUMNS = {"resident_id", "head_id", "elder_id", "caretaker_id", "assignee_resident_id", "borrower_id"}

_DETAIL_LABELS = {
    "user": "账户", "role": "角色", "grids": "网格", "health": "健康库", "wills": "遗嘱库", "active": "启用",
    "ledger": "台账", "rows": "行数", "file": "文件", "format": "格式", "revealed": "含完整信息",
    "grid": "网格", "scope": "范围", "include_inactive": "含非在册", "fields": "字段", "field": "字段",
    "count": "数量", "filters": "筛选条件", "report": "报表", "reason": "原因", "table": "表",
    "key": "设置",
}


# Per table and column: the stored value in words (a code as its label: 血型 3 → O型).
VALUE_LABELS: dict[str, dict[str, Callable[[Any], str]]] = {}


def register_table(table: str, label: str, fields: dict[str, str], *, restricted: Perm | None = None,
                   values: dict[str, Callable[[Any], str]] | None = None) -> None:
    """A later ledger's table: its name and field labels on the audit screen (and, for health or
    will data, the permission needed to see its values); ``values`` turns a column's stored value
    into words (a code into its label)."""
    TABLE_LABELS[table] = label
    FIELD_LABELS.setdefault(table, {}).update(fields)
    if restricted is not None:
        RESTRICTED_PREFIXES[table] = restricted
    if values:
        VALUE_LABELS.setdefault(table, {}).update(values)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # local time, naive (for display)
    user: str
    kind: str  # 'change' or an event kind ('export', 'login' …)
    kind_label: str  # 修改数据, 撤销, 导出, 登录 …
    action: str  # what the user did, as recorded (修改居民 张三)
    resident_id: int | None
    resident_name: str
    summary: str  # the fields and their old and new values, masked
    undoes_id: int | None = None
    undone: bool = False


# --- filtering ---------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """A local moment (naive = local) as the naive UTC the journal stores."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _bound(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc(value)
    start = datetime.combine(value + timedelta(days=1) if end else value, time())
    return _utc(start)


def _record_key(record: tuple[str, Any]) -> tuple[str, dict[str, Any]]:
    try:
        table, key = record
    except (TypeError, ValueError) as exc:
        raise ValidationError({"record": "记录应写作（表名, 编号）。"}) from exc
    if isinstance(key, dict):
        return str(table), key
    return str(table), {"id": key}


def _conditions(
    *, resident_id: int | None, record: tuple[str, Any] | None, user_name: str | None,
    date_from: date | datetime | None, date_to: date | datetime | None, kinds: Iterable[str] | None,
) -> list:
    where: list = []
    if resident_id is not None:
        where.append(or_(
            ChangeSet.resident_id == resident_id,
            ChangeSet.id.in_(select(ChangeRow.change_set_id).where(ChangeRow.resident_id == resident_id)),
        ))
    if record is not None:
        table, key = _record_key(record)
        rows = select(ChangeRow.change_set_id).where(ChangeRow.table_name == table)
        for name, value in key.items():
            column = ChangeRow.row_key[name]
            rows = rows.where(column.as_integer() == value if isinstance(value, int) else column.as_string() == str(value))
        condition = ChangeSet.id.in_(rows)
        if table == "resident" and set(key) == {"id"}:
            condition = or_(condition, ChangeSet.resident_id == key["id"])
        where.append(condition)
    if user_name:
        where.append(ChangeSet.user_name == user_name.strip())
    start, stop = _bound(date_from, end=False), _bound(date_to, end=True)
    if start is not None:
        where.append(ChangeSet.at >= start)
    if stop is not None:
        where.append(ChangeSet.at < stop)
    if kinds is not None:
        kinds = list(kinds)
        unknown = [k for k in kinds if k not in KIND_LABELS and k != "undo"]
        if unknown:
            raise ValidationError({"kinds": "未知的审计记录类别：" + "、".join(unknown)})
        wanted = []
        plain = [k for k in kinds if k != "change" and k != "undo"]
        if plain:
            wanted.append(ChangeSet.kind.in_(plain))
        if "change" in kinds:
            wanted.append(ChangeSet.kind == "change")
        elif "undo" in kinds:
            wanted.append((ChangeSet.kind == "change") & ChangeSet.undoes_id.is_not(None))
        where.append(or_(*wanted) if wanted else ChangeSet.id.is_(None))
    return where


def _select_ids(**filters: Any) -> Select:
    return select(ChangeSet.id).where(*_conditions(**filters))


def _filters(resident_id=None, record=None, user_name=None, date_from=None, date_to=None, kinds=None) -> dict:  # noqa: ANN001, ANN202
    return {"resident_id": resident_id, "record": record, "user_name": user_name, "date_from": date_from,
            "date_to": date_to, "kinds": None if kinds is None else list(kinds)}


def list_entries(
    session: Session, *, resident_id: int | None = None, record: tuple[str, Any] | None = None,
    user_name: str | None = None, date_from: date | datetime | None = None, date_to: date | datetime | None = None,
    kinds: Iterable[str] | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0,
) -> list[AuditRow]:
    """A page of the trail, newest first. ``record`` is (table name, id) — or (table, {key: value})
    for a table with a composite key; ``date_from``/``date_to`` are local dates (both included)."""
    actor = require(session, Perm.AUDIT)
    filters = _filters(resident_id, record, user_name, date_from, date_to, kinds)
    limit = max(0, min(int(limit), MAX_LIMIT))
    ids = session.scalars(
        _select_ids(**filters).order_by(ChangeSet.id.desc()).limit(limit).offset(max(0, int(offset)))
    ).all()
    return _rows(session, list(ids), actor)


def count_entries(
    session: Session, *, resident_id: int | None = None, record: tuple[str, Any] | None = None,
    user_name: str | None = None, date_from: date | datetime | None = None, date_to: date | datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    require(session, Perm.AUDIT)
    filters = _filters(resident_id, record, user_name, date_from, date_to, kinds)
    return session.scalar(select(func.count()).select_from(_select_ids(**filters).subquery())) or 0


def user_names(session: Session) -> list[str]:
    """Everyone who appears in the trail (for the screen's user filter)."""
    require(session, Perm.AUDIT)
    return [n for n in session.scalars(select(ChangeSet.user_name).distinct().order_by(ChangeSet.user_name)) if n]


# --- building the lines ------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def _rows(session: Session, ids: Sequence[int], actor: Actor) -> list[AuditRow]:
    if not ids:
        return []
    entries = session.execute(
        select(ChangeSet.id, ChangeSet.at, ChangeSet.user_name, ChangeSet.kind, ChangeSet.action,
               ChangeSet.resident_id, ChangeSet.detail, ChangeSet.undoes_id)
        .where(ChangeSet.id.in_(ids))
    ).all()
    by_id = {e.id: e for e in entries}
    rows_of: dict[int, list[ChangeRow]] = {}
    for row in session.scalars(select(ChangeRow).where(ChangeRow.change_set_id.in_(ids)).order_by(ChangeRow.id)):
        rows_of.setdefault(row.change_set_id, []).append(row)
    undo = aliased(ChangeSet)
    undone = set(session.scalars(select(undo.undoes_id).where(undo.undoes_id.in_(ids))))
    resident_ids = {e.resident_id for e in entries if e.resident_id is not None}
    for rows in rows_of.values():
        resident_ids.update(r.resident_id for r in rows if r.resident_id is not None)
        for r in rows:  # people a row points at (a caretaker, an assignee …) are named too
            for values in (r.before or {}, r.after or {}):
                resident_ids.update(v for k, v in values.items() if k in RESIDENT_COLUMNS and isinstance(v, int))
    names: dict[int, str] = {}
    if resident_ids:
        names = {rid: name for rid, name in session.execute(
            select(Resident.id, Resident.name).where(Resident.id.in_(resident_ids)))}
    show = _Shower(actor, names, {gid: name for gid, name in session.execute(select(Grid.id, Grid.name))})
    result = []
    for entry_id in ids:
        entry = by_id.get(entry_id)
        if entry is None:
            continue
        rows = rows_of.get(entry_id, [])
        resident_id = entry.resident_id
        if resident_id is None:
            people = {r.resident_id for r in rows if r.resident_id is not None}
            resident_id = people.pop() if len(people) == 1 else None
        if entry.kind == "change":
            summary = "；".join(filter(None, (show.change(r) for r in rows)))
        else:
            summary = show.detail(entry.detail)
        if len(summary) > SUMMARY_MAX:
            summary = summary[: SUMMARY_MAX - 1] + "…"
        kind_label = UNDO_LABEL if entry.undoes_id is not None else KIND_LABELS.get(entry.kind, entry.kind)
        result.append(AuditRow(
            id=entry.id, at=_local(entry.at), user=entry.user_name, kind=entry.kind, kind_label=kind_label,
            action=show.text(entry.action), resident_id=resident_id,
            resident_name=names.get(resident_id, "") if resident_id is not None else "",
            summary=summary, undoes_id=entry.undoes_id, undone=entry.id in undone,
        ))
    return result


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$dt":
            try:
                return _local(datetime.fromisoformat(inner)).strftime("%Y-%m-%d %H:%M")
            except (TypeError, ValueError):
                return str(inner)
        if tag in ("$d", "$dec"):
            return str(inner)
    return value


class _Shower:
    """Values as the audit screen shows them: labelled, decoded, masked."""

    def __init__(self, actor: Actor, names: dict[int, str], grid_names: dict[int, str] | None = None) -> None:
        self.actor = actor
        self.names = names
        self.grid_names = grid_names or {}

    def text(self, value: str) -> str:
        value = mask_numbers(value)
        return value if self.actor.can(Perm.HEALTH) else redact(value)

    def _restricted(self, table: str) -> bool:
        for prefix, perm in RESTRICTED_PREFIXES.items():
            if table.startswith(prefix) and not self.actor.can(perm):
                return True
        return False

    def value(self, table: str, column: str, value: Any) -> str:
        value = _decode(value)
        if value is None or value == "":
            return "（空）"
        column_perm = permissions.RESTRICTED_COLUMNS.get((table, column))
        if column_perm is not None and not self.actor.can(column_perm):
            return "（受限）"
        in_words = VALUE_LABELS.get(table, {}).get(column)
        if in_words is not None:
            return self.text(in_words(value))
        if column == "id_number":
            return idnumber.mask(str(value))
        if column in _PHONE_FIELDS or column.endswith("_phone"):
            return idnumber.mask_phone(str(value))
        if isinstance(value, bool):
            return "是" if value else "否"
        if column == "sex_code":
            return codes.sex().label(str(value), str(value))
        if column == "ethnicity_code":
            return codes.ethnicity().label(str(value), str(value))
        if column == "relation_code":
            return codes.relation().label(str(value), str(value))
        if column in RESIDENT_COLUMNS and isinstance(value, int) and value in self.names:
            return f"{self.names[value]}（#{value}）"
        if column.endswith("_id") and isinstance(value, int):
            return f"#{value}"
        if isinstance(value, (list, dict)):
            return self.text(str(value))
        return self.text(str(value))

    def change(self, row: ChangeRow) -> str:
        table = row.table_name
        label = TABLE_LABELS.get(table, table)
        key = row.row_key or {}
        if table == "resident" and row.resident_id in self.names:
            who = f"{label} {self.names[row.resident_id]}"
        elif len(key) == 1:
            who = f"{label} #{_decode(next(iter(key.values())))}"
        elif key and not self._restricted(table):  # a composite key in words: （年度 2025，指标 零辍学）
            fields = FIELD_LABELS.get(table, {})
            who = label + "（" + "，".join(f"{self._label(fields, c)} {self.value(table, c, v)}"
                                          for c, v in key.items()) + "）"
        else:
            who = label
        if self._restricted(table):
            verb = {"insert": "新增", "delete": "删除"}.get(row.op, "修改")
            return f"{verb}{who}（内容受限，需相应权限查看）"
        fields = FIELD_LABELS.get(table, {})
        if row.op == "insert":
            parts = [f"{self._label(fields, c)} {self.value(table, c, v)}" for c, v in (row.after or {}).items()
                     if c not in _HIDDEN_FIELDS and c not in key and v not in (None, "")]
            return f"新增{who}" + ("：" + "，".join(parts) if parts else "")
        if row.op == "delete":
            return f"删除{who}"
        before = row.before or {}
        parts = [
            f"{self._label(fields, c)}：{self.value(table, c, before.get(c))} → {self.value(table, c, new)}"
            for c, new in (row.after or {}).items() if c not in _HIDDEN_FIELDS
        ]
        return f"{who}：" + "，".join(parts) if parts else ""

    @staticmethod
    def _label(fields: dict[str, str], column: str) -> str:
        return fields.get(column) or _COMMON_FIELDS.get(column) or column

    def detail(self, detail: Any) -> str:
        if not isinstance(detail, dict):
            return self.text(str(detail)) if detail else ""
        parts = []
        before, after = detail.get("before"), detail.get("after")
        for key, value in detail.items():
            if key in ("before", "after"):
                continue
            parts.append(f"{_DETAIL_LABELS.get(key, key)}：{self._plain(key, value)}")
        if isinstance(before, dict) and isinstance(after, dict):
            for key in after:
                if before.get(key) != after.get(key):
                    parts.append(f"{_DETAIL_LABELS.get(key, key)}：{self._plain(key, before.get(key))} → "
                                 f"{self._plain(key, after.get(key))}")
        elif "after" in detail and before != after:  # one value (a setting): 30 → 45
            parts.append(f"{self._plain('', before)} → {self._plain('', after)}")
        return "，".join(parts)

    def _plain(self, key: str, value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if value is None or value == "" or value == []:
            return "（无）"
        if isinstance(value, list):
            return "、".join(self._plain(key, v) for v in value)
        if isinstance(value, dict):
            return "，".join(f"{_DETAIL_LABELS.get(k, k)} {self._plain(k, v)}" for k, v in value.items())
        if key == "file":
            value = os.path.basename(str(value)) or str(value)
        if key in ("grid", "grids") and isinstance(value, int):
            return self.grid_names.get(value, f"网格 #{value}")
        if key in ("field", "fields"):
            return FIELD_LABELS["resident"].get(str(value), str(value))
        if key == "key":  # a setting: its name, not today.not_visited_days
            from chang_shan.settings import SETTINGS

            setting = SETTINGS.get(str(value))
            return setting.label if setting is not None else str(value)
        return self.text(str(value))


# --- export ------------------------------------------------------------------------------------

_REMOVE_ON_ROLLBACK = "chang_shan.audit.export_files"


def _iter_rows(session: Session, actor: Actor, filters: dict) -> Iterator[list[object]]:
    ids = list(session.scalars(_select_ids(**filters).order_by(ChangeSet.id.desc())))
    for start in range(0, len(ids), _BATCH):
        for row in _rows(session, ids[start:start + _BATCH], actor):
            yield [row.id, row.at.strftime("%Y-%m-%d %H:%M:%S"), row.user,
                   row.kind_label + ("（已撤销）" if row.undone else ""), row.action, row.resident_name, row.summary]


def export_entries(
    session: Session, path: str | os.PathLike[str], *, resident_id: int | None = None,
    record: tuple[str, Any] | None = None, user_name: str | None = None,
    date_from: date | datetime | None = None, date_to: date | datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """Write the filtered trail (newest first) to ``path`` — ``.csv`` or ``.xlsx`` — masked, and
    record the export as an audit event in ``session`` (a transaction the caller commits; should it
    roll back instead, the file is removed again). Returns the number of entries written.
    Bad input raises ``DomainError`` before anything is written."""
    from chang_shan.exports import writers
    from chang_shan.exports.ledgers import INT, TEXT, Col
    from chang_shan.exports.output import AtomicFile, check_target

    actor = require(session, Perm.AUDIT)
    target = check_target(path, writers.FORMATS)
    filters = _filters(resident_id, record, user_name, date_from, date_to, kinds)
    _conditions(**filters)  # bad filters are refused before the file is made
    total = count_entries(session, **filters)
    columns = [Col("编号", INT, 9), Col("时间", TEXT, 20), Col("用户", TEXT, 14), Col("类别", TEXT, 12),
               Col("操作", TEXT, 36), Col("居民", TEXT, 10), Col("内容", TEXT, 80)]
    fmt = target.suffix.lower().lstrip(".")
    with AtomicFile(target) as part:
        assert part.temp is not None
        rows = _iter_rows(session, actor, filters)
        if fmt == "xlsx":
            written = writers.write_xlsx(part.temp, columns, rows, sheet="审计记录", title="长山 审计记录",
                                         total=total, progress=_silent)
        else:
            written = writers.write_csv(part.temp, columns, rows, total=total, progress=_silent)
        shown = {k: (v.isoformat() if isinstance(v, (date, datetime)) else v)
                 for k, v in filters.items() if v is not None}
        if "record" in shown:
            shown["record"] = list(_record_key(filters["record"]))
        record_event(session, "export", f"导出审计记录（{written} 条，{fmt.upper()}）",
                     detail={"ledger": "audit", "rows": written, "file": str(target), "format": fmt,
                             "filters": shown})
        session.flush()
        part.commit()
        session.info.setdefault(_REMOVE_ON_ROLLBACK, []).append(target)
    return written


def _silent(done: int, total: int, text: str = "") -> None:  # noqa: ARG001
    return None


@event.listens_for(Session, "after_rollback")
def _remove_exported(session: Session) -> None:
    for target in session.info.pop(_REMOVE_ON_ROLLBACK, []):
        Path(target).unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_exported(session: Session) -> None:
    session.info.pop(_REMOVE_ON_ROLLBACK, None)


# --- the chain ---------------------------------------------------------------------------------


def verify_chain(session: Session) -> tuple[int, list[audit_chain.ChainProblem]]:
    """Walk the hash chain: (entries checked, problems). An edited entry breaks its own hash, a
    deleted one the link of the next."""
    require(session, Perm.AUDIT)
    return audit_chain.verify(session.connection())


# The health and care tables' labels (the ledger registers them; imported here so that they exist
# whenever the trail is read, whichever screen or command reads it).
from chang_shan.health import audit_labels as _health_labels  # noqa: E402,F401
from chang_shan.safety import audit_labels as _safety_labels  # noqa: E402,F401
from chang_shan.service_requests import audit_labels as _service_labels  # noqa: E402,F401
from chang_shan.canteen import audit_labels as _canteen_labels  # noqa: E402,F401
from chang_shan.badges import audit_labels as _badge_labels  # noqa: E402,F401
from chang_shan.wills import audit_labels as _will_labels  # noqa: E402,F401
from chang_shan.party import audit_labels as _party_labels  # noqa: E402,F401
from chang_shan.volunteers import audit_labels as _volunteer_labels  # noqa: E402,F401
from chang_shan.deliberation import audit_labels as _deliberation_labels  # noqa: E402,F401
from chang_shan.mediation import audit_labels as _mediation_labels  # noqa: E402,F401
from chang_shan.fees import audit_labels as _fee_labels  # noqa: E402,F401
from chang_shan.indicators import audit_labels as _indicator_labels  # noqa: E402,F401
