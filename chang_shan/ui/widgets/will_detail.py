"""The selected will: its facts (testator, form and article, dates, registrar, executor, custody,
capacity, revocation, activation) with its flags and warnings in red on the left; on the right its
witnesses (ID numbers and phones masked, the three confirmations of 第1140条), the people it names
(查看人, 提取人, 继承人, 受遗赠人), the chain of the testator's wills (第1142条: the last made
prevails) and the scans and recordings (添加… / 打开)."""

from __future__ import annotations

from datetime import timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan.ui.dialogs.health_fields import heading
from chang_shan.ui.forms.fields import ERROR_COLOUR, format_date
from chang_shan.ui.models.will_table import age_text, form_short
from chang_shan.ui.widgets.facts import fact_grid
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from chang_shan.wills.shapes import AttachmentRow, WillDetail, WillRow

WITNESS_COLUMNS = ("姓名", "身份证号", "与立遗嘱人关系", "电话", "第1140条核对")
WITNESS_SAMPLES = ("欧阳春花花", "220182********2531", "与立遗嘱人关系", "189****0666")
PERSON_COLUMNS = ("身份", "姓名", "关系", "身份证号", "电话")
PERSON_SAMPLES = ("受遗赠人", "欧阳春花花", "长子长子", "220182********2531", "189****0666")
CHAIN_COLUMNS = ("登记号", "形式", "立遗嘱日期", "状态")
CHAIN_SAMPLES = ("YZ2026-0000", "录音录像", "2024-12-31", "")
ATTACHMENT_COLUMNS = ("类型", "文件", "大小", "添加时间")
ATTACHMENT_SAMPLES = ("扫描件", "", "1023.9 KB", "2024-12-31 23:59")
ID_ROLE = Qt.ItemDataRole.UserRole
# (key, label, spans both columns)
FIELDS = (
    ("testator", "立遗嘱人", False), ("address", "住址", False),
    ("form", "遗嘱形式", False), ("status", "状态", False),
    ("made", "立遗嘱日期", False), ("registered", "登记日期", False),
    ("registrar", "登记人", False), ("executor", "遗嘱执行人", False),
    ("custody", "保管", True), ("notary", "公证", True), ("emergency", "危急情况", True),
    ("capacity", "行为能力", True), ("revoked", "撤回", True), ("activated", "启用", True),
    ("notified", "通知查看人", True), ("note", "备注", True),
)
OPTIONAL = ("notary", "emergency", "capacity", "revoked", "activated", "notified", "note")
CHECKS = ("非继承人、受遗赠人", "无利害关系", "完全民事行为能力")


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def custody_text(detail: WillDetail) -> str:
    parts = [detail.row.custody or detail.custody_kind]
    if detail.custody_note and detail.custody_note not in parts[0]:
        parts.append(detail.custody_note)
    return "　".join(parts)


def checks_text(confirmed: tuple[bool, bool, bool]) -> str:
    """☑ 非继承人、受遗赠人　☑ 无利害关系　☐ 完全民事行为能力"""
    return "　".join(f"{'☑' if ok else '☐'} {label}" for ok, label in zip(confirmed, CHECKS, strict=True))


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], ids: list[int] | None = None,
          red: set[int] | None = None, bold: int | None = None) -> None:
    table.setRowCount(len(rows))
    brush = QBrush(QColor(ERROR_COLOUR))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if ids is not None:
                item.setData(ID_ROLE, ids[r])
            if red and r in red:
                item.setForeground(brush)
            if bold == r:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)


class WillDetailPanel(QWidget):
    """``show_will(detail)`` or ``show_nothing(text)``. ``chainChosen(will_id)`` when a will of
    the chain is double-clicked; ``addAttachment`` / ``openAttachment(id)`` for the files."""

    chainChosen = Signal(int)
    addAttachment = Signal()
    openAttachment = Signal(int)

    def __init__(self, *, can_edit: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: WillDetail | None = None
        self.title = heading("", name="willTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setObjectName("willNote")
        self.note.setStyleSheet("color: #555555;")
        self.note.setWordWrap(True)
        self.warnings = QLabel("")
        self.warnings.setObjectName("willWarnings")
        self.warnings.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.warnings.setWordWrap(True)
        grid, self.values, self.labels = fact_grid(FIELDS, "will")
        grid.setVerticalSpacing(3)
        self.fields = QWidget()
        self.fields.setLayout(grid)

        self.witnesses = read_only_table(WITNESS_COLUMNS, "willWitnesses", samples=WITNESS_SAMPLES)
        self.persons = read_only_table(PERSON_COLUMNS, "willPersons", stretch=2, samples=PERSON_SAMPLES)
        self.chain = read_only_table(CHAIN_COLUMNS, "willChain", samples=CHAIN_SAMPLES)
        self.chain.setToolTip("同一立遗嘱人的全部遗嘱，按立遗嘱日期排列；双击查看那一份")
        self.chain.doubleClicked.connect(self._chain_chosen)
        self.attachments = read_only_table(ATTACHMENT_COLUMNS, "willAttachments", stretch=1,
                                           samples=ATTACHMENT_SAMPLES)
        self.attachments.doubleClicked.connect(lambda _index: self._open_attachment())
        self.attachments.itemSelectionChanged.connect(self._attachment_selected)
        self.add_button = QPushButton("添加…")
        self.add_button.setObjectName("addAttachment")
        self.add_button.setToolTip("添加遗嘱的扫描件、录音或录像")
        self.add_button.setVisible(can_edit)
        self.add_button.clicked.connect(self.addAttachment.emit)
        self.open_button = QPushButton("打开")
        self.open_button.setObjectName("openAttachment")
        self.open_button.setToolTip("用系统的程序打开选中的文件（会记入审计记录）")
        self.open_button.clicked.connect(self._open_attachment)
        files = QWidget()
        files_layout = QVBoxLayout(files)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.addWidget(self.attachments, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        files_layout.addLayout(buttons)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("willTabs")
        self.tabs.addTab(self.witnesses, "见证人")
        self.tabs.addTab(self.persons, "查看人与继承人")
        self.tabs.addTab(self.chain, "遗嘱链")
        self.tabs.addTab(files, "附件")

        about = QVBoxLayout()
        about.setSpacing(4)
        about.addWidget(self.title)
        about.addWidget(self.warnings)
        about.addWidget(self.note)
        about.addWidget(self.fields)
        about.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(16)
        layout.addLayout(about, 1)
        layout.addWidget(self.tabs, 1)
        self.show_nothing()

    # --- showing ---------------------------------------------------------------------------------
    def show_nothing(self, text: str = "请在上面选择一份遗嘱登记。") -> None:
        self.detail = None
        self.title.setText("")
        self.warnings.hide()
        self.note.setText(text)
        self.note.show()
        self.fields.hide()
        self.tabs.hide()
        for table in (self.witnesses, self.persons, self.chain, self.attachments):
            table.setRowCount(0)

    def show_will(self, detail: WillDetail) -> None:
        self.detail = detail
        row = detail.row
        self.title.setText(f"{row.number}　{row.testator_name}　{row.form_text}")
        self.warnings.setText("\n".join(f"⚠ {p}" for p in detail.warnings))
        self.warnings.setVisible(bool(detail.warnings))
        self.note.hide()
        status = row.status
        if row.superseded_by_number:
            status += f"（被 {row.superseded_by_number} 取代）"
        if row.flags:
            status += "　" + "；".join(row.flags)
        testator = "　".join(p for p in (row.testator_name, detail.testator_gender, age_text(row)) if p)
        if detail.testator_died_on is not None:
            testator += f"　{format_date(detail.testator_died_on)} 去世"
        notary = "　".join(p for p in (detail.notary_office, f"公证书 {detail.notary_certificate}"
                                       if detail.notary_certificate else "") if p)
        emergency = detail.emergency_note
        if detail.emergency_over_on is not None:
            emergency += f"（{format_date(detail.emergency_over_on)} 危急情况已消除，口头遗嘱无效）"
        revoked = ""
        if detail.revoked_on is not None:
            revoked = "　".join(p for p in (format_date(detail.revoked_on), detail.revocation_note) if p)
        values = {
            "testator": testator, "address": detail.testator_address or "（无住址）",
            "form": f"{form_short(row)}", "status": status,
            "made": format_date(row.made_on), "registered": format_date(row.registered_on),
            "registrar": detail.registered_by_name or detail.registered_by,
            "executor": "　".join(p for p in (detail.executor_name, detail.executor_phone) if p) or "（未指定）",
            "custody": custody_text(detail), "notary": notary, "emergency": emergency,
            "capacity": detail.capacity_note, "revoked": revoked,
            "activated": format_date(detail.activated_on), "notified": format_date(detail.viewers_notified_on),
            "note": detail.note,
        }
        for key, value in values.items():
            self.values[key].setText(value)
            if key in OPTIONAL:
                self.values[key].setVisible(bool(value))
                self.labels[key].setVisible(bool(value))
        inactive = row.status in ("已撤回", "被新遗嘱取代") or bool(row.flags)
        self.values["status"].setStyleSheet(f"color: {ERROR_COLOUR};" if inactive else "")
        self.fields.show()
        self._fill_tables(detail)
        self.tabs.show()

    def _fill_tables(self, detail: WillDetail) -> None:
        witnesses = detail.witnesses
        _fill(self.witnesses, [(w.name, w.id_number, w.relation, w.phone,
                                checks_text((w.not_heir_confirmed, w.no_interest_confirmed, w.capacity_confirmed)))
                               for w in witnesses],
              red={i for i, w in enumerate(witnesses)
                   if not (w.not_heir_confirmed and w.no_interest_confirmed and w.capacity_confirmed)})
        self.tabs.setTabText(0, f"见证人（{len(witnesses)}）")
        persons = detail.persons
        _fill(self.persons, [(p.role, p.name, p.relation, p.id_number, p.phone) for p in persons])
        self.tabs.setTabText(1, f"查看人与继承人（{len(persons)}）")
        chain = list(detail.chain)
        here = next((i for i, w in enumerate(chain) if w.id == detail.id), None)
        _fill(self.chain, [chain_cells(w) for w in chain], [w.id for w in chain], bold=here)
        self.tabs.setTabText(2, f"遗嘱链（{len(chain)}）")
        files = detail.attachments
        _fill(self.attachments, [attachment_cells(a) for a in files], [a.id for a in files])
        self.tabs.setTabText(3, f"附件（{len(files)}）")
        self._attachment_selected()

    # --- reading back (tests, the screen) -----------------------------------------------------------
    def rows_of(self, table: QTableWidget) -> list[tuple[str, ...]]:
        return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]

    def current_attachment_id(self) -> int | None:
        rows = self.attachments.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.attachments.item(rows[0].row(), 0)
        return item.data(ID_ROLE) if item is not None else None

    def _attachment_selected(self) -> None:
        self.open_button.setEnabled(self.current_attachment_id() is not None)

    def _open_attachment(self) -> None:
        attachment_id = self.current_attachment_id()
        if attachment_id is not None:
            self.openAttachment.emit(attachment_id)

    def _chain_chosen(self) -> None:
        rows = self.chain.selectionModel().selectedRows()
        item = self.chain.item(rows[0].row(), 0) if rows else None
        if item is not None and self.detail is not None and item.data(ID_ROLE) != self.detail.id:
            self.chainChosen.emit(item.data(ID_ROLE))


def chain_cells(row: WillRow) -> tuple[str, ...]:
    status = row.status + (f"（被 {row.superseded_by_number} 取代）" if row.superseded_by_number else "")
    if row.flags:
        status += "；" + "；".join(row.flags)
    return (row.number, row.form, format_date(row.made_on), status)


def attachment_cells(row: AttachmentRow) -> tuple[str, ...]:
    added = row.added_at.replace(tzinfo=timezone.utc).astimezone()  # stored in UTC, shown local
    return (row.kind, row.original_name, size_text(row.size), f"{added:%Y-%m-%d %H:%M}")
