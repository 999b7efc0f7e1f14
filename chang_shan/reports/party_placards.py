"""党员家庭户门牌: a door placard for every household where a party member in good standing lives,
eight to an A4 sheet (2 × 4, 90 × 62 mm each) with cut marks at the corners.

A placard: the red heading 党员家庭户, the household's address, the members' names and their
organisation, and the 社区党委's name. The households are those of the party ledger (a member 在册
who is a resident 在册 of the household), the same rule the 党员家庭户 tag follows; by grid or
building (a 网格员 only their grids). The red is drawn as a reportlab ``Drawing`` (``doc.graphic``),
the rest with the document's font chains, so rare characters in names print.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.badges.layouts import cut_marks
from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Resident, Unit
from chang_shan.db.models.party import PartyMember, PartyOrg
from chang_shan.population.addresses import household_address
from chang_shan.progress import Progress, no_progress
from chang_shan.reports import scope as scopes
from chang_shan.reports.fonts import HEI
from chang_shan.reports.pdf_base import CENTER, PageSetup, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import headed
from chang_shan.settings import get_setting

NAME = "party_placards"
TITLE = "党员家庭户门牌"
HEADING = "党员家庭户"
ACTIVE = "在册"
UNIT = "户"
RED = Color(0.78, 0.06, 0.06)

# A4 portrait, 2 × 4 placards of 90 × 62 mm; the page number sits in the bottom margin.
COLUMNS, ROWS = 2, 4
WIDTH, HEIGHT = 90.0, 62.0  # mm
GAP_X, GAP_Y = 10.0, 6.0
TOP = 14.0
LEFT = (210.0 - COLUMNS * WIDTH - (COLUMNS - 1) * GAP_X) / 2
PER_PAGE = COLUMNS * ROWS
SHEET = PageSetup(size=A4, left=LEFT * mm, right=LEFT * mm, top=TOP * mm, bottom=14 * mm, footer_size=8)


@dataclass(frozen=True)
class Placard:
    household_id: int
    address: str
    grid: str
    members: tuple[str, ...]  # by 入党日期
    orgs: tuple[str, ...]  # the members' organisations


def committee_name(session: Session, community: str) -> str:
    """The 社区党委's name (the network's root), else one made of the community's name."""
    name = session.scalar(select(PartyOrg.name).where(PartyOrg.level == "党委", PartyOrg.dissolved_on.is_(None))
                          .order_by(PartyOrg.sort_key, PartyOrg.id).limit(1))
    return name or (f"{community}党委" if community else "社区党委")


def read(session: Session, scope: scopes.Scope) -> list[Placard]:
    rows = session.execute(
        select(Household.id, Household.room, Building.name, Building.kind, Unit.name, Grid.name, Resident.name,
               PartyOrg.name)
        .select_from(PartyMember)
        .join(Resident, Resident.id == PartyMember.resident_id)
        .join(PartyOrg, PartyOrg.id == PartyMember.org_id)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(PartyMember.status == ACTIVE, Resident.status == ACTIVE, *scope.conditions())
        .order_by(Grid.code, Building.sort_key, Building.id, Unit.sort_key, Unit.id, func.length(Household.room),
                  Household.room, Household.id, PartyMember.joined_on, PartyMember.id)
    )
    found: dict[int, Placard] = {}
    names: dict[int, list[str]] = defaultdict(list)
    orgs: dict[int, list[str]] = defaultdict(list)
    for household_id, room, building, kind, unit, grid, name, org in rows:
        if household_id not in found:
            found[household_id] = Placard(household_id, household_address(building, unit, room, kind), grid, (), ())
        names[household_id].append(name)
        if org not in orgs[household_id]:
            orgs[household_id].append(org)
    return [Placard(p.household_id, p.address, p.grid, tuple(names[p.household_id]), tuple(orgs[p.household_id]))
            for p in found.values()]


# --- drawing -----------------------------------------------------------------------------------------


def coloured_text(doc: PdfDocument, x: float, y: float, text: str, *, size: float, style: str, color: Color,
                  align: str = CENTER, max_width: float | None = None) -> None:
    """One line in ``color`` (the document's text is black): runs of the style's font chain, so a
    character the first font lacks is drawn in one that has it; shrunk to ``max_width``."""
    chain = doc.chain(style)
    width = chain.width(text, size)
    if max_width is not None and width > max_width:
        size *= max_width / width
        width = max_width
    if doc.counting or not text:
        return
    start = x - width / 2 if align == CENTER else x - width if align == "right" else x
    drawing = Drawing(doc.page_width, doc.page_height)
    for font, part in chain.runs(text):
        drawing.add(String(start, y, part, fontName=font, fontSize=size, fillColor=color))
        start += chain.width(part, size)
    doc.graphic(drawing, 0, 0)


def _frame(doc: PdfDocument, x: float, top: float, w: float, h: float) -> None:
    """The red border (a thick line and a thin one inside) and the red heading band."""
    if doc.counting:
        return
    band = 15 * mm
    drawing = Drawing(doc.page_width, doc.page_height)
    drawing.add(Rect(x, top - h, w, h, strokeColor=RED, strokeWidth=1.6, fillColor=None))
    inset = 1.6 * mm
    drawing.add(Rect(x + inset, top - h + inset, w - 2 * inset, h - 2 * inset, strokeColor=RED, strokeWidth=0.5,
                     fillColor=None))
    drawing.add(Rect(x + inset, top - inset - band, w - 2 * inset, band, strokeWidth=0, strokeColor=None,
                     fillColor=RED))
    doc.graphic(drawing, 0, 0)


def name_lines(doc: PdfDocument, names: Sequence[str], room: float) -> tuple[float, list[str]]:
    """"党员：张立春　李桂兰" on one line (not below 11 pt), else two lines broken between names (never
    inside one), as even as can be, set at the size both fit (shortened with "…" below 7 pt)."""
    chain = doc.chain(HEI)
    one = "党员：" + "　".join(names)
    size = min(13.0, 13.0 * room / max(chain.width(one, 13), 1))
    if size >= 11 or len(names) == 1:
        return doc.fit_lines(one, room, size=13, min_size=7, max_lines=1, style=HEI)
    splits = [("党员：" + "　".join(names[:k]), "　".join(names[k:])) for k in range(1, len(names))]
    lines = min(splits, key=lambda pair: max(chain.width(pair[0], 13), chain.width(pair[1], 13)))
    size = min(13.0, max(7.0, 13.0 * room / max(chain.width(line, 13) for line in lines)))
    return size, [doc.fit_lines(line, room, size=size, min_size=size, max_lines=1, style=HEI)[1][0] for line in lines]


def draw_placard(doc: PdfDocument, p: Placard, committee: str, x: float, top: float) -> None:
    """One placard whose top-left corner is at (x, top) in points."""
    w, h = WIDTH * mm, HEIGHT * mm
    middle = x + w / 2
    room = w - 10 * mm
    _frame(doc, x, top, w, h)
    coloured_text(doc, middle, top - 13.2 * mm, HEADING, size=27, style=HEI, color=white, max_width=room)
    size, lines = doc.fit_lines(p.address, room, size=19, min_size=12, max_lines=1, style=HEI)
    doc.text(middle, top - 27 * mm, lines[0], size=size, style=HEI, align=CENTER)
    where = f"{p.grid}　{'、'.join(p.orgs)}"
    size, lines = doc.fit_lines(where, room, size=9, min_size=7, max_lines=1)
    doc.text(middle, top - 33.5 * mm, lines[0], size=size, align=CENTER)
    size, lines = name_lines(doc, p.members, room)
    first = top - (42.5 if len(lines) == 1 else 40.5) * mm
    for i, line in enumerate(lines):
        doc.text(middle, first - i * size * 1.3, line, size=size, style=HEI, align=CENTER)
    coloured_text(doc, middle, top - h + 5.2 * mm, committee, size=11, style=HEI, color=RED, max_width=room)
    doc.line(x + 8 * mm, top - h + 10 * mm, x + w - 8 * mm, top - h + 10 * mm, width=0.4, gray=0.6)


def _cut_marks(doc: PdfDocument, places: Sequence[tuple[float, float]]) -> None:
    """The badge sheet's cut marks (chang_shan.badges.layouts), in mm from the top left, drawn once
    where neighbours share them."""
    marks = dict.fromkeys(m for left, top in places for m in cut_marks(left, top, WIDTH, HEIGHT))
    height = doc.page_height / mm
    for m in marks:
        doc.line(m.x1 * mm, (height - m.y1) * mm, m.x2 * mm, (height - m.y2) * mm, width=m.width * mm)


def draw_sheets(doc: PdfDocument, placards: Sequence[Placard], *, committee: str, scope: str) -> None:
    if not placards:
        doc.text(doc.page_width / 2, doc.top - 40, f"（{scope}没有党员家庭户）", size=12, align=CENTER)
        return
    for start in range(0, len(placards), PER_PAGE):
        if start:
            doc.new_page()
        places: list[tuple[float, float]] = []
        for i, p in enumerate(placards[start:start + PER_PAGE]):
            left = LEFT + (i % COLUMNS) * (WIDTH + GAP_X)
            top = TOP + (i // COLUMNS) * (HEIGHT + GAP_Y)
            places.append((left, top))
            draw_placard(doc, p, committee, left * mm, doc.page_height - top * mm)
        _cut_marks(doc, places)
        doc.progress(min(start + PER_PAGE, len(placards)), len(placards), TITLE)


def build(db: Database, out: str | Path, *, grid: str | None = None, building: str | None = None,
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report party_placards [--grid CODE [--building NAME]]``."""

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        scope = scopes.resolve(session, grid=grid, building=building)
        placards = read(session, scope)
        community = str(get_setting(session, "office.community_name") or "")
        committee = committee_name(session, community)
        info = render_pdf(target, lambda doc: draw_sheets(doc, placards, committee=committee, scope=scope.label),
                          title=f"{TITLE}（{scope.label}）", author=actor.display_name or actor.username,
                          subject=headed(community, TITLE), setup=SHEET, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(placards), info.missing_characters, scope.label,
                              unit=UNIT)
        return result, {"scope": scope.label, "grid": scope.grid_code}

    return audited_pdf(db, out, TITLE, make)
