"""老年人生活自理能力评估: the five items of the form (进餐, 梳洗, 穿衣, 如厕, 活动) as groups of
radio buttons with the form's own descriptions, and the total with its level as it is scored
(0–3 可自理, 4–8 轻度依赖, 9–18 中度依赖, ≥19 不能自理).

Each item's choices stand two to a line, in order of score (left to right, then down): one choice
a line made the dialog about 890 pixels tall at the program's font, taller than a 1366×768
screen, so 保存 was out of reach."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from chang_shan.health import selfcare
from chang_shan.health.checks import resident as stored_resident
from chang_shan.health.codes import DEPENDENT_FROM, SELF_CARE_ITEMS, self_care_level
from chang_shan.health.shapes import SelfCareInput
from chang_shan.ui.dialogs.health_fields import ErrorForm, HealthFormDialog, RadioRow, heading, left_aligned, user_name
from chang_shan.ui.forms import DateField

if TYPE_CHECKING:
    from chang_shan.db.database import Database

CHOICE_COLUMNS = 2
LEVEL_COLOURS = {"可自理": "#2e6b30", "轻度依赖": "#8a5a00", "中度依赖": "#b3261e", "不能自理": "#b3261e"}


class SelfCareDialog(HealthFormDialog):
    """``SelfCareDialog(db, resident_id)`` records a new assessment; ``saved_id`` is the resident."""

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="生活自理能力评估", parent=parent)
        self.resident_id = resident_id
        self._loading = True
        with db.reader() as session:
            self.resident_name = stored_resident(session, resident_id).name
        self._build()
        self._loading = False
        self._initial = self.current_input()
        self._update_total()
        self.date_edit.setFocus()  # not 保存, the first widget made

    def _build(self) -> None:
        header = heading(f"{self.resident_name}　老年人生活自理能力评估")
        self.body.addWidget(header)
        form = self.use_form(ErrorForm())
        metrics = self.fontMetrics()
        self.date_edit = DateField(popup_year=date.today().year)
        self.date_edit.setObjectName("assessed_on")
        self.date_edit.setFixedWidth(metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中"))
        form.add_row("assessed_on", "评估日期", left_aligned(self.date_edit), required=True, focus=self.date_edit,
                     highlight=self.date_edit)
        self.date_edit.dateChanged.connect(lambda: self.field_changed("assessed_on"))

        self.items: dict[str, RadioRow] = {}
        for field, item, choices in SELF_CARE_ITEMS:
            row = RadioRow([(str(score), f"{text}（{score} 分）") for score, text in choices], columns=CHOICE_COLUMNS)
            row.setObjectName(field)
            row.set_code("0")
            form.add_row(field, item, row, focus=row.focus_target(), watch=row.buttons.values())
            row.changed.connect(lambda f=field: self._item_changed(f))
            self.items[field] = row

        self.total_label = QLabel()
        self.total_label.setObjectName("total")
        bold = self.total_label.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.total_label.setFont(bold)
        form.add_row("total", "总分", self.total_label)

        self.assessor_edit = QLineEdit(user_name(self.db))
        self.assessor_edit.setObjectName("assessor")
        self.assessor_edit.setMaxLength(50)
        form.add_row("assessor", "评估人", self.assessor_edit)
        self.assessor_edit.textChanged.connect(lambda: self.field_changed("assessor"))
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setMaxLength(200)
        form.add_row("note", "备注", self.note_edit)
        self.note_edit.textChanged.connect(lambda: self.field_changed("note"))
        self.body.addWidget(form, 1)

    def _item_changed(self, field: str) -> None:
        self._update_total()
        self.field_changed(field)

    def total(self) -> int:
        return sum(int(row.code() or 0) for row in self.items.values())

    def _update_total(self) -> None:
        total = self.total()
        level = self_care_level(total)
        needs = "，需要有人照护" if total >= DEPENDENT_FROM else ""
        self.total_label.setText(f"{total} 分　{level}{needs}")
        self.total_label.setStyleSheet(f"color: {LEVEL_COLOURS[level]};")

    def level(self) -> str:
        return self_care_level(self.total())

    # -- the service ----------------------------------------------------------------------------
    def current_input(self) -> SelfCareInput:
        scores = {field: int(row.code() or -1) for field, row in self.items.items()}
        return SelfCareInput(assessed_on=self.date_edit.value(), assessor=self.assessor_edit.text(),
                             note=self.note_edit.text(), **scores)

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        return {}  # the service checks the scores and the date when recording (writing nothing then)

    def write(self) -> int | None:
        with self.db.transaction(f"生活自理能力评估 {self.resident_name}") as session:
            selfcare.record_self_care(session, self.resident_id, self.current_input())
        return self.resident_id
