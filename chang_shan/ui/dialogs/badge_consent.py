"""防走失卡同意书: what the family agreed to put on a resident's badge.

Name, family phones and the community's number are always on it; the family chooses the address,
the photo and a short health note (健康提示, ≤ 60 characters, never an ID number), how many
family contacts (1–3, in calling order), and who agreed when. 从健康档案生成 fills the note from
the health record (only for accounts with the 居民健康库 permission: without it the health note
cannot be changed and the button says why). 恢复为默认 throws the recorded consent away (the
office's defaults apply again). Saving goes through ``badges.consent.set_consent`` as one
undoable action; its messages appear under the fields. Someone who may not edit the resident sees
the consent read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.badges import consent as consents
from chang_shan.badges.shapes import ConsentInput, ConsentRow
from chang_shan.errors import ChangShanError
from chang_shan.population import access, residents
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import DateField, ValidatedForm
from chang_shan.ui.forms.form_dialog import FormDialog

if TYPE_CHECKING:
    from chang_shan.db.database import Database

NOTE_LIMIT = 60
NO_HEALTH = "需要“居民健康库”权限才能修改健康提示，请联系管理员。"
# The service's keys → the form row that shows the message.
ROW_OF = {"include_medical": "medical_note", "include_address": "parts", "include_photo": "parts"}


class BadgeConsentDialog(FormDialog):
    """``BadgeConsentDialog(db, resident_id)``: ``exec()``/``open()`` ends Accepted once saved or
    put back to the defaults."""

    enter_saves = False  # Enter moves on; Ctrl+S or 保存 saves

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="防走失卡同意书", parent=parent)
        self.resident_id = resident_id
        actor = db.actor
        with db.reader() as session:
            self.detail = residents.resident_detail(session, resident_id)
            self.consent = consents.get_consent(session, resident_id)
            self.editable = access.can_edit_resident(session, actor, resident_id)
        self.can_health = actor is not None and actor.can(Perm.HEALTH)
        self._build()
        self._show(self.consent)
        self._initial = self.current_input()
        if not self.editable:
            for widget in (self.address_box, self.photo_box, self.medical_box, self.note_edit, self.medical_edit,
                           self.contacts_spin, self.given_by_edit, self.given_on_edit, self.generate_button):
                widget.setEnabled(False)
            self.save_button.hide()
            self.save_shortcut.setEnabled(False)
            self.cancel_button.setText("关闭")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)
        (self.given_by_edit if self.editable else self.cancel_button).setFocus()

    def _build(self) -> None:
        d = self.detail
        header = QLabel("　".join(p for p in (d.name, f"{d.age} 岁" if d.age is not None else "", d.address) if p))
        header.setObjectName("header")
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        header.setFont(font)
        self.body.addWidget(header)
        if self.editable:
            explain = "姓名、家属电话和社区电话总是印在卡上；下面是家属可以选择的内容。"
        else:
            explain = "您可以查看，但不能修改此居民的防走失卡同意书。"
        self.explain = QLabel(explain)
        self.explain.setObjectName("explain")
        self.explain.setProperty("formRole", "hint")
        self.body.addWidget(self.explain)
        self.status = QLabel("")
        self.status.setObjectName("recorded")
        self.body.addWidget(self.status)

        form = self.use_form(ValidatedForm())
        self.address_box = QCheckBox("住址")
        self.photo_box = QCheckBox("照片")
        self.medical_box = QCheckBox("健康提示")
        parts = QWidget()
        line = QHBoxLayout(parts)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(18)
        for box, name in ((self.address_box, "includeAddress"), (self.photo_box, "includePhoto"),
                          (self.medical_box, "includeMedical")):
            box.setObjectName(name)
            box.toggled.connect(lambda _on: self.field_changed("parts"))
            line.addWidget(box)
        line.addStretch(1)
        form.add_row("parts", "卡上印出", parts, focus=self.address_box,
                     watch=(self.photo_box, self.medical_box))
        self.medical_box.toggled.connect(lambda _on: self.field_changed("medical_note"))

        self.medical_edit = QLineEdit()
        self.medical_edit.setObjectName("medicalNote")
        self.medical_edit.setMaxLength(NOTE_LIMIT)
        self.medical_edit.setPlaceholderText("如 阿尔茨海默病；糖尿病；青霉素过敏")
        self.medical_edit.textChanged.connect(self._note_changed)
        self.generate_button = QPushButton("从健康档案生成")
        self.generate_button.setObjectName("generateNote")
        self.generate_button.setAutoDefault(False)
        self.generate_button.clicked.connect(self.generate_note)
        form.add_row("medical_note", "健康提示", self.medical_edit, aside=self.generate_button)
        if not self.can_health:
            for widget in (self.medical_box, self.medical_edit, self.generate_button):
                widget.setEnabled(False)
                widget.setToolTip(NO_HEALTH)

        self.contacts_spin = QSpinBox()
        self.contacts_spin.setObjectName("maxContacts")
        self.contacts_spin.setRange(1, 3)
        self.contacts_spin.setSuffix(" 位")
        self.contacts_spin.valueChanged.connect(lambda _v: self.field_changed("max_contacts"))
        spin_row = QWidget()
        spin_line = QHBoxLayout(spin_row)
        spin_line.setContentsMargins(0, 0, 0, 0)
        spin_line.addWidget(self.contacts_spin)
        spin_line.addWidget(QLabel("按紧急联系人的顺序，前几位印在卡上"))
        spin_line.addStretch(1)
        form.add_row("max_contacts", "家属电话", spin_row, focus=self.contacts_spin, highlight=self.contacts_spin)

        self.given_by_edit = QLineEdit()
        self.given_by_edit.setObjectName("givenBy")
        self.given_by_edit.setMaxLength(50)
        self.given_by_edit.setPlaceholderText("如 本人、儿子 张伟")
        self.given_by_edit.textChanged.connect(lambda _t: self.field_changed("given_by"))
        form.add_row("given_by", "同意人", self.given_by_edit, required=True)
        self.given_on_edit = DateField(popup_year=2025)
        self.given_on_edit.setObjectName("givenOn")
        metrics = self.fontMetrics()
        self.given_on_edit.setFixedWidth(metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中"))
        self.given_on_edit.dateChanged.connect(lambda _d: self.field_changed("given_on"))
        date_row = QWidget()
        date_line = QHBoxLayout(date_row)
        date_line.setContentsMargins(0, 0, 0, 0)
        date_line.addWidget(self.given_on_edit)
        date_line.addStretch(1)
        form.add_row("given_on", "同意日期", date_row, focus=self.given_on_edit, highlight=self.given_on_edit)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setMaxLength(200)
        self.note_edit.textChanged.connect(lambda _t: self.field_changed("note"))
        form.add_row("note", "备注", self.note_edit)
        self.body.addWidget(form)
        self.body.addStretch(1)

        self.default_button = self.buttons.addButton("恢复为默认", self.buttons.ButtonRole.ResetRole)
        self.default_button.setObjectName("defaultButton")
        self.default_button.setAutoDefault(False)
        self.default_button.setToolTip("删除这份同意书，按社区的默认设置印卡")
        self.default_button.clicked.connect(self.restore_defaults)

    def _show(self, row: ConsentRow) -> None:
        self.address_box.setChecked(row.include_address)
        self.photo_box.setChecked(row.include_photo)
        self.medical_box.setChecked(row.include_medical)
        self.medical_edit.setText(row.medical_note)
        self.contacts_spin.setValue(row.max_contacts)
        self.given_by_edit.setText(row.given_by)
        self.given_on_edit.set_value(row.given_on)
        self.note_edit.setText(row.note)
        self.status.setText(f"已登记同意书（{row.given_by}，{row.given_on:%Y-%m-%d}）。" if row.recorded and row.given_on
                            else "尚未登记同意书：现在按社区的默认设置印卡。")
        self.default_button.setVisible(self.editable and row.recorded)
        self._note_changed()

    def _note_changed(self) -> None:
        text = self.medical_edit.text()
        if self.form is not None:
            self.form.set_hint("medical_note", f"{len(text)}/{NOTE_LIMIT} 字" if text else "")
        self.field_changed("medical_note")

    # -- values -----------------------------------------------------------------------------------
    def current_input(self) -> ConsentInput:
        return ConsentInput(
            include_address=self.address_box.isChecked(), include_photo=self.photo_box.isChecked(),
            include_medical=self.medical_box.isChecked(), medical_note=self.medical_edit.text().strip(),
            max_contacts=self.contacts_spin.value(), given_by=self.given_by_edit.text().strip(),
            given_on=self.given_on_edit.value(), note=self.note_edit.text().strip(),
        )

    def is_dirty(self) -> bool:
        return self.editable and self.current_input() != self._initial

    # -- actions ----------------------------------------------------------------------------------
    def generate_note(self) -> str:
        """Fill 健康提示 from the health record (and tick it); an empty record says so."""
        if not (self.can_health and self.editable):
            return ""
        try:
            with self.db.reader() as session:
                note = consents.suggest_medical_note(session, self.resident_id)
        except ChangShanError as exc:
            self.show_banner(exc.message)
            return ""
        if not note:
            self.form.set_hint("medical_note", "健康档案中没有需要印在卡上的情况。")  # type: ignore[union-attr]
            return ""
        self.medical_edit.setText(note)
        self.medical_box.setChecked(True)
        return note

    def restore_defaults(self) -> bool:
        if not (self.editable and self.consent.recorded):
            return False
        if not ops_module.ask(self, "恢复为默认", f"删除{self.detail.name}的防走失卡同意书，按社区的默认设置印卡？\n"
                                                 "可用“编辑→撤销”恢复。"):
            return False
        try:
            with self.db.transaction(f"恢复防走失卡默认内容 {self.detail.name}") as session:
                consents.clear_consent(session, self.resident_id)
        except ChangShanError as exc:
            self.show_banner(exc.message)
            return False
        self.saved_id = self.resident_id
        self.accept()
        return True

    # -- saving -----------------------------------------------------------------------------------
    def collect_errors(self) -> dict[str, str]:
        return {}  # the service checks everything when saving, before it writes anything

    def write(self) -> int | None:
        self.hide_banner()
        with self.db.transaction(f"修改防走失卡同意书 {self.detail.name}") as session:
            consents.set_consent(session, self.resident_id, self.current_input(), expected_version=self.consent.version)
        return self.resident_id

    def show_all_errors(self, errors: dict[str, str]) -> None:
        self._from_write = on_rows(self._from_write)  # kept under the row until that row changes
        super().show_all_errors(on_rows(errors))


def on_rows(errors: dict[str, str]) -> dict[str, str]:
    """The service's messages keyed by the form row that shows them (several joined with '；')."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        row = ROW_OF.get(key, key)
        shown[row] = f"{shown[row]}；{message}" if row in shown else message
    return shown
