"""The base of every data-entry dialog: the same keys, messages and save rules everywhere.

- Leaving a field asks the service to validate and shows that field's message under it (only
  for fields the user has already visited, so an empty form is not covered in red).
- Save (button, Ctrl+S) validates everything first: all messages appear at once, the focus goes
  to the first bad field, and nothing is written. A message that belongs to no field (a stale
  edit, a forbidden state) appears in the banner at the top.
- Enter in a field saves only a valid form; otherwise it moves on to the next field.
- Esc, the 取消 button and the window's close button ask before throwing away changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from chang_shan.errors import ChangShanError, ValidationError
from chang_shan.ui.forms import fields
from chang_shan.ui.ops import environment_message
from chang_shan.ui.forms.fields import FORM_STYLE, ValidatedForm

if TYPE_CHECKING:
    from chang_shan.db.database import Database


class FormDialog(QDialog):
    """Subclasses build ``self.form`` (a :class:`ValidatedForm`), then implement
    ``collect_errors`` (ask the service), ``write`` (one ``db.transaction``) and ``is_dirty``."""

    #: Enter in a field saves when the form is valid. Dialogs that record an irreversible-looking
    #: event (迁出, 死亡) turn this off: there only the button itself confirms.
    enter_saves = True

    def __init__(
        self, db: Database, *, title: str, save_text: str = "保存", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.saved_id: int | None = None
        self.form: ValidatedForm | None = None
        self._touched: set[str] = set()
        # Messages only the write itself could give (e.g. 目标户已有户主 while moving someone):
        # kept under their field until that field changes.
        self._from_write: dict[str, str] = {}
        self._closing = False
        self.setWindowTitle(title)
        self.setStyleSheet(FORM_STYLE)
        self.setSizeGripEnabled(True)

        outer = QVBoxLayout(self)
        outer.setSpacing(8)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setProperty("formRole", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        outer.addLayout(self.body, 1)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setObjectName("saveButton")
        self.cancel_button.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setMinimumWidth(96)
        outer.addWidget(self.buttons)
        self.save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.save_button.setToolTip("保存（Ctrl+S）")

    # -- what subclasses provide --------------------------------------------------------------
    def collect_errors(self) -> dict[str, str]:
        """The service's messages for the current input (``{}`` when valid). Writes nothing."""
        raise NotImplementedError

    def write(self) -> int | None:
        """Write in one ``db.transaction``; return the id to report as ``saved_id``."""
        raise NotImplementedError

    def is_dirty(self) -> bool:
        return False

    # -- wiring helpers -------------------------------------------------------------------------
    def use_form(self, form: ValidatedForm) -> ValidatedForm:
        self.form = form
        form.on_leave = self.field_left
        return form

    def field_changed(self, key: str) -> None:
        """A value changed: re-check at once when that field is showing a message, so it goes
        away as soon as the input is right."""
        self._from_write.pop(key, None)
        if self.form is not None and self.form.error_text(key):
            self._recheck()

    def field_left(self, key: str) -> None:
        if self._closing:
            return
        self._touched.add(key)
        self._recheck()

    def _recheck(self) -> None:
        assert self.form is not None
        errors = {**self._from_write, **self.collect_errors()}
        self.form.show_errors(errors, only=self._touched)
        if not errors and self.banner.property("summary"):
            self.hide_banner()
        self.grow_to_fit()

    # -- banner -------------------------------------------------------------------------------
    def show_banner(self, message: str, *, summary: bool = False) -> None:
        self.banner.setText(message)
        self.banner.setProperty("summary", summary)
        self.banner.show()
        self.grow_to_fit()

    def grow_to_fit(self) -> None:
        """Grow (within the screen) when a banner or messages under the fields need more room than
        the dialog has: a dialog with its own minimum size would otherwise squeeze its rows until
        a hint is drawn over the field above it."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalMinimumSize()
        width, height = needed.width(), needed.height()
        screen = self.screen()
        if screen is not None:  # never beyond the screen
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        width, height = max(width, self.width()), max(height, self.height())  # only grow
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)

    def hide_banner(self) -> None:
        self.banner.clear()
        self.banner.setProperty("summary", False)
        self.banner.hide()

    def banner_text(self) -> str:
        return self.banner.text() if not self.banner.isHidden() else ""

    # -- saving -------------------------------------------------------------------------------
    def show_all_errors(self, errors: dict[str, str]) -> None:
        assert self.form is not None
        self._touched.update(self.form.keys())
        elsewhere = self.form.show_errors(errors)
        on_fields = [key for key in self.form.keys() if key in errors]
        if elsewhere:
            self.show_banner("\n".join(elsewhere.values()))
        elif on_fields:
            self.show_banner(f"有 {len(on_fields)} 处需要改正（见标红的项目），改正后再保存。", summary=True)
        self.grow_to_fit()
        first = self.form.first_in_order(on_fields)
        if first is not None:
            self.form.focus_field(first)

    def save(self) -> bool:
        """Validate, then write. True when saved (the dialog is then accepted)."""
        if not self.save_button.isEnabled():
            return False
        errors = self.collect_errors()
        if errors:
            self.show_all_errors(errors)
            return False
        try:
            saved = self.write()
        except ValidationError as exc:
            self._from_write = dict(exc.errors)
            self.show_all_errors(exc.errors)
            return False
        except ChangShanError as exc:
            self.show_banner(exc.message)
            return False
        except Exception as exc:
            machine = environment_message(exc)  # disk full, database busy …: say so, keep the input
            if machine is None:
                raise
            self.show_banner(machine)
            return False
        self.saved_id = saved
        self._closing = True
        self.accept()
        return True

    # -- keys and closing -----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            focused = self.focusWidget()
            if isinstance(focused, QAbstractButton):
                focused.click()
            elif isinstance(focused, (QPlainTextEdit, QTextEdit)):
                pass
            elif self.enter_saves and not self.collect_errors():
                self.save()
            else:
                self.focusNextChild()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    def ask_discard(self) -> bool:
        """True when the user agrees to throw away the changes."""
        return fields.confirm(
            self, "放弃修改", "有尚未保存的修改。要放弃这些修改并关闭吗？", yes="放弃修改", no="继续编辑"
        )

    def close_without_asking(self) -> None:
        """Close and throw away any changes (the program is quitting, a test is over)."""
        self._closing = True
        self.reject()

    def reject(self) -> None:
        if not self._closing and self.is_dirty() and not self.ask_discard():
            return
        self._closing = True
        super().reject()

    def done(self, result: int) -> None:
        self._closing = True
        super().done(result)
