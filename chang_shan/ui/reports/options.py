"""The options of one report as a form, built from ``ReportInfo.options`` (the names the reports'
``build`` take): ``grid``, ``building``, ``unit`` (combos of the places the signed-in user may see:
a 网格员 only their grids), ``status``, ``date``, ``resident`` (the resident search) and
``household`` (楼栋 → 单元 → 户). ``values()`` gives what ``registry.run`` takes; an option left
at 全部 is not passed. A report that cannot be made without a person or a household says so in
``missing()``.

The place tree and the pickers read the database on the GUI thread, as the pickers of the other
forms do (a few small queries).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QComboBox, QCompleter, QDateEdit, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from chang_shan.db.models.people import RESIDENT_STATUSES
from chang_shan.db.models.wills import WILL_STATUSES
from chang_shan.population.addresses import building_label, unit_label

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.population.places import GridNode
    from chang_shan.reports.registry import ReportInfo

# The order the options are shown in, and their labels.
LABELS = {"resident": "居民", "household": "户", "volunteer": "志愿者", "matter": "议题", "case": "调解案件",
          "receipt": "收据号", "branch": "党组织", "team": "服务队", "grid": "网格", "building": "楼栋", "unit": "单元",
          "status": "状态", "year": "年度", "month": "月份", "start": "起始日期", "end": "截止日期", "date": "日期"}
REQUIRED = {"resident": "请先在上面查找并选中一位居民。", "household": "请先选择楼栋、单元和户。",
            "volunteer": "请先选择一位志愿者。", "matter": "请先选择一个议题。", "case": "请先选择一个调解案件。",
            "receipt": "请先填写收据号。"}
# Options chosen from a ledger's list (reports/choices.py); "全部" is offered where the option may be left out.
CHOICE_OPTIONS = ("branch", "team", "volunteer", "matter", "case")
STATUS_CHOICES = {"will_book": WILL_STATUSES}  # other reports: a resident's status
LOW_RISE = "平房区"


def load_places(db: Database) -> list[GridNode]:
    """The grids the signed-in user may see, with their buildings and units."""
    from chang_shan.population.places import place_tree

    with db.reader() as session:
        return place_tree(session)


def resident_entry(db: Database, resident_id: int) -> tuple[int, str, str] | None:
    """(id, name, 张立春　74 岁　3号楼1单元101) as the resident search lists a person."""
    from chang_shan.population import query

    with db.reader() as session:
        rows = query.resident_rows(session, [resident_id])
    if not rows:
        return None
    r = rows[0]
    age = f"{r.age} 岁" if r.age is not None else ""
    return r.id, r.name, "　".join(part for part in (r.name, age, r.address) if part)


class ReportOptions(QWidget):
    """The form of ``info``'s options, ``preset`` (option → value) filled in."""

    changed = Signal()

    def __init__(self, db: Database, info: ReportInfo, places: list[GridNode], preset: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.info = info
        self.places = places
        self.names = [name for name in LABELS if name in info.options]
        self.unsupported = [name for name in info.options if name not in LABELS]
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.grid = self.building = self.unit = self.status = None  # type: QComboBox | None
        self.date: QDateEdit | None = None
        self.start: QDateEdit | None = None
        self.end: QDateEdit | None = None
        self.month: QDateEdit | None = None
        self.year: QSpinBox | None = None
        self.receipt: QLineEdit | None = None
        self.choices: dict[str, QComboBox] = {}  # branch, team, volunteer, matter, case
        self.resident: Any = None
        self.household: Any = None
        for name in self.names:
            if name in CHOICE_OPTIONS:
                self._build_choice(name)
            else:
                getattr(self, f"_build_{name}")()
        if not self.names:
            note = QLabel("这个报表没有选项。")
            note.setProperty("formRole", "hint")
            self.form.addRow(note)
        if self.grid is not None or self.building is not None:
            self._fill_buildings()
        self.apply(preset or {})

    # --- the widgets ------------------------------------------------------------------------------

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"{name}Option")
        combo.setAccessibleName(LABELS[name])
        combo.setMaxVisibleItems(20)
        combo.currentIndexChanged.connect(self.changed)
        self.form.addRow(LABELS[name], combo)
        return combo

    def _build_grid(self) -> None:
        self.grid = self._combo("grid")
        mine = "全部（您负责的网格）" if self._scoped() else "全部网格"
        self.grid.addItem(mine, None)
        for grid in self.places:
            self.grid.addItem(f"{grid.code} {grid.name}", grid.code)
        self.grid.currentIndexChanged.connect(self._fill_buildings)

    def _build_building(self) -> None:
        self.building = self._combo("building")
        self.building.currentIndexChanged.connect(self._fill_units)

    def _build_unit(self) -> None:
        self.unit = self._combo("unit")

    def _build_status(self) -> None:
        self.status = self._combo("status")
        self.status.addItem("全部", None)
        for status in STATUS_CHOICES.get(self.info.name, RESIDENT_STATUSES):
            self.status.addItem(status, status)

    def _build_date(self) -> None:
        self.date = QDateEdit(QDate.currentDate(), self)
        self.date.setObjectName("dateOption")
        self.date.setAccessibleName(LABELS["date"])
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.dateChanged.connect(self.changed)
        self.form.addRow(LABELS["date"], self.date)

    def _date_edit(self, name: str, day: date, display: str = "yyyy-MM-dd") -> QDateEdit:
        edit = QDateEdit(QDate(day), self)
        edit.setObjectName(f"{name}Option")
        edit.setAccessibleName(LABELS[name])
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(display)
        edit.dateChanged.connect(self.changed)
        self.form.addRow(LABELS[name], edit)
        return edit

    def _build_start(self) -> None:
        self.start = self._date_edit("start", date(date.today().year, 1, 1))

    def _build_end(self) -> None:
        self.end = self._date_edit("end", date.today())

    def _build_month(self) -> None:
        today = date.today()
        last = date(today.year - (today.month == 1), 12 if today.month == 1 else today.month - 1, 1)
        self.month = self._date_edit("month", last, "yyyy-MM")

    def _build_year(self) -> None:
        self.year = QSpinBox(self)
        self.year.setObjectName("yearOption")
        self.year.setAccessibleName(LABELS["year"])
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(self.changed)
        self.form.addRow(LABELS["year"], self.year)

    def _build_receipt(self) -> None:
        self.receipt = QLineEdit(self)
        self.receipt.setObjectName("receiptOption")
        self.receipt.setAccessibleName(LABELS["receipt"])
        self.receipt.setPlaceholderText("如 WY2026-00001 或 DH2026-0001")
        self.receipt.textChanged.connect(self.changed)
        self.form.addRow(LABELS["receipt"], self.receipt)

    def _build_choice(self, name: str) -> None:
        """A combo of the ledger's list; typing filters it (800 volunteers are too many to scroll)."""
        from chang_shan.reports.choices import choices

        combo = self._combo(name)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if name not in REQUIRED:
            combo.addItem("全部", None)
        else:
            combo.addItem("（请选择）", None)
        with self.db.reader() as session:
            for value, text in choices(session, name):
                combo.addItem(text, value)
        completer = combo.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.choices[name] = combo

    def _build_resident(self) -> None:
        from chang_shan.ui.forms.resident_search import ResidentSearch

        self.resident = ResidentSearch(self.db, rows=5, parent=self)
        self.resident.chosen.connect(self.changed)
        self.form.addRow(LABELS["resident"], self.resident)

    def _build_household(self) -> None:
        from chang_shan.ui.forms.household_picker import HouseholdPicker

        self.household = HouseholdPicker(self.db, parent=self)
        self.household.layout().setDirection(QBoxLayout.Direction.TopToBottom)  # 楼栋, 单元, 户 stacked: a narrow column
        self.household.household_changed.connect(self.changed)
        self.form.addRow(LABELS["household"], self.household)

    def _scoped(self) -> bool:
        actor = self.db.actor
        return actor is not None and getattr(actor, "grid_ids", None) is not None

    # --- places -----------------------------------------------------------------------------------

    def _grid_code(self) -> str | None:
        return self.grid.currentData() if self.grid is not None else None

    def _fill_buildings(self) -> None:
        if self.building is None:
            return
        code = self._grid_code()
        self.building.blockSignals(True)
        self.building.clear()
        self.building.addItem("全部楼栋", None)
        for grid in self.places:
            if code is not None and grid.code != code:
                continue
            for building in grid.buildings:
                text = building_label(building.name) if code is not None else f"{building_label(building.name)}（{grid.name}）"
                self.building.addItem(text, (grid.code, building.name))
        self.building.blockSignals(False)
        self._fill_units()

    def _chosen_building(self) -> Any:
        """The place tree's node of the building chosen, or None."""
        if self.building is None or self.building.currentData() is None:
            return None
        code, name = self.building.currentData()
        grid = next(g for g in self.places if g.code == code)
        return next(b for b in grid.buildings if b.name == name)

    def _fill_units(self) -> None:
        if self.unit is None:
            self.changed.emit()
            return
        building = self._chosen_building()
        self.unit.blockSignals(True)
        self.unit.clear()
        if building is None:
            self.unit.addItem("全部单元（先选楼栋）", None)
        elif building.kind == LOW_RISE or not building.units:
            self.unit.addItem("平房区不分单元" if building.kind == LOW_RISE else "该楼栋没有单元", None)
        else:
            self.unit.addItem("全部单元", None)
            for unit in building.units:
                self.unit.addItem(unit_label(unit.name), unit.name)
        self.unit.setEnabled(self.unit.count() > 1)
        self.unit.blockSignals(False)
        self.changed.emit()

    # --- values -----------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The options for ``registry.run``: only those given (全部 is the report's default)."""
        found: dict[str, Any] = {}
        if self.grid is not None:
            found["grid"] = self.grid.currentData()
        if self.building is not None and self.building.currentData() is not None:
            code, name = self.building.currentData()
            found["building"] = name
            if "grid" in self.info.options:  # building names are unique within a grid only
                found["grid"] = code
        if self.unit is not None and self.unit.isEnabled():
            found["unit"] = self.unit.currentData()
        if self.status is not None:
            found["status"] = self.status.currentData()
        if self.date is not None:
            found["date"] = self.date.date().toPython()
        if self.resident is not None:
            found["resident"] = self.resident.resident_id()
        if self.household is not None:
            found["household"] = self.household.household_id()
        for name, combo in self.choices.items():
            found[name] = combo.currentData()
        for name in ("start", "end"):
            edit = getattr(self, name)
            if edit is not None:
                found[name] = edit.date().toPython()
        if self.month is not None:
            found["month"] = self.month.date().toPython().isoformat()[:7]
        if self.year is not None:
            found["year"] = self.year.value()
        if self.receipt is not None:
            found["receipt"] = self.receipt.text().strip() or None
        return {key: value for key, value in found.items() if value is not None}

    def missing(self) -> str:
        """What must still be chosen before the report can be made ("" when nothing)."""
        given = self.values()
        return next((text for name, text in REQUIRED.items() if name in self.names and name not in given), "")

    def describe(self) -> str:
        """第一网格 3号楼, 张立春 …: the choice in words, for the status line."""
        parts = []
        for combo in (self.grid, self.building, self.unit, self.status, *self.choices.values()):
            if combo is not None and combo.isEnabled() and combo.currentData() is not None:
                parts.append(combo.currentText())
        if self.resident is not None and self.resident.resident_id() is not None:
            parts.append(self.resident.resident_name())
        if self.household is not None and self.household.household_id() is not None:
            parts.append(self.household.household.currentText().split("　")[0])
        return " ".join(parts)

    def apply(self, preset: dict[str, Any]) -> None:
        """Fill in ``preset`` (from the record the dialog was opened on)."""
        from chang_shan.ui.forms.fields import set_combo_data

        if self.grid is not None and preset.get("grid") is not None:
            set_combo_data(self.grid, preset["grid"])
        if self.building is not None and preset.get("building") is not None:
            index = next((i for i in range(self.building.count())
                          if (self.building.itemData(i) or (None, None))[1] == preset["building"]), -1)
            if index >= 0:
                self.building.setCurrentIndex(index)
        if self.unit is not None and preset.get("unit") is not None:
            set_combo_data(self.unit, preset["unit"])
        if self.status is not None and preset.get("status") is not None:
            set_combo_data(self.status, preset["status"])
        if self.date is not None and isinstance(preset.get("date"), date):
            self.date.setDate(QDate(preset["date"]))
        if self.resident is not None and preset.get("resident") is not None:
            entry = resident_entry(self.db, int(preset["resident"]))
            if entry is not None:
                self.resident.show_person(*entry)
        if self.household is not None and preset.get("household") is not None:
            self.household.select(int(preset["household"]))
        for name, combo in self.choices.items():
            if preset.get(name) is not None:
                set_combo_data(combo, preset[name])
        if self.year is not None and preset.get("year") is not None:
            self.year.setValue(int(preset["year"]))
        if self.receipt is not None and preset.get("receipt") is not None:
            self.receipt.setText(str(preset["receipt"]))
        for name in ("start", "end"):
            edit = getattr(self, name)
            if edit is not None and isinstance(preset.get(name), date):
                edit.setDate(QDate(preset[name]))
        if self.month is not None and preset.get("month"):
            self.month.setDate(QDate(date.fromisoformat(str(preset["month"]) + "-01")))
