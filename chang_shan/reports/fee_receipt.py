"""物业费收据: one payment of the self-managed property fee, on half an A4 sheet (A5 landscape) —
receipt number, the household, the payer, the fee year, area × rate = due as billed that day, the
amount in figures and in capitals (大写: 壹拾伍元陆角整), the method, what was paid before and what
is still owed, who took the money, the date and the place of the office's seal. A voided payment
prints marked 作废 with the reason.

Read through ``fees.queries.payment_detail`` (a 网格员 only for households of their grids). The
capitals come from ``canteen.money.in_capitals`` (the office's one implementation of 中国人民银行
《正确填写票据和结算凭证的基本规定》); a receipt closes an amount that ends at the jiao with 整 too,
as that rule allows ("在角之后可以不写整字"), so nothing can be added after it by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.canteen.money import CENT, in_capitals
from chang_shan.db.database import Database
from chang_shan.errors import NotFound
from chang_shan.fees.queries import payment_detail
from chang_shan.fees.shapes import PaymentDetail
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI
from chang_shan.reports.governance_forms import actor_name, community_name, signature_line
from chang_shan.reports.pdf_base import CENTER, RIGHT, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import RECEIPT_PAGE, Field, Sheet, _running_head, day

NAME = "fee_receipt"
TITLE = "物业费收据"
VOID = "作废"


def capitals(amount: Decimal) -> str:
    """``15.60`` → 壹拾伍元陆角整; ``15.66`` → 壹拾伍元陆角陆分; ``16`` → 壹拾陆元整."""
    text = in_capitals(amount)
    return text + "整" if text.endswith("角") else text


def money(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{amount.quantize(CENT)}"


def rate_text(rate: Decimal | None) -> str:
    """0.3 → 0.30; 0.325 → 0.325 (yuan per m² per year)."""
    if rate is None:
        return "—"
    return f"{rate.quantize(CENT)}" if rate == rate.quantize(CENT) else f"{rate.normalize()}"


def billing_text(p: PaymentDetail) -> str:
    """52.00平方米 × 0.30元/平方米·年 = 15.60元."""
    if p.area is None or p.rate is None or p.due is None:
        return "面积未登记"
    return f"{money(p.area)}平方米 × {rate_text(p.rate)}元/平方米·年 = {money(p.due)}元"


def read(session: Session, number: str | None) -> PaymentDetail:
    if not (number or "").strip():
        raise NotFound("请指定收据号（--receipt，如 WY2026-00001）。")
    return payment_detail(session, number)


def draw_receipt(doc: PdfDocument, p: PaymentDetail, *, community: str) -> None:
    sheet = Sheet(doc, _running_head(TITLE, p.receipt_number, community), size=11)
    y = doc.top - 18
    doc.text(doc.page_width / 2, y, f"{community}{TITLE}", size=18, style=HEI, align=CENTER)
    y -= 26
    doc.text(doc.left, y, f"收款日期：{day(p.paid_on)}", size=11)
    doc.text(doc.right, y, f"No. {p.receipt_number}", size=13, style=HEI, align=RIGHT)
    sheet.y = y - 8
    label = 76.0
    sheet.fields([Field("交款住户", p.address, 1.3, label), Field("户　　主", p.head_name or "—", 0.8, 56)], height=24)
    sheet.fields([Field("交 款 人", p.payer or p.head_name, 1.3, label), Field("缴费年度", f"{p.year}年度", 0.8, 56)],
                 height=24)
    sheet.fields([Field("计　　费", billing_text(p), 1.0, label)], height=24)
    sheet.fields([Field("金额（小写）", f"¥{money(p.amount)}元", 1.3, label), Field("缴费方式", p.method, 0.8, 56)],
                 height=24)
    sheet.fields([Field("金额（大写）", f"人民币{capitals(p.amount)}", 1.0, label)], height=24)
    sheet.fields([Field("本年此前已缴", f"{money(p.paid_before)}元", 1.3, label),
                  Field("尚欠", "—" if p.owed_after is None else f"{money(p.owed_after)}元", 0.8, 56)], height=24)
    if p.voided_on is not None:
        sheet.fields([Field("作废", f"{day(p.voided_on)}作废：{p.void_reason}", 1.0, label)], height=24)
    sheet.y -= 34
    signature_line(doc, doc.left, sheet.y, "收款人：", width=90, name=p.recorded_by)
    signature_line(doc, doc.left + doc.frame_width * 0.36, sheet.y, "交款人：", width=90)
    doc.text(doc.right, sheet.y, f"{community or '收款单位'}（盖章）", size=11, align=RIGHT)
    sheet.y -= 26
    doc.text(doc.left, sheet.y, f"本收据为{community}自管物业费收款凭证，请妥善保管；金额涂改无效。", size=8.5)
    if p.voided_on is not None:
        _void_stamp(doc)


def _void_stamp(doc: PdfDocument) -> None:
    """作废 in a box across the middle of the receipt."""
    size = 40.0
    w = doc.width(VOID, size, HEI) + 24
    x, y = doc.page_width / 2, doc.page_height / 2
    doc.rect(x - w / 2, y - size * 0.75, w, size * 1.5, stroke_width=2.5, stroke_gray=0.35)
    doc.text(x, y - size * 0.35, VOID, size=size, style=HEI, align=CENTER)


def build(db: Database, out: str | Path, *, receipt: str | None = None, progress: Progress = no_progress
          ) -> ReportResult:
    """``chang-shan report fee_receipt --receipt WY2026-00001`` (A5 landscape: half an A4 sheet)."""

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        p = read(session, receipt)
        community = community_name(session)
        info = render_pdf(target, lambda doc: draw_receipt(doc, p, community=community),
                          title=f"{TITLE}（{p.receipt_number}）", author=actor_name(actor),
                          subject=f"{community}{TITLE}", setup=RECEIPT_PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, 1, info.missing_characters, p.receipt_number, unit="张")
        return result, {"receipt": p.receipt_number, "voided": p.voided_on is not None}

    return audited_pdf(db, out, TITLE, make)
