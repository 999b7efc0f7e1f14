"""Form widgets: a form that shows each field's message under it, code-table combos, dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#b3261e"  # red with 6:1 contrast on white: readable for older eyes
HINT_COLOUR = "#1f5f99"

FORM_STYLE = f"""
QLabel[formRole="error"] {{ color: {ERROR_COLOUR}; }}
QLabel[formRole="hint"] {{ color: {HINT_COLOUR}; }}
QLabel[formRole="aside"] {{ color: #2e6b30; }}
QLabel[formRole="banner"] {{
    color: {ERROR_COLOUR}; background: #fdecea; border: 1px solid {ERROR_COLOUR};
    border-radius: 4px; padding: 6px;
}}
QLabel[formRole="confirm"] {{
    background: #fff8e1; border: 1px solid #d9a400; border-radius: 4px; padding: 8px;
}}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QDateEdit[invalid="true"], QFrame[invalid="true"] {{
    border: 2px solid {ERROR_COLOUR}; border-radius: 3px;
}}
"""


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def format_date(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def set_combo_data(combo: QComboBox, data: object) -> bool:
    """Select the item whose user data is ``data``; False when there is none."""
    index = combo.findData(data)
    if index < 0:
        return False
    combo.setCurrentIndex(index)
    return True


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str, no: str) -> bool:
    """A yes/no question with plain Chinese buttons; ``no`` is the default (the safe answer)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def wrap_lines(text: str, metrics: QFontMetrics, width: int) -> str:
    """Break ``text`` into lines no wider than ``width`` pixels (character by character, as
    Chinese is written; a line never starts with closing punctuation)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and metrics.horizontalAdvance(line + ch) > width and ch not in _NO_LINE_START:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return "\n".join(lines)


_NO_LINE_START = "，。、；：？！）》」』”’·…,.;:?!)"


class CodeCombo(QComboBox):
    """A combo over a code table's ``(code, label)`` entries.

    ``filterable`` makes it typeable: the list narrows to labels containing what was typed, and
    on leaving the field a text that matches exactly one label is completed to it.
    ``blank`` adds a first, empty choice (code ``""``).
    """

    def __init__(
        self, entries: Iterable[tuple[str, str]], *, filterable: bool = False, blank: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._blank = blank
        self.setMaxVisibleItems(15)
        if filterable:
            self.setEditable(True)
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.lineEdit().editingFinished.connect(self._complete_unique)
            if blank is not None:
                self.lineEdit().setPlaceholderText(blank)
        self.set_entries(entries)

    def set_entries(self, entries: Iterable[tuple[str, str]]) -> None:
        """Replace the choices (the selection is cleared)."""
        self._entries = list(entries)
        self.blockSignals(True)
        self.clear()
        if self._blank is not None:
            self.addItem("" if self.isEditable() else self._blank, "")
        for code, label in self._entries:
            self.addItem(label, code)
        if self.isEditable():
            completer = QCompleter([label for _, label in self._entries], self)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setMaxVisibleItems(12)
            self.setCompleter(completer)
        self.setCurrentIndex(0 if self.count() else -1)
        self.blockSignals(False)
        self.currentIndexChanged.emit(self.currentIndex())

    def code(self) -> str:
        """The chosen code; ``""`` when empty; for a typed text matching no label, the text itself
        (so that the service says it is not in the list)."""
        if not self.isEditable():
            return self.currentData() or ""
        text = self.currentText().strip()
        if not text:
            return ""
        for code, label in self._entries:
            if label == text:
                return code
        return text

    def matched_code(self) -> str | None:
        """The code of the chosen entry; None when nothing from the list is chosen."""
        if not self.isEditable():
            return self.currentData() or None
        text = self.currentText().strip()
        return next((code for code, label in self._entries if label == text), None)

    def set_code(self, code: str | None) -> None:
        if not set_combo_data(self, code or ""):
            if self.isEditable():
                self.setEditText(code or "")
            else:
                self.setCurrentIndex(-1)

    def _complete_unique(self) -> None:
        text = self.currentText().strip()
        if not text or any(label == text for _, label in self._entries):
            return
        matches = [code for code, label in self._entries if text in label]
        if len(matches) == 1:
            self.set_code(matches[0])


class DateField(QDateEdit):
    """A date with a calendar popup. With ``allow_empty`` it can hold "not filled in" (``None``),
    shown as ``empty_text``; the popup then opens at ``popup_year`` instead of 1889."""

    EMPTY = date(1889, 12, 31)

    def __init__(
        self, *, allow_empty: bool = False, empty_text: str = "未填写", popup_year: int = 1960,
        maximum: date | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._allow_empty = allow_empty
        self._popup_year = popup_year
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(qdate(self.EMPTY if allow_empty else date(1890, 1, 1)))
        self.setMaximumDate(qdate(maximum or date.today()))
        if allow_empty:
            self.setSpecialValueText(empty_text)
        self.set_value(None)
        self.calendarWidget().installEventFilter(self)
        self.calendarWidget().setGridVisible(True)

    def value(self) -> date | None:
        chosen = pydate(self.date())
        if self._allow_empty and chosen == self.EMPTY:
            return None
        return chosen

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.setDate(self.minimumDate() if self._allow_empty else qdate(date.today()))
        else:
            self.setDate(qdate(value))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show and watched is self.calendarWidget() and self.value() is None:
            self.calendarWidget().setCurrentPage(self._popup_year, 1)
        return super().eventFilter(watched, event)


class CheckGroup(QFrame):
    """A set of check boxes in ``columns`` columns; ``values()`` lists the checked labels in order."""

    changed = Signal()

    def __init__(self, labels: Sequence[str], *, columns: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkGroup")
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        for index, label in enumerate(labels):
            box = QCheckBox(label, self)
            box.toggled.connect(self.changed)
            layout.addWidget(box, index // columns, index % columns)
            self.boxes[label] = box

    def values(self) -> list[str]:
        return [label for label, box in self.boxes.items() if box.isChecked()]

    def set_values(self, values: Iterable[str]) -> None:
        wanted = set(values)
        for label, box in self.boxes.items():
            box.setChecked(label in wanted)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()), self)


@dataclass
class _Row:
    key: str
    label: QLabel
    widget: QWidget  # what gets the red border
    focus: QWidget  # what gets the focus when the field is bad
    error: QLabel
    hint: QLabel


class ValidatedForm(QWidget):
    """Labelled fields in one or more columns; each can show a message right under it.

    ``show_errors`` takes the service's ``{field: message}`` mapping; ``on_leave`` is called
    with the field's key whenever the user leaves one of its widgets.
    """

    def __init__(self, *, columns: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(6)
        self._next_row = [0] * columns
        self._columns = columns
        for column in range(columns):
            self._grid.setColumnStretch(column * 2 + 1, 1)
            if column:
                self._grid.setColumnMinimumWidth(column * 2, 0)
        self._rows: dict[str, _Row] = {}
        self._watched: dict[QObject, str] = {}
        self._cells: dict[QObject, str] = {}
        self.on_leave: Callable[[str], None] | None = None
        self.on_change: Callable[[str], None] | None = None

    # -- building -------------------------------------------------------------------------
    def add_row(
        self, key: str, label: str, widget: QWidget, *, column: int = 0, full_width: bool = False,
        required: bool = False, focus: QWidget | None = None, aside: QWidget | None = None,
        watch: Iterable[QWidget] = (), highlight: QWidget | None = None,
    ) -> QWidget:
        """Add a field. ``aside`` sits to the right of the widget (a unit, a derived value);
        ``watch`` lists extra widgets whose focus-out counts as leaving the field."""
        mark = f"<span style='color:{ERROR_COLOUR}'>*</span>" if required else ""
        label_widget = QLabel(f"{label}{mark}：")
        label_widget.setTextFormat(Qt.TextFormat.RichText)
        label_widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label_widget.setContentsMargins(0, 5, 0, 0)
        label_widget.setBuddy(focus or widget)

        cell = QWidget(self)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(widget, 1)
        if aside is not None:
            line.addWidget(aside, 0)
        box.addLayout(line)
        # Messages are broken into lines here rather than word-wrapped by Qt: a word-wrapped
        # label in a grid gets its one-line height and the second line is cut off.
        error = QLabel(cell)
        error.setProperty("formRole", "error")
        error.setObjectName(f"error_{key}")
        error.hide()
        hint = QLabel(cell)
        hint.setProperty("formRole", "hint")
        hint.setObjectName(f"hint_{key}")
        hint.hide()
        box.addWidget(error)
        box.addWidget(hint)
        box.addStretch(1)  # a taller neighbour (one showing a message) must not push this field down

        if full_width:
            row = max(self._next_row)
            self._grid.addWidget(label_widget, row, 0)
            self._grid.addWidget(cell, row, 1, 1, self._columns * 2 - 1)
            self._next_row = [row + 1] * self._columns
        else:
            row = self._next_row[column]
            self._grid.addWidget(label_widget, row, column * 2)
            self._grid.addWidget(cell, row, column * 2 + 1)
            self._next_row[column] = row + 1

        self._cells[cell] = key
        cell.installEventFilter(self)
        focus_widget = focus or widget
        self._rows[key] = _Row(key, label_widget, highlight or widget, focus_widget, error, hint)
        for watched in (focus_widget, *watch):
            self._watch(watched, key)
        return cell

    def _watch(self, widget: QWidget, key: str) -> None:
        targets = [widget]
        if isinstance(widget, QComboBox) and widget.isEditable():
            targets.append(widget.lineEdit())
        if isinstance(widget, CheckGroup):
            targets = list(widget.boxes.values())
        for target in targets:
            self._watched[target] = key
            target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and watched in self._cells:
            self._rewrap(self._rows[self._cells[watched]])  # break the messages for the new width
        if event.type() == QEvent.Type.FocusOut and watched in self._watched:
            reason = event.reason()  # type: ignore[attr-defined]
            if reason not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
                key = self._watched[watched]
                if self.on_leave is not None:
                    self.on_leave(key)
        return super().eventFilter(watched, event)

    # -- messages -------------------------------------------------------------------------
    def keys(self) -> list[str]:
        return list(self._rows)

    def show_errors(self, errors: dict[str, str], *, only: Iterable[str] | None = None) -> dict[str, str]:
        """Show each known field's message under it (only the ``only`` fields, when given) and
        clear the others. Returns the messages that belong to no field of this form."""
        shown = set(self._rows) if only is None else set(only)
        for key, row in self._rows.items():
            message = errors.get(key, "") if key in shown else ""
            self._set_error(row, message)
        return {key: message for key, message in errors.items() if key not in self._rows}

    def _wrapped(self, row: _Row, label: QLabel, message: str) -> str:
        label.setToolTip(message)
        label.setProperty("message", message)
        width = label.parentWidget().width()
        if width < 120:  # not laid out yet: about as wide as a field usually is
            width = 360
        return wrap_lines(message, label.fontMetrics(), width - 4)

    def _rewrap(self, row: _Row) -> None:
        for label in (row.error, row.hint):
            message = label.property("message")
            if message:
                label.setText(self._wrapped(row, label, message))

    def _set_error(self, row: _Row, message: str) -> None:
        row.error.setText(self._wrapped(row, row.error, message))
        row.error.setVisible(bool(message))
        invalid = bool(message)
        if bool(row.widget.property("invalid")) != invalid:
            row.widget.setProperty("invalid", invalid)
            repolish(row.widget)
        row.widget.setToolTip(message)

    def clear_errors(self) -> None:
        self.show_errors({})

    def error_text(self, key: str) -> str:
        """The message shown under the field (as the service worded it), or ``""``."""
        row = self._rows[key]
        return (row.error.property("message") or "") if row.error.isVisibleTo(self) else ""

    def errors_shown(self) -> dict[str, str]:
        return {key: self.error_text(key) for key in self._rows if self.error_text(key)}

    def set_hint(self, key: str, text: str) -> None:
        row = self._rows[key]
        row.hint.setText(self._wrapped(row, row.hint, text))
        row.hint.setVisible(bool(text))

    def hint_text(self, key: str) -> str:
        return self._rows[key].hint.property("message") or ""

    def first_in_order(self, keys: Iterable[str]) -> str | None:
        wanted = set(keys)
        return next((key for key in self._rows if key in wanted), None)

    def focus_field(self, key: str) -> None:
        row = self._rows[key]
        target = row.focus
        if isinstance(target, CheckGroup):
            target = target.focus_target()
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def field_widget(self, key: str) -> QWidget:
        return self._rows[key].widget

    def label_of(self, key: str) -> QLabel:
        return self._rows[key].label

    def set_row_visible(self, key: str, visible: bool) -> None:
        row = self._rows[key]
        row.label.setVisible(visible)
        row.error.parentWidget().setVisible(visible)
