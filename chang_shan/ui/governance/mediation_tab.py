"""人民调解: the cases (latest received first), filtered by status, year, kind and text; below, the
selected case — facts, disputed matters, parties with their details (numbers masked), mediators,
the outcome and the agreement, the 回访 — and whether its 人民调解协议书 can be printed: while
人民调解法 第二十九条's content is incomplete, 打印协议书 stays disabled and says what is missing.

Editors get 受理 (Ctrl+N), 修改 (Ctrl+E), 调解结果 (Ctrl+R), 回访 (Ctrl+H) and 矛盾升级; everyone
prints the 协议书 (Ctrl+P) and the year's 登记簿 (Ctrl+Shift+P)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from chang_shan.db.models.mediation import CASE_STATUSES, DISPUTE_KINDS
from chang_shan.ui.governance.list_tab import ListTab
from chang_shan.ui.governance.mediation_dialogs import problems_text
from chang_shan.ui.governance.table import GREY, RED, Column
from chang_shan.ui.widgets.facts import fact_grid
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.mediation.shapes import CaseDetail, CaseRow

PARTY_COLUMNS = ("身份", "姓名", "性别", "年龄", "民族", "职业", "单位或者住所", "身份证号", "电话")
NO_DETAIL = "请先选择一个案件。"


class MediationTab(ListTab):
    TITLE = "人民调解案件"
    NAME = "cases"
    STRETCH = 3
    LIST_SHARE = 0.35

    FIELDS = (("facts", "主要事实", True), ("disputed", "争议事项", True), ("mediators", "调解员", False),
              ("outcome", "结果", False), ("responsibilities", "各方责任", True), ("terms", "协议内容", True),
              ("performance", "履行", True), ("visits", "回访", True), ("escalated", "矛盾升级", True))

    def __init__(self, ops: Any, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)

    def columns(self) -> Sequence[Column]:
        return (
            Column("编号", lambda r: r.number, "TJ2026-000"),
            Column("类型", lambda r: r.kind, "房屋宅基地"),
            Column("受理日期", lambda r: r.received_on, "2026-12-31", kind="date"),
            Column("当事人", lambda r: r.parties),
            Column("状态", lambda r: r.status + ("（口头）" if r.oral_agreement else ""), "达成协议（口头）"),
            Column("调解员", lambda r: r.mediators, "王秀英、李建国"),
            Column("履行期限", lambda r: r.performance_due, "2026-12-31", kind="date"),
            Column("履行", lambda r: r.performance, "部分履行"),
        )

    def colour(self, row: CaseRow) -> str | None:
        if row.escalated:
            return RED
        return GREY if row.status in ("已终止",) else None

    def tip(self, row: CaseRow) -> str | None:
        return "矛盾已升级" if row.escalated else None

    def build_filters(self, row: Any) -> None:
        self.status_filter = self.combo("caseStatus", "状态", [("全部", None), *((s, s) for s in CASE_STATUSES)], row)
        this_year = date.today().year
        self.year_filter = self.combo("caseYear", "年份",
                                      [("全部", None), *((f"{y}年", y) for y in range(this_year, this_year - 6, -1))], row)
        self.kind_filter = self.combo("caseKind", "类型", [("全部", None), *((k, k) for k in DISPUTE_KINDS)], row)
        self.search = self.search_box("查找：编号、当事人、事实", row)

    def build_actions(self) -> None:
        self.new_action = self.add_action("受理", self.new_case, "Ctrl+N", "受理一件新的纠纷", edit=True)
        self.edit_action = self.add_action("修改", self.edit_case, "Ctrl+E", "修改案件：事实、当事人、调解员", edit=True)
        self.outcome_action = self.add_action("调解结果", self.record_outcome, "Ctrl+R",
                                              "登记调解结果（达成协议的写明第二十九条的内容）", edit=True)
        self.visit_action = self.add_action("回访", self.record_visit, "Ctrl+H", "回访调解协议的履行情况", edit=True)
        self.escalate_action = self.add_action("矛盾升级", self.escalate, "Ctrl+Shift+U",
                                               "登记矛盾升级（计入“零矛盾升级”）", edit=True)
        self.agreement_action = self.add_action("打印协议书", self.print_agreement, "Ctrl+P",
                                                "打印人民调解协议书", separator=True)
        self.register_action = self.add_action("登记簿", self.print_register, "Ctrl+Shift+P",
                                               "打印人民调解案件登记簿（上面选的年份，未选则为今年）")

    def side_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 4, 0, 0)
        self.heading = QLabel(NO_DETAIL)
        self.heading.setObjectName("caseHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.agreement_state = QLabel("")
        self.agreement_state.setObjectName("agreementState")
        self.agreement_state.setWordWrap(True)
        grid, self.values, self.labels = fact_grid(self.FIELDS, "case")
        self.party_table = read_only_table(PARTY_COLUMNS, "caseParties", stretch=6,
                                           samples=("被申请人", "欧阳春花", "性别", "年龄", "蒙古族", "个体经营", "",
                                                    "220103********0000", "139****0000"))
        self.party_table.setMaximumHeight(self.fontMetrics().height() * 7)
        layout.addWidget(self.heading)
        layout.addWidget(self.agreement_state)
        layout.addWidget(self.party_table)
        layout.addLayout(grid)
        layout.addStretch(1)
        return panel

    def filters(self) -> dict[str, Any]:
        return {"status": self.status_filter.currentData(), "year": self.year_filter.currentData(),
                "kind": self.kind_filter.currentData(), "text": self.search.text().strip()}

    def filter_label(self) -> str:
        parts = [box.currentText() for box in (self.status_filter, self.year_filter, self.kind_filter)
                 if box.currentData()]
        if self.search.text().strip():
            parts.append("按关键词查找")
        return "，".join(parts) or "全部"

    def clear_filters(self) -> None:
        for box in (self.status_filter, self.year_filter, self.kind_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def load(self, session: Session, filters: dict[str, Any]) -> list[Any]:
        from chang_shan.mediation import queries

        return queries.cases(session, **filters)

    def summary(self, rows: list[Any]) -> str:
        going = sum(1 for r in rows if r.status == "调解中")
        agreed = sum(1 for r in rows if r.status == "达成协议")
        return f"共 {len(rows):,} 件，调解中 {going}，达成协议 {agreed}"

    # --- the selected case ----------------------------------------------------------------------
    def selected(self) -> None:
        row = self.current()
        if row is None:
            self.forget_detail()
            self.heading.setText(NO_DETAIL if self.model.rows else "没有符合条件的案件。")
            self.agreement_state.clear()
            self.party_table.setRowCount(0)
            for key in self.values:
                self.values[key].clear()
            return
        case_id = row.id

        def read(session: Session) -> CaseDetail:
            from chang_shan.mediation import queries

            return queries.case_detail(session, case_id)

        self.load_detail(read, self._show)

    def _show(self, d: CaseDetail) -> None:
        self.detail = d
        row = d.row
        self.heading.setText(f"{row.number}　{row.kind}　{row.parties}　（{row.received_on:%Y-%m-%d} 受理，{row.source}）")
        if row.status == "达成协议" and not d.oral_agreement:
            self.agreement_state.setText(problems_text(d.problems) if d.problems else
                                         f"✓ 调解协议书内容齐全，可以打印（一式 {d.copies} 份）。")
            self.agreement_state.setStyleSheet("color: #2e6b30;" if not d.problems else "color: #8a5a00;")
        else:
            self.agreement_state.setText(d.problems[0] if d.problems else "")
            self.agreement_state.setStyleSheet(f"color: {GREY};")
        self.party_table.setRowCount(len(d.parties))
        for r, p in enumerate(d.parties):
            cells = (p.side, p.name, p.sex, "" if p.age is None else f"{p.age}", p.ethnicity, p.occupation, p.address,
                     p.id_number, p.phone)
            for c, text in enumerate(cells):
                self.party_table.setItem(r, c, QTableWidgetItem(text))
        fit_columns(self.party_table)
        outcome = row.status
        if row.mediated_on:
            outcome += f"（{row.mediated_on:%Y-%m-%d}）"
        if d.oral_agreement:
            outcome += "，口头协议"
        if d.referred_to:
            outcome += f"，移交：{d.referred_to}"
        performance = "　".join(p for p in (d.performance_method,
                                           f"期限 {d.performance_due:%Y-%m-%d}" if d.performance_due else "") if p)
        visits = "；".join(f"{v.visited_on:%Y-%m-%d} {v.performance}" + (f"：{v.note}" if v.note else "")
                          for v in d.visits)
        values = {"facts": d.facts, "disputed": d.disputed_matters, "mediators": row.mediators, "outcome": outcome,
                  "responsibilities": d.responsibilities, "terms": d.agreement_terms, "performance": performance,
                  "visits": visits, "escalated": d.escalated_note if row.escalated else ""}
        for key, value in values.items():
            self.values[key].setText(value)
            self.values[key].setVisible(bool(value))
            self.labels[key].setVisible(bool(value))
        self.values["escalated"].setStyleSheet(f"color: {RED};")
        self.update_actions()

    def agreement_reason(self) -> str:
        """Why 打印协议书 is disabled ('' when it is not)."""
        detail = self.current_detail()
        if detail is None:
            return NO_DETAIL
        return problems_text(detail.problems) if detail.problems else ""

    def update_actions(self) -> None:
        if not hasattr(self, "agreement_state"):
            return
        detail = self.current_detail()
        status = detail.row.status if detail else None
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and detail is not None)
        self.outcome_action.setEnabled(self.can_edit and detail is not None and status != "已终止")
        self.visit_action.setEnabled(self.can_edit and status == "达成协议")
        self.escalate_action.setEnabled(self.can_edit and detail is not None and not detail.row.escalated)
        reason = self.agreement_reason()
        self.agreement_action.setEnabled(not reason)
        tip = "打印人民调解协议书" if not reason else f"暂不能打印协议书。{reason}"
        self.agreement_action.setToolTip(f"{tip}（Ctrl+P）")
        self.agreement_action.setStatusTip(tip.replace("\n", " "))

    def open_current(self) -> None:
        if self.edit_action.isEnabled():
            self.edit_case()

    # --- dialogs and prints ---------------------------------------------------------------------
    def new_case(self) -> Any:
        if not self.can_edit:
            return None
        from chang_shan.ui.governance.mediation_dialogs import CaseDialog

        return self.open_dialog(CaseDialog(self.ops.db, parent=self))

    def edit_case(self) -> Any:
        return self.dialog_on_detail(self.edit_action, "mediation_dialogs", "CaseDialog")

    def record_outcome(self) -> Any:
        return self.dialog_on_detail(self.outcome_action, "mediation_dialogs", "OutcomeDialog")

    def record_visit(self) -> Any:
        return self.dialog_on_detail(self.visit_action, "mediation_dialogs", "VisitDialog")

    def escalate(self) -> Any:
        return self.dialog_on_detail(self.escalate_action, "mediation_dialogs", "EscalateDialog")

    def print_agreement(self) -> Any:
        detail = self.current_detail()
        if detail is None or not self.agreement_action.isEnabled():
            return None
        return self.open_report("mediation_agreement", {"case": detail.row.number})

    def print_register(self) -> Any:
        return self.open_report("mediation_register", {"year": self.year_filter.currentData() or date.today().year})
