"""积分兑换凭单: the slip of one redemption at the office counter (DH2026-0001) — the volunteer, the
goods with their quantities and prices in points, the total, the balance before and after, and
lines for the volunteer's and the clerk's signatures. Half an A4 sheet (A5 landscape), like the
will receipt; read through ``volunteers.queries.redemption_detail`` (``Perm.VIEW``; a 网格员 only
for volunteers of their grids and those from outside).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models import UserAccount
from chang_shan.errors import DomainError
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.pdf_base import CENTER, RIGHT, Column, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.volunteer_certificate import numbered_title
from chang_shan.reports.will_forms import RECEIPT_PAGE, Field, Sheet, _running_head, day, headed
from chang_shan.settings import get_setting
from chang_shan.volunteers.queries import redemption_detail
from chang_shan.volunteers.shapes import RedemptionResult

NAME = "redemption_receipt"
TITLE = "积分兑换凭单"
UNIT = "份"

COLUMNS = (Column("序号", 5, CENTER), Column("物品", 30), Column("单位", 7, CENTER), Column("数量", 7, CENTER),
           Column("单价（积分）", 12, CENTER), Column("小计（积分）", 12, CENTER))


@dataclass(frozen=True)
class Receipt:
    r: RedemptionResult
    community: str
    clerk: str  # who recorded the redemption (display name, else the user name)

    @property
    def balance_before(self) -> int:
        return self.r.balance_after + self.r.total


def read(session: Session, number: str) -> Receipt:
    require(session, Perm.VIEW, what=f"打印{TITLE}")
    number = number.strip()
    if number.upper().startswith("WY"):
        raise DomainError(f"{number} 是物业费收据号：请打印“物业费收据”（fee_receipt）。")
    r = redemption_detail(session, number)  # NotFound: 没有编号为 … 的兑换记录
    clerk = session.scalar(select(UserAccount.display_name).where(UserAccount.username == r.recorded_by)) or ""
    return Receipt(r, str(get_setting(session, "office.community_name") or ""), clerk or r.recorded_by)


def draw_receipt(doc: PdfDocument, p: Receipt) -> None:
    r = p.r
    sheet = Sheet(doc, _running_head(TITLE, r.number, p.community), size=10.5)
    y = numbered_title(doc, p.community, TITLE, f"单号：{r.number}", f"兑换日期：{day(r.on_date)}", size=17)
    sheet.y = y - 8
    sheet.fields([Field("志愿者", r.volunteer_name, 1.2, 58), Field("志愿者编号", r.volunteer_number, 1.0, 70)],
                 height=22)
    rows = [[str(i), line.name, line.unit, str(line.quantity), str(line.points_each), str(line.points)]
            for i, line in enumerate(r.lines, start=1)]
    rows.append(["", "合计", "", str(sum(line.quantity for line in r.lines)), "", str(r.total)])
    sheet.table(COLUMNS, rows, empty="", row_height=19)
    sheet.fields([Field("兑换前积分", str(p.balance_before), 1.0, 70), Field("本次使用", str(r.total), 1.0, 58),
                  Field("兑换后余额", str(r.balance_after), 1.0, 70)], height=22)
    if r.note:
        sheet.fields([Field("备　注", r.note, 1.0, 58)], height=22)
    sheet.y -= 30
    sheet.signature("志愿者（签名）：", line_width=110, dated=False)
    sheet.signature("经办人：", name=p.clerk, x=doc.left + doc.frame_width * 0.5, line_width=100, dated=False)
    sheet.y -= 26
    doc.text(doc.left, sheet.y, "兑换已记入志愿者积分台账；本凭单由志愿者留存。", size=8.5)
    doc.text(doc.right, sheet.y, f"{p.community or '社区'}（盖章）", size=10.5, align=RIGHT)


def build(db: Database, out: str | Path, *, receipt: str | None = None, progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report redemption_receipt --receipt DH2026-0001``."""
    if not (receipt or "").strip():
        raise DomainError("请指定兑换单号（--receipt，如 DH2026-0001）。")

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        p = read(session, str(receipt))
        info = render_pdf(target, lambda doc: draw_receipt(doc, p), title=f"{TITLE}（{p.r.number}）", author=p.clerk,
                          subject=headed(p.community, TITLE), setup=RECEIPT_PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, 1, info.missing_characters, p.r.number, unit=UNIT)
        return result, {"receipt": p.r.number, "volunteer": p.r.volunteer_number}

    return audited_pdf(db, out, TITLE, make)
