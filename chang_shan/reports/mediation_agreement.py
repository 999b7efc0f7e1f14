"""人民调解协议书 of a case that reached an agreement, as 人民调解法 第二十九条 describes it: the
parties' basic details (姓名、性别、年龄、民族、职业、单位或者住所; ID numbers and phones masked),
the main facts, the disputed matters and each party's responsibility, the agreed terms, how and by
when they are performed; "本协议一式 N 份" (N = the parties + 1: 当事人各执一份，人民调解委员会留存
一份), a signature and fingerprint (捺印) line for each party, the mediators' signatures, the place
of the committee's seal and the date.

The case is read through the mediation services (``find_case``, ``case_detail``: a 网格员 only for
cases with a party in their grids). A case the agreement cannot be made of — ``agreement_problems``
not empty — is refused with those messages, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound
from chang_shan.mediation.queries import case_detail, find_case
from chang_shan.mediation.shapes import CaseDetail, PartyRow
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI
from chang_shan.reports.governance_forms import (
    Box, actor_name, boxed_text, chinese_count, community_name, fingerprint_box, signature_line,
)
from chang_shan.reports.pdf_base import CENTER, RIGHT, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.reports.will_forms import FORM_PAGE, Field, Sheet, _running_head, day

NAME = "mediation_agreement"
TITLE = "人民调解协议书"
EFFECT = ("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
          "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》"
          "第二十九条、第三十一条）。")


def copies_text(detail: CaseDetail) -> str:
    """本协议一式三份（当事人各一份、人民调解委员会留存一份）。"""
    return f"本协议一式{chinese_count(detail.copies)}份（当事人各一份、人民调解委员会留存一份）。"


def committee(community: str) -> str:
    return f"{community}人民调解委员会" if community else "人民调解委员会"


def read(session: Session, number: str | None) -> CaseDetail:
    """The case numbered ``number`` (TJ2026-012, any case); refused unless its agreement can be made."""
    if not (number or "").strip():
        raise NotFound("请指定调解案件编号（--case）。")
    wanted = number.strip().upper()
    detail = case_detail(session, find_case(session, wanted))
    if detail.problems:
        raise DomainError(f"调解案件 {wanted} 还不能打印{TITLE}：" + "".join(detail.problems))
    return detail


def _party(sheet: Sheet, p: PartyRow) -> None:
    sheet.fields([Field(p.side, p.name, 1.5), Field("性别", p.sex, 0.6, 40), Field("年龄", f"{p.age}岁", 0.6, 40),
                  Field("民族", p.ethnicity, 0.8, 40)])
    sheet.fields([Field("职　　业", p.occupation, 1.0), Field("身份证号", p.id_number or "—", 1.3, 60)])
    sheet.fields([Field("单位或住所", p.address, 1.0), Field("联系电话", p.phone or "—", 0.6, 60)])


def _signatures(doc: PdfDocument, sheet: Sheet, d: CaseDetail, community: str) -> None:
    """当事人 lines with a 捺印 box each, then the mediators, the seal and the date — kept together."""
    row = 42.0
    sheet.room(70)
    sheet.y -= 14
    sheet.paragraph(copies_text(d), size=10.5)
    sheet.y -= 16
    sheet.paragraph(EFFECT, size=9, leading=13)
    sheet.room(row * (len(d.parties) + 1) + 80)
    sheet.y -= 8
    indent = doc.width("人民调解员（签名）：", 10.5) + 2
    for p in d.parties:
        sheet.y -= row
        end = signature_line(doc, doc.left, sheet.y, f"{p.side}（签名）：", width=130, name=p.name, indent=indent)
        fingerprint_box(doc, end + 14, sheet.y - 14)
        doc.text(doc.right, sheet.y, "年　　月　　日", size=10.5, align=RIGHT)
    sheet.y -= row
    names = "、".join(m.name for m in d.mediators)
    signature_line(doc, doc.left, sheet.y, "人民调解员（签名）：", width=130, name=names, indent=indent)
    doc.text(doc.right, sheet.y, "年　　月　　日", size=10.5, align=RIGHT)
    sheet.y -= 46
    seal_x = doc.right - 90
    doc.text(seal_x, sheet.y, f"{committee(community)}（印章）", size=10.5, align=CENTER)
    sheet.y -= 20
    doc.text(seal_x, sheet.y, day(d.row.mediated_on), size=10.5, align=CENTER)


def draw_agreement(doc: PdfDocument, d: CaseDetail, *, community: str) -> None:
    sheet = Sheet(doc, _running_head(TITLE, d.row.number, committee(community)), size=10)
    y = doc.top - 14
    doc.text(doc.page_width / 2, y, committee(community), size=13, style=HEI, align=CENTER)
    y -= 30
    doc.text(doc.page_width / 2, y, TITLE, size=22, style=HEI, align=CENTER)
    y -= 24
    doc.text(doc.left, y, f"编号：{d.row.number}", size=11, style=HEI)
    doc.text(doc.right, y, f"纠纷类型：{d.row.kind}", size=11, align=RIGHT)
    sheet.y = y - 7

    sheet.band("一、当事人的基本情况")
    for p in d.parties:
        _party(sheet, p)
    sheet.band("二、纠纷的主要事实、争议事项")
    boxed_text(sheet, Box("主要事实", d.facts))
    boxed_text(sheet, Box("争议事项", d.disputed_matters))
    sheet.band("三、各方当事人的责任")
    boxed_text(sheet, Box("各方责任", d.responsibilities))
    sheet.band(f"四、经{committee(community)}主持调解，当事人自愿达成如下协议")
    boxed_text(sheet, Box("协议内容", d.agreement_terms, min_lines=2))
    boxed_text(sheet, Box("履行方式", d.performance_method))
    sheet.fields([Field("履行期限", f"{day(d.performance_due)}前履行完毕", 1.0),
                  Field("调解日期", day(d.row.mediated_on), 0.7)])
    _signatures(doc, sheet, d, community)


def build(db: Database, out: str | Path, *, case: str | None = None, progress: Progress = no_progress
          ) -> ReportResult:
    """``chang-shan report mediation_agreement --case TJ2026-012`` (A4 portrait)."""

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        d = read(session, case)
        community = community_name(session)
        info = render_pdf(target, lambda doc: draw_agreement(doc, d, community=community),
                          title=f"{TITLE}（{d.row.number}）", author=actor_name(actor),
                          subject=f"{committee(community)}{TITLE}", setup=FORM_PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, 1, info.missing_characters, d.row.number, unit="份")
        return result, {"case": d.row.number, "copies": d.copies}

    return audited_pdf(db, out, TITLE, make)

