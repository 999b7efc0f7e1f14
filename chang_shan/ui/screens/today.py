"""今日待办: what is due on a day, section by section (``chang_shan.today.build_today``).

A date line with ◀ ▶ and 今天 picks the day; each section is a bold header with its count
(an empty one says 无 and cannot be expanded), each item a row: whom, what, the due date. A
double-click or Enter on an item emits ``openRequested(kind, record_id)`` from the item's target;
the main window opens that record. The list is built on the worker thread and rebuilt after any
saved change and whenever the screen is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from chang_shan.today.shapes import TodayItem, TodayList, TodaySection
    from chang_shan.ui.ops import Operations

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
COLUMNS = ("姓名", "事项", "日期")
TARGET_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_COLOUR = QColor("#555555")
OVERDUE_COLOUR = QColor("#b3261e")


def date_line(on: date) -> str:
    """2026年11月21日 星期六"""
    return f"{on.year}年{on.month}月{on.day}日 {WEEKDAYS[on.weekday()]}"


class TodayTree(QTreeWidget):
    """The sections and their items; Enter on an item opens it like a double-click."""

    itemOpened = Signal(QTreeWidgetItem)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setAccessibleName("今日待办事项")
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.apply_widths()
        self.itemDoubleClicked.connect(lambda item, _column: self.itemOpened.emit(item))

    def apply_widths(self) -> None:
        em = self.fontMetrics().horizontalAdvance("中")
        self.setColumnWidth(0, 14 * em)
        self.setColumnWidth(2, 8 * em)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            if item.parent() is None:  # a section: open or close it
                item.setExpanded(not item.isExpanded())
            else:
                self.itemOpened.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)


class TodayScreen(QWidget):
    title = "今日待办"
    statusChanged = Signal(str)
    openRequested = Signal(str, int)  # ('resident', id), ('health', id) …: the main window opens it

    def __init__(self, ops: Operations, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.ops = ops
        self._today = today
        self.on = today()
        self._follow_today = True  # on 今天: a window left open overnight moves to the new day
        self._request = 0
        self._loading: date | None = None  # the day being built, while a query runs
        self._stale = False
        self.today_list: TodayList | None = None

        heading = QLabel(self.title)
        heading.setObjectName("todayTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.date_label = QLabel()
        self.date_label.setObjectName("todayDate")
        self.date_label.setFont(font)
        self.previous_button = self._tool_button("◀", "前一天（Alt+←）", "Alt+Left", lambda: self.step(-1))
        self.next_button = self._tool_button("▶", "后一天（Alt+→）", "Alt+Right", lambda: self.step(+1))
        self.today_button = QPushButton("今天")
        self.today_button.setToolTip("回到今天（Alt+Home）")
        self.today_button.setShortcut("Alt+Home")
        self.today_button.clicked.connect(self.show_today)
        self.busy = QLabel("正在读取…")
        self.busy.setObjectName("todayBusy")
        self.busy.setStyleSheet("color: #1f3f66;")
        self.busy.setVisible(False)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新读取待办事项（F5）")
        self.refresh_button.clicked.connect(self.refresh)

        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(self.fontMetrics().horizontalAdvance("中") * 2)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.date_label)
        bar.addWidget(self.next_button)
        bar.addWidget(self.today_button)
        bar.addStretch(1)
        bar.addWidget(self.busy)
        bar.addWidget(self.refresh_button)

        # Every section's count at a glance, each a link to its header (a long section pushes the
        # others below the fold).
        self.overview = QLabel()
        self.overview.setObjectName("todayOverview")
        self.overview.setTextFormat(Qt.TextFormat.RichText)
        self.overview.setWordWrap(True)
        self.overview.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                              | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.overview.linkActivated.connect(lambda link: self.jump_to(link.removeprefix("#")))
        self.tree = TodayTree()
        self.tree.itemOpened.connect(self._open_item)
        self.summary = QLabel("双击或按回车打开记录；点上方的类别跳到该类")
        self.summary.setObjectName("todaySummary")
        self.summary.setStyleSheet("color: #555555;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.overview)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        self._show_date()

        ops.changed.connect(self._on_data_changed)

    def _tool_button(self, text: str, tip: str, shortcut: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split("（")[0])
        button.setShortcut(shortcut)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # --- the day -------------------------------------------------------------------------------

    def set_date(self, on: date) -> None:
        self._follow_today = on == self._today()
        if on != self.on:
            self.on = on
            self._show_date()
        self.load(force=True)

    def step(self, days: int) -> None:
        self.set_date(self.on + timedelta(days=days))

    def show_today(self) -> None:
        self.set_date(self._today())

    def _show_date(self) -> None:
        self.date_label.setText(date_line(self.on))
        self.today_button.setEnabled(self.on != self._today())

    # --- loading -------------------------------------------------------------------------------

    def start(self) -> None:
        """Shown (again): build the list for the day on view."""
        self.load()

    def refresh(self) -> None:
        self.load(force=True)

    def load(self, *, force: bool = False) -> None:
        """Build the list on the worker; a request for the day already being built is not repeated
        unless ``force`` (the data changed meanwhile)."""
        if self._follow_today and self.on != self._today():
            self.on = self._today()
            self._show_date()
        if self._loading == self.on and not force:
            return
        from chang_shan.today import build_today

        self._stale = False
        self._request += 1
        request, on = self._request, self.on
        self._loading = on
        self.busy.setVisible(True)
        self.ops.query(lambda s: build_today(s, on), success=lambda result: self._loaded(request, result),
                       failure=lambda exc: self._failed(request, exc), parent=self)

    def _loaded(self, request: int, result: TodayList) -> None:
        if request != self._request:
            return  # an older day or older data: a newer request is on its way
        self._loading = None
        self.busy.setVisible(False)
        self.show_list(result)

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._loading = None
        self.busy.setVisible(False)
        from chang_shan.ui import ops as ops_module

        ops_module.show_error(self, exc)

    def _on_data_changed(self, _action: str) -> None:
        if self.isVisible():
            self.load(force=True)
        else:
            self._stale = True  # rebuilt when shown again

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.load(force=True)

    # --- showing -------------------------------------------------------------------------------

    def show_list(self, today_list: TodayList) -> None:
        self.today_list = today_list
        expanded = self._expanded_keys()
        self.tree.clear()
        for section in today_list.sections:
            header = self._section_item(section)
            self.tree.addTopLevelItem(header)
            if section.items:
                header.addChildren([self._item(item) for item in section.items])
                header.setExpanded(expanded.get(section.key, True))
        total = today_list.total
        self.overview.setText(self._overview_html(today_list))
        self.statusChanged.emit(f"{self.title}（{date_line(today_list.on_date)}）：共 {total:,} 项")

    @staticmethod
    def _overview_html(today_list: TodayList) -> str:
        if not today_list.sections:
            return "没有可以查看的待办事项。"
        # Each section's link is kept whole (word joiners between its characters: Qt breaks
        # Chinese text anywhere); the line wraps between them (16 sections do not fit one line).
        links = "　·　".join(
            f'<a href="#{s.key}" style="color: #1f3f66;">{_unbroken(f"{s.title} {s.count:,}")}</a>' if s.count
            else f'<span style="color: #777777;">{_unbroken(f"{s.title} 无")}</span>'
            for s in today_list.sections
        )
        return f"共 <b>{today_list.total:,}</b> 项：{links}"

    def jump_to(self, key: str) -> None:
        """Scroll to a section's header (opened) and put the cursor on it."""
        item = self.section_items().get(key)
        if item is None:
            return
        item.setExpanded(True)
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtTop)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _expanded_keys(self) -> dict[str, bool]:
        """Which sections the user closed or opened, kept across a reload."""
        keys = {}
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.childCount():
                keys[item.data(0, KEY_ROLE)] = item.isExpanded()
        return keys

    def _section_item(self, section: TodaySection) -> QTreeWidgetItem:
        """Bold title and count (``：无`` when empty), the section's note beside it in grey."""
        title = f"{section.title}（{section.count:,}）" if section.count else f"{section.title}：无"
        item = QTreeWidgetItem([title, section.note])
        item.setData(0, KEY_ROLE, section.key)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setForeground(1, QBrush(NOTE_COLOUR))
        if not section.count:
            item.setForeground(0, QBrush(NOTE_COLOUR))
        for column in (0, 1):
            item.setToolTip(column, section.note or section.title)
        return item

    def _item(self, entry: TodayItem) -> QTreeWidgetItem:
        due = entry.due_on.isoformat() if entry.due_on else ""
        item = QTreeWidgetItem([entry.name, entry.text, due])
        item.setData(0, TARGET_ROLE, entry.target)
        item.setToolTip(1, entry.text)
        if entry.days_overdue:
            item.setForeground(2, QBrush(OVERDUE_COLOUR))
        return item

    def _open_item(self, item: QTreeWidgetItem) -> None:
        target: Any = item.data(0, TARGET_ROLE)
        if target:
            kind, record_id = target
            self.openRequested.emit(str(kind), int(record_id))

    # --- for the main window and tests ----------------------------------------------------------

    def section_items(self) -> dict[str, QTreeWidgetItem]:
        return {self.tree.topLevelItem(r).data(0, KEY_ROLE): self.tree.topLevelItem(r)
                for r in range(self.tree.topLevelItemCount())}


def _unbroken(text: str) -> str:
    """``text`` escaped, with a word joiner (U+2060) between characters and no-break spaces."""
    return "\u2060".join(escape(char) for char in text.replace(" ", "\u00a0"))

