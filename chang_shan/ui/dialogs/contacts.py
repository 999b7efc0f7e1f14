"""紧急联系人: up to five people to call for a resident, in calling order.

Each contact is one line (name, relation, phone, note) with 上移/下移/删除; 添加联系人 adds a line.
Saving replaces the whole list through ``care.contacts.set_contacts`` in one journaled action
(编辑→撤销 takes it back). The service checks everything before it writes; its messages, keyed
``contacts[i].phone`` and so on, appear under the line and field they belong to. Someone who may
not edit the resident sees the list read-only, with the phones masked by the service.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput, ContactRow
from chang_shan.population import access, residents
from chang_shan.ui.forms.fields import repolish, wrap_lines
from chang_shan.ui.forms.form_dialog import FormDialog

if TYPE_CHECKING:
    from chang_shan.db.database import Database

MAX_CONTACTS = 5
RELATIONS = ("儿子", "女儿", "配偶", "儿媳", "女婿", "孙子", "孙女", "兄弟", "姐妹", "亲属", "邻居", "朋友", "其他")
FIELDS = ("name", "relation", "phone", "note")
FIELD_LABELS = {"name": "姓名", "relation": "关系", "phone": "电话", "note": "备注"}
# (field, width in characters of "中"; 0 stretches)
WIDTHS = (("name", 6), ("relation", 5), ("phone", 9), ("note", 0))
_KEY = re.compile(r"^contacts\[(\d+)\]\.(\w+)$")


class ContactLine(QFrame):
    """One contact: the four fields, the order buttons and the messages for this line."""

    def __init__(self, dialog: ContactsDialog, *, editable: bool) -> None:
        super().__init__(dialog)
        self.setObjectName("contactLine")
        em = self.fontMetrics().horizontalAdvance("中")
        self.number = QLabel(self)
        self.number.setMinimumWidth(2 * em)
        self.name = QLineEdit(self)
        self.name.setMaxLength(50)
        self.name.setPlaceholderText("姓名")
        self.relation = QComboBox(self)
        self.relation.setEditable(True)
        self.relation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.relation.addItems(["", *RELATIONS])
        self.relation.lineEdit().setMaxLength(20)
        self.relation.lineEdit().setPlaceholderText("如 女儿")
        self.phone = QLineEdit(self)
        self.phone.setMaxLength(30)
        self.phone.setPlaceholderText("手机或座机")
        self.note = QLineEdit(self)
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("如 住南关区，晚上可打")
        self.up = QToolButton(self)
        self.down = QToolButton(self)
        self.remove = QToolButton(self)
        for button, text, tip in ((self.up, "上移", "先打这一位"), (self.down, "下移", "后打这一位"),
                                  (self.remove, "删除", "删除这位联系人")):
            button.setText(text)
            button.setToolTip(tip)
        self.error = QLabel(self)
        self.error.setObjectName("contactError")
        self.error.setProperty("formRole", "error")
        self.error.hide()

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.number)
        for key, width in WIDTHS:
            widget = self.widget(key)
            widget.setObjectName(key)
            if width:
                widget.setFixedWidth(int(width * em * 1.25))
            line.addWidget(widget, 0 if width else 1)
        self.note.setMinimumWidth(10 * em)
        for button in (self.up, self.down, self.remove):
            button.setVisible(editable)
            line.addWidget(button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(line)
        box.addWidget(self.error)
        for edit in (self.name, self.relation.lineEdit(), self.phone, self.note):
            edit.setReadOnly(not editable)
            edit.textChanged.connect(self.clear_errors)
        self.relation.setEnabled(editable)

    def widget(self, key: str) -> QWidget:
        return {"name": self.name, "relation": self.relation, "phone": self.phone, "note": self.note}[key]

    def values(self) -> ContactInput:
        return ContactInput(name=self.name.text(), relation=self.relation.currentText(), phone=self.phone.text(),
                            note=self.note.text())

    def set_values(self, data: ContactInput) -> None:
        self.name.setText(data.name)
        self.relation.setEditText(data.relation)
        self.phone.setText(data.phone)
        self.note.setText(data.note)
        self.clear_errors()

    def show_errors(self, errors: dict[str, str]) -> None:
        """``{field: message}`` for this line: red borders and the messages under the line."""
        for key in FIELDS:
            widget = self.widget(key)
            invalid = key in errors
            if bool(widget.property("invalid")) != invalid:
                widget.setProperty("invalid", invalid)
                repolish(widget)
            widget.setToolTip(errors.get(key, ""))
        text = "；".join(f"{FIELD_LABELS.get(key, key)}：{message}" for key, message in errors.items())
        self.error.setProperty("message", text)
        self.error.setText(wrap_lines(text, self.error.fontMetrics(), max(self.width(), 480) - 8))
        self.error.setVisible(bool(text))

    def clear_errors(self) -> None:
        if self.error.isVisibleTo(self) or any(self.widget(k).property("invalid") for k in FIELDS):
            self.show_errors({})

    def error_text(self) -> str:
        return (self.error.property("message") or "") if self.error.isVisibleTo(self) else ""

    def first_bad(self, errors: dict[str, str]) -> QWidget | None:
        return next((self.widget(key) for key in FIELDS if key in errors), None)


class ContactsDialog(FormDialog):
    """``ContactsDialog(db, resident_id)``: ``exec()`` returns ``Accepted`` once saved."""

    enter_saves = False  # Enter moves on to the next field; Ctrl+S or the button saves

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="紧急联系人", parent=parent)
        self.resident_id = resident_id
        with db.reader() as session:
            self.detail = residents.resident_detail(session, resident_id)
            rows = contacts.list_contacts(session, resident_id)
            self.editable = access.can_edit_resident(session, db.actor, resident_id)
        self.lines: list[ContactLine] = []
        # The lines in the order they were sent to the service (its messages name them by index).
        self._sent: list[ContactLine] = []

        d = self.detail
        header = QLabel("　".join(p for p in (d.name, f"{d.age} 岁" if d.age is not None else "", d.address) if p))
        header.setObjectName("header")
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        header.setFont(font)
        self.body.addWidget(header)
        explain = "有事时按顺序拨打，最多 5 位；家属在前。" if self.editable else \
            "您可以查看，但不能修改此居民的紧急联系人；电话已遮盖。"
        self.explain = QLabel(explain)
        self.explain.setObjectName("explain")
        self.explain.setProperty("formRole", "hint")
        self.body.addWidget(self.explain)
        self.body.addWidget(self._column_titles())
        self.lines_box = QVBoxLayout()
        self.lines_box.setSpacing(6)
        self.body.addLayout(self.lines_box)
        self.empty_label = QLabel("尚未登记紧急联系人。")
        self.empty_label.setObjectName("emptyText")
        self.body.addWidget(self.empty_label)
        self.add_button = QPushButton("添加联系人")
        self.add_button.setObjectName("addContact")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_line())
        self.add_button.setVisible(self.editable)
        self.body.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)

        for row in rows:
            self.add_line(_as_input(row), focus=False)
        if self.editable and not rows:
            self.add_line(focus=False)
        if not self.editable:
            self.save_button.hide()
            self.save_shortcut.setEnabled(False)
            self.cancel_button.setText("关闭")
        self._initial = self.values()
        self._renumber()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 56)
        if self.lines and self.editable:
            self.lines[0].name.setFocus()

    def _column_titles(self) -> QWidget:
        titles = QWidget(self)
        em = self.fontMetrics().horizontalAdvance("中")
        row = QHBoxLayout(titles)
        row.setContentsMargins(0, 0, 0, 0)
        order = QLabel("顺序")
        order.setMinimumWidth(2 * em)
        row.addWidget(order)
        for key, width in WIDTHS:
            label = QLabel(FIELD_LABELS[key] + ("*" if key == "name" else ""))
            if width:
                label.setFixedWidth(int(width * em * 1.25))
            row.addWidget(label, 0 if width else 1)
        if self.editable:
            row.addSpacing(int(em * 7.5))
        return titles

    # -- the lines ------------------------------------------------------------------------------
    def add_line(self, data: ContactInput | None = None, *, focus: bool = True) -> ContactLine | None:
        if len(self.lines) >= MAX_CONTACTS:
            return None
        line = ContactLine(self, editable=self.editable)
        if data is not None:
            line.set_values(data)
        line.up.clicked.connect(lambda: self.move(line, -1))
        line.down.clicked.connect(lambda: self.move(line, +1))
        line.remove.clicked.connect(lambda: self.remove_line(line))
        self.lines.append(line)
        self.lines_box.addWidget(line)
        self._renumber()
        if focus:
            line.name.setFocus()
        return line

    def remove_line(self, line: ContactLine) -> None:
        index = self.lines.index(line)
        self.lines.pop(index)
        self.lines_box.removeWidget(line)
        line.deleteLater()
        self._renumber()
        if self.lines:
            self.lines[min(index, len(self.lines) - 1)].name.setFocus()
        else:
            self.add_button.setFocus()

    def move(self, line: ContactLine, step: int) -> None:
        """Swap the contents with the neighbouring line (the calling order changes)."""
        index = self.lines.index(line)
        other = index + step
        if not 0 <= other < len(self.lines):
            return
        here, there = line.values(), self.lines[other].values()
        line.set_values(there)
        self.lines[other].set_values(here)
        (self.lines[other].up if step < 0 else self.lines[other].down).setFocus()
        self._renumber()

    def _renumber(self) -> None:
        for position, line in enumerate(self.lines, start=1):
            line.number.setText(f"{position}.")
            line.up.setEnabled(position > 1)
            line.down.setEnabled(position < len(self.lines))
        self.add_button.setEnabled(len(self.lines) < MAX_CONTACTS)
        self.add_button.setToolTip("" if len(self.lines) < MAX_CONTACTS else "最多登记 5 位紧急联系人。")
        self.empty_label.setVisible(not self.lines)
        # Tab as on screen: the last line, 添加联系人, 保存, 取消 (保存 and 取消 were made first).
        chain = ([self.lines[-1].remove] if self.lines else []) + [self.add_button, self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def values(self) -> list[ContactInput]:
        return [line.values() for line in self.lines]

    def is_dirty(self) -> bool:
        return self.editable and self.values() != self._initial

    # -- saving -----------------------------------------------------------------------------------
    def collect_errors(self) -> dict[str, str]:
        return {}  # the service checks the whole list when saving, before it writes anything

    def write(self) -> int | None:
        self.hide_banner()
        for line in self.lines:
            line.clear_errors()
        self._sent = list(self.lines)  # the service skips blank lines but counts them in its keys
        with self.db.transaction(f"修改紧急联系人 {self.detail.name}") as session:
            contacts.set_contacts(session, self.resident_id, [line.values() for line in self._sent])
        return self.resident_id

    def show_all_errors(self, errors: dict[str, str]) -> None:
        """Each ``contacts[i].field`` message under the line it belongs to; the rest in the banner."""
        per_line: dict[int, dict[str, str]] = {}
        elsewhere = []
        for key, message in errors.items():
            match = _KEY.match(key)
            if match and int(match.group(1)) < len(self._sent):
                per_line.setdefault(int(match.group(1)), {})[match.group(2)] = message
            else:
                elsewhere.append(message)
        first: QWidget | None = None
        for index, line_errors in sorted(per_line.items()):
            line = self._sent[index]
            line.show_errors(line_errors)
            first = first or line.first_bad(line_errors)
        if elsewhere:
            self.show_banner("\n".join(elsewhere))
        elif per_line:
            self.show_banner("有需要改正的地方（见标红的项目），改正后再保存。", summary=True)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def errors_shown(self) -> dict[int, str]:
        """Line number (1 first) → the message shown under it."""
        return {n: line.error_text() for n, line in enumerate(self.lines, start=1) if line.error_text()}


def _as_input(row: ContactRow) -> ContactInput:
    return ContactInput(name=row.name, relation=row.relation, phone=row.phone, note=row.note)
