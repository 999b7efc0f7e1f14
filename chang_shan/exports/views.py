"""What a ledger screen shows, out to XLSX or CSV: the same filters, the same rows, every one of them
(not only the page or the first few hundred on screen).

``export_view(db, view, out, filters=..., reveal=..., progress=...)`` takes the screen's filters
as plain values (``FILTERS`` names them per view) and writes the rows the same services list,
with codes beside their labels, ID numbers and phones as text and masked unless ``reveal``
(``Perm.REVEAL``). Every export needs ``Perm.EXPORT`` and is audited like ``export_ledger``
(view, filters — a search text only as "there was one" —, rows, file, format, revealed): the
file is put in place in the transaction that records the event. Views:

- ``residents`` 万家数据库: the resident table (place, search, age band, group, 已迁出/已故, sort),
  in the ledger's columns (``ledgers.RESIDENT_COLUMNS``), so the file re-imports;
- ``health`` 居民健康库 (``Perm.HEALTH``): the resident list (search, quick filter) with the
  profile's summary — blood type, 既往史 diseases, disability, family doctor, self-care, last visit;
- ``requests`` 服务请求: the request list (statuses, category, grid, 我负责的, 逾期, search);
- ``badges`` 防走失卡 register (state, grid, search);
- ``wills`` 遗嘱库 (``Perm.WILLS``): the registrations (status, form, search).

A 网格员 gets their grids only: the rows come from the screens' own services, which apply the scope.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Resident, ServiceRequest, Unit
from chang_shan.db.models.health import HealthCondition, HealthProfile, HealthSelfCare, HealthVisit
from chang_shan.errors import DomainError
from chang_shan.exports import ExportResult, check_target, ledgers, require_export, write_audited
from chang_shan.exports.ledgers import CHUNK, DATE, INT, SECRET_ID, SECRET_PHONE, Col, secret
from chang_shan.exports.writers import FORMATS
from chang_shan.population.addresses import building_label, household_address, unit_label
from chang_shan.progress import Progress, no_progress

Rows = tuple[int, Iterable[list[object]]]  # (how many, the rows)


@dataclass(frozen=True)
class View:
    name: str  # the name callers pass
    title: str  # 万家数据库居民 …: the sheet, the document title and the audit entry
    filters: frozenset[str]  # the filter keys it understands
    columns: tuple[Col, ...]
    rows: Callable[[Database, Session, dict[str, Any], bool], Rows]  # (db, session, filters, reveal)
    describe: Callable[[Session, dict[str, Any]], list[str]]  # the filters in words
    perm: Perm | None = None  # needed besides Perm.EXPORT


# --- filters --------------------------------------------------------------------------------------


def _date(value: object, key: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"导出条件 {key} 不是日期：{value}") from None


def _int(value: object, key: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise DomainError(f"导出条件 {key} 应是编号：{value}") from None


def _text(filters: dict[str, Any], key: str = "text") -> str:
    return str(filters.get(key) or "").strip()


def _searched(filters: dict[str, Any]) -> list[str]:
    return ["按查找条件"] if _text(filters) else []


def _audited_filters(filters: dict[str, Any]) -> dict[str, object]:
    """The filters for the audit entry: plain JSON values, a search text only as ``True``
    (it may be part of an ID number or a phone)."""
    shown: dict[str, object] = {}
    for key, value in sorted(filters.items()):
        if value is None or value == "" or value == () or value == []:
            continue
        if key == "text":
            shown[key] = True
        elif isinstance(value, (date, datetime)):
            shown[key] = value.isoformat()
        elif isinstance(value, (tuple, list, set, frozenset)):
            shown[key] = [str(v) for v in value]
        else:
            shown[key] = value if isinstance(value, (bool, int, float)) else str(value)
    return shown


def _yes(value: bool) -> str:
    return "是" if value else "否"


# --- 万家数据库: residents ----------------------------------------------------------------------


def _resident_filter(filters: dict[str, Any]) -> Any:
    from chang_shan.population.query import ResidentFilter

    return ResidentFilter(
        text=_text(filters), grid_id=_int(filters.get("grid_id"), "grid_id"),
        building_id=_int(filters.get("building_id"), "building_id"), unit_id=_int(filters.get("unit_id"), "unit_id"),
        household_id=_int(filters.get("household_id"), "household_id"), age_band=filters.get("age_band") or None,
        group=filters.get("group") or None, include_inactive=bool(filters.get("include_inactive")),
        on_date=_date(filters.get("on"), "on"),
    )


def _resident_rows(_db: Database, session: Session, filters: dict[str, Any], reveal: bool) -> Rows:
    from chang_shan.population import query

    ids = query.resident_ids(session, _resident_filter(filters), sort=filters.get("sort") or "name",
                             descending=bool(filters.get("descending")))
    return len(ids), ledgers.resident_rows_of(session, ids, reveal)


def _place_label(session: Session, filters: dict[str, Any]) -> str:
    place = select(Household.room, Building.name.label("building"), Building.kind, Unit.name.label("unit"),
                   Grid.name.label("grid"))
    if (household_id := _int(filters.get("household_id"), "household_id")) is not None:
        r = session.execute(place.select_from(Household).join(Building, Building.id == Household.building_id)
                            .outerjoin(Unit, Unit.id == Household.unit_id).join(Grid, Grid.id == Building.grid_id)
                            .where(Household.id == household_id)).first()
        return household_address(r.building, r.unit, r.room, r.kind) if r else ""
    if (unit_id := _int(filters.get("unit_id"), "unit_id")) is not None:
        r = session.execute(select(Building.name.label("building"), Unit.name.label("unit"))
                            .join(Building, Building.id == Unit.building_id).where(Unit.id == unit_id)).first()
        return building_label(r.building) + unit_label(r.unit) if r else ""
    if (building_id := _int(filters.get("building_id"), "building_id")) is not None:
        name = session.scalar(select(Building.name).where(Building.id == building_id))
        return building_label(name) if name else ""
    if (grid_id := _int(filters.get("grid_id"), "grid_id")) is not None:
        return session.scalar(select(Grid.name).where(Grid.id == grid_id)) or ""
    return ""


def _describe_residents(session: Session, filters: dict[str, Any]) -> list[str]:
    from chang_shan.population.query import AGE_BAND_LABELS

    parts = [_place_label(session, filters) or "全部居民"]
    if filters.get("age_band"):
        parts.append(AGE_BAND_LABELS.get(filters["age_band"], str(filters["age_band"])))
    if filters.get("group"):
        parts.append(str(filters["group"]))
    if filters.get("include_inactive"):
        parts.append("含已迁出、已故")
    return parts + _searched(filters)


# --- 居民健康库 -------------------------------------------------------------------------------------

HEALTH_COLUMNS = (
    Col("姓名", width=12), Col("性别", width=6), Col("性别代码", width=8), Col("出生日期", DATE, 12),
    Col("年龄", INT, 6), Col("身份证号", SECRET_ID, 21), Col("联系电话", SECRET_PHONE, 15), Col("网格", width=10),
    Col("住址", width=24), Col("健康档案", width=8), Col("血型", width=6), Col("血型代码", width=8),
    Col("RH血型", width=8), Col("RH血型代码", width=10), Col("既往史疾病", width=24), Col("既往史疾病代码", width=14),
    Col("残疾情况", width=16), Col("残疾情况代码", width=12), Col("家庭医生", width=12), Col("走失风险", width=8),
    Col("生活自理能力", width=12), Col("自理评分", INT, 8), Col("评估日期", DATE, 12), Col("最近随访", DATE, 12),
)


def _health_ids(session: Session, filters: dict[str, Any], on: date) -> list[int]:
    """The residents the 居民健康库 list shows (``health.finder.find_residents``), all of them."""
    from chang_shan.health.finder import QUICK_FILTERS, quick_ids
    from chang_shan.population import query

    quick = filters.get("quick") or ""
    if quick not in QUICK_FILTERS:
        raise DomainError(f"没有这个筛选：{quick}")
    ids = query.resident_ids(session, query.ResidentFilter(text=_text(filters), on_date=on))
    if quick:
        wanted = quick_ids(session, quick, on)
        ids = [rid for rid in ids if rid in wanted]
    return ids


def _health_rows(_db: Database, session: Session, filters: dict[str, Any], reveal: bool) -> Rows:
    require(session, Perm.HEALTH)
    on = _date(filters.get("on"), "on") or date.today()
    ids = _health_ids(session, filters, on)
    return len(ids), _health_lines(session, ids, on, reveal)


def _health_lines(session: Session, ids: Sequence[int], on: date, reveal: bool) -> Iterator[list[object]]:
    from chang_shan.health import codes as health_codes
    from chang_shan.population.query import age_on

    sex, blood, rh = codes.sex(), health_codes.blood_type(), health_codes.rh()
    disease, disability = health_codes.disease(), health_codes.disability()
    people = ledgers.resident_places(select(
        Resident.id, Resident.name, Resident.sex_code, Resident.birth_date, Resident.id_number, Resident.phone,
        Household.room, Building.name.label("building"), Building.kind, Unit.name.label("unit"),
        Grid.name.label("grid"), HealthProfile.resident_id.label("profile"), HealthProfile.blood_type,
        HealthProfile.rh, HealthProfile.disabilities, HealthProfile.disability_other, HealthProfile.family_doctor,
        HealthProfile.wandering_risk,
    ).select_from(Resident)).outerjoin(HealthProfile, HealthProfile.resident_id == Resident.id)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        found = {r.id: r for r in session.execute(people.where(Resident.id.in_(chunk)))}
        diseases: dict[int, list[tuple[str, str]]] = {}
        for rid, code, name in session.execute(
            select(HealthCondition.resident_id, HealthCondition.code, HealthCondition.name)
            .where(HealthCondition.resident_id.in_(chunk), HealthCondition.category == "疾病")
            .order_by(HealthCondition.resident_id, HealthCondition.code, HealthCondition.id)
        ):
            label = disease.label(code, code)
            diseases.setdefault(rid, []).append((code, f"{label}（{name}）" if name else label))
        self_care = {r.resident_id: r for r in session.execute(
            select(HealthSelfCare.resident_id, HealthSelfCare.total, HealthSelfCare.assessed_on)
            .where(HealthSelfCare.resident_id.in_(chunk))
            .order_by(HealthSelfCare.resident_id, HealthSelfCare.assessed_on, HealthSelfCare.id)
        )}  # the latest assessment wins
        visits = dict(session.execute(
            select(HealthVisit.resident_id, func.max(HealthVisit.visited_on))
            .where(HealthVisit.resident_id.in_(chunk)).group_by(HealthVisit.resident_id)
        ).all())
        for rid in chunk:
            r = found.get(rid)
            if r is None:
                continue
            address = household_address(r.building, r.unit, r.room, r.kind) if r.building is not None else ""
            has = r.profile is not None
            named = diseases.get(rid, [])
            dis = list(r.disabilities or []) if has else []
            dis_labels = [disability.label(c, c) for c in dis]
            if has and r.disability_other:
                dis_labels = [f"{t}（{r.disability_other}）" if c == "8" else t for c, t in zip(dis, dis_labels)]
            care = self_care.get(rid)
            yield [
                r.name, sex.label(r.sex_code), r.sex_code, r.birth_date, age_on(r.birth_date, on),
                secret(r.id_number, SECRET_ID, reveal), secret(r.phone, SECRET_PHONE, reveal), r.grid or "",
                address, "有" if has else "无", blood.label(r.blood_type) if has else "", r.blood_type if has else "",
                rh.label(r.rh) if has else "", r.rh if has else "", "、".join(t for _c, t in named),
                "、".join(c for c, _t in named), "、".join(dis_labels), "、".join(dis),
                r.family_doctor if has else "", _yes(bool(r.wandering_risk)) if has else "",
                health_codes.self_care_level(care.total) if care else "", care.total if care else None,
                care.assessed_on if care else None, visits.get(rid),
            ]


def _describe_health(_session: Session, filters: dict[str, Any]) -> list[str]:
    from chang_shan.health.finder import QUICK_FILTERS

    quick = filters.get("quick") or ""
    return [QUICK_FILTERS.get(quick, quick) if quick else "全部在册居民", *_searched(filters)]


# --- 服务请求 ------------------------------------------------------------------------------------

REQUEST_COLUMNS = (
    Col("编号", INT, 8), Col("受理日期", DATE, 12), Col("类别", width=10), Col("渠道", width=10),
    Col("服务对象", width=14), Col("网格", width=10), Col("住址", width=24), Col("内容", width=36),
    Col("办理期限", DATE, 12), Col("状态", width=8), Col("逾期天数", INT, 8), Col("办理人", width=18),
    Col("办理结果", width=36), Col("办结日期", DATE, 12), Col("回访日期", DATE, 12), Col("满意度", width=8),
    Col("重新打开次数", INT, 12),
)
REQUEST_KEYS = frozenset({"statuses", "category_id", "assignee_user_id", "resident_id", "household_id", "grid_id",
                          "received_from", "received_to", "overdue_on", "text", "today"})


def _request_filter(filters: dict[str, Any]) -> Any:
    from chang_shan.service_requests.shapes import RequestFilter

    statuses = filters.get("statuses")
    return RequestFilter(
        statuses=tuple(statuses) if statuses else None,
        **{key: _int(filters.get(key), key) for key in ("category_id", "assignee_user_id", "resident_id",
                                                         "household_id", "grid_id")},
        **{key: _date(filters.get(key), key) for key in ("received_from", "received_to", "overdue_on")},
        text=_text(filters),
    )


def _request_rows(_db: Database, session: Session, filters: dict[str, Any], _reveal: bool) -> Rows:
    from chang_shan.service_requests.requests import list_requests

    rows = list_requests(session, _request_filter(filters), today=_date(filters.get("today"), "today"))
    grids = dict(session.execute(select(Grid.id, Grid.name)).all())

    def lines() -> Iterator[list[object]]:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            results = dict(session.execute(select(ServiceRequest.id, ServiceRequest.result)
                                           .where(ServiceRequest.id.in_([r.id for r in chunk]))).all())
            for r in chunk:
                yield [
                    r.id, r.received_on, r.category, r.channel, r.for_name, grids.get(r.grid_id, ""), r.address,
                    r.content, r.due_on, r.status, r.days_overdue, r.assignee_label, results.get(r.id, ""),
                    r.completed_on, r.revisited_on, r.satisfaction or "", r.reopened,
                ]

    return len(rows), lines()


def _describe_requests(session: Session, filters: dict[str, Any]) -> list[str]:
    from chang_shan.service_requests.requests import categories

    parts = ["、".join(filters["statuses"])] if filters.get("statuses") else []
    if filters.get("overdue_on"):
        parts.append("逾期")
    if (category_id := _int(filters.get("category_id"), "category_id")) is not None:
        parts += [c.name for c in categories(session, include_inactive=True) if c.id == category_id]
    if (grid_id := _int(filters.get("grid_id"), "grid_id")) is not None:
        parts.append(session.scalar(select(Grid.name).where(Grid.id == grid_id)) or "")
    if filters.get("assignee_user_id") is not None:
        parts.append("我负责的")
    return (parts or ["全部"]) + _searched(filters)


# --- 防走失卡 register -------------------------------------------------------------------------------

BADGE_COLUMNS = (
    Col("编号", width=8), Col("姓名", width=12), Col("年龄", INT, 6), Col("网格", width=10), Col("住址", width=24),
    Col("状态", width=10), Col("版本", INT, 6), Col("上次打印", width=17), Col("版式", width=10),
    Col("打印次数", INT, 8), Col("变动", width=24),
)
BADGE_LAYOUTS = {"sheet": "A4 多枚", "card": "证卡", "label": "标签"}


def _badge_rows(db: Database, session: Session, filters: dict[str, Any], _reveal: bool) -> Rows:
    from chang_shan.badges.register import register_rows

    rows = register_rows(session, db.data_dir.files, state=filters.get("state") or None,
                         grid_id=_int(filters.get("grid_id"), "grid_id"), text=_text(filters),
                         today=_date(filters.get("today"), "today"))
    grids = dict(session.execute(select(Grid.id, Grid.name)).all())
    return len(rows), ([
        f"{r.number:05d}" if r.number is not None else "", r.name, r.age, grids.get(r.grid_id, ""), r.address,
        r.state, r.last_version, f"{r.last_printed_at:%Y-%m-%d %H:%M}" if r.last_printed_at else "",
        BADGE_LAYOUTS.get(r.last_layout or "", r.last_layout or ""), r.prints, "、".join(r.reasons),
    ] for r in rows)


def _describe_badges(session: Session, filters: dict[str, Any]) -> list[str]:
    parts = [str(filters["state"])] if filters.get("state") else []
    if (grid_id := _int(filters.get("grid_id"), "grid_id")) is not None:
        parts.append(session.scalar(select(Grid.name).where(Grid.id == grid_id)) or "")
    return (parts or ["全部"]) + _searched(filters)


# --- 遗嘱库 ---------------------------------------------------------------------------------------

WILL_COLUMNS = (
    Col("登记号", width=13), Col("立遗嘱人", width=12), Col("年龄", INT, 6), Col("在世", width=6),
    Col("遗嘱形式", width=10), Col("民法典条款", width=10), Col("立遗嘱日期", DATE, 12), Col("登记日期", DATE, 12),
    Col("状态", width=12), Col("保管", width=24), Col("被取代于", width=13), Col("提示", width=30),
)


def _will_rows(_db: Database, session: Session, filters: dict[str, Any], _reveal: bool) -> Rows:
    from chang_shan.wills.queries import list_wills

    rows = list_wills(session, status=filters.get("status") or None, form=filters.get("form") or None,
                      text=_text(filters), today=_date(filters.get("today"), "today"))
    return len(rows), ([
        r.number, r.testator_name, r.testator_age, "是" if r.testator_alive else "已故", f"{r.form}遗嘱",
        f"第{r.article}条", r.made_on, r.registered_on, r.status, r.custody, r.superseded_by_number,
        "；".join(r.flags),
    ] for r in rows)


def _describe_wills(_session: Session, filters: dict[str, Any]) -> list[str]:
    parts = [str(filters[key]) + ("遗嘱" if key == "form" else "") for key in ("status", "form") if filters.get(key)]
    return (parts or ["全部"]) + _searched(filters)


VIEWS: dict[str, View] = {view.name: view for view in (
    View("residents", "万家数据库居民", frozenset({"text", "grid_id", "building_id", "unit_id", "household_id",
                                              "age_band", "group", "include_inactive", "sort", "descending", "on"}),
         ledgers.RESIDENT_COLUMNS, _resident_rows, _describe_residents),
    View("health", "居民健康库", frozenset({"text", "quick", "on"}), HEALTH_COLUMNS, _health_rows, _describe_health,
         Perm.HEALTH),
    View("requests", "服务请求", REQUEST_KEYS, REQUEST_COLUMNS, _request_rows, _describe_requests),
    View("badges", "防走失卡登记", frozenset({"state", "grid_id", "text", "today"}), BADGE_COLUMNS, _badge_rows,
         _describe_badges),
    View("wills", "遗嘱库", frozenset({"status", "form", "text", "today"}), WILL_COLUMNS, _will_rows, _describe_wills,
         Perm.WILLS),
)}


def view(name: str) -> View:
    try:
        return VIEWS[name]
    except KeyError:
        raise DomainError(f"没有名为 {name} 的列表；可以导出：{'、'.join(VIEWS)}。") from None


def export_view(
    db: Database, view_name: str, out: str | os.PathLike[str], *, filters: dict[str, Any] | None = None,
    reveal: bool = False, progress: Progress = no_progress,
) -> ExportResult:
    """Write what ``view_name`` shows with ``filters`` to ``out`` (.xlsx or .csv) as the Database's
    signed-in user. Bad input (an unknown view, filter or file type) raises ``DomainError`` and a
    missing permission ``PermissionDenied``, before anything is written."""
    spec = view(view_name)
    filters = dict(filters or {})
    unknown = sorted(set(filters) - spec.filters)
    if unknown:
        raise DomainError(f"{spec.title}没有这些导出条件：{'、'.join(unknown)}。")
    target = check_target(out, FORMATS)
    with db.reader() as session:
        require_export(session, reveal)
        if spec.perm is not None:
            require(session, spec.perm)
        label = "，".join(part for part in spec.describe(session, filters) if part)
        total, rows = spec.rows(db, session, filters, reveal)
        written = write_audited(
            db, session, target, spec.columns, rows, total=total, sheet=spec.title, title=f"{spec.title}（{label}）",
            action=f"导出{spec.title}（{label}，{{rows}} 行，{{format}}）", reveal=reveal,
            detail={"view": spec.name, "filters": _audited_filters(filters)}, progress=progress,
        )
    return ExportResult(spec.name, target, written, reveal, label)
