"""人民调解 dialogs: 受理 / 修改 a case (kind, dates, source, facts, disputed matters, the parties
and the mediators), 调解结果 (达成协议 with what 人民调解法 第二十九条 asks — each party's
responsibility, the terms, how and by when they are performed — or an oral agreement, 未达成协议,
已移交 to whom, 已终止; a live "还缺：…" list says what the 协议书 still lacks), 回访 (how the
agreement is performed) and 矛盾升级."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from chang_shan.db.models.mediation import CASE_STATUSES, DISPUTE_KINDS, PERFORMANCE
from chang_shan.mediation.shapes import CaseInput, OutcomeInput
from chang_shan.ui.forms.fields import CheckGroup
from chang_shan.ui.governance.dialog_base import GovDialog
from chang_shan.ui.governance.parties_editor import PartiesEditor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.mediation.shapes import CaseDetail

SOURCES = ("当事人申请", "主动调解", "移送")
ALL_CLEAR = "✓ 第二十九条要求的内容已齐全，可以打印调解协议书。"


def case_header(detail: CaseDetail) -> str:
    return f"{detail.row.number}　{detail.row.kind}　{detail.row.parties}"


def problems_text(problems: list[str] | tuple[str, ...]) -> str:
    return "还缺：\n" + "\n".join(f"· {p}" for p in problems) if problems else ALL_CLEAR


class CaseDialog(GovDialog):
    """受理调解 (``detail`` None) or 修改案件."""

    def __init__(self, db: Database, detail: CaseDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改调解案件" if detail else "受理调解", save_text="保存",
                         header=case_header(detail) if detail else "", columns=2, width=980, parent=parent)
        self.detail = detail
        self.kind = self.combo_row("kind", "纠纷类型", [(k, k) for k in DISPUTE_KINDS])
        self.received_on = self.date_row("received_on", "受理日期", column=1)
        self.source = self.combo_row("source", "来源", [(s, s) for s in SOURCES])
        self.facts = self.box_row("facts", "主要事实", placeholder="纠纷经过：时间、地点、起因", lines=3)
        self.disputed = self.box_row("disputed_matters", "争议事项", placeholder="双方争执的焦点", lines=2)
        self.parties = PartiesEditor(db)
        self.parties.changed.connect(lambda: self._changed("parties"))
        self.form.add_row("parties", "当事人", self.parties, required=True, full_width=True,  # type: ignore[union-attr]
                          focus=self.parties.table)
        from chang_shan.mediation import mediators

        with db.reader() as session:
            serving = mediators.mediators(session, active_on=date.today())
            chosen = {m.id for m in detail.mediators} if detail else set()
            if detail:  # those of the case who no longer serve stay choosable
                serving += [m for m in detail.mediators if m.id not in {s.id for s in serving}]
        self.mediator_ids = {f"{m.name}（{m.role}）": m.id for m in serving}
        self.mediators = CheckGroup(list(self.mediator_ids), columns=5)
        self.mediators.setObjectName("mediators")
        self.mediators.changed.connect(lambda: self._changed("mediator_ids"))
        self.form.add_row("mediator_ids", "调解员", self.mediators, full_width=True)  # type: ignore[union-attr]
        self.note = self.line_row("note", "备注", max_length=500)
        if detail is not None:
            self.kind.setCurrentText(detail.row.kind)
            self.received_on.set_value(detail.row.received_on)
            self.source.setCurrentText(detail.row.source)
            self.facts.setPlainText(detail.facts)
            self.disputed.setPlainText(detail.disputed_matters)
            self.parties.set_parties(list(detail.parties))
            self.mediators.set_values(label for label, i in self.mediator_ids.items() if i in chosen)
            self.note.setText(detail.note)
        if not self.mediator_ids:
            self.form.set_hint("mediator_ids", "还没有登记人民调解员。")  # type: ignore[union-attr]
        self._dirty = False

    def data(self) -> CaseInput:
        return CaseInput(kind=self.kind.currentData(), received_on=self.received_on.value(),
                         source=self.source.currentData(), facts=self.facts.toPlainText(),
                         disputed_matters=self.disputed.toPlainText(), note=self.note.text(),
                         parties=self.parties.parties(),
                         mediator_ids=[self.mediator_ids[label] for label in self.mediators.values()])

    def check(self) -> dict[str, str]:
        errors = self.parties.age_problems()
        if not self.parties.table.rowCount():
            errors["parties"] = "请添加当事人（双方）。"
        return errors

    def write(self) -> int | None:
        from chang_shan.errors import ValidationError

        try:
            return super().write()
        except ValidationError as exc:  # a party's field: shown under the parties
            errors: dict[str, str] = {}
            for key, message in exc.errors.items():
                row = "parties" if key.startswith("parties") else key
                errors[row] = f"{errors[row]}；{message}" if row in errors else message
            raise ValidationError(errors) from None

    def action_name(self) -> str:
        return f"修改调解案件 {self.detail.row.number}" if self.detail else f"受理调解 {self.kind.currentData()}"

    def perform(self, session: Session) -> Any:
        from chang_shan.mediation import cases

        if self.detail is None:
            self.saved_key = cases.open_case(session, self.data())
        else:
            cases.update_case(session, self.detail.row.id, self.detail.version, self.data())
            self.saved_key = self.detail.row.id
        self.done_message = "已保存调解案件"


class OutcomeDialog(GovDialog):
    """调解结果, with the 第二十九条 list of what the 协议书 still lacks, live."""

    def __init__(self, db: Database, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="调解结果", save_text="保存结果", header=case_header(detail), columns=2, width=900,
                         parent=parent)
        self.detail = detail
        statuses = [s for s in CASE_STATUSES if s != "调解中"]
        self.status = self.combo_row("status", "调解结果", [(s, s) for s in statuses])
        self.mediated_on = self.date_row("mediated_on", "调解日期", column=1)
        self.responsibilities = self.box_row("responsibilities", "各方责任", placeholder="各方当事人的责任", lines=2)
        self.terms = self.box_row("agreement_terms", "协议内容", placeholder="当事人达成调解协议的内容，逐条写明", lines=4)
        self.method = self.line_row("performance_method", "履行方式", placeholder="如 一次性现金支付、当面赔礼道歉",
                                    max_length=300)
        self.due = self.date_row("performance_due", "履行期限", value=date.today() + timedelta(days=30), future=True,
                                 column=1)
        self.oral = QCheckBox("口头协议（当事人认为无需制作调解协议书，第二十八条）")
        self.oral.setObjectName("oralAgreement")
        self.oral.toggled.connect(lambda _on: self._changed("oral_agreement"))
        self.form.add_row("oral_agreement", "协议方式", self.oral, full_width=True)  # type: ignore[union-attr]
        self.referred = self.line_row("referred_to", "移交给", placeholder="如 长山派出所、宽城区人民法院", max_length=100)
        self.problems = QLabel("")
        self.problems.setObjectName("agreementProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.problems)
        if detail.row.status != "调解中":
            self.status.setCurrentText(detail.row.status)
            if detail.row.mediated_on:
                self.mediated_on.set_value(detail.row.mediated_on)
            self.responsibilities.setPlainText(detail.responsibilities)
            self.terms.setPlainText(detail.agreement_terms)
            self.method.setText(detail.performance_method)
            if detail.performance_due:
                self.due.set_value(detail.performance_due)
            self.oral.setChecked(detail.oral_agreement)
            self.referred.setText(detail.referred_to)
        self._dirty = False
        self.on_change("status")

    def data(self) -> OutcomeInput:
        agreed = self.status.currentData() == "达成协议"
        return OutcomeInput(
            status=self.status.currentData(), mediated_on=self.mediated_on.value(),
            responsibilities=self.responsibilities.toPlainText() if agreed else "",
            agreement_terms=self.terms.toPlainText() if agreed else "",
            performance_method=self.method.text() if agreed else "",
            performance_due=self.due.value() if agreed else None,
            referred_to=self.referred.text() if self.status.currentData() == "已移交" else "",
            oral_agreement=agreed and self.oral.isChecked(),
        )

    def on_change(self, key: str) -> None:
        status = self.status.currentData()
        agreed = status == "达成协议"
        for row in ("responsibilities", "agreement_terms", "performance_method", "performance_due", "oral_agreement"):
            self.form.set_row_visible(row, agreed)  # type: ignore[union-attr]
        self.form.set_row_visible("referred_to", status == "已移交")  # type: ignore[union-attr]
        self.problems.setVisible(agreed)
        if agreed:
            self.show_problems()

    def current_problems(self) -> list[str]:
        from chang_shan.mediation.agreements import outcome_problems

        with self.db.reader() as session:
            return outcome_problems(session, self.detail.row.id, self.data())

    def show_problems(self) -> None:
        problems = self.current_problems()
        self.problems.setText(problems_text(problems))
        self.problems.setStyleSheet("color: #2e6b30; font-weight: bold;" if not problems else
                                    "color: #8a5a00; background: #fff8e1; border: 1px solid #d9a400; padding: 6px;")

    def action_name(self) -> str:
        return f"调解结果 {self.detail.row.number} {self.status.currentData()}"

    def perform(self, session: Session) -> Any:
        from chang_shan.mediation import cases

        cases.record_outcome(session, self.detail.row.id, self.detail.version, self.data())
        self.saved_key = self.detail.row.id
        self.done_message = f"{self.detail.row.number} 调解结果：{self.status.currentData()}"


class VisitDialog(GovDialog):
    def __init__(self, db: Database, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="回访", save_text="保存回访", header=case_header(detail), parent=parent)
        self.detail = detail
        due = f"，应于 {detail.performance_due:%Y-%m-%d} 前履行" if detail.performance_due else ""
        info = QLabel(f"协议内容：{detail.agreement_terms}\n履行方式：{detail.performance_method}{due}")
        info.setWordWrap(True)
        info.setProperty("formRole", "hint")
        self.body.insertWidget(1, info)
        self.visited_on = self.date_row("visited_on", "回访日期")
        self.performance = self.combo_row("performance", "履行情况", [(p, p) for p in PERFORMANCE])
        self.note = self.line_row("note", "回访情况", placeholder="如 已当面付清赔偿款，双方满意", max_length=300)
        self.visitor = self.line_row("visitor", "回访人", placeholder="留空则为当前用户", max_length=50)
        self._dirty = False

    def action_name(self) -> str:
        return f"调解回访 {self.detail.row.number}"

    def perform(self, session: Session) -> Any:
        from chang_shan.mediation import cases

        cases.record_visit(session, self.detail.row.id, self.visited_on.value(), self.performance.currentData(),
                           self.note.text(), visitor=self.visitor.text())
        self.saved_key = self.detail.row.id
        self.done_message = f"{self.detail.row.number} 回访：{self.performance.currentData()}"


class EscalateDialog(GovDialog):
    def __init__(self, db: Database, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, title="矛盾升级", save_text="确认登记", header=case_header(detail), parent=parent)
        self.detail = detail
        self.note = self.line_row("note", "升级情况", placeholder="如 发生肢体冲突、越级上访", required=True, max_length=300)
        info = QLabel("登记后计入“八零”指标“零矛盾升级”。")
        info.setProperty("formRole", "hint")
        self.body.addWidget(info)
        self._dirty = False
        self.note.setFocus()

    def check(self) -> dict[str, str]:
        return {} if self.note.text().strip() else {"note": "请写明矛盾升级的情况。"}

    def action_name(self) -> str:
        return f"矛盾升级 {self.detail.row.number}"

    def perform(self, session: Session) -> Any:
        from chang_shan.mediation import cases

        cases.mark_escalated(session, self.detail.row.id, self.detail.version, self.note.text())
        self.saved_key = self.detail.row.id
        self.done_message = f"{self.detail.row.number} 已登记矛盾升级"
