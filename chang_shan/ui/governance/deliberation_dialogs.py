"""The 四步议事 dialogs: 新议题 / 修改议题, 记录步骤 (the matter's next step only; step 3 with the
vote — 应到, 实到, 同意, 反对, 弃权 — and its outcome computed live as the worker types, step 4
with the resolution and the 公示期; 不通过 ends the matter unless it is sent back: 退回 to an
earlier step, with the reason), 确认决议 (after the 公示期) and 撤回议题."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from chang_shan.db.models.deliberation import STEPS
from chang_shan.deliberation.shapes import MatterInput, StepInput, step_name
from chang_shan.ui.governance.dialog_base import UNDO_HINT, GovDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.deliberation.shapes import MatterDetail

CATEGORIES = ("基础设施", "环境卫生", "物业管理", "公共安全", "便民服务", "文化活动", "其他")
NOTICE_DAYS = 7  # the 公示期 offered (the rules ask for at least 5)
STEP_HINTS = {
    1: "社区党委研究提出议题（可附居民诉求、走访情况）。",
    2: "社区党委和居委会（“两委”）共同商议，形成初步方案。",
    3: "党员和居民代表审议表决：实到须不少于应到的三分之二，同意超过实到人数的一半才通过。",
    4: "社区公示决议：写明决议内容和公示期（至少 5 天），期满无异议后确认决议。",
}


def matter_header(detail: MatterDetail) -> str:
    return f"{detail.row.number}　{detail.row.title}"


class MatterDialog(GovDialog):
    """新议题 (``detail`` None) or 修改议题."""

    def __init__(self, db: Database, detail: MatterDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改议题" if detail else "新议题", save_text="保存",
                         header=matter_header(detail) if detail else "", parent=parent)
        self.detail = detail
        self.enter_saves = True
        row = detail.row if detail else None
        self.title_edit = self.line_row("title", "议题名称", placeholder="如 3号楼燃气管道更新", required=True,
                                        max_length=100, text=row.title if row else "")
        self.category = self.combo_row("category", "类别", [(c, c) for c in CATEGORIES], required=False, editable=True)
        self.category.setCurrentText(row.category if row else "")
        self.proposed = self.date_row("proposed_on", "提议日期", value=row.proposed_on if row else None)
        self.background = self.box_row("background", "事由", placeholder="居民反映的问题、提议的内容", lines=5,
                                       text=detail.background if detail else "")
        self._dirty = False
        self.title_edit.setFocus()

    def data(self) -> MatterInput:
        return MatterInput(self.title_edit.text(), self.background.toPlainText(), self.category.currentText(),
                           self.proposed.value())

    def check(self) -> dict[str, str]:
        return {} if self.title_edit.text().strip() else {"title": "请填写议题名称。"}

    def action_name(self) -> str:
        return f"修改议题 {self.detail.row.number}" if self.detail else f"新议题 {self.title_edit.text().strip()}"

    def perform(self, session: Session) -> Any:
        from chang_shan.deliberation import matters

        if self.detail is None:
            self.saved_key = matters.create_matter(session, self.data())
        else:
            matters.update_matter(session, self.detail.row.id, self.detail.version, self.data())
            self.saved_key = self.detail.row.id
        self.done_message = f"已保存议题：{self.title_edit.text().strip()}"


class StepDialog(GovDialog):
    """记录步骤: the matter's next step. The outcome and every problem come from the service's own
    check (``deliberation.matters.check_step``) as the worker types."""

    def __init__(self, db: Database, detail: MatterDetail, parent: QWidget | None = None) -> None:
        step = detail.next_step or 1
        super().__init__(db, title=f"记录{step_name(step)}", save_text="记录", header=matter_header(detail),
                         columns=2, width=820, parent=parent)
        self.detail = detail
        self.step = step
        last = detail.steps[-1] if detail.steps else None
        self.step_label = QLabel(f"{step_name(step)}　—　{STEP_HINTS[step]}")
        self.step_label.setObjectName("stepName")
        self.step_label.setWordWrap(True)
        self.form.add_row("step", "本次步骤", self.step_label, full_width=True)  # type: ignore[union-attr]
        if last is not None and last.outcome == "退回":
            self.form.set_hint("step", f"上次{last.name}退回到这一步：{last.reason}")  # type: ignore[union-attr]
        self.held_on = self.date_row("held_on", "召开日期")
        self.place = self.line_row("place", "地点", placeholder="如 社区党群服务中心二楼会议室", column=1, max_length=100)
        self.host = self.line_row("host", "主持人", placeholder="如 社区党委书记 王红", max_length=50)
        self.participants = self.line_row("participants", "参加人员", column=1,
                                          placeholder="姓名，或 党员代表12人、居民代表20人", max_length=500)
        voting = step == 3
        self.expected = self.spin_row("expected", "应到人数", suffix=" 人", required=voting)
        self.present = self.spin_row("present", "实到人数", suffix=" 人", column=1, required=voting)
        self.votes_for = self.spin_row("votes_for", "同意", suffix=" 票")
        self.votes_against = self.spin_row("votes_against", "反对", suffix=" 票", column=1)
        self.votes_abstain = self.spin_row("votes_abstain", "弃权", suffix=" 票")
        self.vote_result = QLabel("")
        self.vote_result.setObjectName("voteResult")
        self.vote_result.setWordWrap(True)
        self.form.add_row("vote_result", "表决结果", self.vote_result, column=1)  # type: ignore[union-attr]
        for key in ("votes_for", "votes_against", "votes_abstain", "vote_result"):
            self.form.set_row_visible(key, voting)  # type: ignore[union-attr]
        outcomes = [("按表决结果", ""), ("退回", "退回")] if voting else \
            [("通过", "通过"), ("不通过（议题终止）", "不通过")] + ([("退回", "退回")] if step > 1 else [])
        self.outcome = self.combo_row("outcome", "结果", outcomes)
        self.back_to = self.combo_row("back_to", "退回到", [(step_name(s), s) for s in range(1, step)], column=1)
        self.back_to.blockSignals(True)  # most often: back one step (重新商议), not to the very start
        self.back_to.setCurrentIndex(self.back_to.count() - 1)
        self.back_to.blockSignals(False)
        self.reason = self.line_row("reason", "理由", placeholder="不通过或退回的理由", max_length=300)
        self.minutes = self.box_row("minutes", "会议记录", placeholder="发言要点、形成的意见", lines=4)
        publish = step == 4
        self.resolution = self.box_row("resolution", "决议内容", placeholder="将在公示中发布的决议全文", lines=4,
                                       required=publish)
        self.notice_from = self.date_row("notice_from", "公示开始", value=date.today() + timedelta(days=1),
                                         future=True)
        self.notice_to = self.date_row("notice_to", "公示截止", value=date.today() + timedelta(days=NOTICE_DAYS),
                                       future=True, column=1)
        self.notice_number = self.line_row("notice_number", "发文字号", placeholder="留空则自动编号", max_length=30)
        for key in ("resolution", "notice_from", "notice_to", "notice_number"):
            self.form.set_row_visible(key, publish)  # type: ignore[union-attr]
        if last is not None:
            self.held_on.set_value(max(date.today(), last.held_on))
        self.outcome_text = ""
        self._dirty = False
        self.on_change("outcome")
        self.held_on.setFocus()

    # --- live -----------------------------------------------------------------------------------
    def data(self) -> StepInput:
        outcome = self.outcome.currentData() or ""
        back = self.back_to.currentData() if outcome == "退回" else None
        voting = self.step == 3
        return StepInput(
            step=self.step, held_on=self.held_on.value(), place=self.place.text(), host=self.host.text(),
            participants=self.participants.text(), expected=self.expected.value() if voting or self.expected.value() else None,
            present=self.present.value() if voting or self.present.value() else None,
            votes_for=self.votes_for.value() if voting else 0, votes_against=self.votes_against.value() if voting else 0,
            votes_abstain=self.votes_abstain.value() if voting else 0, minutes=self.minutes.toPlainText(),
            outcome=outcome, back_to=back, reason=self.reason.text(),
            resolution=self.resolution.toPlainText() if self.step == 4 else "",
            notice_from=self.notice_from.value() if self.step == 4 else None,
            notice_to=self.notice_to.value() if self.step == 4 else None,
            notice_number=self.notice_number.text() if self.step == 4 else "",
        )

    def on_change(self, key: str) -> None:
        outcome = self.outcome.currentData() or ""
        self.form.set_row_visible("back_to", outcome == "退回")  # type: ignore[union-attr]
        if self.step == 3:
            self._show_vote()
        needs_reason = outcome in ("不通过", "退回") or (self.step == 3 and self._vote_outcome() == "不通过")
        self.reason.setPlaceholderText("必填：不通过或退回的理由" if needs_reason else "（通过时可不填）")

    def _vote_outcome(self) -> str:
        from chang_shan.deliberation.rules import count_vote

        return count_vote(self.expected.value(), self.present.value(), self.votes_for.value(),
                          self.votes_against.value(), self.votes_abstain.value()).outcome

    def _show_vote(self) -> None:
        from chang_shan.deliberation.rules import count_vote

        vote = count_vote(self.expected.value(), self.present.value(), self.votes_for.value(),
                          self.votes_against.value(), self.votes_abstain.value())
        if not vote.outcome:
            text = "；".join(vote.problems.values()) if self.expected.value() else "请填写应到、实到人数和票数。"
            colour = "#b3261e" if self.expected.value() else "#555555"
        elif vote.outcome == "通过":
            text = (f"通过：实到 {self.present.value()} 人（不少于 {vote.quorum} 人），同意 {self.votes_for.value()} 票，"
                    f"超过实到人数的一半。")
            colour = "#2e6b30"
        else:
            after = "退回" if self.outcome.currentData() == "退回" else "议题终止；也可选择“退回”重新商议"
            text = (f"不通过：同意 {self.votes_for.value()} 票，未超过实到 {self.present.value()} 人的一半（{after}）。")
            colour = "#b3261e"
        self.outcome_text = vote.outcome
        self.vote_result.setText(text)
        self.vote_result.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def check(self) -> dict[str, str]:
        from chang_shan.deliberation import matters

        with self.db.reader() as session:
            _outcome, problems = matters.check_step(session, self.detail.row.id, self.data())
        return problems

    def action_name(self) -> str:
        return f"{step_name(self.step)} {self.detail.row.number} {self.detail.row.title}"

    def perform(self, session: Session) -> Any:
        from chang_shan.deliberation import matters

        outcome, _problems = matters.check_step(session, self.detail.row.id, self.data())
        matters.record_step(session, self.detail.row.id, self.detail.version, self.data())
        self.saved_key = self.detail.row.id
        follow = {"通过": "议题进入下一步" if self.step < 4 else "决议进入公示期", "不通过": "议题已终止",
                  "退回": f"退回到{step_name(self.back_to.currentData())}"}.get(outcome, "")
        self.done_message = f"已记录{self.detail.row.number}{step_name(self.step)}：{outcome}，{follow}"


class CloseNoticeDialog(GovDialog):
    """确认决议: the 公示期 is over; the resolution stands."""

    def __init__(self, db: Database, detail: MatterDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="公示期满，确认决议", save_text="确认决议", header=matter_header(detail), parent=parent)
        self.detail = detail
        row = detail.row
        self.on_date = self.date_row("on_date", "确认日期", value=max(date.today(), detail.close_from or date.today()))
        self.note(f"公示期：{row.notice_from:%Y-%m-%d} 至 {row.notice_to:%Y-%m-%d}。确认后议题状态为“已决议”。{UNDO_HINT}")
        self._dirty = False

    def action_name(self) -> str:
        return f"确认决议 {self.detail.row.number} {self.detail.row.title}"

    def perform(self, session: Session) -> Any:
        from chang_shan.deliberation import matters

        matters.close_notice(session, self.detail.row.id, self.detail.version, self.on_date.value())
        self.saved_key = self.detail.row.id
        self.done_message = f"{self.detail.row.number} 已决议"


class WithdrawDialog(GovDialog):
    """撤回议题 before it is decided (the matter ends, with the reason)."""

    def __init__(self, db: Database, detail: MatterDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="撤回议题", save_text="确认撤回", header=matter_header(detail), parent=parent)
        self.detail = detail
        self.on_date = self.date_row("on_date", "撤回日期")
        self.reason = self.line_row("reason", "撤回理由", placeholder="如 提议人撤回、情况已变化", required=True,
                                    max_length=290)
        self._dirty = False
        self.reason.setFocus()

    def check(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "撤回须写明理由。"}

    def action_name(self) -> str:
        return f"撤回议题 {self.detail.row.number} {self.detail.row.title}"

    def perform(self, session: Session) -> Any:
        from chang_shan.deliberation import matters

        matters.withdraw(session, self.detail.row.id, self.detail.version, self.on_date.value(), self.reason.text())
        self.saved_key = self.detail.row.id
        self.done_message = f"{self.detail.row.number} 已撤回"


__all__ = ["STEPS", "CloseNoticeDialog", "MatterDialog", "StepDialog", "WithdrawDialog"]
