"""Opening a data-entry dialog window-modal without blocking (``QDialog.open``), as the 居民健康库
and 便民档案库 screens do: one dialog at a time, kept as ``owner.dialog`` while it is open and
deleted once closed; ``saved(dialog)`` runs when it was accepted (to refresh and reselect)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget


def open_window_modal(owner: Any, dialog: QDialog, saved: Callable[[QDialog], None]) -> QDialog:
    owner.dialog = dialog
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(result: int) -> None:
        if owner.dialog is dialog:
            owner.dialog = None
        if result == QDialog.DialogCode.Accepted:
            saved(dialog)

    dialog.finished.connect(finished)
    dialog.open()
    return dialog


def open_once(parent: QWidget, name: str, make: Callable[[QWidget], QDialog]) -> QDialog:
    """A window's one dialog of a kind (the import wizard): ``make(window)`` opened window-modal
    over ``parent``'s window and kept as its attribute ``name`` while open; a second request raises
    the open one."""
    window = parent.window()
    dialog = getattr(window, name, None)
    if dialog is not None:
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    dialog = make(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    setattr(window, name, dialog)
    dialog.finished.connect(lambda _result: setattr(window, name, None))
    dialog.open()
    return dialog
