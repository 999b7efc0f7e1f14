"""人口统计表: residents, households, age bands, the share aged 60+, special groups and party
households by grid and building, as tables and charts (reportlab.graphics: residents by grid in
age bands as stacked bars, the age bands as a pie).

Counts are of residents 在册 that the user may see (a 网格员: their grids), ages on ``date``
(default today); a household counts when someone 在册 lives in it. Four grouped SQL queries make
the figures whatever the community's size (``collect``, also used by the formal report).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date as Day
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, HouseholdTag, Resident, ResidentGroup
from chang_shan.population.addresses import building_label
from chang_shan.population.query import years_before
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import scope as scopes
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, LANDSCAPE, RIGHT, Column, PdfDocument, Table, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.settings import get_setting

NAME = "population_stats"
TITLE = "人口统计表"
ACTIVE = "在册"
PARTY = "党员家庭户"
BANDS = ("0-17", "18-59", "60-79", "80+")
BAND_LABELS = {"0-17": "0–17岁", "18-59": "18–59岁", "60-79": "60–79岁", "80+": "80岁及以上", "?": "不详"}
UNKNOWN = "?"  # no birth date
# Grey-blue steps that stay apart when printed in black and white.
BAND_COLOURS = (colors.HexColor("#9ecae1"), colors.HexColor("#4292c6"), colors.HexColor("#fd8d3c"),
                colors.HexColor("#a63603"), colors.HexColor("#bdbdbd"))


@dataclass
class Counts:
    label: str
    residents: int = 0
    households: int = 0
    party_households: int = 0
    bands: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*BANDS, UNKNOWN), 0))
    groups: dict[str, int] = field(default_factory=lambda: dict.fromkeys(codes.special_groups(), 0))

    @property
    def aged_60(self) -> int:
        return self.bands["60-79"] + self.bands["80+"]

    @property
    def share_60(self) -> str:
        return f"{self.aged_60 * 100 / self.residents:.1f}%" if self.residents else "—"

    def add(self, other: Counts) -> None:
        self.residents += other.residents
        self.households += other.households
        self.party_households += other.party_households
        for key, value in other.bands.items():
            self.bands[key] += value
        for key, value in other.groups.items():
            self.groups[key] = self.groups.get(key, 0) + value


@dataclass
class GridCounts(Counts):
    code: str = ""
    buildings: list[Counts] = field(default_factory=list)

    @property
    def grid(self) -> str:
        return self.label


@dataclass(frozen=True)
class PopulationStats:
    scope_label: str
    on: Day
    grids: list[GridCounts]
    total: Counts

    @property
    def building_count(self) -> int:
        return sum(len(g.buildings) for g in self.grids)


def _band(on: Day):  # noqa: ANN202 - an SQL expression
    b18, b60, b80 = (years_before(on, n) for n in (18, 60, 80))
    born = Resident.birth_date
    return case((born.is_(None), UNKNOWN), (born > b18, "0-17"), (born > b60, "18-59"), (born > b80, "60-79"),
                else_="80+")


def collect(session: Session, *, grid: str | None = None, building: str | None = None,
            on: Day | None = None) -> PopulationStats:
    """The figures of ``grid`` (a code) / ``building`` within the user's grids, ages on ``on``."""
    require(session, Perm.VIEW, what=f"统计{TITLE}")
    on = on or Day.today()
    scope = scopes.resolve(session, grid=grid, building=building)
    where_place = []
    if scope.grid_ids is not None:
        where_place.append(Building.grid_id.in_(scope.grid_ids))
    if scope.building_id is not None:
        where_place.append(Building.id == scope.building_id)
    places = session.execute(
        select(Building.id, Building.name, Grid.id.label("grid_id"), Grid.code, Grid.name.label("grid"))
        .join(Grid, Grid.id == Building.grid_id).where(*where_place)
        .order_by(Grid.code, Building.sort_key, Building.id)
    ).all()
    counts: dict[int, Counts] = {p.id: Counts(building_label(p.name)) for p in places}

    people = (select(Building.id).join(Household, Household.building_id == Building.id)
              .join(Resident, Resident.household_id == Household.id).where(Resident.status == ACTIVE, *where_place))
    band = _band(on)
    for building_id, key, n in session.execute(
        people.add_columns(band, func.count(Resident.id))
        .group_by(Building.id, band)
    ):
        counts[building_id].bands[key] += n
        counts[building_id].residents += n
    for building_id, homes in session.execute(
        people.add_columns(func.count(func.distinct(Household.id))).group_by(Building.id)
    ):
        counts[building_id].households = homes
    for building_id, group, n in session.execute(
        people.join(ResidentGroup, ResidentGroup.resident_id == Resident.id)
        .add_columns(ResidentGroup.group, func.count(Resident.id)).group_by(Building.id, ResidentGroup.group)
    ):
        counts[building_id].groups[group] = counts[building_id].groups.get(group, 0) + n
    for building_id, n in session.execute(
        select(Building.id, func.count(func.distinct(Household.id)))
        .join(Household, Household.building_id == Building.id)
        .join(HouseholdTag, HouseholdTag.household_id == Household.id)
        .where(HouseholdTag.tag == PARTY, Household.dissolved_on.is_(None), *where_place).group_by(Building.id)
    ):
        counts[building_id].party_households = n

    grids: dict[int, GridCounts] = {}
    for p in places:
        g = grids.setdefault(p.grid_id, GridCounts(p.grid, code=p.code))
        g.buildings.append(counts[p.id])
        g.add(counts[p.id])
    total = Counts("合计")
    for g in grids.values():
        total.add(g)
    return PopulationStats(scope.label, on, list(grids.values()), total)


# --- charts ------------------------------------------------------------------------------------------


def _legend(font: str, x: float, y: float, items: list[tuple[colors.Color, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 9
    legend.alignment = "right"
    legend.columnMaximum = len(items)
    legend.colorNamePairs = items
    legend.dx = legend.dy = 8
    legend.deltay = 13
    return legend


def bar_chart(s: PopulationStats, font: str, width: float, height: float) -> Drawing:
    """Residents of each grid, stacked by age band."""
    d = Drawing(width, height)
    d.add(String(width / 2, height - 14, "各网格在册居民（按年龄段）", fontName=font, fontSize=11, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 42, 46
    chart.width, chart.height = width - 150, height - 80
    bands = [*BANDS, UNKNOWN] if s.total.bands[UNKNOWN] else list(BANDS)
    chart.data = [[g.bands[b] for g in s.grids] or [0] for b in bands]
    chart.categoryAxis.categoryNames = [g.grid for g in s.grids] or ["（无）"]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.dy = -4
    if len(s.grids) > 4:  # many grids: the names slanted, never on top of each other
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.barWidth = 18
    chart.groupSpacing = 14 if len(s.grids) <= 4 else 6
    for i in range(len(bands)):
        chart.bars[i].fillColor = BAND_COLOURS[i]
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.4
    d.add(chart)
    d.add(_legend(font, width - 92, height - 40, [(BAND_COLOURS[i], BAND_LABELS[b]) for i, b in enumerate(bands)]))
    return d


def pie_chart(s: PopulationStats, font: str, width: float, height: float) -> Drawing:
    """The age bands as shares of all residents."""
    d = Drawing(width, height)
    d.add(String(width / 2, height - 14, "年龄结构", fontName=font, fontSize=11, textAnchor="middle"))
    bands = [b for b in (*BANDS, UNKNOWN) if s.total.bands[b]]
    if not bands:
        d.add(String(width / 2, height / 2, "（无在册居民）", fontName=font, fontSize=10, textAnchor="middle"))
        return d
    pie = Pie()
    side = min(width - 150, height - 50)
    pie.x, pie.y = 18, (height - 24 - side) / 2
    pie.width = pie.height = side
    pie.data = [s.total.bands[b] for b in bands]
    pie.labels = None
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    all_bands = [*BANDS, UNKNOWN]
    for i, b in enumerate(bands):
        pie.slices[i].fillColor = BAND_COLOURS[all_bands.index(b)]
    d.add(pie)
    total = s.total.residents
    items = [(BAND_COLOURS[all_bands.index(b)], f"{BAND_LABELS[b]}  {s.total.bands[b]}人  {s.total.bands[b] * 100 / total:.1f}%")
             for b in bands]
    d.add(_legend(font, side + 34, pie.y + side / 2 + len(items) * 6.5, items))
    return d


# --- the report ------------------------------------------------------------------------------------------

AGE_COLUMNS = (
    Column("网格", 12), Column("楼栋", 12), Column("户数", 6, RIGHT), Column("在册居民", 7, RIGHT),
    Column("0–17岁", 7, RIGHT), Column("18–59岁", 7, RIGHT), Column("60–79岁", 7, RIGHT), Column("80岁及以上", 8, RIGHT),
    Column("60岁及以上", 8, RIGHT), Column("60岁及以上占比", 9, RIGHT), Column("党员家庭户", 8, RIGHT),
)


def _age_cells(c: Counts) -> list[str]:
    return [str(c.households), str(c.residents), *(str(c.bands[b]) for b in BANDS), str(c.aged_60), c.share_60,
            str(c.party_households)]


def draw_stats(doc: PdfDocument, s: PopulationStats, *, community: str) -> None:
    title = f"{community}{TITLE}"
    when = f"统计日期：{s.on.year}年{s.on.month}月{s.on.day}日"

    def running_head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{title}（{s.scope_label}）（续）", size=9, style=HEI)
        d.text(d.right, y, when, size=9, align=RIGHT)
        return y - 8

    y = doc.top - 18
    doc.text(doc.page_width / 2, y, title, size=18, style=HEI, align=CENTER)
    y -= 22
    doc.text(doc.page_width / 2, y, f"范围：{s.scope_label}　　{when}", size=10.5, align=CENTER)
    y -= 20
    t = s.total
    doc.text(doc.left, y, f"在册居民 {t.residents} 人，{t.households} 户；60岁及以上 {t.aged_60} 人，占 {t.share_60}；"
                          f"80岁及以上 {t.bands['80+']} 人；党员家庭户 {t.party_households} 户。", size=11, style=HEI)
    height = 180.0
    y -= 8 + height
    font = doc.chain(HEI).primary or ""
    half = doc.frame_width / 2
    doc.graphic(bar_chart(s, font, half - 10, height), doc.left, y)
    doc.graphic(pie_chart(s, font, half - 10, height), doc.left + half + 10, y)
    y -= 14

    table = Table(doc, AGE_COLUMNS, size=9.5, min_size=7, row_height=19, style=SONG, header_style=HEI,
                  on_new_page=running_head)
    y = table.ensure_room(y - 19 * 3, 0) + 19 * 3  # the header with two rows at least, else a new page
    y = table.header(y)
    for g in s.grids:
        for b in g.buildings:
            y = table.row(y, [g.grid, b.label, *_age_cells(b)])
        if len(g.buildings) > 1:
            y = table.row(y, [g.grid, "小计", *_age_cells(g)], shade=True)
    y = table.row(y, ["合计", "", *_age_cells(t)], shade=True)

    groups = list(t.groups)
    group_table = Table(doc, [Column("网格", 14), *(Column(name, 6, RIGHT) for name in groups)], size=9.5, min_size=7,
                        row_height=19, style=SONG, header_style=HEI, on_new_page=running_head)
    y = group_table.ensure_room(y - 40, 19 * 3) - 4
    doc.text(doc.left, y, "特殊人群（人）", size=11, style=HEI)
    y = group_table.header(y - 8)
    for g in s.grids:
        y = group_table.row(y, [g.grid, *(str(g.groups.get(name, 0)) for name in groups)])
    group_table.row(y, ["合计", *(str(t.groups.get(name, 0)) for name in groups)], shade=True)


def build(db: Database, out: str | Path, *, grid: str | None = None, building: str | None = None,
          date: Day | None = None, progress: Progress = no_progress) -> ReportResult:  # noqa: A002
    """``chang-shan report population_stats [--grid CODE [--building NAME]] [--date YYYY-MM-DD]``."""
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        s = collect(session, grid=grid, building=building, on=on)
        community = str(get_setting(session, "office.community_name") or "")
        info = render_pdf(target, lambda doc: draw_stats(doc, s, community=community),
                          title=f"{TITLE}（{s.scope_label}）", author=actor.display_name or actor.username,
                          subject=f"{TITLE}：{s.scope_label}，在册居民 {s.total.residents} 人", setup=LANDSCAPE,
                          progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, s.total.residents, info.missing_characters,
                              s.scope_label)
        return result, {"scope": s.scope_label, "date": on.isoformat()}

    return audited_pdf(db, out, TITLE, make)
