"""积分兑换: the office counter of the 红马甲 points bank, with the catalogue and the rules.

- 兑换: find the volunteer (name, initials, number), see the balance, enter how many of each good,
  the total and the balance after (red when the points are short); 兑换 (Ctrl+Enter) writes one
  redemption through ``volunteers.points.redeem`` — refused as a whole with the service's message
  when the points or a stock are short, nothing written — then opens the receipt (积分兑换凭单) in
  the reports dialog. The volunteer's recent redemptions are listed; 补打凭单 prints one again.
- 商品与库存: the goods (新增, 修改, 入库); 积分规则: the rules in force and their history (设置规则).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.ui.party import volunteer_dialogs as dialogs
from chang_shan.ui.party.base import GREY, RED, Column, ListTab, open_print, today
from chang_shan.ui.widgets.screen_actions import screen_action
from chang_shan.ui.widgets.tables import fill_rows as fill_table
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.ui.ops import Operations
    from chang_shan.volunteers.shapes import ItemRow, RedemptionResult, RuleRow, VolunteerRow

GOODS_COLUMNS = ("商品", "所需积分", "库存", "兑换数量", "小计")


class RedeemView(QWidget):
    """The counter itself."""

    statusChanged = Signal(str)

    def __init__(self, ops: Operations, *, can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.can_edit = can_edit
        self.started = False
        self.items: list[ItemRow] = []
        self.history: list[RedemptionResult] = []
        self._status = ""
        self.picker = dialogs.VolunteerSearch(ops.db, rows=8, parent=self)
        self.picker.chosen.connect(self._volunteer_chosen)
        self.balance = QLabel("请先查找并选中志愿者。")
        self.balance.setObjectName("balance")
        font = self.balance.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.balance.setFont(font)
        self.balance.setWordWrap(True)
        self.recent = read_only_table(("兑换单号", "日期", "物品", "积分"), "recentRedemptions", stretch=2,
                                      samples=("DH2026-0001", "2026-12-31", "", "积分"))
        self.reprint_button = QPushButton("补打凭单")
        self.reprint_button.setObjectName("reprint")
        self.reprint_button.setToolTip("把选中的兑换记录的凭单再打印一次")
        self.reprint_button.clicked.connect(self.reprint)
        left = QVBoxLayout()
        left.addWidget(QLabel("志愿者："))
        left.addWidget(self.picker, 2)
        left.addWidget(self.balance)
        left.addWidget(QLabel("最近的兑换："))
        left.addWidget(self.recent, 1)
        left.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.goods = QTableWidget(0, len(GOODS_COLUMNS))
        self.goods.setObjectName("goods")
        self.goods.setHorizontalHeaderLabels(list(GOODS_COLUMNS))
        self.goods.verticalHeader().hide()
        self.goods.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.goods.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.goods.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.goods.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.9))
        self.total = QLabel("")
        self.total.setObjectName("total")
        self.total.setFont(font)
        self.total.setWordWrap(True)
        self.redeem_button = QPushButton("兑换")
        self.redeem_button.setObjectName("redeem")
        self.redeem_button.setToolTip("用积分兑换上面填的物品，并打印兑换凭单（Ctrl+Enter）")
        self.redeem_button.clicked.connect(self.redeem)
        self.clear_button = QPushButton("清空")
        self.clear_button.setObjectName("clearQuantities")
        self.clear_button.clicked.connect(self.clear_quantities)
        for button in (self.redeem_button, self.clear_button):
            button.setMinimumWidth(self.fontMetrics().horizontalAdvance("兑换") * 4)
            button.setVisible(can_edit)
        screen_action(self, "兑换", self.redeem, "Ctrl+Return", "兑换并打印凭单").setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.total, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.redeem_button)
        right = QVBoxLayout()
        right.addWidget(QLabel("兑换物品（填写数量）："))
        right.addWidget(self.goods, 1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self._update_total()

    # --- loading ----------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.started:
            self.started = True
            self.reload()
        else:
            self.statusChanged.emit(self._status)

    def reload(self) -> None:
        from chang_shan.volunteers import queries

        self.ops.query(lambda s: queries.catalogue(s, active_only=True), success=self._goods_loaded, parent=self)
        self._volunteer_chosen()

    def on_data_changed(self) -> None:
        if self.started:
            self.reload()

    def _goods_loaded(self, items: list[ItemRow]) -> None:
        wanted = self.quantities()
        self.items = items
        self.goods.setRowCount(len(items))
        for r, item in enumerate(items):
            for c, text in enumerate((item.name, f"{item.points} 分/{item.unit}", f"{item.stock} {item.unit}")):
                cell = QTableWidgetItem(text)
                if c:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if item.stock == 0:
                    cell.setForeground(Qt.GlobalColor.gray)
                self.goods.setItem(r, c, cell)
            spin = QSpinBox()
            spin.setObjectName(f"quantity_{item.id}")
            spin.setRange(0, 999)
            spin.setSpecialValueText(" ")  # nothing wanted: an empty box, not "0 袋" on every line
            spin.setSuffix(f" {item.unit}")
            spin.setEnabled(self.can_edit)
            spin.setValue(wanted.get(item.id, 0))
            spin.valueChanged.connect(lambda _v: self._update_total())
            self.goods.setCellWidget(r, 3, spin)
            subtotal = QTableWidgetItem("")
            subtotal.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.goods.setItem(r, 4, subtotal)
        metrics = self.fontMetrics()
        for column, sample in ((1, "1000 分/桶"), (2, "库存 1000 件"), (3, "0000 件▲▼"), (4, "小计 10000")):
            self.goods.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self._update_total()
        self._status = f"积分兑换：可兑换物品 {len(items)} 种"
        self.statusChanged.emit(self._status)

    def _volunteer_chosen(self) -> None:
        from chang_shan.volunteers import queries

        volunteer = self.picker.current()
        self._update_total()
        if volunteer is None:
            self.history = []
            self.recent.setRowCount(0)
            return
        volunteer_id = volunteer.id

        def load(session: Session) -> tuple[VolunteerRow | None, list[RedemptionResult]]:
            rows = [r for r in queries.volunteers(session, text=volunteer.number, active=None) if r.id == volunteer_id]
            return (rows[0] if rows else None), queries.redemptions(session, volunteer_id=volunteer_id)[:20]

        self.ops.query(load, success=self._volunteer_loaded, parent=self)

    def _volunteer_loaded(self, result: tuple[VolunteerRow | None, list[RedemptionResult]]) -> None:
        fresh, history = result
        current = self.picker.current()
        if fresh is None or current is None or current.id != fresh.id:
            return
        index = self.picker.list.currentRow()
        self.picker.found[index] = fresh  # the balance as the database has it now
        self.history = history
        fill_table(self.recent, [(h.number, f"{h.on_date:%Y-%m-%d}",
                                  "、".join(f"{ln.name}×{ln.quantity}" for ln in h.lines), str(h.total))
                                 for h in history])
        self._update_total()

    # --- the sum ----------------------------------------------------------------------------------
    def quantities(self) -> dict[int, int]:
        wanted: dict[int, int] = {}
        for r, item in enumerate(self.items):
            spin = self.goods.cellWidget(r, 3)
            if isinstance(spin, QSpinBox) and spin.value():
                wanted[item.id] = spin.value()
        return wanted

    def set_quantity(self, item_id: int, quantity: int) -> None:
        r = next(i for i, item in enumerate(self.items) if item.id == item_id)
        spin = self.goods.cellWidget(r, 3)
        assert isinstance(spin, QSpinBox)
        spin.setValue(quantity)

    def clear_quantities(self) -> None:
        for r in range(len(self.items)):
            spin = self.goods.cellWidget(r, 3)
            if isinstance(spin, QSpinBox):
                spin.setValue(0)

    def total_points(self) -> int:
        wanted = self.quantities()
        return sum(item.points * wanted.get(item.id, 0) for item in self.items)

    def _update_total(self) -> None:
        wanted = self.quantities()
        for r, item in enumerate(self.items):
            cell = self.goods.item(r, 4)
            if cell is not None:
                cell.setText(str(item.points * wanted[item.id]) if item.id in wanted else "")
        volunteer = self.picker.current()
        total = self.total_points()
        if volunteer is None:
            self.balance.setText("请先查找并选中志愿者。")
            self.total.setText(f"合计 {total} 分" if total else "")
        else:
            left = f"（{volunteer.left_on:%Y-%m-%d} 已离开，积分仍可兑换）" if volunteer.left_on else ""
            self.balance.setText(f"<b>{volunteer.number} {volunteer.name}</b>{left}<br>积分余额："
                                 f"<b>{volunteer.points_balance}</b> 分")
            after = volunteer.points_balance - total
            if not total:
                self.total.setText("")
            elif after < 0:
                self.total.setText(f"<span style='color:{RED}'>合计 {total} 分：积分不足，还差 {-after} 分</span>")
            else:
                self.total.setText(f"合计 <b>{total}</b> 分，兑换后余额 {after} 分")
        short = [item.name for item in self.items if wanted.get(item.id, 0) > item.stock]
        if short:
            self.total.setText(self.total.text() + f"<br><span style='color:{RED}'>库存不足：{'、'.join(short)}</span>")
        self.redeem_button.setEnabled(self.can_edit and volunteer is not None and total > 0)

    # --- writing ----------------------------------------------------------------------------------
    def redeem(self) -> bool:
        """兑换: the service decides (points and stock claimed in one go); the receipt follows."""
        from chang_shan.volunteers import points

        volunteer = self.picker.current()
        lines = list(self.quantities().items())
        if not self.can_edit or volunteer is None or not lines:
            return False
        volunteer_id, day = volunteer.id, today()
        what = "、".join(f"{item.name}×{self.quantities()[item.id]}" for item in self.items if item.id in dict(lines))

        def done(result: RedemptionResult) -> None:
            self.clear_quantities()
            self._status = (f"已兑换 {result.number}：{result.volunteer_name} {what}，用 {result.total} 分，"
                            f"余额 {result.balance_after} 分")
            self.statusChanged.emit(self._status)
            open_print(self, self.ops, "redemption_receipt", {"receipt": result.number})

        self.ops.change(f"积分兑换 {volunteer.name} {what}",
                        lambda s: points.redeem(s, volunteer_id, lines, today=day), success=done, parent=self)
        return True

    def reprint(self) -> Any:
        rows = self.recent.selectionModel().selectedRows() if self.recent.selectionModel() else []
        if not rows or rows[0].row() >= len(self.history):
            if not self.history:
                return None
            chosen = self.history[0]
        else:
            chosen = self.history[rows[0].row()]
        return open_print(self, self.ops, "redemption_receipt", {"receipt": chosen.number})


# --- 商品与库存 --------------------------------------------------------------------------------

ITEM_COLUMNS = (
    Column("商品", lambda r: r.name, "洗衣液 2kg"),
    Column("单位", lambda r: r.unit, "单位"),
    Column("所需积分", lambda r: r.points, "所需积分", right=True, kind="int"),
    Column("库存", lambda r: r.stock, "库存 ", right=True, kind="int"),
    Column("状态", lambda r: "可兑换" if r.active else "停止兑换", "停止兑换"),
    Column("备注", lambda r: r.note, "社区超市捐赠"),
)


class CatalogueView(ListTab):
    title = "积分商品"
    stretch = 5

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, ITEM_COLUMNS, parent,
                         colour=lambda r: GREY if not r.active else (RED if r.stock == 0 else None))
        self.inactive = QCheckBox("含停止兑换的")
        self.inactive.setObjectName("includeInactive")
        self.watch(self.inactive)
        self.filter_row.addWidget(self.inactive)
        self.filter_row.addStretch(1)
        self.new_action = self.action("新增商品", self.new_item, "Ctrl+N", "在积分兑换目录里新增一种物品")
        self.edit_action = self.action("修改", self.edit_item, "Ctrl+E", "修改选中物品的名称、积分，或停止兑换")
        self.restock_action = self.action("入库", self.restock, "Ctrl+Shift+I", "选中的物品进货入库")
        self.add_actions([self.new_action, self.edit_action, self.restock_action])
        self.finish_layout()

    def filters(self) -> dict[str, Any]:
        return {"active_only": not self.inactive.isChecked()}

    def load(self, session: Session, **filters: Any) -> list[ItemRow]:
        from chang_shan.volunteers import queries

        return queries.catalogue(session, active_only=filters["active_only"])

    def summary(self, rows: list[ItemRow]) -> str:
        empty = sum(1 for r in rows if r.active and r.stock == 0)
        return f"共 {len(rows)} 种" + (f"，{empty} 种已无库存" if empty else "")

    def update_actions(self) -> None:
        chosen = self.current() is not None
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and chosen)
        self.restock_action.setEnabled(self.can_edit and chosen)

    def open_selected(self) -> Any:
        return self.edit_item()

    def new_item(self) -> Any:
        return self.open_dialog(dialogs.ItemDialog(self.ops.db, parent=self)) if self.may_open() else None

    def edit_item(self) -> Any:
        item = self.current()
        if not self.may_open() or item is None:
            return None
        return self.open_dialog(dialogs.ItemDialog(self.ops.db, item=item, parent=self))

    def restock(self) -> Any:
        item = self.current()
        if not self.may_open() or item is None:
            return None
        return self.open_dialog(dialogs.RestockDialog(self.ops.db, item, parent=self))


# --- 积分规则 ----------------------------------------------------------------------------------

RULE_COLUMNS = (
    Column("服务类别", lambda r: r.kind, "关爱老人"),
    Column("积分", lambda r: r.text, "每小时 10 分 + 每次 5 分"),
    Column("起用日期", lambda r: r.start_on, "2026-12-31", kind="date"),
    Column("停用日期", lambda r: r.end_on, "2026-12-31", kind="date"),
    Column("说明", lambda r: r.note, "说明"),
)


class RulesView(ListTab):
    title = "积分规则"
    stretch = 4

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, RULE_COLUMNS, parent, colour=lambda r: GREY if r.end_on and r.end_on < today() else None)
        self.history = QCheckBox("含已停用的规则")
        self.history.setObjectName("ruleHistory")
        self.watch(self.history)
        self.filter_row.addWidget(self.history)
        self.filter_row.addStretch(1)
        self.new_action = self.action("设置规则", self.new_rule, "Ctrl+N",
                                      "为一类服务设置新的积分规则（原规则到前一天停用）")
        self.add_actions([self.new_action])
        self.finish_layout()

    def filters(self) -> dict[str, Any]:
        return {"on": None if self.history.isChecked() else today()}

    def load(self, session: Session, **filters: Any) -> list[RuleRow]:
        from chang_shan.volunteers import queries

        return queries.rules(session, on=filters["on"])

    def summary(self, rows: list[RuleRow]) -> str:
        return f"共 {len(rows)} 条规则"

    def open_selected(self) -> Any:
        return self.new_rule()

    def new_rule(self) -> Any:
        if not self.may_open():
            return None
        kinds = sorted({r.kind for r in self.model.rows})
        chosen = self.current()
        return self.open_dialog(dialogs.RuleDialog(self.ops.db, kinds, rule=chosen, parent=self))


class CounterTab(QWidget):
    """积分兑换 with its three views; each loads when first shown."""

    title = "积分兑换"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        actor = ops.db.actor
        can_edit = actor is not None and actor.can(Perm.EDIT)
        self._started = False
        self.counter = RedeemView(ops, can_edit=can_edit)
        self.catalogue = CatalogueView(ops)
        self.rules = RulesView(ops)
        self.views: tuple[Any, ...] = (self.counter, self.catalogue, self.rules)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("counterTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.counter, "兑换")
        self.tabs.addTab(self.catalogue, "商品与库存")
        self.tabs.addTab(self.rules, "积分规则")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for view in self.views:
            view.statusChanged.connect(self._view_status)
        self.tabs.currentChanged.connect(lambda _i: self._started and self.current_view().start())
        ops.changed.connect(lambda _a: self.counter.on_data_changed())

    def current_view(self) -> Any:
        return self.views[self.tabs.currentIndex()]

    def start(self) -> None:
        self._started = True
        self.current_view().start()

    def refresh(self) -> None:
        self._started = True
        view = self.current_view()
        if view is self.counter:
            view.started = True
            view.reload()
        else:
            view.refresh()

    def _view_status(self, text: str) -> None:
        if self.sender() is self.current_view():
            self.statusChanged.emit(text)

