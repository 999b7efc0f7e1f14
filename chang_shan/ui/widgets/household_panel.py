"""The household of the selected resident: address, tags, members (户主 first) and who is
responsible for it (单元长, 楼栋长, 网格长 — the 三长)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from chang_shan.population.households import HouseholdDetail


class HouseholdPanel(QWidget):
    memberActivated = Signal(int)  # a member's resident id (double-click opens them)
    printRequested = Signal(int)  # 打印社会关系档案…: the household's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.household_id: int | None = None
        self.title = QLabel("户信息")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)

        self.members = QTableWidget(0, 3)
        self.members.setHorizontalHeaderLabels(["成员", "关系", "年龄"])
        self.members.verticalHeader().hide()
        self.members.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.members.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.members.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.members.itemDoubleClicked.connect(self._member_activated)

        self.responsible = QLabel("")
        self.responsible.setWordWrap(True)
        self.responsible.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("打印社会关系档案…")
        self.print_button.setObjectName("printHousehold")
        self.print_button.setToolTip("预览并打印本户的居民社会关系信息档案")
        self.print_button.clicked.connect(
            lambda: self.household_id is not None and self.printRequested.emit(self.household_id))
        box = QGroupBox("负责人（三长）")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.responsible)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.members, 1)
        layout.addWidget(box)
        layout.addWidget(self.print_button)
        self.show_nothing()

    def show_nothing(self, text: str = "选中一位居民，这里显示他所在的户。") -> None:
        self.household_id = None
        self.print_button.setEnabled(False)
        self.title.setText("户信息")
        self.facts.setText(text)
        self.members.setRowCount(0)
        self.responsible.setText("—")

    def show_household(self, detail: HouseholdDetail, *, selected_resident: int | None = None) -> None:
        from chang_shan.population.idnumber import mask_phone

        self.household_id = detail.id
        self.print_button.setEnabled(True)
        self.title.setText(detail.address)
        first = detail.grid_name
        if detail.area_m2 is not None:
            first += f" · {detail.area_m2:g} 平方米"
        facts = [first]
        if detail.phone:
            facts.append(f"电话：{mask_phone(detail.phone)}")
        if detail.tags:
            facts.append("标签：" + "、".join(detail.tags))
        self.facts.setText("\n".join(facts))

        self.members.setRowCount(len(detail.members))
        for row, member in enumerate(detail.members):
            name = QTableWidgetItem(member.name + ("（户主）" if member.is_head else ""))
            name.setData(Qt.ItemDataRole.UserRole, member.id)
            relation = QTableWidgetItem(member.relation)
            age = QTableWidgetItem("" if member.age is None else str(member.age))
            age.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for column, item in enumerate((name, relation, age)):
                self.members.setItem(row, column, item)
            if member.id == selected_resident:
                self.members.selectRow(row)
        if detail.responsible:
            self.responsible.setText("\n".join(
                f"{h.role}：{h.name}" + (f"  {h.phone_masked}" if h.phone_masked else "")
                for h in detail.responsible
            ))
        else:
            self.responsible.setText("尚未指定")

    def _member_activated(self, item: QTableWidgetItem) -> None:
        resident_id = self.members.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        if resident_id is not None:
            self.memberActivated.emit(int(resident_id))
