"""One resident's health record on the 居民健康库 screen: who it is, a summary of the profile
(血型, 过敏, 既往史 with dates, 残疾, 家庭医生, 用药, 走失风险, 自理能力), the visits and the self-care
assessments. ``load_record`` gathers it on the worker; the panel only shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from chang_shan.health import codes
from chang_shan.health.plan import planning_visit
from chang_shan.health.shapes import ProfileDetail, ProfileInput, SelfCareDetail, VisitRow
from chang_shan.population.query import ResidentRow
from chang_shan.ui.dialogs.health_fields import heading
from chang_shan.ui.widgets.tables import fit_columns, read_only_table

VISIT_COLUMNS = ("日期", "方式", "目的", "随访人", "血压", "血糖", "情况记录", "下次随访")
SELF_CARE_COLUMNS = ("评估日期", "进餐", "梳洗", "穿衣", "如厕", "活动", "总分", "等级", "评估人", "备注")
WARNING = "#b3261e"
NONE_TEXT = "无"


@dataclass(frozen=True)
class HealthRecord:
    resident: ResidentRow | None
    profile: ProfileDetail
    visits: list[VisitRow]
    self_care: list[SelfCareDetail]


def load_record(session: Session, resident_id: int, on: date | None = None) -> HealthRecord:
    """Everything the panel shows for one resident (``Perm.HEALTH``; the services check)."""
    from chang_shan.health import profiles, selfcare, visits
    from chang_shan.population import query

    profile = profiles.get_profile(session, resident_id)
    rows = query.resident_rows(session, [resident_id], on_date=on)
    return HealthRecord(rows[0] if rows else None, profile, visits.list_visits(session, resident_id),
                        selfcare.self_care_history(session, resident_id))


# --- wording ----------------------------------------------------------------------------------


def _labels(table: codes.CodeTable, chosen: list[str], other: str = "", other_code: str = "") -> str:
    """'青霉素、其他：头孢' — or '' when nothing was chosen."""
    parts = [f"{table.label(c)}：{other}" if c == other_code and other else table.label(c, c) for c in chosen]
    return "、".join(parts)


def _month(value: date | None) -> str:
    return f"{value:%Y-%m}" if value else "时间不详"


def condition_text(data: ProfileInput) -> str:
    """既往史 one per line: '高血压（2015-03）'."""
    lines = []
    diseases = codes.disease()
    for line in data.conditions:
        if line.category == "疾病":
            name = diseases.label(line.code, line.code)
            if line.name:
                name = f"{name}：{line.name}" if line.code in ("6", "13") else f"{name}（{line.name}）"
        else:
            name = f"{line.category}：{line.name}"
        lines.append(f"{name}（{_month(line.on_date)}）")
    return "\n".join(lines) or NONE_TEXT


def self_care_text(detail: SelfCareDetail | None) -> str:
    if detail is None:
        return "未评估"
    return f"{detail.level}（{detail.total} 分，{detail.assessed_on:%Y-%m-%d}）"


def summary_items(profile: ProfileDetail, visits: list[VisitRow]) -> list[tuple[str, str, bool]]:
    """(label, text, stands out) for the summary, in the order shown."""
    data = profile.data
    blood = codes.blood_type().label(data.blood_type, "不详")
    rh = codes.rh().label(data.rh, "不详")
    blood_text = f"{blood}　RH{rh}" if data.rh != "3" else f"{blood}　RH 不详"
    allergies = _labels(codes.allergy(), data.allergies, data.allergy_other, "5")
    disabilities = _labels(codes.disability(), data.disabilities, data.disability_other, "8")
    doctor = "　".join(p for p in (data.family_doctor, data.family_doctor_phone) if p)
    latest = visits[0] if visits else None
    plan = planning_visit(visits)  # the same plan the today list reads
    next_due = plan.next_due_on if plan is not None else None
    overdue = next_due is not None and next_due < date.today()
    return [
        ("血型", blood_text, False),
        ("药物过敏", allergies or "未填", bool(allergies) and data.allergies != [codes.NONE_CODE]),
        ("既往史", condition_text(data), False),
        ("残疾情况", disabilities or "未填", False),
        ("家庭医生", doctor or "未填", False),
        ("用药情况", data.medication or "未填", False),
        ("走失风险", "有走失风险，外出需有人陪同" if data.wandering_risk else NONE_TEXT, data.wandering_risk),
        ("生活自理", self_care_text(profile.self_care), profile.self_care is not None
         and profile.self_care.total >= codes.DEPENDENT_FROM),
        ("最近随访", f"{latest.visited_on:%Y-%m-%d}（{latest.purpose}，{latest.kind}）" if latest else "没有随访记录",
         False),
        ("下次随访", (f"{next_due:%Y-%m-%d}" + ("（已逾期）" if overdue else "")) if next_due else "未安排", overdue),
    ]


def visit_cells(visit: VisitRow) -> tuple[str, ...]:
    return (
        f"{visit.visited_on:%Y-%m-%d}", visit.kind, visit.purpose, visit.visitor, visit.blood_pressure,
        str(visit.glucose) if visit.glucose is not None else "", visit.notes.replace("\n", " "),
        f"{visit.next_due_on:%Y-%m-%d}" if visit.next_due_on else "",
    )


def self_care_cells(detail: SelfCareDetail) -> tuple[str, ...]:
    return (
        f"{detail.assessed_on:%Y-%m-%d}", str(detail.eating), str(detail.grooming), str(detail.dressing),
        str(detail.toileting), str(detail.activity), str(detail.total), detail.level, detail.assessor, detail.note,
    )


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    fit_columns(table)


class HealthRecordPanel(QWidget):
    """The right side of the screen. Its buttons emit signals; the screen opens the dialogs."""

    editProfile = Signal()
    newVisit = Signal()
    assessSelfCare = Signal()
    editVisit = Signal(object)  # VisitRow
    deleteVisit = Signal(object)  # VisitRow
    printForm = Signal()  # 打印个人基本信息表…: the reports dialog on this resident's form

    def __init__(self, *, can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_edit = can_edit
        self.record: HealthRecord | None = None

        self.header = heading(name="recordHeader", scale=1.2)
        self.edit_button = QPushButton("编辑健康档案")
        self.edit_button.setObjectName("editProfile")
        self.edit_button.setToolTip("编辑个人基本信息表（Ctrl+E）")
        self.edit_button.clicked.connect(self.editProfile)
        self.visit_button = QPushButton("新增随访")
        self.visit_button.setObjectName("newVisit")
        self.visit_button.setToolTip("记录一次上门或电话随访（Ctrl+N）")
        self.visit_button.clicked.connect(self.newVisit)
        self.self_care_button = QPushButton("生活自理能力评估")
        self.self_care_button.setObjectName("selfCare")
        self.self_care_button.clicked.connect(self.assessSelfCare)
        self.buttons = (self.edit_button, self.visit_button, self.self_care_button)
        self.print_button = QPushButton("打印信息表…")
        self.print_button.setObjectName("printForm")
        self.print_button.setToolTip("预览并打印这位居民的个人基本信息表")
        self.print_button.clicked.connect(self.printForm)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        for button in self.buttons:
            button.setVisible(can_edit)
            top.addWidget(button)
        top.addWidget(self.print_button)

        self.summary = QWidget()
        self.summary.setObjectName("summary")
        columns = QHBoxLayout(self.summary)
        columns.setContentsMargins(0, 4, 0, 4)
        columns.setSpacing(24)
        self._summary_grids = (QGridLayout(), QGridLayout())
        for grid in self._summary_grids:  # two columns, each with its own row heights
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(1, 1)
            columns.addLayout(grid, 1)
        self.summary_values: dict[str, QLabel] = {}
        self.no_profile = QLabel()
        self.no_profile.setObjectName("noProfile")
        self.no_profile.setStyleSheet("color: #555555;")
        self.no_profile.setWordWrap(True)

        self.visits = read_only_table(VISIT_COLUMNS, "visits", stretch=6)
        self.visits.doubleClicked.connect(lambda index: self._visit_action(index.row(), self.editVisit))
        self.edit_visit_button = QPushButton("修改所选随访")
        self.edit_visit_button.setObjectName("editVisit")
        self.edit_visit_button.clicked.connect(lambda: self._visit_action(self.visits.currentRow(), self.editVisit))
        self.delete_visit_button = QPushButton("删除所选随访")
        self.delete_visit_button.setObjectName("deleteVisit")
        self.delete_visit_button.clicked.connect(
            lambda: self._visit_action(self.visits.currentRow(), self.deleteVisit))
        visit_page = QWidget()
        visit_layout = QVBoxLayout(visit_page)
        visit_layout.setContentsMargins(0, 4, 0, 0)
        visit_layout.addWidget(self.visits, 1)
        visit_buttons = QHBoxLayout()
        visit_buttons.addStretch(1)
        for button in (self.edit_visit_button, self.delete_visit_button):
            button.setVisible(can_edit)
            visit_buttons.addWidget(button)
        if can_edit:
            visit_layout.addLayout(visit_buttons)
        self.self_care = read_only_table(SELF_CARE_COLUMNS, "selfCareHistory", stretch=9)
        self.history_tabs = QTabWidget()
        self.history_tabs.setObjectName("historyTabs")
        self.history_tabs.addTab(visit_page, "随访记录")
        self.history_tabs.addTab(self.self_care, "自理能力评估")

        record = QWidget()
        layout = QVBoxLayout(record)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.no_profile)
        layout.addWidget(self.summary)
        layout.addWidget(self.history_tabs, 1)

        self.nothing = QLabel("请在左侧选择一位居民。")
        self.nothing.setObjectName("nothing")
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setStyleSheet("color: #555555;")
        self.nothing.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.nothing)
        self.stack.addWidget(record)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    # --- showing ------------------------------------------------------------------------------
    @property
    def resident_id(self) -> int | None:
        return self.record.profile.resident_id if self.record is not None else None

    def show_nothing(self, text: str = "请在左侧选择一位居民。") -> None:
        self.record = None
        self.nothing.setText(text)
        self.stack.setCurrentIndex(0)

    def show_record(self, record: HealthRecord) -> None:
        self.record = record
        profile, person = record.profile, record.resident
        if person is not None:
            parts = [person.name, person.sex, f"{person.age} 岁" if person.age is not None else "", person.address,
                     "" if person.status == "在册" else person.status]
        else:
            parts = [profile.resident_name, f"{profile.age} 岁" if profile.age is not None else ""]
        self.header.setText("　".join(p for p in parts if p))
        self.edit_button.setText("编辑健康档案" if profile.exists else "建立健康档案")
        if profile.exists:
            self.no_profile.hide()
        else:
            hint = "点击“建立健康档案”填写个人基本信息表。" if self.can_edit else ""
            self.no_profile.setText(f"尚未建立健康档案。{hint}")
            self.no_profile.show()
        self._show_summary(summary_items(profile, record.visits))
        _fill(self.visits, [visit_cells(v) for v in record.visits])
        _fill(self.self_care, [self_care_cells(d) for d in record.self_care])
        self.history_tabs.setTabText(0, f"随访记录（{len(record.visits)}）")
        self.history_tabs.setTabText(1, f"自理能力评估（{len(record.self_care)}）")
        for button in (self.edit_visit_button, self.delete_visit_button):
            button.setEnabled(bool(record.visits))
        self.stack.setCurrentIndex(1)

    def _show_summary(self, items: list[tuple[str, str, bool]]) -> None:
        half = (len(items) + 1) // 2
        first = not self.summary_values
        for index, (label, text, warn) in enumerate(items):
            value = self.summary_values.get(label)
            if value is None:
                name = QLabel(f"{label}：")
                name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                name.setStyleSheet("color: #555555;")
                value = QLabel()
                value.setObjectName(f"summary_{label}")
                value.setTextFormat(Qt.TextFormat.PlainText)
                value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid, row = (self._summary_grids[0], index) if index < half else (self._summary_grids[1], index - half)
                grid.addWidget(name, row, 0)
                grid.addWidget(value, row, 1)
                self.summary_values[label] = value
            value.setText(text)
            value.setStyleSheet(f"color: {WARNING}; font-weight: bold;" if warn else "")
        if first:
            for grid in self._summary_grids:  # the rows stay at the top
                grid.setRowStretch(grid.rowCount(), 1)

    def summary_text(self, label: str) -> str:
        return self.summary_values[label].text()

    def _visit_action(self, row: int, signal: Signal) -> None:
        if not self.can_edit or self.record is None or not 0 <= row < len(self.record.visits):
            return
        signal.emit(self.record.visits[row])  # type: ignore[attr-defined]

    def visit_texts(self, column: int) -> list[str]:
        return [self.visits.item(r, column).text() for r in range(self.visits.rowCount())]
