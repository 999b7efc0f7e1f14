"""四步议事: the matters (latest proposed first), filtered by status, year and text; below, the
selected matter — its four steps as done (green, with the day), next (blue) or locked (grey; red
where it stopped), the background, the resolution and 公示期, and every holding of every step
(a step sent back is held again: the record keeps each round, with the vote and the reason).

Editors get 新议题 (Ctrl+N), 修改 (Ctrl+E), 记录步骤 (Ctrl+R: only the matter's next step), 确认决议
(after the 公示期), 撤回; everyone prints 公示 (Ctrl+P, once step 4 has passed) and the 议事记录
(Ctrl+Shift+P) through the reports dialog, preset to the matter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from chang_shan.db.models.deliberation import MATTER_STATUSES, STEPS
from chang_shan.ui.governance.list_tab import ListTab
from chang_shan.ui.governance.table import GREY, RED, Column
from chang_shan.ui.widgets.facts import fact_grid
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.deliberation.shapes import MatterDetail, MatterRow

CARD_STYLE = {
    "done": "QFrame#stepCard { background: #e8f5e9; border: 1px solid #2e6b30; border-radius: 6px; }",
    "next": "QFrame#stepCard { background: #e3f0fb; border: 2px solid #1f5f99; border-radius: 6px; }",
    "locked": "QFrame#stepCard { background: #f4f4f4; border: 1px dashed #b0b0b0; border-radius: 6px; }",
    "stopped": "QFrame#stepCard { background: #fdecea; border: 2px solid #b3261e; border-radius: 6px; }",
}
STATE_COLOUR = {"done": "#2e6b30", "next": "#1f5f99", "locked": "#8a8a8a", "stopped": RED}
HOLDING_COLUMNS = ("次", "步骤", "日期", "主持人", "参加人员", "表决", "结果", "理由")


def step_states(detail: MatterDetail) -> list[tuple[str, str]]:
    """(state, line) for steps 1–4: done (with the day it passed), next, locked, stopped."""
    row = detail.row
    passed: dict[int, date] = {}
    for holding in detail.steps:
        if holding.outcome == "通过":
            passed[holding.step] = holding.held_on
        elif holding.outcome == "退回" and holding.back_to is not None:
            for later in range(holding.back_to, 5):
                passed.pop(later, None)
    states = []
    for step in range(1, 5):
        if step < row.step or (step == 4 and row.status in ("公示中", "已决议")):
            day = passed.get(step)
            states.append(("done", f"✓ 已通过 {day:%Y-%m-%d}" if day else "✓ 已通过"))
        elif step == row.step and row.status == "议事中":
            states.append(("next", "→ 下一步"))
        elif step == row.step and row.status == "已终止":
            states.append(("stopped", "✕ 未通过，议题终止" if detail.steps and detail.steps[-1].step == step
                           and detail.steps[-1].outcome == "不通过" else "✕ 已撤回"))
        else:
            states.append(("locked", "未开始"))
    return states


class StepCard(QFrame):
    def __init__(self, step: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepCard")
        self.step = step
        self.state = "locked"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.number = QLabel(f"第{'一二三四'[step - 1]}步")
        font = self.number.font()
        font.setBold(True)
        self.number.setFont(font)
        self.name = QLabel(STEPS[step])
        self.name.setWordWrap(True)
        self.line = QLabel("")
        self.line.setObjectName(f"stepState{step}")
        for label in (self.number, self.name, self.line):
            layout.addWidget(label)

    def show_state(self, state: str, line: str) -> None:
        self.state = state
        self.setStyleSheet(CARD_STYLE[state])
        self.line.setText(line)
        self.line.setStyleSheet(f"color: {STATE_COLOUR[state]}; font-weight: bold;")
        self.number.setStyleSheet(f"color: {STATE_COLOUR[state] if state == 'locked' else '#202020'};")
        self.name.setStyleSheet(f"color: {STATE_COLOUR[state] if state == 'locked' else '#202020'};")


class MatterPanel(QWidget):
    """The selected matter: the four steps, the facts and the holdings."""

    FIELDS = (("number", "编号", False), ("status", "状态", False), ("background", "事由", True),
              ("resolution", "决议内容", True), ("notice", "公示期", False), ("notice_number", "发文字号", False),
              ("closed", "终止/决议", True))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: MatterDetail | None = None
        self.empty = QLabel("请在上面选择一个议题。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"color: {GREY};")
        self.cards = [StepCard(step) for step in range(1, 5)]
        cards = QHBoxLayout()
        cards.setSpacing(6)
        for index, card in enumerate(self.cards):
            if index:
                arrow = QLabel("›")
                arrow.setStyleSheet(f"color: {GREY}; font-size: 18pt;")
                cards.addWidget(arrow)
            cards.addWidget(card, 1)
        grid, self.values, self.labels = fact_grid(self.FIELDS, "matter")
        self.holdings = read_only_table(HOLDING_COLUMNS, "holdings", stretch=7,
                                        samples=("10", "第三步 党员和居民代表审议", "2026-12-31", "王红", "党员代表12人",
                                                 "应到30 实到26：21/3/2", "不通过"))
        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(cards)
        inner.addLayout(grid)
        inner.addWidget(self.holdings, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.content, 1)
        self.show_nothing("请在上面选择一个议题。")

    def show_nothing(self, text: str) -> None:
        self.detail = None
        self.empty.setText(text)
        self.empty.show()
        self.content.hide()

    def show_matter(self, detail: MatterDetail) -> None:
        self.detail = detail
        row = detail.row
        for card, (state, line) in zip(self.cards, step_states(detail), strict=True):
            card.show_state(state, line)
        notice = f"{row.notice_from:%Y-%m-%d} 至 {row.notice_to:%Y-%m-%d}" if row.notice_from and row.notice_to else ""
        closed = ""
        if row.status == "已终止":
            closed = f"{row.closed_on:%Y-%m-%d} 终止：{detail.close_reason}" if row.closed_on else detail.close_reason
        elif row.status == "已决议" and row.closed_on:
            closed = f"{row.closed_on:%Y-%m-%d} 公示期满，确认决议"
        values = {"number": f"{row.number}（{row.category or '未分类'}，{row.proposed_on:%Y-%m-%d} 提议）",
                  "status": row.stage, "background": detail.background, "resolution": detail.resolution,
                  "notice": notice, "notice_number": detail.notice_number, "closed": closed}
        for key, value in values.items():
            self.values[key].setText(value)
            visible = bool(value) or key in ("number", "status")
            self.values[key].setVisible(visible)
            self.labels[key].setVisible(visible)
        self.holdings.setRowCount(len(detail.steps))
        from PySide6.QtWidgets import QTableWidgetItem

        for r, h in enumerate(detail.steps):
            outcome = h.outcome + (f"→{h.back_to_name}" if h.outcome == "退回" and h.back_to_name else "")
            vote = f"应到{h.expected} 实到{h.present}：同意{h.votes_for}/反对{h.votes_against}/弃权{h.votes_abstain}" \
                if h.step == 3 and h.present is not None else ""
            cells = (str(h.seq), h.name, f"{h.held_on:%Y-%m-%d}", h.host, h.participants, vote, outcome, h.reason)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(h.minutes and f"会议记录：{h.minutes}" or text)
                if h.outcome != "通过":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.holdings.setItem(r, c, item)
        fit_columns(self.holdings)
        self.empty.hide()
        self.content.show()


class DeliberationTab(ListTab):
    TITLE = "四步议事议题"
    NAME = "matters"
    STRETCH = 1
    LIST_SHARE = 0.38

    def __init__(self, ops: Any, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)

    # --- building -------------------------------------------------------------------------------
    def columns(self) -> Sequence[Column]:
        return (
            Column("编号", lambda r: r.number, "YS2026-000"),
            Column("议题", lambda r: r.title),
            Column("类别", lambda r: r.category, "基础设施"),
            Column("提议日期", lambda r: r.proposed_on, "2026-12-31", kind="date"),
            Column("进展", lambda r: r.stage, "下一步：第三步 党员和居民代表审议"),
            Column("最近一次", lambda r: r.last_held_on, "2026-12-31", kind="date"),
        )

    def colour(self, row: MatterRow) -> str | None:
        return GREY if row.status in ("已终止",) else None

    def build_filters(self, row: Any) -> None:
        self.status_filter = self.combo("statusFilter", "状态", [("全部", None), *((s, s) for s in MATTER_STATUSES)], row)
        this_year = date.today().year
        self.year_filter = self.combo("yearFilter", "年份",
                                      [("全部", None), *((f"{y}年", y) for y in range(this_year, this_year - 6, -1))], row)
        self.search = self.search_box("查找：编号、议题、类别、事由", row)

    def build_actions(self) -> None:
        self.new_action = self.add_action("新议题", self.new_matter, "Ctrl+N", "登记一个新的议题（社区党委提议）", edit=True)
        self.edit_action = self.add_action("修改", self.edit_matter, "Ctrl+E", "修改议题名称、类别、事由", edit=True)
        self.step_action = self.add_action("记录步骤", self.record_step, "Ctrl+R",
                                           "记录议题的下一步（不能跳步；第三步含表决；不通过可退回）", edit=True)
        self.close_action = self.add_action("确认决议", self.close_notice, "Ctrl+Shift+D",
                                            "公示期满无异议，确认决议", edit=True)
        self.withdraw_action = self.add_action("撤回", self.withdraw, "Ctrl+Shift+W", "撤回议题（须写明理由）", edit=True)
        self.notice_action = self.add_action("打印公示", self.print_notice, "Ctrl+P",
                                             "打印决议公示（第四步通过后）", separator=True)
        self.record_action = self.add_action("打印议事记录", self.print_record, "Ctrl+Shift+P",
                                             "打印议题四个步骤的全部记录")

    def side_panel(self) -> QWidget:
        self.panel = MatterPanel()
        return self.panel

    def filters(self) -> dict[str, Any]:
        return {"status": self.status_filter.currentData(), "year": self.year_filter.currentData(),
                "text": self.search.text().strip()}

    def filter_label(self) -> str:
        parts = [self.status_filter.currentText() if self.status_filter.currentData() else "",
                 self.year_filter.currentText() if self.year_filter.currentData() else "",
                 "按关键词查找" if self.search.text().strip() else ""]
        return "，".join(p for p in parts if p) or "全部"

    def clear_filters(self) -> None:
        for widget in (self.status_filter, self.year_filter, self.search):
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.year_filter.setCurrentIndex(0)
        self.search.clear()
        for widget in (self.status_filter, self.year_filter, self.search):
            widget.blockSignals(False)

    def load(self, session: Session, filters: dict[str, Any]) -> list[Any]:
        from chang_shan.deliberation import queries

        return queries.matters(session, **filters)

    def summary(self, rows: list[Any]) -> str:
        going = sum(1 for r in rows if r.status == "议事中")
        notice = sum(1 for r in rows if r.status == "公示中")
        return f"共 {len(rows):,} 个议题，议事中 {going}，公示中 {notice}"

    # --- the selected matter --------------------------------------------------------------------
    def selected(self) -> None:
        row = self.current()
        if row is None:
            self.forget_detail()
            self.panel.show_nothing("请在上面选择一个议题。" if self.model.rows else "没有符合条件的议题。")
            return
        matter_id = row.id

        def read(session: Session) -> MatterDetail:
            from chang_shan.deliberation import queries

            return queries.matter_detail(session, matter_id)

        self.load_detail(read, self._show)

    def _show(self, detail: MatterDetail) -> None:
        self.detail = detail
        self.panel.show_matter(detail)
        self.update_actions()

    def update_actions(self) -> None:
        detail = self.current_detail()
        allowed = detail.allowed if detail else ()
        self.new_action.setEnabled(self.can_edit)
        for act, what in ((self.edit_action, "edit"), (self.step_action, "record_step"),
                          (self.close_action, "close_notice"), (self.withdraw_action, "withdraw")):
            act.setEnabled(self.can_edit and what in allowed)
        if detail is not None and detail.close_from is not None and detail.close_from > date.today():
            self.close_action.setEnabled(False)  # the 公示期 has not ended yet
            self.close_action.setStatusTip(f"公示期到 {detail.row.notice_to:%Y-%m-%d} 结束，"
                                           f"{detail.close_from:%Y-%m-%d} 起才能确认决议")
        else:
            self.close_action.setStatusTip("公示期满无异议，确认决议")
        if detail is not None and detail.next_step:
            self.step_action.setText(f"记录第{'一二三四'[detail.next_step - 1]}步")
        else:
            self.step_action.setText("记录步骤")
        published = detail is not None and detail.row.status in ("公示中", "已决议")
        self.notice_action.setEnabled(published)
        self.notice_action.setStatusTip("打印决议公示" if published else "第四步（社区公示决议）通过后才能打印公示")
        self.record_action.setEnabled(detail is not None)

    def open_current(self) -> None:
        if self.step_action.isEnabled():
            self.record_step()
        elif self.edit_action.isEnabled():
            self.edit_matter()

    # --- dialogs --------------------------------------------------------------------------------
    def new_matter(self) -> Any:
        if not self.can_edit:
            return None
        from chang_shan.ui.governance.deliberation_dialogs import MatterDialog

        return self.open_dialog(MatterDialog(self.ops.db, parent=self))

    def edit_matter(self) -> Any:
        return self.dialog_on_detail(self.edit_action, "deliberation_dialogs", "MatterDialog")

    def record_step(self) -> Any:
        return self.dialog_on_detail(self.step_action, "deliberation_dialogs", "StepDialog")

    def close_notice(self) -> Any:
        return self.dialog_on_detail(self.close_action, "deliberation_dialogs", "CloseNoticeDialog")

    def withdraw(self) -> Any:
        return self.dialog_on_detail(self.withdraw_action, "deliberation_dialogs", "WithdrawDialog")

    # --- prints ---------------------------------------------------------------------------------
    def print_notice(self) -> Any:
        detail = self.current_detail()
        if detail is None or not self.notice_action.isEnabled():
            return None
        return self.open_report("deliberation_notice", {"matter": detail.row.number})

    def print_record(self) -> Any:
        detail = self.current_detail()
        if detail is None:
            return None
        return self.open_report("deliberation_record", {"matter": detail.row.number})
