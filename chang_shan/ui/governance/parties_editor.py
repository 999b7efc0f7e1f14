"""The parties (当事人) of a mediation case, one row each: side, name, sex, age, ethnicity,
occupation, 单位或者住所, ID number and phone — what 人民调解法 第二十九条 asks of an agreement.
A resident is added through the resident search and their details are copied from the 万家数据库
(the service copies them again when the case is saved; what is typed here wins); anyone else is
typed in. ID numbers and phones of residents show masked and are never sent back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan import codes
from chang_shan.db.models.mediation import PARTY_SIDES
from chang_shan.mediation.shapes import PartyInput
from chang_shan.ui.forms.resident_search import ResidentSearch

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.mediation.shapes import PartyRow

COLUMNS = ("身份", "姓名", "性别", "年龄", "民族", "职业", "单位或者住所", "身份证号", "电话", "来源")
SIDE, NAME, SEX, AGE, ETHNICITY, OCCUPATION, ADDRESS, ID_NUMBER, PHONE, SOURCE = range(len(COLUMNS))
SAMPLES = ("被申请人", "欧阳春花", "性别", "年龄", "蒙古族", "个体经营", "", "220103********0000", "139****0000", "万家")
RESIDENT = "万家数据库"
OTHER = "外来人员"


def ethnicity_code(text: str) -> str:
    """'汉族' or '汉' → '01'; '' stays ''; an unknown name is given back (the service refuses it)."""
    text = text.strip()
    if not text:
        return ""
    table = codes.ethnicity()
    for code, label in table.entries:
        if label == text or label == f"{text}族" or code == text:
            return code
    return text


class ResidentPickDialog(QDialog):
    """A small window with the resident search: 添加 picks the person."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("添加当事人（居民）")
        self.search = ResidentSearch(db, rows=8)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("添加", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.search.search.setFocus()


class PartiesEditor(QWidget):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.resident_ids: list[int | None] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("parties")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for column, sample in enumerate(SAMPLES):
            if sample:
                header.resizeSection(column, int(metrics.horizontalAdvance(sample) + metrics.horizontalAdvance("中") * 2))
        header.setSectionResizeMode(ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(metrics.height() * 7)
        self.add_resident_button = QPushButton("添加居民…")
        self.add_resident_button.setObjectName("addResidentParty")
        self.add_resident_button.setToolTip("从万家数据库中查找当事人，其性别、年龄、民族、职业、住址自动带入")
        self.add_other_button = QPushButton("添加其他人")
        self.add_other_button.setObjectName("addOtherParty")
        self.add_other_button.setToolTip("当事人不是本社区居民：逐项填写")
        self.remove_button = QPushButton("删除")
        self.remove_button.setObjectName("removeParty")
        self.add_resident_button.clicked.connect(self.pick_resident)
        self.add_other_button.clicked.connect(lambda: self.add_party(PartyInput(side=self._next_side())))
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        for button in (self.add_resident_button, self.add_other_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _next_side(self) -> str:
        sides = [self._side(r) for r in range(self.table.rowCount())]
        return "申请人" if "申请人" not in sides else "被申请人" if "被申请人" not in sides else "第三人"

    def _side(self, row: int) -> str:
        combo = self.table.cellWidget(row, SIDE)
        return combo.currentText() if isinstance(combo, QComboBox) else ""

    # --- rows -----------------------------------------------------------------------------------
    def add_party(self, party: PartyInput, *, sex_text: str = "", ethnicity_text: str = "", masked_id: str = "",
                  masked_phone: str = "") -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        side = QComboBox()
        side.addItems(list(PARTY_SIDES))
        side.setCurrentText(party.side)
        side.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setCellWidget(row, SIDE, side)
        sex = QComboBox()
        sex.addItem("", "")
        for code, label in codes.sex().entries:
            if code in ("1", "2"):
                sex.addItem(label, code)
        index = sex.findData(party.sex_code)
        sex.setCurrentIndex(index if index >= 0 else 0)
        sex.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setCellWidget(row, SEX, sex)
        resident = party.resident_id is not None
        ethnicity = ethnicity_text or codes.ethnicity().label(party.ethnicity_code)
        cells = {NAME: party.name, AGE: "" if party.age is None else str(party.age), ETHNICITY: ethnicity,
                 OCCUPATION: party.occupation, ADDRESS: party.address,
                 ID_NUMBER: masked_id or party.id_number, PHONE: masked_phone or party.phone,
                 SOURCE: RESIDENT if resident else OTHER}
        for column, text in cells.items():
            item = QTableWidgetItem(text)
            if column == SOURCE or (resident and column in (NAME, ID_NUMBER, PHONE)):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip("来自万家数据库（在万家数据库中修改）" if resident else "")
            self.table.setItem(row, column, item)
        self.resident_ids.append(party.resident_id)
        self.table.blockSignals(False)
        self.table.selectRow(row)
        self.changed.emit()
        return row

    def add_resident(self, resident_id: int, side: str | None = None) -> int:
        """Add a resident as a party, their details copied from the 万家数据库."""
        from chang_shan.population import residents

        with self.db.reader() as session:
            d = residents.resident_detail(session, resident_id)
        party = PartyInput(side=side or self._next_side(), resident_id=resident_id, name=d.name,
                           sex_code=d.sex_code if d.sex_code in ("1", "2") else "", age=d.age,
                           ethnicity_code=d.ethnicity_code or "", occupation=d.employment or "", address=d.address)
        return self.add_party(party, masked_id=d.id_number_masked, masked_phone=d.phone_masked)

    def pick_resident(self) -> None:
        dialog = ResidentPickDialog(self.db, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.search.resident_id() is not None:
            self.add_resident(dialog.search.resident_id())

    def remove_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
            self.table.removeRow(row)
            del self.resident_ids[row]
            self.changed.emit()

    def set_parties(self, parties: list[PartyRow]) -> None:
        """The case's stored parties (an edit): masked numbers stay masked (the service keeps the
        stored ones when they come back unchanged)."""
        self.table.setRowCount(0)
        self.resident_ids = []
        for p in parties:
            self.add_party(PartyInput(side=p.side, resident_id=p.resident_id, name=p.name, sex_code=p.sex_code,
                                      age=p.age, ethnicity_code=p.ethnicity_code, occupation=p.occupation,
                                      address=p.address, id_number=p.id_number, phone=p.phone))

    # --- reading --------------------------------------------------------------------------------
    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def parties(self) -> list[PartyInput]:
        out = []
        for row in range(self.table.rowCount()):
            resident_id = self.resident_ids[row]
            sex = self.table.cellWidget(row, SEX)
            age_text = self._text(row, AGE)
            out.append(PartyInput(
                side=self._side(row), resident_id=resident_id, name=self._text(row, NAME),
                sex_code=sex.currentData() if isinstance(sex, QComboBox) else "",
                age=int(age_text) if age_text.isdigit() else None,
                ethnicity_code=ethnicity_code(self._text(row, ETHNICITY)), occupation=self._text(row, OCCUPATION),
                address=self._text(row, ADDRESS),
                id_number="" if resident_id is not None else self._text(row, ID_NUMBER),
                phone="" if resident_id is not None else self._text(row, PHONE),
            ))
        return out

    def age_problems(self) -> dict[str, str]:
        problems = {}
        for row in range(self.table.rowCount()):
            text = self._text(row, AGE)
            if text and not text.isdigit():
                problems["parties"] = f"第 {row + 1} 位当事人的年龄应是数字（周岁）。"
        return problems
