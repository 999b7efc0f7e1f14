"""Opening a data-entry dialog window-modal without blocking (``QDialog.open``), as the 居民健康库
and 便民档案库 screens do: one dialog at a time, kept as ``owner.dialog`` while it is open and
deleted once closed; ``saved(dialog)`` runs when it was accepted (to refresh and reselect)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog


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
