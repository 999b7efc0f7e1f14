"""乐龄食堂 (a tab of the 便民档案库 screen): three views of the seniors' canteen.

- 今日用餐 (``canteen_day``): a day's lunch or dinner, eaten in or delivered route by route, with
  who was served; 记录用餐 and 打印送餐单.
- 用餐人员 (``canteen_members``): who is signed up; 新增, 修改, 停餐.
- 月结算 (``canteen_statements``): a month's meals and amounts per person; 打印结算单.

Only users who may edit get the buttons that write. Each view loads when first shown, and
reloads after any saved change (``ops.changed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.widgets.canteen_day import MealDayView
from chang_shan.ui.widgets.canteen_members import MembersView
from chang_shan.ui.widgets.canteen_statements import StatementsView

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class CanteenTab(QWidget):
    title = "乐龄食堂"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self._started = False
        self.day = MealDayView(ops, can_edit=self.can_edit)
        self.members = MembersView(ops, can_edit=self.can_edit)
        self.statements = StatementsView(ops)
        self.views = (self.day, self.members, self.statements)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("canteenTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.day, "今日用餐")
        self.tabs.addTab(self.members, "用餐人员")
        self.tabs.addTab(self.statements, "月结算")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for view in self.views:
            view.statusChanged.connect(self._view_status)
        self.tabs.currentChanged.connect(lambda _i: self._start_current())
        ops.changed.connect(self._on_data_changed)

    def current_view(self) -> MealDayView | MembersView | StatementsView:
        return self.views[self.tabs.currentIndex()]

    def start(self) -> None:
        """Load the view on show (the first time); afterwards only its status line comes back."""
        self._started = True
        self._start_current()

    def refresh(self) -> None:
        """F5: reload every view loaded so far (and the one on show)."""
        self._started = True
        for view in self.views:
            if view is self.day and self.day.dirty and not ops_module.ask(
                    self, "放弃勾选", "这一餐的勾选还没有记录，刷新会丢掉这些勾选。要刷新吗？"):
                continue
            if view.started or view is self.current_view():
                view.started = True
                view.reload()

    def _start_current(self) -> None:
        if self._started:
            self.current_view().start()

    def _view_status(self, text: str) -> None:
        if self.sender() is self.current_view():
            self.statusChanged.emit(text)

    def _on_data_changed(self, _action: str) -> None:
        for view in self.views:
            view.on_data_changed()
