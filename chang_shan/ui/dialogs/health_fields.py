"""Form pieces of the 居民健康库 dialogs: a row of radio buttons over a code table, check boxes
where 无 stands alone, the 家族史 grid, the 既往史 lines, and a form (or a set of tabbed forms)
that puts the services' messages keyed ``conditions[2].name`` or ``systolic`` under the field
that shows them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan.health.codes import NONE_CODE
from chang_shan.health.shapes import ConditionInput
from chang_shan.ui.forms.fields import ERROR_COLOUR, CheckGroup, CodeCombo, DateField, ValidatedForm
from chang_shan.ui.forms.form_dialog import FormDialog

_INDEXED = re.compile(r"^(\w+)\[([^\]]+)\](?:\.(\w+))?$")


class RadioRow(QFrame):
    """One choice from a code table as a row of radio buttons (血型, RH, 上门/电话 …)."""

    changed = Signal()

    def __init__(self, entries: Iterable[tuple[str, str]], *, columns: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setHorizontalSpacing(16)
        for index, (code, label) in enumerate(entries):
            button = QRadioButton(label, self)
            button.setObjectName(f"radio_{code}")
            # Never narrower than its text: a window first shown at most 2/3 of the screen wide
            # would otherwise cut the longer choices short.
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.group.addButton(button)
            self.buttons[code] = button
            row, column = divmod(index, columns) if columns else (0, index)
            layout.addWidget(button, row, column)
            button.toggled.connect(lambda on: on and self.changed.emit())
        layout.setColumnStretch(layout.columnCount(), 1)

    def code(self) -> str:
        return next((code for code, button in self.buttons.items() if button.isChecked()), "")

    def set_code(self, code: str) -> None:
        button = self.buttons.get(code)
        if button is not None:
            button.setChecked(True)
            return
        self.group.setExclusive(False)
        for other in self.buttons.values():
            other.setChecked(False)
        self.group.setExclusive(True)

    def focus_target(self) -> QWidget:
        return self.buttons.get(self.code()) or next(iter(self.buttons.values()))


class CodeChecks(CheckGroup):
    """Several codes of a table as check boxes. With ``none_code`` (无 / 无残疾) ticking 无 unticks
    the others and ticking another unticks 无, as on the paper form."""

    def __init__(self, entries: Iterable[tuple[str, str]], *, columns: int = 4, none_code: str | None = NONE_CODE,
                 parent: QWidget | None = None) -> None:
        entries = list(entries)
        super().__init__([label for _code, label in entries], columns=columns, parent=parent)
        self.by_code = {code: self.boxes[label] for code, label in entries}
        self._none = none_code if none_code in self.by_code else None
        for code, box in self.by_code.items():
            box.setObjectName(f"check_{code}")
            box.toggled.connect(lambda on, c=code: self._exclusive(c, on))

    def _exclusive(self, code: str, on: bool) -> None:
        if not on or self._none is None:
            return
        others = [c for c in self.by_code if c != self._none] if code == self._none else [self._none]
        for other in others:
            self.by_code[other].setChecked(False)

    def codes(self) -> list[str]:
        return [code for code, box in self.by_code.items() if box.isChecked()]

    def set_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for code, box in self.by_code.items():
            box.blockSignals(True)
            box.setChecked(code in wanted)
            box.blockSignals(False)
        self.changed.emit()


class FamilyGrid(QFrame):
    """家族史: a check box per disease (rows) and relative (columns); 无 stands alone in a column."""

    changed = Signal()

    def __init__(self, relatives: Sequence[str], diseases: Iterable[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("familyGrid")
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setHorizontalSpacing(24)
        layout.setVerticalSpacing(4)
        self.boxes: dict[tuple[str, str], QCheckBox] = {}
        self.relatives = tuple(relatives)
        self.diseases = list(diseases)
        for column, relative in enumerate(self.relatives, start=1):
            head = QLabel(relative)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            layout.addWidget(head, 0, column)
        for row, (code, label) in enumerate(self.diseases, start=1):
            layout.addWidget(QLabel(label), row, 0)
            for column, relative in enumerate(self.relatives, start=1):
                box = QCheckBox(self)
                box.setObjectName(f"family_{relative}_{code}")
                box.setAccessibleName(f"{relative}：{label}")
                box.setToolTip(f"{relative}：{label}")
                box.toggled.connect(lambda on, r=relative, c=code: self._toggled(r, c, on))
                layout.addWidget(box, row, column, Qt.AlignmentFlag.AlignCenter)
                self.boxes[(relative, code)] = box
        layout.setColumnStretch(len(self.relatives) + 1, 1)

    def _toggled(self, relative: str, code: str, on: bool) -> None:
        if on:
            if code == NONE_CODE:
                for other, _label in self.diseases:
                    if other != NONE_CODE:
                        self.boxes[(relative, other)].setChecked(False)
            elif (relative, NONE_CODE) in self.boxes:
                self.boxes[(relative, NONE_CODE)].setChecked(False)
        self.changed.emit()

    def values(self) -> dict[str, list[str]]:
        chosen: dict[str, list[str]] = {}
        for relative in self.relatives:
            codes = [code for code, _label in self.diseases if self.boxes[(relative, code)].isChecked()]
            if codes:
                chosen[relative] = codes
        return chosen

    def set_values(self, history: dict[str, list[str]]) -> None:
        for (relative, code), box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in history.get(relative, ()))
            box.blockSignals(False)
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()))


class ConditionLine(QFrame):
    """One 既往史 line: category, disease (for 疾病), name, year and month, and a 删除 button."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, categories: Sequence[str], diseases: Iterable[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = CodeCombo([(c, c) for c in categories])
        self.category.setObjectName("category")
        self.disease = CodeCombo([(c, label) for c, label in diseases if c != NONE_CODE], blank="请选择疾病")
        self.disease.setObjectName("disease")
        self.name = QLineEdit()
        self.name.setObjectName("conditionName")
        self.name.setMaxLength(100)
        self.on_date = DateField(allow_empty=True, empty_text="时间不详", popup_year=date.today().year)
        self.on_date.setDisplayFormat("yyyy-MM")
        self.on_date.setObjectName("conditionDate")
        self.on_date.setToolTip("确诊（或手术、外伤、输血）的年月")
        self.remove = QPushButton("删除")
        self.remove.setAutoDefault(False)
        self.remove.setObjectName("removeLine")
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.category)
        layout.addWidget(self.disease, 2)
        layout.addWidget(self.name, 2)
        layout.addWidget(self.on_date)
        layout.addWidget(self.remove)
        self.category.currentIndexChanged.connect(self._category_changed)
        for signal in (self.disease.currentIndexChanged, self.name.textChanged, self.on_date.dateChanged):
            signal.connect(self.changed)
        self._category_changed()

    def _category_changed(self) -> None:
        disease = self.category.code() == "疾病"
        self.disease.setVisible(disease)
        self.name.setPlaceholderText("恶性肿瘤填部位，其他填病名" if disease else f"{self.category.code()}名称或原因")
        self.changed.emit()

    def value(self) -> ConditionInput:
        disease = self.category.code() == "疾病"
        return ConditionInput(category=self.category.code(), code=self.disease.code() if disease else "",
                              name=self.name.text(), on_date=self.on_date.value())

    def set_value(self, line: ConditionInput) -> None:
        self.category.set_code(line.category)
        self.disease.set_code(line.code)
        self.name.setText(line.name)
        self.on_date.set_value(line.on_date)

    def blank(self) -> bool:
        line = self.value()
        return not (line.code or line.name.strip() or line.on_date)


class ConditionList(QFrame):
    """既往史 as an editable list of lines; ``values()`` leaves out lines left blank and
    ``line_number(i)`` turns the index of a given condition into the 1-based line on screen."""

    changed = Signal()

    def __init__(self, categories: Sequence[str], diseases: Iterable[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditions")
        self._categories = tuple(categories)
        self._diseases = list(diseases)
        self.lines: list[ConditionLine] = []
        self._given: list[int] = []  # screen line of each condition handed to the service
        self._box = QVBoxLayout()
        self._box.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel("无既往史。有疾病、手术、外伤或输血时，点“添加一条”。")
        self.empty.setStyleSheet("color: #555555;")
        self.add_button = QPushButton("添加一条")
        self.add_button.setObjectName("addLine")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_line().category.setFocus())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.empty)
        layout.addLayout(self._box)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    def add_line(self, value: ConditionInput | None = None) -> ConditionLine:
        line = ConditionLine(self._categories, self._diseases, self)
        if value is not None:
            line.set_value(value)
        line.changed.connect(self.changed)
        line.removeRequested.connect(self.remove_line)
        self._box.addWidget(line)
        self.lines.append(line)
        self.empty.setVisible(False)
        self.changed.emit()
        return line

    def remove_line(self, line: ConditionLine) -> None:
        self.lines.remove(line)
        self._box.removeWidget(line)
        line.deleteLater()
        self.empty.setVisible(not self.lines)
        self.changed.emit()

    def values(self) -> list[ConditionInput]:
        given = [(number, line.value()) for number, line in enumerate(self.lines, start=1) if not line.blank()]
        self._given = [number for number, _value in given]
        return [value for _number, value in given]

    def set_values(self, lines: Iterable[ConditionInput]) -> None:
        for line in list(self.lines):
            self.remove_line(line)
        for value in lines:
            self.add_line(value)

    def line_number(self, index: int) -> int:
        return self._given[index] if 0 <= index < len(self._given) else index + 1

    def focus_target(self) -> QWidget:
        return self.lines[0].category if self.lines else self.add_button


# --- messages ------------------------------------------------------------------------------------


def base_key(key: str, aliases: dict[str, str]) -> str:
    """The form field showing the message of ``key``: ``conditions[2].name`` → ``conditions``,
    an alias (``systolic`` → ``blood_pressure``) → its field."""
    match = _INDEXED.match(key)
    base = match.group(1) if match else key
    return aliases.get(base, base)


def translate(errors: dict[str, str], aliases: dict[str, str],
              line_number: Callable[[str, int], int] | None = None) -> dict[str, str]:
    """The services' messages keyed by the form's fields; a message about line i of a list
    starts with 第 n 条 (n as the user counts)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        match = _INDEXED.match(key)
        if match and match.group(2).isdigit():
            number = line_number(match.group(1), int(match.group(2))) if line_number else int(match.group(2)) + 1
            message = f"第 {number} 条：{message}"
        field = base_key(key, aliases)
        if field in shown and message not in shown[field]:
            shown[field] = f"{shown[field]}；{message}"
        else:
            shown.setdefault(field, message)
    return shown


class ErrorForm(ValidatedForm):
    """A :class:`ValidatedForm` that also takes the services' indexed and aliased keys."""

    def __init__(self, *, columns: int = 1, aliases: dict[str, str] | None = None,
                 line_number: Callable[[str, int], int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(columns=columns, parent=parent)
        self.aliases = dict(aliases or {})
        self.line_number = line_number

    def translate(self, errors: dict[str, str]) -> dict[str, str]:
        return translate(errors, self.aliases, self.line_number)

    def show_errors(self, errors: dict[str, str], *, only: Iterable[str] | None = None) -> dict[str, str]:
        return super().show_errors(self.translate(errors), only=only)


class TabbedForms:
    """Several :class:`ErrorForm` pages in a tab widget, used by :class:`FormDialog` like one form:
    a message shows under its field whichever tab holds it; a tab with messages is marked in
    red; focusing a field first brings its tab forward."""

    def __init__(self, tabs: QTabWidget, *, aliases: dict[str, str] | None = None,
                 line_number: Callable[[str, int], int] | None = None) -> None:
        self.tabs = tabs
        self.aliases = dict(aliases or {})
        self.line_number = line_number
        self.pages: list[tuple[QWidget, ErrorForm, str]] = []
        self._on_leave: Callable[[str], None] | None = None
        self._normal_colour = tabs.tabBar().tabTextColor(0) if tabs.count() else QColor()

    def add_page(self, title: str, form: ErrorForm) -> ErrorForm:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(form)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the tab bar to the first field
        form.on_leave = self._on_leave
        self.tabs.addTab(scroll, title)
        self.pages.append((scroll, form, title))
        return form

    @property
    def on_leave(self) -> Callable[[str], None] | None:
        return self._on_leave

    @on_leave.setter
    def on_leave(self, callback: Callable[[str], None] | None) -> None:
        self._on_leave = callback
        for _page, form, _title in self.pages:
            form.on_leave = callback

    def _form_of(self, key: str) -> tuple[int, ErrorForm] | None:
        return next(((i, form) for i, (_p, form, _t) in enumerate(self.pages) if key in form.keys()), None)

    def translate(self, errors: dict[str, str]) -> dict[str, str]:
        return translate(errors, self.aliases, self.line_number)

    def keys(self) -> list[str]:
        return [key for _page, form, _title in self.pages for key in form.keys()]

    def show_errors(self, errors: dict[str, str], *, only: Iterable[str] | None = None) -> dict[str, str]:
        shown = self.translate(errors)
        wanted = None if only is None else set(only)
        for index, (_page, form, title) in enumerate(self.pages):
            form.show_errors({k: v for k, v in shown.items() if k in form.keys()}, only=wanted)
            count = len(form.errors_shown())
            self.tabs.setTabText(index, f"{title}（{count} 处需改正）" if count else title)
            self.tabs.tabBar().setTabTextColor(index, QColor(ERROR_COLOUR) if count else self._normal_colour)
        keys = set(self.keys())
        return {key: message for key, message in shown.items() if key not in keys}

    def error_text(self, key: str) -> str:
        found = self._form_of(key)
        return found[1].error_text(key) if found else ""

    def errors_shown(self) -> dict[str, str]:
        shown: dict[str, str] = {}
        for _page, form, _title in self.pages:
            shown.update(form.errors_shown())
        return shown

    def first_in_order(self, keys: Iterable[str]) -> str | None:
        wanted = set(keys)
        return next((key for key in self.keys() if key in wanted), None)

    def focus_field(self, key: str) -> None:
        found = self._form_of(key)
        if found is None:
            return
        index, form = found
        self.tabs.setCurrentIndex(index)
        form.focus_field(key)

    def field_widget(self, key: str) -> QWidget:
        found = self._form_of(key)
        assert found is not None, key
        return found[1].field_widget(key)

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802 - like QWidget
        for _page, form, _title in self.pages:
            form.setEnabled(enabled)


class HealthFormDialog(FormDialog):
    """A :class:`FormDialog` whose form translates the services' keys (``form.translate``)."""

    def show_all_errors(self, errors: dict[str, str]) -> None:
        super().show_all_errors(self.form.translate(errors))  # type: ignore[union-attr]

    def field_changed(self, key: str) -> None:
        aliases = self.form.aliases  # type: ignore[union-attr]
        for raw in [k for k in self._from_write if base_key(k, aliases) == key]:
            self._from_write.pop(raw, None)
        super().field_changed(key)


def heading(text: str = "", *, name: str = "header", scale: float = 1.15) -> QLabel:
    """A bold, slightly larger line of plain text: whose record or form this is."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def left_aligned(widget: QWidget) -> QWidget:
    """``widget`` at its own width on the left of a form row (a date field, not stretched)."""
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(widget)
    line.addStretch(1)
    return holder


def user_name(db: object) -> str:
    """The signed-in user's name, the default visitor or assessor."""
    actor = getattr(db, "actor", None)
    if actor is None or getattr(actor, "user_id", None) is None:
        return ""
    return actor.display_name or actor.username
