"""登记遗嘱 / 修改遗嘱登记: the registration dialog of the 遗嘱库.

On the left the facts: the testator (a resident of the ledger, found by name), the form of the
will with its article of the Civil Code and what that article asks, the dates, the executor, the
custody of the original (档案柜 with cabinet and file number, 家属保管 with who holds it, or
公证处) — fields open only when the form or custody needs them. On the right the witnesses, each
with the worker's three confirmations of 第1140条, the people the will names (查看人, 提取人,
继承人, 受遗赠人), and the worker's own confirmation of the testator's capacity.

The rules are the service's (``wills.rules.problems``): they are checked live as the worker
types, listed under 登记前核对 with their articles, shown under the field concerned once it has
been visited (a witness's cells are painted), and 保存 is refused while any remains. Saving is
one journaled action (编辑→撤销 takes it back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from chang_shan.db.models.wills import CUSTODY_KINDS, WILL_FORMS
from chang_shan.ui.dialogs.health_fields import RadioRow, heading, left_aligned
from chang_shan.ui.dialogs.service_request import _text_box
from chang_shan.ui.dialogs.will_people import PersonTable, WitnessTable
from chang_shan.ui.forms import DateField, FormDialog, ValidatedForm
from chang_shan.ui.forms.fields import ERROR_COLOUR, set_combo_data
from chang_shan.ui.forms.resident_search import ResidentSearch
from chang_shan.wills.shapes import WillInput

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.wills.shapes import WillDetail

CHECK_MS = 200  # the rules run again this long after the last keystroke
# What each article asks, shown under the form of will.
FORM_RULES = {
    "自书": "遗嘱人亲笔书写，签名，注明年、月、日。无需见证人。",
    "代书": "两个以上见证人在场见证，由其中一人代书，遗嘱人、代书人和其他见证人签名，注明年、月、日。",
    "打印": "两个以上见证人在场见证；遗嘱人和见证人在遗嘱每一页签名，注明年、月、日。",
    "录音录像": "两个以上见证人在场见证；遗嘱人和见证人在录音录像中记录其姓名或者肖像，以及年、月、日。",
    "口头": "只能在危急情况下订立，两个以上见证人在场见证；危急情况消除后，能够以书面或者录音录像形式立遗嘱的，"
            "口头遗嘱无效。",
    "公证": "由遗嘱人经公证机构办理，请填写公证机构和公证书编号。",
}
CHECKS_TEXT = ("已核对：立遗嘱人登记时神志清醒、具有完全民事行为能力，遗嘱是其真实意思表示"
               "（民法典第1143条），见证人情况已逐一当面核实")
ALL_CLEAR = "✓ 已符合民法典各项要求，可以保存。"
# Where the services' keys show in this form.
ALIASES = {"executor_phone": "executor_name", "file_number": "cabinet"}


def field_of(key: str) -> str:
    """``witnesses[1].name`` → ``witnesses``; an alias → its row."""
    base = key.split("[", 1)[0].split(".", 1)[0]
    return ALIASES.get(base, base)


def by_field(errors: dict[str, str]) -> dict[str, str]:
    """The services' messages keyed by this form's rows (several on one row joined)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        row = field_of(key)
        shown[row] = f"{shown[row]}；{message}" if row in shown and message not in shown[row] else message
    return shown


class SideBySide(QWidget):
    """Two :class:`ValidatedForm` columns used by :class:`FormDialog` like one form: each column
    keeps its own row heights (one grid would make a short field as tall as the table beside it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left, self.right = ValidatedForm(), ValidatedForm()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.left, 4)
        layout.addWidget(self.right, 7)
        self.forms = (self.left, self.right)

    @property
    def on_leave(self) -> Callable[[str], None] | None:
        return self.left.on_leave

    @on_leave.setter
    def on_leave(self, callback: Callable[[str], None] | None) -> None:
        for form in self.forms:
            form.on_leave = callback

    def _of(self, key: str) -> ValidatedForm:
        return self.left if key in self.left.keys() else self.right

    def keys(self) -> list[str]:
        return [*self.left.keys(), *self.right.keys()]

    def show_errors(self, errors: dict[str, str], *, only: Iterable[str] | None = None) -> dict[str, str]:
        wanted = None if only is None else set(only)
        for form in self.forms:
            form.show_errors({k: v for k, v in errors.items() if k in form.keys()}, only=wanted)
        keys = set(self.keys())
        return {key: message for key, message in errors.items() if key not in keys}

    def errors_shown(self) -> dict[str, str]:
        return {**self.left.errors_shown(), **self.right.errors_shown()}

    def first_in_order(self, keys: Iterable[str]) -> str | None:
        wanted = set(keys)
        return next((key for key in self.keys() if key in wanted), None)

    def error_text(self, key: str) -> str:
        return self._of(key).error_text(key)

    def focus_field(self, key: str) -> None:
        self._of(key).focus_field(key)

    def field_widget(self, key: str) -> QWidget:
        return self._of(key).field_widget(key)

    def set_hint(self, key: str, text: str) -> None:
        self._of(key).set_hint(key, text)

    def hint_text(self, key: str) -> str:
        return self._of(key).hint_text(key)


def _line(name: str, placeholder: str, length: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(length)
    return edit


def _pair(first: QWidget, label: str, second: QWidget) -> QWidget:
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(first, 3)
    line.addWidget(QLabel(label))
    line.addWidget(second, 2)
    return holder


class WillDialog(FormDialog):
    """``WillDialog(db)`` registers a new will; ``WillDialog(db, detail=...)`` corrects one.
    ``saved_id`` is the will's id; ``saved`` the detail the service gave back."""

    def __init__(self, db: Database, detail: WillDetail | None = None, *, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记遗嘱" if detail is None else "修改遗嘱登记",
                         save_text="登记" if detail is None else "保存", parent=parent)
        self.detail = detail
        self.saved: WillDetail | None = None
        self._loading = True
        self._problems: dict[str, str] = {}
        self.header = heading("登记遗嘱" if detail is None else
                              f"修改　{detail.number}　{detail.row.testator_name}　{detail.row.form_text}")
        self.body.addWidget(self.header)
        self.header.setVisible(detail is not None)  # a new registration: the window title says it
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check_now)
        self._load()
        self._loading = False
        self._initial = self.current_input()
        self.check_now()
        self.resize(1320, 720)
        (self.testator.search if detail is None else self.made_edit).setFocus()

    # -- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        columns = SideBySide(self)
        self.use_form(columns)  # type: ignore[arg-type]
        form, right = columns.left, columns.right
        self.testator = ResidentSearch(self.db, placeholder="按姓名、拼音首字母或住址查找立遗嘱人", rows=2, parent=self)
        self.testator.setObjectName("testator")
        form.add_row("testator_id", "立遗嘱人", self.testator, required=True, focus=self.testator.search,
                     watch=[self.testator.list], highlight=self.testator.list)
        self.testator.chosen.connect(lambda: self._changed("testator_id"))

        self.form_combo = QComboBox()
        self.form_combo.setObjectName("form")
        for name, article in WILL_FORMS.items():
            self.form_combo.addItem(f"{name}遗嘱（民法典第{article}条）", name)
        form.add_row("form", "遗嘱形式", self.form_combo, required=True)
        self.form_combo.currentIndexChanged.connect(lambda _i: self._form_changed())

        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中")
        today = date.today()
        self.made_edit = DateField(allow_empty=True, empty_text="请选择", popup_year=today.year)
        self.registered_edit = DateField(popup_year=today.year)
        for key, label, edit in (("made_on", "立遗嘱日期", self.made_edit), ("registered_on", "登记日期", self.registered_edit)):
            edit.setObjectName(key)
            edit.setFixedWidth(width)
            form.add_row(key, label, left_aligned(edit), required=True, focus=edit, highlight=edit)
            edit.dateChanged.connect(lambda _d, key=key: self._changed(key))

        self.executor_edit = _line("executor_name", "姓名（可不填）", 50)
        self.executor_phone_edit = _line("executor_phone", "电话", 30)
        form.add_row("executor_name", "遗嘱执行人", _pair(self.executor_edit, "电话", self.executor_phone_edit),
                     focus=self.executor_edit, watch=[self.executor_phone_edit])

        self.custody_row = RadioRow([(kind, kind) for kind in CUSTODY_KINDS])
        self.custody_row.setObjectName("custody_kind")
        form.add_row("custody_kind", "原件保管", self.custody_row, required=True,
                     focus=self.custody_row.focus_target(), watch=self.custody_row.buttons.values())
        self.custody_row.changed.connect(self._custody_changed)
        self.cabinet_edit = _line("cabinet", "如 A-03", 30)
        self.file_edit = _line("file_number", "如 0012", 30)
        form.add_row("cabinet", "档案柜", _pair(self.cabinet_edit, "卷宗号", self.file_edit), focus=self.cabinet_edit,
                     watch=[self.file_edit])
        self.custody_note_edit = _line("custody_note", "家属保管时：由谁保管，如 长子张伟", 200)
        form.add_row("custody_note", "保管说明", self.custody_note_edit)
        self.notary_office_edit = _line("notary_office", "如 长春市长春公证处", 100)
        form.add_row("notary_office", "公证机构", self.notary_office_edit)
        self.certificate_edit = _line("notary_certificate", "如 (2026)吉长证民字第123号", 50)
        form.add_row("notary_certificate", "公证书编号", self.certificate_edit)
        self.emergency_edit = _line("emergency_note", "口头遗嘱：当时的危急情况，如 病危住院", 200)
        form.add_row("emergency_note", "危急情况", self.emergency_edit)

        self.witnesses = WitnessTable(rows=3)
        right.add_row("witnesses", "见证人", self.witnesses, focus=self.witnesses.focus_target(),
                     watch=[self.witnesses.table], highlight=self.witnesses.table)
        self.witnesses.changed.connect(lambda: self._changed("witnesses"))
        self.persons = PersonTable(rows=2)
        right.add_row("persons", "相关人员", self.persons, focus=self.persons.focus_target(),
                     watch=[self.persons.table], highlight=self.persons.table)
        self.persons.changed.connect(lambda: self._changed("persons"))
        self.checks_box = QCheckBox()
        self.checks_box.setObjectName("checks_confirmed")
        self.checks_box.setAccessibleName(CHECKS_TEXT)
        checks = QLabel(CHECKS_TEXT)  # a check box's own text does not wrap: a label beside it does
        checks.setWordWrap(True)
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.checks_box, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(checks, 1)
        checks.mousePressEvent = lambda _event: self.checks_box.toggle()  # type: ignore[method-assign]
        self.capacity_edit = _text_box("capacity_note", "登记时立遗嘱人的精神状态、表达能力，如 神志清楚，对答切题", 2)
        right.add_row("capacity_note", "行为能力", self.capacity_edit)
        right.add_row("checks_confirmed", "核对", holder, focus=self.checks_box, highlight=self.checks_box)
        self.note_edit = _text_box("note", "其他需要记下的情况（不必记录遗嘱内容）", 2)
        right.add_row("note", "备注", self.note_edit)
        self.checks_box.toggled.connect(lambda _on: self._changed("checks_confirmed"))

        for key, edit in (("executor_name", self.executor_edit), ("executor_name", self.executor_phone_edit),
                          ("cabinet", self.cabinet_edit), ("cabinet", self.file_edit),
                          ("custody_note", self.custody_note_edit), ("notary_office", self.notary_office_edit),
                          ("notary_certificate", self.certificate_edit), ("emergency_note", self.emergency_edit)):
            edit.textChanged.connect(lambda _t, key=key: self._changed(key))
        for key, box in (("capacity_note", self.capacity_edit), ("note", self.note_edit)):
            box.textChanged.connect(lambda key=key: self._changed(key))
        self.body.addWidget(columns, 1)

        self.problems_title = QLabel("登记前核对：")
        self.problems_title.setObjectName("problemsTitle")
        font = self.problems_title.font()
        font.setBold(True)
        self.problems_title.setFont(font)
        self.problems = QLabel("")
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.body.addWidget(self.problems_title)
        self.body.addWidget(self.problems)

    def _load(self) -> None:
        self.registered_edit.set_value(date.today())
        self.custody_row.set_code(CUSTODY_KINDS[0])
        detail = self.detail
        if detail is None:
            self._form_changed()
            return
        data = self.initial_input(detail)
        row = detail.row
        self.testator.show_person(row.testator_id, row.testator_name,
                                  "　".join(p for p in (row.testator_name, detail.testator_address) if p))
        self.show_input(data)

    def initial_input(self, detail: WillDetail) -> WillInput:
        """What the dialog starts from when correcting a registration: the service's own input,
        ID numbers and phones masked (given back unchanged, they stay as stored)."""
        from chang_shan.wills import registry

        with self.db.reader() as session:
            return registry.will_input(session, detail.id)

    def show_input(self, data: WillInput) -> None:
        set_combo_data(self.form_combo, data.form)
        self.made_edit.set_value(data.made_on)
        self.registered_edit.set_value(data.registered_on or date.today())
        self.executor_edit.setText(data.executor_name)
        self.executor_phone_edit.setText(data.executor_phone)
        self.custody_row.set_code(data.custody_kind)
        self.cabinet_edit.setText(data.cabinet)
        self.file_edit.setText(data.file_number)
        self.custody_note_edit.setText(data.custody_note)
        self.notary_office_edit.setText(data.notary_office)
        self.certificate_edit.setText(data.notary_certificate)
        self.emergency_edit.setText(data.emergency_note)
        self.capacity_edit.setPlainText(data.capacity_note)
        self.note_edit.setPlainText(data.note)
        self.witnesses.set_lines(data.witnesses)
        self.persons.set_lines(data.persons)
        self.checks_box.setChecked(data.checks_confirmed)
        self._form_changed()
        self._custody_changed()

    # -- fields that open with the form or the custody -------------------------------------------------
    def current_form(self) -> str:
        return self.form_combo.currentData() or "自书"

    def _form_changed(self) -> None:
        form = self.current_form()
        assert self.form is not None
        self.form.set_hint("form", FORM_RULES[form])
        witnessed = form in ("代书", "打印", "录音录像", "口头")
        if witnessed and self.witnesses.table.rowCount() < 2 and not self._loading:
            while self.witnesses.table.rowCount() < 2:  # the two lines the article asks for
                self.witnesses.add_line()
        self.emergency_edit.setEnabled(form == "口头")
        self.certificate_edit.setEnabled(form == "公证")
        self._custody_changed()
        self._changed("form")

    def _custody_changed(self) -> None:
        kind = self.custody_row.code()
        self.cabinet_edit.setEnabled(kind == "档案柜")
        self.file_edit.setEnabled(kind == "档案柜")
        self.custody_note_edit.setEnabled(kind != "档案柜" or bool(self.custody_note_edit.text()))
        self.notary_office_edit.setEnabled(kind == "公证处" or self.current_form() == "公证")
        self._changed("custody_kind")

    # -- the rules, live ----------------------------------------------------------------------------------
    def _changed(self, key: str) -> None:
        if self._loading:
            return
        self.field_changed(key)
        self._timer.start()

    def check_now(self) -> dict[str, str]:
        """Run the rules on what is typed now; list every message, paint the tables."""
        from chang_shan.wills import registry

        self._timer.stop()
        data = self.current_input()
        will_id = self.detail.id if self.detail is not None else None
        with self.db.reader() as session:
            self._problems = registry.problems_by_field(session, data, will_id=will_id)
        messages = list(dict.fromkeys(self._problems.values()))
        if messages:
            self.problems_title.setText(f"登记前核对：还有 {len(messages)} 项需要处理")
            self.problems.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.problems.setText("\n".join(f"✗ {m}" for m in messages))
        else:
            self.problems_title.setText("登记前核对：")
            self.problems.setStyleSheet("color: #2e6b30;")
            self.problems.setText(ALL_CLEAR)
        self.witnesses.mark(self._problems, "witnesses")
        self.persons.mark(self._problems, "persons")
        if self.form is not None:
            self.form.show_errors({**by_field(self._from_write), **by_field(self._problems)}, only=self._touched)
        return self._problems

    def problem_lines(self) -> list[str]:
        return [line[2:] for line in self.problems.text().split("\n") if line.startswith("✗ ")]

    # -- the service --------------------------------------------------------------------------------------
    def current_input(self) -> WillInput:
        return WillInput(
            testator_id=self.testator.resident_id(), form=self.current_form(), made_on=self.made_edit.value(),
            registered_on=self.registered_edit.value(), executor_name=self.executor_edit.text().strip(),
            executor_phone=self.executor_phone_edit.text().strip(), custody_kind=self.custody_row.code(),
            cabinet=self.cabinet_edit.text().strip() if self.cabinet_edit.isEnabled() else "",
            file_number=self.file_edit.text().strip() if self.file_edit.isEnabled() else "",
            custody_note=self.custody_note_edit.text().strip(),
            notary_office=self.notary_office_edit.text().strip() if self.notary_office_edit.isEnabled() else "",
            notary_certificate=self.certificate_edit.text().strip() if self.certificate_edit.isEnabled() else "",
            capacity_note=self.capacity_edit.toPlainText().strip(),
            emergency_note=self.emergency_edit.text().strip() if self.emergency_edit.isEnabled() else "",
            note=self.note_edit.toPlainText().strip(), witnesses=self.witnesses.values(),
            persons=self.persons.values(), checks_confirmed=self.checks_box.isChecked(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        return by_field(self.check_now())

    def show_all_errors(self, errors: dict[str, str]) -> None:
        super().show_all_errors(by_field(errors))

    def write(self) -> int | None:
        from chang_shan.wills import registry

        data = self.current_input()
        name = self.testator.resident_name()
        if self.detail is None:
            with self.db.transaction(f"登记遗嘱 {name}") as session:
                self.saved = registry.register_will(session, data)
            return self.saved.id
        if self.is_dirty():
            with self.db.transaction(f"修改遗嘱登记 {self.detail.number} {name}") as session:
                self.saved = registry.update_will(session, self.detail.id, data, expected_version=self.detail.version)
        return self.detail.id
