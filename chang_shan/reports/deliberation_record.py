"""四步议事记录: everything recorded of one matter — the matter itself, every holding of every
step in the order held (a step held again after being sent back appears again), with date, place,
host, participants, the vote at step 3, the outcome and the minutes in full, then the resolution
and its notice period. A4 portrait, the ruled ``Sheet`` of the will forms; any status prints.
"""

from __future__ import annotations

from datetime import date as Day
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models.deliberation import STEPS
from chang_shan.deliberation.shapes import MatterDetail, StepRow
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.deliberation_notice import outcome_text, read
from chang_shan.reports.fonts import HEI
from chang_shan.reports.governance_forms import Box, actor_name, boxed_text, community_name, sign_off
from chang_shan.reports.pdf_base import PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import FORM_PAGE, Field, Sheet, _running_head, _title, day, headed

NAME = "deliberation_record"
TITLE = "四步议事记录"


def _count(value: int | None, unit: str = "人") -> str:
    return "" if value is None else f"{value}{unit}"


def draw_holding(sheet: Sheet, h: StepRow) -> None:
    sheet.band(f"第{h.seq}次　第{h.step}步　{STEPS[h.step]}", keep=60)
    sheet.fields([Field("日　　期", day(h.held_on), 1.0), Field("地　　点", h.place, 1.4)])
    sheet.fields([Field("主 持 人", h.host, 1.0), Field("结　　果", outcome_text(h), 1.4)])
    boxed_text(sheet, Box("参加人员", h.participants or "—"))
    if h.step == 3:
        sheet.fields([Field("应到", _count(h.expected), 1, 40), Field("实到", _count(h.present), 1, 40),
                      Field("同意", f"{h.votes_for}票", 1, 40), Field("反对", f"{h.votes_against}票", 1, 40),
                      Field("弃权", f"{h.votes_abstain}票", 1, 40)])
    boxed_text(sheet, Box("会议记录", h.minutes or "（未记录）", min_lines=2))
    if h.recorded_by:
        sheet.fields([Field("记 录 人", h.recorded_by)])


def draw_record(doc: PdfDocument, d: MatterDetail, *, community: str, printed_by: str, on: Day) -> None:
    m = d.row
    sheet = Sheet(doc, _running_head(TITLE, m.number, community), size=10)
    y = _title(doc, community, TITLE) - 24
    doc.text(doc.left, y, f"议题编号：{m.number}", size=11, style=HEI)
    doc.text(doc.right, y, f"状态：{m.status}", size=11, align="right")
    sheet.y = y - 7

    sheet.band("一、议题")
    sheet.fields([Field("议　　题", m.title)])
    sheet.fields([Field("类　　别", m.category or "—", 1.0), Field("提议日期", day(m.proposed_on), 1.0)])
    boxed_text(sheet, Box("事　　由", d.background or "—"))

    sheet.band("二、议事过程（社区党委提议 → 社区“两委”商议 → 党员和居民代表审议 → 社区公示决议）")
    if not d.steps:
        sheet.fields([Field("进　　度", f"尚未议事；下一步：{d.next_step_name}")])
    for h in d.steps:
        draw_holding(sheet, h)

    sheet.band("三、决议与公示", keep=60)
    boxed_text(sheet, Box("决议内容", d.resolution or "（尚未形成决议）"))
    period = f"{day(m.notice_from)}至{day(m.notice_to)}" if m.notice_from and m.notice_to else "—"
    sheet.fields([Field("公 示 期", period, 1.4), Field("文　　号", d.notice_number or "—", 1.0)])
    if m.status == "已终止" or d.close_reason:
        sheet.fields([Field("终止日期", day(m.closed_on), 1.0), Field("终止原因", d.close_reason, 1.4)])
    elif m.closed_on:
        sheet.fields([Field("决议日期", day(m.closed_on))])

    sheet.room(56)
    sheet.y -= 32
    sign_off(doc, sheet.y, ("记录人：", "审核人："))
    sheet.y -= 22
    doc.text(doc.left, sheet.y, f"打印：{printed_by}　{day(on)}　{headed(community, '')}四步议事存档", size=8)


def build(db: Database, out: str | Path, *, matter: str | None = None, on_date: Day | None = None,
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report deliberation_record --matter YS2026-003`` (A4 portrait)."""
    on = on_date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        d = read(session, matter)
        m = d.row
        community = community_name(session)
        info = render_pdf(target, lambda doc: draw_record(doc, d, community=community, printed_by=actor_name(actor),
                                                           on=on),
                          title=f"{TITLE}（{m.number} {m.title}）", author=actor_name(actor),
                          subject=headed(community, TITLE), setup=FORM_PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, len(d.steps), info.missing_characters, m.number,
                              unit="次")
        return result, {"matter": m.number}

    return audited_pdf(db, out, TITLE, make)
