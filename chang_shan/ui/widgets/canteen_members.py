"""用餐人员: who is signed up for the canteen, filtered by 堂食/送餐, by delivery route, with or
without those who stopped. 新增, 修改 and 停餐 (users who may edit) open their dialogs; each
saves one undoable action and the list reloads after any change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import format_date
from chang_shan.ui.widgets.canteen_view import CanteenView
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.canteen.shapes import MemberRow
    from chang_shan.ui.ops import Operations

COLUMNS = ("姓名", "年龄", "独居", "方式", "餐次", "线路", "住址", "电话", "开始日期", "停餐日期", "备注")
ADDRESS_COLUMN = 6
ALL_ROUTES = "全部线路"
ENDED_COLOUR = "#777777"


def member_cells(row: MemberRow) -> tuple[str, ...]:
    meals = "、".join(m for m, on in (("午餐", row.lunch), ("晚餐", row.dinner)) if on)
    return (row.name, f"{row.age}" if row.age is not None else "", "独居" if row.lone else "", row.mode, meals,
            row.route, row.address, row.phone, format_date(row.start_on), format_date(row.end_on), row.note)


class MembersView(CanteenView):
    def __init__(self, ops: Operations, *, can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.can_edit = can_edit
        self.rows: list[MemberRow] = []
        self._keep: int | None = None  # the member to select again after a reload

        self.mode = QComboBox()
        self.mode.setObjectName("modeFilter")
        self.mode.setAccessibleName("用餐方式")
        for label, mode in (("堂食和送餐", None), ("堂食", "堂食"), ("送餐", "送餐")):
            self.mode.addItem(label, mode)
        self.route = QComboBox()
        self.route.setObjectName("routeFilter")
        self.route.setAccessibleName("送餐线路")
        self.route.addItem(ALL_ROUTES, None)
        self.include_ended = QCheckBox("含已停餐")
        self.include_ended.setObjectName("includeEnded")
        self.count = QLabel("")
        self.count.setObjectName("memberCount")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("方式："))
        filters.addWidget(self.mode)
        filters.addWidget(QLabel("线路："))
        filters.addWidget(self.route)
        filters.addWidget(self.include_ended)
        filters.addStretch(1)
        filters.addWidget(self.count)

        self.add_action = self._action("新增", self.add, "登记一位用餐的老人")
        self.edit_action = self._action("修改", self.edit, "修改选中人员的用餐方式、餐次、线路")
        self.end_action = self._action("停餐", self.end, "选中的人员从某天起停餐")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.add_action, self.edit_action, self.end_action])
        self.toolbar.setVisible(can_edit)

        self.table = read_only_table(COLUMNS, "members", stretch=ADDRESS_COLUMN)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(lambda _index: self.edit())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)

        self.mode.currentIndexChanged.connect(lambda _i: self.reload())
        self.route.currentIndexChanged.connect(lambda _i: self.reload())
        self.include_ended.toggled.connect(lambda _on: self.reload())
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        action.setVisible(self.can_edit)
        return action

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        from chang_shan.canteen import members

        request, on = self.next_request(), self.today()
        mode, route, ended = self.mode.currentData(), self.route.currentData(), self.include_ended.isChecked()
        if self._keep is None:
            self._keep = self.selected_id()

        def load(session: Session) -> tuple[list[MemberRow], list[str]]:
            return (members.list_members(session, on, mode=mode, route=route, include_ended=ended),
                    members.routes(session))

        self.count.setText("正在读取…")
        self.ops.query(load, success=partial(self._loaded, request), parent=self)

    def _loaded(self, request: int, result: tuple[list[MemberRow], list[str]]) -> None:
        if not self.is_current(request):
            return
        rows, routes = result
        if not self._set_routes(routes):
            self.reload()  # the route filtered on is no longer in use: every route
            return
        keep, self._keep = self._keep, None
        self.rows = rows
        grey = QBrush(QColor(ENDED_COLOUR))
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        on = self.today()
        for r, row in enumerate(rows):
            ended = row.end_on is not None and row.end_on <= on
            for c, text in enumerate(member_cells(row)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if ended:
                    item.setForeground(grey)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        fit_columns(self.table)
        delivered = sum(1 for row in rows if row.mode == "送餐")
        self.count.setText(f"共 {len(rows)} 人（堂食 {len(rows) - delivered}，送餐 {delivered}）")
        row_index = next((r for r, row in enumerate(rows) if row.id == keep), None)
        if row_index is not None:
            self.table.selectRow(row_index)
        self._update_actions()
        self.statusChanged.emit(self.status_text())

    def _set_routes(self, routes: list[str]) -> bool:
        """Fill the route filter; False when the chosen route is gone (the filter is reset)."""
        current = self.route.currentData()
        self.route.blockSignals(True)
        self.route.clear()
        self.route.addItem(ALL_ROUTES, None)
        for route in routes:
            self.route.addItem(route, route)
        index = self.route.findData(current)
        self.route.setCurrentIndex(max(index, 0))
        self.route.blockSignals(False)
        return current is None or index >= 0

    def status_text(self) -> str:
        return f"乐龄食堂 用餐人员：{self.count.text()}"

    # --- selection -------------------------------------------------------------------------------
    def selected(self) -> MemberRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def selected_id(self) -> int | None:
        member = self.selected()
        return member.id if member is not None else None

    def select_member(self, member_id: int) -> bool:
        row = next((r for r, m in enumerate(self.rows) if m.id == member_id), None)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def names(self) -> list[str]:
        return [row.name for row in self.rows]

    def _update_actions(self) -> None:
        member = self.selected()
        self.edit_action.setEnabled(member is not None)
        self.end_action.setEnabled(member is not None and member.end_on is None)

    # --- actions ---------------------------------------------------------------------------------
    def _run(self, make: Callable[[], QDialog], action: str) -> bool:
        try:
            dialog = make()
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self, exc)
            return False
        saved = getattr(dialog, "saved_id", None)
        dialog.deleteLater()
        if accepted:
            self._keep = saved
            self.ops.notify_changed(action)
        return accepted

    def add(self) -> bool:
        from chang_shan.ui.dialogs.canteen import MemberDialog

        if not self.can_edit:
            return False
        return self._run(lambda: MemberDialog(self.ops.db, today=self.today(), parent=self), "新增用餐人员")

    def edit(self) -> bool:
        from chang_shan.ui.dialogs.canteen import MemberDialog

        member = self.selected()
        if not self.can_edit or member is None:
            return False
        return self._run(lambda: MemberDialog(self.ops.db, member, today=self.today(), parent=self), "修改用餐人员")

    def end(self) -> bool:
        from chang_shan.ui.dialogs.canteen import EndMembershipDialog

        member = self.selected()
        if not self.can_edit or member is None or member.end_on is not None:
            return False
        return self._run(lambda: EndMembershipDialog(self.ops.db, member, today=self.today(), parent=self), "停餐")

