"""A follow-up visit (随访), yearly check (年度体检) or care call (关怀): new or corrected.

The date defaults to today and the visitor to the signed-in user. The next due date is proposed by
``health.visits.default_next_due`` (高血压 patients: 90 days; 年度体检: a year; …) and follows the
date and the purpose until the user changes it. Blood pressure and blood sugar stay empty
(未测) unless filled in; the service checks their ranges when saving.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from chang_shan.db.models.health import VISIT_KINDS, VISIT_PURPOSES
from chang_shan.health import visits
from chang_shan.health.checks import resident as stored_resident
from chang_shan.health.shapes import VisitInput, VisitRow
from chang_shan.ui.dialogs.health_fields import ErrorForm, HealthFormDialog, RadioRow, heading, left_aligned, user_name
from chang_shan.ui.forms import DateField

if TYPE_CHECKING:
    from chang_shan.db.database import Database

NOT_MEASURED = "未测"
ALIASES = {"systolic": "blood_pressure", "diastolic": "blood_pressure"}


class VisitDialog(HealthFormDialog):
    """``VisitDialog(db, resident_id)`` records a new visit; ``VisitDialog(db, resident_id,
    visit=row)`` corrects ``row``. ``saved_id`` is the resident's id."""

    def __init__(self, db: Database, resident_id: int, *, visit: VisitRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, title="新增随访" if visit is None else "修改随访记录", parent=parent)
        self.resident_id = resident_id
        self.visit = visit
        self._loading = True
        self._auto_next_due = visit is None  # the proposal follows date and purpose until edited
        with db.reader() as session:
            person = stored_resident(session, resident_id)
            self.resident_name = person.name
            self.birth_date = person.birth_date
        self._build()
        self._load()
        self._loading = False
        self._initial = self.current_input()
        if visit is None:
            self._propose_next_due()
        self.date_edit.setFocus()  # not 保存, the first widget made (Enter there would save at once)

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = heading(f"{self.resident_name}　{'新增随访' if self.visit is None else '修改随访记录'}")
        self.body.addWidget(self.header)
        form = self.use_form(ErrorForm(aliases=ALIASES))
        metrics = self.fontMetrics()
        date_width = metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中")

        self.date_edit = DateField(popup_year=date.today().year)
        self.date_edit.setObjectName("visited_on")
        self.date_edit.setFixedWidth(date_width)
        form.add_row("visited_on", "随访日期", left_aligned(self.date_edit), required=True, focus=self.date_edit,
                     highlight=self.date_edit)
        self.date_edit.dateChanged.connect(self._date_or_purpose_changed)

        self.kind_row = RadioRow([(k, k) for k in VISIT_KINDS])
        self.kind_row.setObjectName("kind")
        form.add_row("kind", "方式", self.kind_row, focus=self.kind_row.focus_target(),
                     watch=self.kind_row.buttons.values())
        self.kind_row.changed.connect(lambda: self.field_changed("kind"))

        self.purpose_row = RadioRow([(p, p) for p in VISIT_PURPOSES])
        self.purpose_row.setObjectName("purpose")
        form.add_row("purpose", "目的", self.purpose_row, focus=self.purpose_row.focus_target(),
                     watch=self.purpose_row.buttons.values())
        self.purpose_row.changed.connect(self._date_or_purpose_changed)

        self.visitor_edit = QLineEdit()
        self.visitor_edit.setObjectName("visitor")
        self.visitor_edit.setMaxLength(50)
        self.visitor_edit.setPlaceholderText("随访的工作人员或医生")
        form.add_row("visitor", "随访人", self.visitor_edit)
        self.visitor_edit.textChanged.connect(lambda: self.field_changed("visitor"))

        self.systolic_spin = _spin(300, "systolic", "收缩压（高压）")
        self.diastolic_spin = _spin(200, "diastolic", "舒张压（低压）")
        pressure = QFrame()
        line = QHBoxLayout(pressure)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.systolic_spin)
        line.addWidget(QLabel("/"))
        line.addWidget(self.diastolic_spin)
        line.addWidget(QLabel("mmHg　（不测量则留“未测”）"))
        line.addStretch(1)
        form.add_row("blood_pressure", "血压", pressure, focus=self.systolic_spin,
                     watch=[self.diastolic_spin], highlight=pressure)
        for spin in (self.systolic_spin, self.diastolic_spin):
            spin.valueChanged.connect(lambda: self.field_changed("blood_pressure"))

        self.glucose_spin = QDoubleSpinBox()
        self.glucose_spin.setObjectName("glucose")
        self.glucose_spin.setDecimals(1)
        self.glucose_spin.setRange(0.0, 40.0)
        self.glucose_spin.setSingleStep(0.1)
        self.glucose_spin.setSpecialValueText(NOT_MEASURED)
        self.glucose_spin.setAccessibleName("血糖")
        self.glucose_spin.setMinimumWidth(metrics.horizontalAdvance("00.0") + 4 * metrics.horizontalAdvance("中"))
        glucose = QFrame()
        line = QHBoxLayout(glucose)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.glucose_spin)
        line.addWidget(QLabel("mmol/L"))
        line.addStretch(1)
        form.add_row("glucose", "血糖", glucose, focus=self.glucose_spin)
        self.glucose_spin.valueChanged.connect(lambda: self.field_changed("glucose"))

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("身体和生活情况、用药、提出的需求……")
        self.notes_edit.setFixedHeight(metrics.lineSpacing() * 4 + 14)
        form.add_row("notes", "情况记录", self.notes_edit)
        self.notes_edit.textChanged.connect(lambda: self.field_changed("notes"))

        self.next_due_edit = DateField(allow_empty=True, empty_text="不再安排", popup_year=date.today().year,
                                       maximum=date.today() + timedelta(days=366 * 3))
        self.next_due_edit.setObjectName("next_due_on")
        self.next_due_edit.setFixedWidth(date_width + metrics.horizontalAdvance("中") * 2)
        self.next_due_edit.dateChanged.connect(self._next_due_edited)
        form.add_row("next_due_on", "下次随访", left_aligned(self.next_due_edit), focus=self.next_due_edit,
                     highlight=self.next_due_edit)
        self.body.addWidget(form, 1)
        self.setMinimumWidth(640)

    def _load(self) -> None:
        visit = self.visit
        if visit is None:
            self.date_edit.set_value(date.today())
            self.kind_row.set_code(VISIT_KINDS[0])
            self.purpose_row.set_code(VISIT_PURPOSES[0])
            self.visitor_edit.setText(user_name(self.db))
            return
        self.date_edit.set_value(visit.visited_on)
        self.kind_row.set_code(visit.kind)
        self.purpose_row.set_code(visit.purpose)
        self.visitor_edit.setText(visit.visitor)
        self.systolic_spin.setValue(visit.systolic or 0)
        self.diastolic_spin.setValue(visit.diastolic or 0)
        self.glucose_spin.setValue(float(visit.glucose) if visit.glucose is not None else 0.0)
        self.notes_edit.setPlainText(visit.notes)
        self.next_due_edit.set_value(visit.next_due_on)

    # -- the next due date ----------------------------------------------------------------------
    def _date_or_purpose_changed(self) -> None:
        self.field_changed("visited_on")
        self.field_changed("purpose")
        if not self._loading:
            self._propose_next_due()

    def _next_due_edited(self) -> None:
        if not self._loading and not self._proposing:
            self._auto_next_due = False
            self.form.set_hint("next_due_on", "")  # type: ignore[union-attr]
        self.field_changed("next_due_on")

    _proposing = False

    def _propose_next_due(self) -> None:
        if not self._auto_next_due:
            return
        visited_on, purpose = self.date_edit.value(), self.purpose_row.code()
        if visited_on is None or not purpose:
            return
        with self.db.reader() as session:
            proposed = visits.default_next_due(session, self.resident_id, visited_on, purpose)
        self._proposing = True
        try:
            self.next_due_edit.set_value(proposed)
        finally:
            self._proposing = False
        hint = (f"按“{purpose}”自动填入，可修改。" if proposed is not None
                else f"“{purpose}”没有固定的下次随访时间，需要时可自行填写。")
        self.form.set_hint("next_due_on", hint)  # type: ignore[union-attr]

    # -- the service ----------------------------------------------------------------------------
    def current_input(self) -> VisitInput:
        glucose = self.glucose_spin.value()
        return VisitInput(
            visited_on=self.date_edit.value(), kind=self.kind_row.code(), purpose=self.purpose_row.code(),
            visitor=self.visitor_edit.text(),
            systolic=self.systolic_spin.value() or None, diastolic=self.diastolic_spin.value() or None,
            glucose=Decimal(f"{glucose:.1f}") if glucose else None,
            notes=self.notes_edit.toPlainText(), next_due_on=self.next_due_edit.value(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        # The service checks a visit as it records it (nothing is written when it refuses); the
        # messages it gave stay under their fields until those change.
        return {}

    def write(self) -> int | None:
        data = self.current_input()
        if self.visit is None:
            with self.db.transaction(f"新增随访 {self.resident_name}") as session:
                visits.record_visit(session, self.resident_id, data)
        elif self.is_dirty():
            with self.db.transaction(f"修改随访记录 {self.resident_name}") as session:
                visits.update_visit(session, self.visit.id, data)
        return self.resident_id


def _spin(maximum: int, name: str, label: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, maximum)
    spin.setSpecialValueText(NOT_MEASURED)
    spin.setAccessibleName(label)
    spin.setToolTip(label)
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("000") + 4 * spin.fontMetrics().horizontalAdvance("中"))
    return spin

