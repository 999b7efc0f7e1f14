"""What the detail panels share: a grid of labelled facts (two to a line, long ones across both
columns; each value selectable, hidden with its label when empty if asked), and the note a
screen shows instead of its records to an account without the permission they need."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel


def fact_grid(fields: tuple[tuple[str, str, bool], ...], prefix: str) -> tuple[QGridLayout, dict[str, QLabel],
                                                                            dict[str, QLabel]]:
    """``fields`` as (key, label, spans both columns); the value labels are named ``prefix_key``.
    Returns the grid, the values and the labels by key."""
    values: dict[str, QLabel] = {}
    labels: dict[str, QLabel] = {}
    grid = QGridLayout()
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(8)
    grid.setVerticalSpacing(4)
    row = column = 0
    for key, text, wide in fields:
        if wide and column:
            row, column = row + 1, 0
        label = QLabel(f"{text}：")
        label.setStyleSheet("color: #555555;")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        value = QLabel("")
        value.setObjectName(f"{prefix}_{key}")
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(label, row, column * 2)
        grid.addWidget(value, row, column * 2 + 1, 1, 3 if wide else 1)
        values[key], labels[key] = value, label
        if wide or column:
            row, column = row + 1, 0
        else:
            column = 1
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    return grid, values, labels


def no_permission_note(text: str) -> QLabel:
    """Large, centred: why this screen shows nothing."""
    note = QLabel(text)
    note.setObjectName("noPermission")
    note.setAlignment(Qt.AlignmentFlag.AlignCenter)
    note.setWordWrap(True)
    font = note.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    note.setFont(font)
    return note
