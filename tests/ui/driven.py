"""Working a real dialog in a test: ``exec()`` would block an offscreen run, so it is replaced by
a function that fills the dialog in (and clicks its button) as a user would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog


class Driven:
    """Stands in for ``exec()`` of a dialog class: ``fill`` works the real dialog (and clicks its
    button); the result is whatever the dialog ended with."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], fill: Callable) -> None:
        self.dialogs: list[QDialog] = []

        def exec_(dialog: QDialog) -> int:
            self.dialogs.append(dialog)
            fill(dialog)
            return dialog.result()

        monkeypatch.setattr(cls, "exec", exec_)
