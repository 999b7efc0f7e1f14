"""What the ledger screens with a toolbar share: an action whose shortcut works wherever the focus
is on the screen (its tip names the shortcut), and list columns as wide as typical text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget


def screen_action(owner: QWidget, text: str, slot: Callable[[], Any], shortcut: str, tip: str) -> QAction:
    act = QAction(text, owner)
    act.setShortcut(QKeySequence(shortcut))
    act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    act.setToolTip(f"{tip}（{shortcut}）")
    act.setStatusTip(tip)
    act.triggered.connect(lambda _checked=False: slot())
    owner.addAction(act)  # the shortcut works wherever the focus is on the screen
    return act


def sample_widths(table: QTableView, samples: tuple[str, ...], stretch: int) -> float:
    """Each column as wide as its sample text (they follow the font size); ``stretch`` takes the
    room left. Returns the padding used."""
    metrics = table.fontMetrics()
    pad = metrics.horizontalAdvance("中") * 1.2
    header = table.horizontalHeader()
    for column, sample in enumerate(samples):
        if sample:
            header.resizeSection(column, int(metrics.horizontalAdvance(sample) + pad))
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.4))
    return pad
