"""The base of the governance dialogs: a bold header (which record), a form whose rows are named
as the services name their fields (so a ``ValidationError`` lands under the right field), and one
journaled action on save (编辑→撤销 takes it back). ``perform(session)`` does the write; ``check()``
gives the messages that can be known before writing (the services' own pure rules)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from chang_shan.ui.dialogs.health_fields import heading, left_aligned
from chang_shan.ui.dialogs.service_request import _text_box
from chang_shan.ui.forms import DateField, FormDialog, ValidatedForm

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database

UNDO_HINT = "保存后可在“编辑→撤销”中撤销。"
FAR = 3650  # days ahead a date field may go (notice periods, loan due dates)


class GovDialog(FormDialog):
    """Subclasses build rows with the ``*_row`` helpers, then implement ``perform`` and
    ``action_name`` (and ``check`` for live messages)."""

    enter_saves = False  # these record events: the button confirms

    def __init__(self, db: Database, *, title: str, save_text: str = "保存", header: str = "", columns: int = 1,
                 width: int = 640, parent: QWidget | None = None) -> None:
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.header = heading(header)
        self.header.setWordWrap(True)
        self.body.addWidget(self.header)
        if not header:
            self.header.hide()
        self.form = self.use_form(ValidatedForm(columns=columns, parent=self))
        self.body.addWidget(self.form)
        self._dirty = False
        self.saved_key: object | None = None
        self.done_message = ""
        self.result_value: Any = None
        self.setMinimumWidth(width)

    # --- rows -----------------------------------------------------------------------------------
    def _changed(self, key: str) -> None:
        self._dirty = True
        self.field_changed(key)
        self.on_change(key)

    def on_change(self, key: str) -> None:
        """A field changed (live parts of the dialog follow)."""

    def line_row(self, key: str, label: str, *, placeholder: str = "", required: bool = False, column: int = 0,
                 max_length: int = 200, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(key)
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda _t: self._changed(key))
        self.form.add_row(key, label, edit, required=required, column=column)  # type: ignore[union-attr]
        return edit

    def box_row(self, key: str, label: str, *, placeholder: str = "", lines: int = 3, required: bool = False,
                text: str = "", full_width: bool = True) -> QPlainTextEdit:
        box = _text_box(key, placeholder, lines)
        box.setPlainText(text)
        box.textChanged.connect(lambda: self._changed(key))
        self.form.add_row(key, label, box, required=required, full_width=full_width)  # type: ignore[union-attr]
        return box

    def date_row(self, key: str, label: str, *, value: date | None = None, required: bool = True, column: int = 0,
                 future: bool = False, allow_empty: bool = False) -> DateField:
        field = DateField(allow_empty=allow_empty, popup_year=date.today().year,
                          maximum=date.today() + timedelta(days=FAR) if future else None)
        field.setObjectName(key)
        field.set_value(value if value is not None or allow_empty else date.today())
        field.dateChanged.connect(lambda _d: self._changed(key))
        self.form.add_row(key, label, left_aligned(field), required=required, column=column,  # type: ignore[union-attr]
                          focus=field, highlight=field)
        return field

    def spin_row(self, key: str, label: str, *, value: int = 0, maximum: int = 9999, suffix: str = "",
                 column: int = 0, required: bool = False) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(key)
        spin.setRange(0, maximum)
        spin.setValue(value)
        if suffix:
            spin.setSuffix(suffix)
        spin.valueChanged.connect(lambda _v: self._changed(key))
        self.form.add_row(key, label, left_aligned(spin), column=column, required=required,  # type: ignore[union-attr]
                          focus=spin, highlight=spin)
        return spin

    def money_row(self, key: str, label: str, *, value: Decimal | None = None, maximum: float = 1_000_000,
                  column: int = 0, required: bool = True) -> QDoubleSpinBox:
        """Yuan with two decimals; read back with ``money_of`` (as a Decimal from its text)."""
        spin = QDoubleSpinBox()
        spin.setObjectName(key)
        spin.setDecimals(2)
        spin.setRange(0, maximum)
        spin.setPrefix("¥")
        spin.setGroupSeparatorShown(True)
        if value is not None:
            spin.setValue(float(value))
        spin.valueChanged.connect(lambda _v: self._changed(key))
        self.form.add_row(key, label, left_aligned(spin), column=column, required=required,  # type: ignore[union-attr]
                          focus=spin, highlight=spin)
        return spin

    def combo_row(self, key: str, label: str, items: list[tuple[str, object]], *, required: bool = True,
                  column: int = 0, editable: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(key)
        combo.setEditable(editable)
        for text, value in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i: self._changed(key))
        if editable:
            combo.editTextChanged.connect(lambda _t: self._changed(key))
        self.form.add_row(key, label, combo, required=required, column=column)  # type: ignore[union-attr]
        return combo

    def note(self, text: str, role: str = "confirm") -> QLabel:
        """A line under the form: what saving will do (``confirm``) or a ``hint``."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setProperty("formRole", role)
        self.body.addWidget(label)
        return label

    # --- saving ---------------------------------------------------------------------------------
    def check(self) -> dict[str, str]:
        return {}

    def collect_errors(self) -> dict[str, str]:
        return self.check()

    def is_dirty(self) -> bool:
        return self._dirty

    def action_name(self) -> str:
        raise NotImplementedError

    def perform(self, session: Session) -> Any:
        raise NotImplementedError

    def write(self) -> int | None:
        with self.db.transaction(self.action_name()) as session:
            self.result_value = self.perform(session)
        return self.saved_key if isinstance(self.saved_key, int) else None


def money_of(spin: QDoubleSpinBox) -> Decimal:
    """The spin box's yuan as an exact Decimal (from the text it shows, never the float)."""
    return Decimal(spin.cleanText().replace(",", "") or "0")
