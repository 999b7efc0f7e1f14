"""议事决议公示: the public notice of a 四步议事 resolution, a formal document in the GB/T 9704
layout of ``formal.py`` — the title "关于…的公示", the resolution, how it was decided (every
holding of the four steps with its date and, at step 3, the vote), the notice period (公示期), where
to send objections (the office hotline) and the community with the date.

Only a matter that has passed step 4 (公示中 or 已决议, with its notice period) has a notice; any
other is refused with what it still lacks. ``date`` (成文日期) defaults to the notice period's first day.
"""

from __future__ import annotations

from datetime import date as Day
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.database import Database
from chang_shan.db.models.deliberation import STEPS
from chang_shan.deliberation.queries import find_matter, matter_detail
from chang_shan.deliberation.shapes import MatterDetail, StepRow
from chang_shan.errors import DomainError, NotFound
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.formal import (
    CLOSING_LINES, Addressee, Block, Closing, Heading, Paragraph, Title, date_text, render_formal,
)
from chang_shan.reports.governance_forms import actor_name, community_name
from chang_shan.reports.registry import ReportResult, audited_pdf
from chang_shan.settings import get_setting

NAME = "deliberation_notice"
TITLE = "议事决议公示"
PUBLISHED = ("公示中", "已决议")
NUMERALS = "一二三四五六七八九"


def read(session: Session, number: str | None) -> MatterDetail:
    """The matter numbered ``number`` (YS2026-003, any case) with its steps, through the services."""
    if not (number or "").strip():
        raise NotFound("请指定议题编号（--matter）。")
    return matter_detail(session, find_matter(session, number.strip().upper()))


def vote_text(h: StepRow) -> str:
    """应到40人，实到35人，赞成30票，反对3票，弃权2票 ('' for a step without a vote)."""
    if h.step != 3 or h.present is None:
        return ""
    expected = f"应到{h.expected}人，" if h.expected is not None else ""
    return f"{expected}实到{h.present}人，同意{h.votes_for}票，反对{h.votes_against}票，弃权{h.votes_abstain}票"


def outcome_text(h: StepRow) -> str:
    if h.outcome == "退回":
        return f"退回第{NUMERALS[(h.back_to or 1) - 1]}步重新议事" + (f"（理由：{h.reason}）" if h.reason else "")
    if h.outcome == "不通过":
        return "未通过" + (f"（理由：{h.reason}）" if h.reason else "")
    return "通过"


def holding_sentence(h: StepRow) -> str:
    """2026年3月2日，在社区会议室，由张书记主持，社区党委委员7人参加，…，通过。"""
    parts = [date_text(h.held_on)]
    if h.place:
        parts.append(f"在{h.place}")
    if h.host:
        parts.append(f"由{h.host}主持")
    if h.participants:
        parts.append(f"参加人员：{h.participants}")
    vote = vote_text(h)
    if vote:
        parts.append(vote)
    parts.append(f"结果：{outcome_text(h)}")
    return "，".join(parts) + "。"


def refusal(d: MatterDetail) -> str | None:
    """Why the matter has no notice yet (None: it may be printed)."""
    m = d.row
    if m.status in PUBLISHED and m.notice_from and m.notice_to:
        return None
    where = f"当前状态：{m.status}" + (f"，下一步：{d.next_step_name}" if d.next_step_name else "")
    return f"议题 {m.number}（{m.title}）尚未经第四步“社区公示决议”形成决议，不能打印公示（{where}）。"


def notice_title(title: str) -> str:
    core = title.strip()
    if core.startswith("关于"):
        core = core[2:]
    if core.endswith("的公示"):
        core = core[:-3]
    return f"关于{core}的公示"


def notice_blocks(d: MatterDetail, *, community: str, hotline: str, on: Day) -> list[Block]:
    who = community or "本社区"
    m = d.row
    assert m.notice_from is not None and m.notice_to is not None
    days = (m.notice_to - m.notice_from).days + 1
    blocks: list[Block] = [
        Title(f"{community}{notice_title(m.title)}"),
        Addressee("全体居民"),
        Paragraph(f"经社区党委提议、社区“两委”商议、党员和居民代表审议，{who}就“{m.title}”一事按照“四步议事”"
                  f"工作法形成决议（议题编号{m.number}），现将有关情况公示如下："),
        Heading("一、决议内容"),
    ]
    blocks += [Paragraph(part.strip()) for part in (d.resolution or "").splitlines() if part.strip()]
    if d.background.strip():
        blocks += [Heading("二、议题事由"), Paragraph(" ".join(d.background.split()))]
    n = 3 if d.background.strip() else 2
    blocks.append(Heading(f"{NUMERALS[n - 1]}、议事过程"))
    for i, h in enumerate(d.steps, start=1):
        blocks.append(Paragraph(f"{i}．{STEPS[h.step]}：{holding_sentence(h)}"))
    contact = f"拨打社区服务电话{hotline}，" if hotline else ""
    blocks += [
        Heading(f"{NUMERALS[n]}、公示期"),
        Paragraph(f"公示期自{date_text(m.notice_from)}起至{date_text(m.notice_to)}止，共{days}天。"),
        Heading(f"{NUMERALS[n + 1]}、意见反馈"),
        Paragraph(f"公示期间，居民对决议内容如有意见或建议，请以书面形式或当面向{who}居民委员会反映，也可{contact}"
                  "反映时请留下姓名和联系方式。公示期满无异议的，按决议组织实施。"),
        Paragraph("特此公示。", keep=CLOSING_LINES),
        Closing(who, on),
    ]
    return blocks


def build(db: Database, out: str | Path, *, matter: str | None = None, date: Day | None = None,  # noqa: A002
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report deliberation_notice --matter YS2026-003 [--date YYYY-MM-DD]``."""

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        actor = require(session, Perm.VIEW, what=f"打印{TITLE}")
        d = read(session, matter)
        reason = refusal(d)
        if reason:
            raise DomainError(reason)
        m = d.row
        on = date or m.notice_from
        community = community_name(session)
        hotline = str(get_setting(session, "office.hotline") or "")
        blocks = notice_blocks(d, community=community, hotline=hotline, on=on)
        info = render_formal(target, blocks, title=f"{community}{notice_title(m.title)}", author=actor_name(actor),
                             subject=f"{TITLE}（{m.number}）", progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, 1, info.missing_characters, m.number, unit="份")
        return result, {"matter": m.number, "date": on.isoformat()}

    return audited_pdf(db, out, TITLE, make)
