"""今日用餐: one meal of one day. Who eats in (堂食) and, route by route, who gets the meal
delivered (送餐), each with a tick box: ticked = served. 记录用餐 saves exactly the ticked people
(``canteen.meals.record_meal``); saving again replaces the day's record, so a mistake is corrected
by ticking again and saving. 打印送餐单 prints the delivery lists, one page per route.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import ERROR_COLOUR, DateField
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.canteen_print import money
from chang_shan.ui.widgets.canteen_view import CanteenView

if TYPE_CHECKING:
    from chang_shan.canteen.shapes import DayLine, MealList
    from chang_shan.ui.ops import Operations

MEALS = ("午餐", "晚餐")
COLUMNS = ("姓名", "住址", "电话", "记录")
SAMPLES = ("欧阳春花花", "10号楼4单元1601", "0431-84788894")
ID_ROLE = Qt.ItemDataRole.UserRole
EAT_IN = "堂食"
DINNER_FROM_HOUR = 14  # after 14:00 the page opens on 晚餐


class MealDayView(CanteenView):
    def __init__(self, ops: Operations, *, can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.can_edit = can_edit
        self.meal_list: MealList | None = None
        self.dirty = False  # ticks changed and not yet recorded
        self._shown: tuple[date, str] | None = None  # the day and meal the list is for
        self._red = QBrush(QColor(ERROR_COLOUR))

        self.prev_button = QPushButton("◀")
        self.prev_button.setObjectName("prevDay")
        self.prev_button.setToolTip("前一天")
        self.date_edit = DateField(maximum=self.today() + timedelta(days=366))
        self.date_edit.setObjectName("mealDate")
        self.date_edit.setAccessibleName("日期")
        self.date_edit.set_value(self.today())
        self.next_button = QPushButton("▶")
        self.next_button.setObjectName("nextDay")
        self.next_button.setToolTip("后一天")
        self.today_button = QPushButton("今天")
        self.today_button.setObjectName("todayButton")
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("中") * 3)
        self.meal_buttons = QButtonGroup(self)
        meal_row = QHBoxLayout()
        meal_row.setSpacing(0)
        for meal in MEALS:
            button = QPushButton(meal)
            button.setObjectName(f"meal_{meal}")
            button.setCheckable(True)
            self.meal_buttons.addButton(button)
            meal_row.addWidget(button)
        self.meal_buttons.buttons()[0 if datetime.now().hour < DINNER_FROM_HOUR else 1].setChecked(True)
        self.price = QLabel("")
        self.price.setObjectName("price")
        self.state = QLabel("")
        self.state.setObjectName("recordState")

        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.date_edit)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addSpacing(16)
        top.addLayout(meal_row)
        top.addSpacing(16)
        top.addWidget(self.price)
        top.addStretch(1)
        top.addWidget(self.state)

        # 堂食 on the left, the delivery routes on the right: both in sight however long the lists.
        self.eat_in_tree = self._tree("eatInLines", "堂食名单")
        self.route_tree = self._tree("routeLines", "送餐名单")
        self.trees = (self.eat_in_tree, self.route_tree)
        self.eat_in_label = QLabel("堂食")
        self.eat_in_label.setObjectName("eatInCount")
        self.route_label = QLabel("送餐")
        self.route_label.setObjectName("routeCount")
        self.lists = QSplitter(Qt.Orientation.Horizontal)
        self.lists.setChildrenCollapsible(False)
        for label, tree in ((self.eat_in_label, self.eat_in_tree), (self.route_label, self.route_tree)):
            pane = QWidget()
            pane_layout = QVBoxLayout(pane)
            pane_layout.setContentsMargins(0, 0, 0, 0)
            pane_layout.addWidget(label)
            pane_layout.addWidget(tree, 1)
            self.lists.addWidget(pane)

        self.total = QLabel("")
        self.total.setObjectName("total")
        self.record_button = QPushButton("记录用餐")
        self.record_button.setObjectName("recordButton")
        self.record_button.setVisible(can_edit)
        self.tick_all_button = QPushButton("全部勾选")
        self.tick_all_button.setObjectName("tickAll")
        self.tick_all_button.setVisible(can_edit)
        self.print_button = QPushButton("打印送餐单")
        self.print_button.setObjectName("printDelivery")
        self.print_button.setToolTip("每条送餐线路一页（姓名、住址、电话、签收框），堂食名单另起一页")
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.tick_all_button)
        bottom.addWidget(self.record_button)
        bottom.addWidget(self.print_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.lists, 1)
        layout.addLayout(bottom)

        self.prev_button.clicked.connect(lambda: self.set_day(self.day() - timedelta(days=1)))
        self.next_button.clicked.connect(lambda: self.set_day(self.day() + timedelta(days=1)))
        self.today_button.clicked.connect(lambda: self.set_day(self.today()))
        self.date_edit.dateChanged.connect(lambda _d: self._choice_changed())
        self.meal_buttons.buttonToggled.connect(lambda _b, on: on and self._choice_changed())
        self.record_button.clicked.connect(self.record)
        self.tick_all_button.clicked.connect(self.tick_all)
        self.print_button.clicked.connect(self.print_delivery)
        self._update_buttons()

    def _tree(self, name: str, accessible: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setAccessibleName(accessible)
        tree.setColumnCount(len(COLUMNS))
        tree.setHeaderLabels(list(COLUMNS))
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        header = tree.header()
        metrics = tree.fontMetrics()
        air = metrics.horizontalAdvance("中") * 2
        for column, sample in enumerate(SAMPLES):
            header.resizeSection(column, int(metrics.horizontalAdvance(sample) + air + (air * 2 if column == 0 else 0)))
        header.setStretchLastSection(True)
        tree.itemChanged.connect(self._ticked)
        return tree

    # --- the day and meal ------------------------------------------------------------------------
    def day(self) -> date:
        return self.date_edit.value() or self.today()

    def meal(self) -> str:
        checked = self.meal_buttons.checkedButton()
        return checked.text() if checked is not None else MEALS[0]

    def set_day(self, day: date) -> None:
        self.date_edit.set_value(day)

    def set_meal(self, meal: str) -> None:
        for button in self.meal_buttons.buttons():
            if button.text() == meal:
                button.setChecked(True)

    def _choice_changed(self) -> None:
        if self._shown == (self.day(), self.meal()):
            return
        if self.dirty and not ops_module.ask(self, "放弃勾选", "这一餐的勾选还没有记录。不记录就换到别的日期或餐次吗？"):
            self._restore_choice()
            return
        self.reload()

    def _restore_choice(self) -> None:
        assert self._shown is not None
        on, meal = self._shown
        self.date_edit.blockSignals(True)
        self.meal_buttons.blockSignals(True)
        self.set_day(on)
        self.set_meal(meal)
        self.date_edit.blockSignals(False)
        self.meal_buttons.blockSignals(False)

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        from chang_shan.canteen import meals

        request, on, meal = self.next_request(), self.day(), self.meal()
        self.total.setText("正在读取…")
        self.ops.query(lambda s: meals.meal_list(s, on, meal), success=partial(self._loaded, request), parent=self)

    def _loaded(self, request: int, meal_list: MealList) -> None:
        if not self.is_current(request):
            return
        self.meal_list = meal_list
        self._shown = (meal_list.on_date, meal_list.meal)
        self.dirty = False
        self.price.setText(f"每餐 {money(meal_list.price)}")
        for tree in self.trees:
            tree.blockSignals(True)
            tree.clear()
        self.eat_in_tree.addTopLevelItem(self._group(EAT_IN, meal_list.eat_in))
        for route, lines in meal_list.routes:
            self.route_tree.addTopLevelItem(self._group(route, lines))
        for tree in self.trees:
            tree.expandAll()
            tree.blockSignals(False)
        self._count()
        self._update_buttons()

    def _group(self, title: str, lines: tuple[DayLine, ...]) -> QTreeWidgetItem:
        group = QTreeWidgetItem([title])
        group.setData(0, Qt.ItemDataRole.UserRole + 1, title)
        font = QFont(group.font(0))
        font.setBold(True)
        group.setFont(0, font)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled | (
            Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate if self.can_edit else Qt.ItemFlag.NoItemFlags))
        for line in lines:
            served = line.served is None or line.served  # before recording everyone is ticked
            state = "" if line.served is None else _served_text(line.mode, line.served)
            item = QTreeWidgetItem([line.name, line.address, line.phone, state])
            item.setData(0, ID_ROLE, line.resident_id)
            item.setToolTip(1, line.address)
            if line.served is False:
                item.setForeground(3, self._red)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if self.can_edit:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(0, Qt.CheckState.Checked if served else Qt.CheckState.Unchecked)
            group.addChild(item)
        if not lines:
            group.setCheckState(0, Qt.CheckState.Unchecked)
        return group

    def _ticked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 0 and self.meal_list is not None:
            self.dirty = True
            self._count()

    def _count(self) -> None:
        """The count of each group in its title, and the total below the list."""
        listed = ticked = 0
        for tree in self.trees:
            tree.blockSignals(True)
            for group in self._groups(tree):
                people = group.childCount()
                served = sum(1 for c in range(people) if group.child(c).checkState(0) == Qt.CheckState.Checked)
                title = group.data(0, Qt.ItemDataRole.UserRole + 1)
                group.setText(0, f"{title}（{people} 人，勾选 {served} 人）")
                group.setFirstColumnSpanned(True)
                listed += people
                ticked += served
            tree.blockSignals(False)
        meal_list = self.meal_list
        if meal_list is None:
            return
        delivered = sum(len(lines) for _route, lines in meal_list.routes)
        self.eat_in_label.setText(f"堂食 {len(meal_list.eat_in)} 人")
        self.route_label.setText(f"送餐 {delivered} 人，{len(meal_list.routes)} 条线路" if meal_list.routes
                                 else "送餐：这一餐没有送餐的人")
        if not listed:
            self.total.setText(f"{meal_list.on_date:%Y-%m-%d} {meal_list.meal}没有用餐人员。")
        else:
            amount = meal_list.price * ticked
            self.total.setText(f"共 {listed} 人，勾选 {ticked} 人，按每餐 {money(meal_list.price)} 计 {money(amount)}")
        if meal_list.recorded:
            self.state.setText("已记录" + ("（勾选已改动，尚未保存）" if self.dirty else "，可改勾选后再次保存更正"))
        else:
            self.state.setText("尚未记录（勾选的人即已用餐）" if not self.dirty else "尚未记录（勾选已改动）")
        self.statusChanged.emit(self.status_text())

    def status_text(self) -> str:
        meal_list = self.meal_list
        if meal_list is None:
            return "乐龄食堂"
        state = "已记录" if meal_list.recorded else "尚未记录"
        return f"乐龄食堂：{meal_list.on_date:%Y-%m-%d} {meal_list.meal} {meal_list.count} 人，{state}"

    def _update_buttons(self) -> None:
        listed = self.meal_list is not None and self.meal_list.count > 0
        past = self.meal_list is not None and self.meal_list.on_date <= self.today()
        self.record_button.setEnabled(self.can_edit and listed and past)
        self.record_button.setToolTip("按勾选保存这一餐谁用了餐（可再次保存更正）" if past or not listed
                                      else "不能登记今天以后的用餐；可以先打印送餐单")
        self.tick_all_button.setEnabled(self.can_edit and listed)
        self.print_button.setEnabled(listed)

    # --- what the lines say ----------------------------------------------------------------------
    @staticmethod
    def _groups(tree: QTreeWidget) -> list[QTreeWidgetItem]:
        return [tree.topLevelItem(g) for g in range(tree.topLevelItemCount())]

    def lines(self) -> list[QTreeWidgetItem]:
        """Every person's line: 堂食 first, then route by route."""
        return [group.child(c) for tree in self.trees for group in self._groups(tree) for c in range(group.childCount())]

    def group_titles(self) -> list[str]:
        return [group.text(0) for tree in self.trees for group in self._groups(tree)]

    def ticked_ids(self) -> list[int]:
        return [item.data(0, ID_ROLE) for item in self.lines() if item.checkState(0) == Qt.CheckState.Checked]

    def tick(self, resident_id: int, served: bool) -> None:
        for item in self.lines():
            if item.data(0, ID_ROLE) == resident_id:
                item.setCheckState(0, Qt.CheckState.Checked if served else Qt.CheckState.Unchecked)

    def tick_all(self) -> None:
        for item in self.lines():
            item.setCheckState(0, Qt.CheckState.Checked)

    # --- actions ---------------------------------------------------------------------------------
    def record(self) -> None:
        from chang_shan.canteen import meals

        meal_list = self.meal_list
        if not self.can_edit or meal_list is None:
            return
        on, meal, served = meal_list.on_date, meal_list.meal, self.ticked_ids()
        verb = "更正用餐记录" if meal_list.recorded else "记录用餐"
        action = f"{verb} {on:%Y-%m-%d} {meal}（{len(served)} 人）"

        def saved(count: int) -> None:
            self.statusChanged.emit(f"乐龄食堂：{verb}完成，{on:%Y-%m-%d} {meal}共 {count} 人用餐")

        self.ops.change(action, lambda s: meals.record_meal(s, on, meal, served), success=saved, parent=self)
        self.dirty = False  # the reload after ``changed`` shows what was saved

    def print_delivery(self) -> None:
        from chang_shan.reports import canteen as canteen_reports

        meal_list = self.meal_list
        if meal_list is None:
            return
        on, meal = meal_list.on_date, meal_list.meal
        canteen_print.print_pdf(
            self.ops, self, "送餐单", f"送餐单-{on:%Y%m%d}-{meal}.pdf",
            lambda db, path: canteen_reports.build_delivery(db, path, on_date=on, meal=meal), self.statusChanged.emit)

    def on_data_changed(self) -> None:
        if self.started and not self.dirty:
            self.reload()


def _served_text(mode: str, served: bool) -> str:
    if mode == EAT_IN:
        return "已用餐" if served else "未用餐"
    return "已送达" if served else "未送达"
