"""居民花名册: the residents of a grid, a building or a unit, household by household, as a PDF table.

ID numbers and phones are always masked (220102********1234, 138****5678): a roster is a print
that anyone with the 查看 permission may make, 只读 included. Rows stream from the database twice
(the first pass counts the pages for "第 N 页 共 M 页") inside one read transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Resident, Unit
from chang_shan.population import idnumber
from chang_shan.population.addresses import LOW_RISE, building_label, household_address, unit_label
from chang_shan.population.query import age_on
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import scope as scopes
from chang_shan.reports.pdf_base import CENTER, LEFT, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.registry import ReportResult, audited_pdf

NAME = "roster"
TITLE = "居民花名册"
DESCRIPTION = "网格、楼栋或单元的在册居民（身份证号和电话遮盖）"
ACTIVE = "在册"

COLUMNS = (
    Column("序号", 4.5, CENTER), Column("姓名", 13), Column("性别", 4.5, CENTER), Column("出生日期", 9.5, CENTER),
    Column("年龄", 4.5, CENTER), Column("身份证号", 16, CENTER), Column("联系电话", 11, CENTER),
    Column("与户主关系", 8, CENTER), Column("住址", 19),
)


def _query(scope: scopes.Scope):  # noqa: ANN202 - a Select
    head_first = case((Resident.id == Household.head_id, 0), else_=1)
    return (
        select(
            Resident.id, Resident.name, Resident.sex_code, Resident.birth_date, Resident.id_number, Resident.phone,
            Resident.relation_code, Resident.household_id, Household.room, Building.id.label("building_id"),
            Building.name.label("building"), Building.kind, Unit.id.label("unit_id"), Unit.name.label("unit"),
            Grid.name.label("grid"),
        )
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(Resident.status == ACTIVE, *scope.conditions())
        .order_by(Grid.code, Building.sort_key, Building.id, Unit.sort_key, func.length(Household.room),
                  Household.room, Household.id, head_first, Resident.relation_code, Resident.birth_date, Resident.id)
    )


def count(session: Session, scope: scopes.Scope) -> int:
    query = (
        select(func.count(Resident.id))
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Resident.status == ACTIVE, *scope.conditions())
    )
    return int(session.scalar(query) or 0)


def _rows(session: Session, scope: scopes.Scope) -> Iterator:
    yield from session.execute(_query(scope).execution_options(yield_per=500))


def _group_label(r, *, with_grid: bool) -> str:  # noqa: ANN001 - a result row
    place = building_label(r.building)
    if r.kind != LOW_RISE and r.unit:
        place += unit_label(r.unit)
    return f"{r.grid}　{place}" if with_grid else place


def _date_text(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def draw_roster(doc: PdfDocument, session: Session, scope: scopes.Scope, *, total: int, on: date) -> None:
    """The roster's pages (called once to count, once to draw)."""
    sex, relation = codes.sex(), codes.relation()
    subtitle = f"范围：{scope.label}　　在册居民 {total} 人　　制表日期：{on.year}年{on.month}月{on.day}日"

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{TITLE}（{scope.label}）", size=9, style=HEI)
        d.text(d.right, y, f"制表日期：{on:%Y-%m-%d}", size=9, align=RIGHT)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, TITLE, size=20, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.page_width / 2, y, subtitle, size=10, align=CENTER)
    y -= 12
    current: list[str] = []  # the group (building and unit) the rows on the page before belong to

    def continued(top: float) -> float:
        return table.band(top, f"{current[0]}（续）", height=17) if current else top

    table = Table(doc, COLUMNS, size=9.5, min_size=7, row_height=20, style=SONG, header_style=HEI,
                  on_new_page=running_head, after_header=continued)
    y = table.header(y)
    if total == 0:
        doc.text(doc.page_width / 2, y - 30, "（没有在册居民）", size=11, align=CENTER)
        return
    group = household = None
    shade = True
    with_grid = scope.grid_ids is None or len(scope.grid_ids) > 1
    for number, r in enumerate(_rows(session, scope), start=1):
        this_group = (r.building_id, r.unit_id)
        if this_group != group:
            current.clear()  # a new group's band starts no "（续）" of the last one
            label = _group_label(r, with_grid=with_grid)
            y = table.band(y, label, height=17)
            current.append(label)
            group, household, shade = this_group, None, True
        if r.household_id != household:
            household, shade = r.household_id, not shade
        address = household_address(r.building, r.unit, r.room, r.kind)
        age = age_on(r.birth_date, on)
        y = table.row(y, [
            str(number), r.name, sex.label(r.sex_code), _date_text(r.birth_date), "" if age is None else str(age),
            idnumber.mask(r.id_number), idnumber.mask_phone(r.phone), relation.label(r.relation_code), address,
        ], shade=shade)
        if number % 100 == 0:
            doc.progress(number, total, TITLE)
    doc.progress(total, total, TITLE)


def build(
    db: Database, out: str | Path, *, grid: str | None = None, building: str | None = None,
    unit: str | None = None, on_date: date | None = None, progress: Progress = no_progress,
) -> ReportResult:
    """Write the roster of ``--grid [--building [--unit]]`` (default: every grid the user may see)."""
    on = on_date or date.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what="打印居民花名册")
        scope = scopes.resolve(session, grid=grid, building=building, unit=unit)
        total = count(session, scope)
        info = render_pdf(
            target, lambda doc: draw_roster(doc, session, scope, total=total, on=on),
            title=f"{TITLE}（{scope.label}）", author=actor.display_name or actor.username,
            subject=f"{TITLE}：{scope.label}，在册居民 {total} 人", progress=progress,
        )
        result = ReportResult(NAME, Path(target), info.pages, total, info.missing_characters, scope.label)
        return result, {"scope": scope.label, "grid": scope.grid_code}

    return audited_pdf(db, out, TITLE, make)
