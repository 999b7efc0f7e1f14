"""``chang-shan check``: is the database whole, and do the ledgers agree with themselves?

Each check is a small function that yields ``Problem``s (``context``); ``run_checks`` runs them all,
read-only, and never stops at the first problem (a check that cannot run is itself reported).
Problems name the record (resident or household id and a readable label) and never show a full ID
number: it is masked as everywhere else (``220103********1234``). ``check`` needs no sign-in, so
the health and care checks (``health_checks``, ``care_checks``) say what is inconsistent, never a
health value.

The checks:

- ``integrity``        SQLite ``PRAGMA integrity_check``: the file itself.
- ``foreign_keys``     ``PRAGMA foreign_key_check``: rows that point at rows that are gone.
- ``household_head``   a household's head is an active member of that household with relation
                       02 (户主); no other active member claims 02.
- ``resident_household`` every active resident belongs to a household that is not dissolved.
- ``household_place``  a household in a 楼房 is in a unit of that same building; one in the
                       平房区 has no unit.
- ``id_number``        each ID number is valid (``idnumber.parse``), stored in its canonical
                       18-character form, and agrees with the record's birth date and sex.
- ``movements``        each resident's history runs forward in time (in the order it was
                       recorded), nothing happens before birth, 已故/已迁出 have their dates.
- ``roles``            no two current holders of the same post over the same scope; no current
                       post held by someone who has moved out or died.
- ``health_codes``     居民健康库 codes are in their tables (``health.codes``): a profile's blood
                       type, RH and other single answers, every multi-choice list ('1' 无 stands
                       alone); a 既往史 line's category and disease code; 家族史 per relative.
- ``self_care``        a self-care assessment's total is the sum of its items, and every item
                       score is one the form offers.
- ``visits``           a visit's next due date is after it; blood pressure has both values or
                       neither, diastolic below systolic; no visit before birth or after death or
                       moving out.
- ``care_assignments`` 包保: ends on or after it starts; at most one open assignment per elder; none
                       open whose elder or caretaker has moved out or died; nobody their own caretaker.
- ``contacts``         each resident's emergency contacts are numbered 1…n, no gaps, no repeats.
- ``party_tags``       the 党员家庭户 tag is on exactly the households where a party member 在册
                       lives (``party.households``; the member ledger keeps it so).
- ``search_index``     the search index (SQLite FTS5) has one entry per resident, with the
                       resident's current name.
- ``audit_chain``      the audit trail's hash chain (``db.audit_chain``): an entry edited after it
                       was written breaks its own hash, a deleted one the link of the next.

Later ledgers add their checks to ``CHECKS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from chang_shan.codes import HEAD_RELATION
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Movement, Resident, RoleAssignment, Unit
from chang_shan.errors import ValidationError
from chang_shan.maintenance import care_checks, health_checks
from chang_shan.maintenance.context import ACTIVE, MAX_LISTED, CheckContext, CheckFunction, Problem
from chang_shan.maintenance.stats import current_role
from chang_shan.party.checks import check_party_tags
from chang_shan.population import idnumber
from chang_shan.population.addresses import household_address

__all__ = ["CHECKS", "MAX_LISTED", "TITLES", "CheckContext", "CheckReport", "Problem", "run_checks"]


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    omitted: dict[str, int] = field(default_factory=dict)  # check → problems not listed
    checks_run: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # what was looked at: residents, …

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(self.omitted.values())

    def describe(self) -> str:
        """One line per problem; or one line saying all is well."""
        if self.ok:
            return (
                f"检查通过：数据库完整，数据一致（{len(self.checks_run)} 项检查，"
                f"居民 {self.checked.get('residents', 0)} 人，住户 {self.checked.get('households', 0)} 户）。"
            )
        lines = [f"【{TITLES.get(p.check, p.check)}】{p.message}" for p in self.problems]
        for check, count in self.omitted.items():
            lines.append(f"【{TITLES.get(check, check)}】另有 {count} 处同类问题未逐条列出。")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problem_count": self.problem_count,
            "problems": [p.as_dict() for p in self.problems],
            "omitted": dict(self.omitted),
            "checks": list(self.checks_run),
            "checked": dict(self.checked),
        }


# --- the checks --------------------------------------------------------------------------------


def check_integrity(ctx: CheckContext) -> Iterator[Problem]:
    if not ctx.sqlite:
        return
    rows = ctx.session.connection().exec_driver_sql("PRAGMA integrity_check").all()
    messages = [str(r[0]) for r in rows]
    if messages != ["ok"]:
        for message in messages:
            yield Problem("integrity", f"数据库文件损坏：{message}")


def check_foreign_keys(ctx: CheckContext) -> Iterator[Problem]:
    if not ctx.sqlite:
        return
    rows = ctx.session.connection().exec_driver_sql("PRAGMA foreign_key_check").all()
    for table, rowid, parent, _fkid in rows:
        yield Problem(
            "foreign_keys", f"表 {table} 的第 {rowid} 行引用了表 {parent} 中不存在的记录。", table, rowid
        )


def check_household_heads(ctx: CheckContext) -> Iterator[Problem]:
    head = aliased(Resident)
    rows = ctx.session.execute(
        select(Household.id, Household.head_id, head.id.label("found"), head.household_id,
               head.status, head.relation_code)
        .join(head, head.id == Household.head_id, isouter=True)
        .where(Household.head_id.is_not(None))
        .where(
            or_(
                head.id.is_(None), head.household_id.is_(None), head.household_id != Household.id,
                head.status != ACTIVE, head.relation_code != HEAD_RELATION,
            )
        )
        .order_by(Household.id)
    )
    for row in rows:
        where = ctx.household(row.id)
        if row.found is None:
            yield Problem("household_head", f"{where}：户主记录（居民 #{row.head_id}）不存在。", "household", row.id)
            continue
        who = ctx.resident(row.head_id)
        if row.household_id != row.id:
            yield Problem("household_head", f"{where}：户主 {who} 不是本户成员。", "household", row.id)
        elif row.status != ACTIVE:
            yield Problem("household_head", f"{where}：户主 {who} 已{row.status[1:]}，不再在册。", "household", row.id)
        else:
            yield Problem(
                "household_head", f"{where}：户主 {who} 的与户主关系代码是 {row.relation_code}，应为 02（户主）。",
                "household", row.id,
            )
    claimants = ctx.session.execute(
        select(Resident.id, Resident.household_id)
        .join(Household, Household.id == Resident.household_id)
        .where(
            Resident.status == ACTIVE, Resident.relation_code == HEAD_RELATION,
            or_(Household.head_id.is_(None), Household.head_id != Resident.id),
        )
        .order_by(Resident.id)
    )
    for row in claimants:
        yield Problem(
            "household_head",
            f"{ctx.resident(row.id)}：与户主关系为“户主”，但不是 {ctx.household(row.household_id)} 登记的户主。",
            "resident", row.id,
        )


def check_resident_households(ctx: CheckContext) -> Iterator[Problem]:
    rows = ctx.session.execute(
        select(Resident.id, Resident.household_id, Household.id.label("found"), Household.dissolved_on)
        .join(Household, Household.id == Resident.household_id, isouter=True)
        .where(Resident.status == ACTIVE)
        .where(or_(Resident.household_id.is_(None), Household.id.is_(None), Household.dissolved_on.is_not(None)))
        .order_by(Resident.id)
    )
    for row in rows:
        who = ctx.resident(row.id)
        if row.household_id is None:
            message = f"{who}：在册居民没有所在户。"
        elif row.found is None:
            message = f"{who}：所在户（户 #{row.household_id}）不存在。"
        else:
            message = f"{who}：所在的 {ctx.household(row.household_id)} 已于 {row.dissolved_on:%Y-%m-%d} 注销。"
        yield Problem("resident_household", message, "resident", row.id)


def check_household_places(ctx: CheckContext) -> Iterator[Problem]:
    rows = ctx.session.execute(
        select(Household.id, Household.unit_id, Building.kind, Building.name,
               Unit.building_id.label("unit_building"))
        .join(Building, Building.id == Household.building_id)
        .join(Unit, Unit.id == Household.unit_id, isouter=True)
        .where(
            or_(
                and_(Building.kind == "楼房", Household.unit_id.is_(None)),
                and_(Building.kind == "楼房", Unit.building_id != Household.building_id),
                and_(Building.kind == "平房区", Household.unit_id.is_not(None)),
            )
        )
        .order_by(Household.id)
    )
    for row in rows:
        where = ctx.household(row.id)
        if row.kind == "平房区":
            message = f"{where}：平房区的户不应属于单元。"
        elif row.unit_id is None:
            message = f"{where}：楼房中的户没有单元。"
        else:
            message = f"{where}：所属单元不在 {row.name} 中。"
        yield Problem("household_place", message, "household", row.id)


def check_id_numbers(ctx: CheckContext) -> Iterator[Problem]:
    rows = ctx.session.execute(
        select(Resident.id, Resident.id_number, Resident.birth_date, Resident.sex_code)
        .where(Resident.id_number.is_not(None), Resident.id_number != "")
        .order_by(Resident.id)
    )
    for row in rows:
        try:
            facts = idnumber.parse(row.id_number, today=ctx.today)
        except ValidationError as exc:
            # The message may quote the expected check digit or the birth digits, never the number.
            yield Problem("id_number", f"{ctx.resident(row.id)}：身份证号码无效——{exc.message}", "resident", row.id)
            continue
        if facts.number != row.id_number:
            yield Problem(
                "id_number",
                f"{ctx.resident(row.id)}：身份证号码未以标准 18 位形式保存（应去掉空格、x 大写、15 位升级）。",
                "resident", row.id,
            )
        if row.birth_date is not None and row.birth_date != facts.birth_date:
            yield Problem("id_number", f"{ctx.resident(row.id)}：出生日期与身份证号码不符。", "resident", row.id)
        if row.sex_code in ("1", "2") and row.sex_code != facts.sex_code:
            yield Problem("id_number", f"{ctx.resident(row.id)}：性别与身份证号码不符。", "resident", row.id)


def check_movements(ctx: CheckContext) -> Iterator[Problem]:
    previous = func.lag(Movement.on_date).over(partition_by=Movement.resident_id, order_by=Movement.id)
    ordered = (
        select(Movement.id, Movement.resident_id, Movement.on_date, previous.label("previous"))
        .subquery()
    )
    rows = ctx.session.execute(
        select(ordered.c.resident_id, func.count())
        .where(ordered.c.on_date < ordered.c.previous)
        .group_by(ordered.c.resident_id)
        .order_by(ordered.c.resident_id)
    )
    for resident_id, count in rows:
        yield Problem(
            "movements", f"{ctx.resident(resident_id)}：迁移记录的日期先后颠倒（{count} 处晚登记的记录日期反而更早）。",
            "resident", resident_id,
        )
    rows = ctx.session.execute(
        select(Movement.resident_id, func.count())
        .join(Resident, Resident.id == Movement.resident_id)
        .where(Resident.birth_date.is_not(None), Movement.on_date < Resident.birth_date)
        .group_by(Movement.resident_id)
        .order_by(Movement.resident_id)
    )
    for resident_id, count in rows:
        yield Problem("movements", f"{ctx.resident(resident_id)}：有 {count} 条迁移记录早于出生日期。",
                      "resident", resident_id)
    rows = ctx.session.execute(
        select(Resident.id, Resident.status)
        .where(
            or_(
                and_(Resident.status == "已故", Resident.died_on.is_(None)),
                and_(Resident.status == "已迁出", Resident.moved_out_on.is_(None)),
            )
        )
        .order_by(Resident.id)
    )
    for resident_id, status in rows:
        what = "死亡日期" if status == "已故" else "迁出日期"
        yield Problem("movements", f"{ctx.resident(resident_id)}：状态为{status}，但没有{what}。",
                      "resident", resident_id)




def _scope_label(ctx: CheckContext, role: str, grid_id: int | None, building_id: int | None,
                 unit_id: int | None) -> str:
    session = ctx.session
    if grid_id is not None:
        name = session.scalar(select(Grid.name).where(Grid.id == grid_id))
        return f"{name or ''}（网格 #{grid_id}）"
    if building_id is not None:
        name = session.scalar(select(Building.name).where(Building.id == building_id))
        return f"{name or ''}（楼栋 #{building_id}）"
    row = session.execute(
        select(Building.name, Unit.name.label("unit")).join(Building, Building.id == Unit.building_id)
        .where(Unit.id == unit_id)
    ).first()
    label = household_address(row.name, row.unit, "") if row else ""
    return f"{label}（单元 #{unit_id}）"


def check_roles(ctx: CheckContext) -> Iterator[Problem]:
    current = current_role(ctx.today)
    rows = ctx.session.execute(
        select(RoleAssignment.role, RoleAssignment.grid_id, RoleAssignment.building_id,
               RoleAssignment.unit_id, func.count(), func.min(RoleAssignment.id))
        .where(current)
        .group_by(RoleAssignment.role, RoleAssignment.grid_id, RoleAssignment.building_id, RoleAssignment.unit_id)
        .having(func.count() > 1)
        .order_by(func.min(RoleAssignment.id))
    )
    for role, grid_id, building_id, unit_id, count, first_id in rows:
        holders = ctx.session.scalars(
            select(RoleAssignment.resident_id).where(
                current, RoleAssignment.role == role,
                RoleAssignment.grid_id.is_(None) if grid_id is None else RoleAssignment.grid_id == grid_id,
                RoleAssignment.building_id.is_(None) if building_id is None else RoleAssignment.building_id == building_id,
                RoleAssignment.unit_id.is_(None) if unit_id is None else RoleAssignment.unit_id == unit_id,
            ).order_by(RoleAssignment.id)
        ).all()
        names = "、".join(ctx.resident(h) for h in holders)
        scope = _scope_label(ctx, role, grid_id, building_id, unit_id)
        yield Problem("roles", f"{scope}同时有 {count} 位在任{role}：{names}。", "role_assignment", first_id)
    rows = ctx.session.execute(
        select(RoleAssignment.id, RoleAssignment.role, RoleAssignment.resident_id, Resident.status)
        .join(Resident, Resident.id == RoleAssignment.resident_id)
        .where(current, Resident.status != ACTIVE)
        .order_by(RoleAssignment.id)
    )
    for assignment_id, role, resident_id, status in rows:
        yield Problem("roles", f"{ctx.resident(resident_id)}：已{status[1:]}，但仍登记为在任{role}。",
                      "role_assignment", assignment_id)


def _index_problem(ctx: CheckContext, ids: list[int], what: str) -> Problem:
    examples = "、".join(ctx.resident(i) for i in ids[:3])
    return Problem(
        "search_index", f"搜索索引中 {len(ids)} 位居民的{what}（如 {examples}）；请重建搜索索引。",
        "resident", ids[0],
    )


_INDEX_WHAT = {
    "name": "姓名", "pinyin": "拼音", "initials": "拼音首字母", "address": "住址",
    "digits": "身份证号码或电话", "state": "在册状态",
}


def _columns(connection, table: str) -> list[str]:  # noqa: ANN001 - a Connection
    return [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({table})")]


def check_search_index(ctx: CheckContext) -> Iterator[Problem]:
    """Every resident (any status: the list can show people who moved out) has an entry, and
    the entry holds what ``search.index_row`` makes of the resident now; no entry lacks its
    resident. Compared column by column, so the check follows whatever the index holds."""
    from dataclasses import fields

    from chang_shan.population import search

    if not ctx.sqlite or not search.available(ctx.session):
        return
    connection = ctx.session.connection()
    words, digits = search.TABLE, search.DIGITS_TABLE
    has_digits = bool(connection.scalar(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": digits}
    ))
    for table in (words, digits) if has_digits else (words,):
        stale = connection.execute(
            text(f"SELECT rowid FROM {table} WHERE rowid NOT IN (SELECT id FROM resident) ORDER BY rowid")
        ).scalars().all()
        if stale:
            yield Problem(
                "search_index",
                f"搜索索引（{table}）中有 {len(stale)} 条记录对应的居民已不存在（如 #{stale[0]}）；请重建搜索索引。",
            )
    known = {f.name for f in fields(search.IndexRow)}
    word_columns = [c for c in _columns(connection, words) if c in known]
    digit_columns = [c for c in _columns(connection, digits) if c in known] if has_digits else []
    select_list = ", ".join(["s.rowid", "d.rowid" if has_digits else "NULL"]
                            + [f"s.{c}" for c in word_columns] + [f"d.{c}" for c in digit_columns])
    digits_join = f"LEFT JOIN {digits} d ON d.rowid = r.id " if has_digits else ""
    rows = connection.execute(
        text(
            "SELECT r.id, r.name, r.id_number, r.phone, r.status, b.name, b.kind, u.name, h.room, "
            f"{select_list} FROM resident r "
            "LEFT JOIN household h ON h.id = r.household_id "
            "LEFT JOIN building b ON b.id = h.building_id "
            "LEFT JOIN unit u ON u.id = h.unit_id "
            f"LEFT JOIN {words} s ON s.rowid = r.id {digits_join}"
            "ORDER BY r.id"
        )
    )
    missing: list[int] = []
    outdated: dict[str, list[int]] = {}
    for row in rows:
        resident_id, name, id_number, phone, status, building, kind, unit, room, present, d_present = row[:11]
        indexed = row[11:]
        if present is None:
            missing.append(resident_id)
            continue
        address = household_address(building, unit, room, kind) if building is not None else ""
        expected = search.index_row(resident_id, name, address, id_number, phone, status)
        wrong = [c for c, value in zip(word_columns, indexed, strict=False) if getattr(expected, c) != (value or "")]
        if has_digits:
            if expected.digits and d_present is None:
                wrong.append("digits")
            elif d_present is not None:
                values = indexed[len(word_columns):]
                wrong += [c for c, value in zip(digit_columns, values, strict=True)
                          if getattr(expected, c) != (value or "")]
        for column in dict.fromkeys(wrong):
            outdated.setdefault(column, []).append(resident_id)
    if missing:
        examples = "、".join(ctx.resident(i) for i in missing[:3])
        yield Problem(
            "search_index", f"搜索索引缺少 {len(missing)} 位居民（如 {examples}），搜不到他们；请重建搜索索引。",
            "resident", missing[0],
        )
    for column, ids in outdated.items():
        what = _INDEX_WHAT.get(column, column)
        examples = "、".join(ctx.resident(i) for i in ids[:3])
        yield Problem(
            "search_index",
            f"搜索索引中 {len(ids)} 位居民的{what}已过时（如 {examples}）；请重建搜索索引。",
            "resident", ids[0],
        )


def check_audit_chain(ctx: CheckContext) -> Iterator[Problem]:
    from chang_shan.db import audit_chain

    _count, problems = audit_chain.verify(ctx.session.connection(), limit=MAX_LISTED + 1)
    for problem in problems:
        yield Problem("audit_chain", problem.message, "change_set", problem.entry_id)


CHECKS: list[tuple[str, str, CheckFunction]] = [
    ("integrity", "数据库文件", check_integrity),
    ("foreign_keys", "引用完整性", check_foreign_keys),
    ("household_head", "户主", check_household_heads),
    ("resident_household", "所在户", check_resident_households),
    ("household_place", "户的位置", check_household_places),
    ("id_number", "身份证号码", check_id_numbers),
    ("movements", "迁移记录", check_movements),
    ("roles", "三长任职", check_roles),
    ("health_codes", "健康档案代码", health_checks.check_health_codes),
    ("self_care", "自理能力评估", health_checks.check_self_care),
    ("visits", "随访记录", health_checks.check_visits),
    ("care_assignments", "包保", care_checks.check_care_assignments),
    ("contacts", "紧急联系人", care_checks.check_contacts),
    ("party_tags", "党员家庭户", check_party_tags),
    ("search_index", "搜索索引", check_search_index),
    ("audit_chain", "审计记录", check_audit_chain),
]
TITLES = {key: title for key, title, _ in CHECKS}


def run_checks(db: Database, *, today: date | None = None) -> CheckReport:
    """Run every check read-only and collect what they find (see the module docstring)."""
    report = CheckReport()
    with db.reader() as session:
        ctx = CheckContext(session, today or date.today())
        for key, title, function in CHECKS:
            report.checks_run.append(key)
            listed = 0
            try:
                for problem in function(ctx):
                    if listed < MAX_LISTED:
                        report.problems.append(problem)
                        listed += 1
                    else:
                        report.omitted[key] = report.omitted.get(key, 0) + 1
            except SQLAlchemyError as exc:
                session.rollback()
                reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                report.problems.append(Problem(key, f"无法完成“{title}”检查：{reason}"))
        report.checked["residents"] = session.scalar(select(func.count()).select_from(Resident)) or 0
        report.checked["households"] = session.scalar(select(func.count()).select_from(Household)) or 0
        session.rollback()
    return report
