"""Choosing a place: building → unit (none in the 平房区) → household, from the place tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from chang_shan.population import households, places
from chang_shan.population.addresses import building_label, household_address, unit_label
from chang_shan.ui.forms.fields import CodeCombo, set_combo_data

if TYPE_CHECKING:
    from chang_shan.db.database import Database

LOW_RISE = "平房区"
NO_UNIT_TEXT = "平房区不分单元"


@dataclass(frozen=True)
class BuildingChoice:
    id: int
    label: str
    kind: str
    units: tuple[tuple[int, str], ...]
    name: str


def building_choices(db: Database) -> list[BuildingChoice]:
    with db.reader() as session:
        tree = places.place_tree(session)
    return [
        BuildingChoice(
            b.id, f"{building_label(b.name)}（{grid.name}）", b.kind, tuple((u.id, u.name) for u in b.units), b.name
        )
        for grid in tree
        for b in grid.buildings
    ]


class BuildingUnitFields(QWidget):
    """Two combos: 楼栋 and 单元. The unit combo is disabled for the 平房区."""

    changed = Signal()

    def __init__(self, choices: list[BuildingChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = {c.id: c for c in choices}
        self.building = QComboBox(self)
        self.building.setObjectName("buildingCombo")
        self.building.setMaxVisibleItems(20)
        self.building.addItem("请选择楼栋", None)
        for choice in choices:
            self.building.addItem(choice.label, choice.id)
        self.unit = QComboBox(self)
        self.unit.setObjectName("unitCombo")
        self.building.currentIndexChanged.connect(self._fill_units)
        self.unit.currentIndexChanged.connect(self.changed)
        self._fill_units()

    def _fill_units(self) -> None:
        choice = self._choices.get(self.building.currentData())
        self.unit.blockSignals(True)
        self.unit.clear()
        if choice is None:
            self.unit.addItem("请先选择楼栋", None)
            self.unit.setEnabled(False)
        elif choice.kind == LOW_RISE or not choice.units:
            self.unit.addItem(NO_UNIT_TEXT if choice.kind == LOW_RISE else "该楼栋还没有单元", None)
            self.unit.setEnabled(False)
        else:
            self.unit.addItem("请选择单元", None)
            for unit_id, name in choice.units:
                self.unit.addItem(unit_label(name), unit_id)
            self.unit.setEnabled(True)
            if len(choice.units) == 1:
                self.unit.setCurrentIndex(1)
        self.unit.blockSignals(False)
        self.changed.emit()

    def building_id(self) -> int | None:
        return self.building.currentData()

    def unit_id(self) -> int | None:
        return self.unit.currentData() if self.unit.isEnabled() else None

    def is_low_rise(self) -> bool:
        choice = self._choices.get(self.building.currentData())
        return choice is not None and choice.kind == LOW_RISE

    def address(self, room: str) -> str:
        """The address the chosen place and ``room`` make, written as everywhere else."""
        choice = self._choices.get(self.building.currentData())
        if choice is None:
            return room.strip()
        unit_name = dict(choice.units).get(self.unit_id()) if self.unit_id() is not None else None
        return household_address(choice.name, unit_name, room, choice.kind)

    def select(self, building_id: int | None, unit_id: int | None) -> None:
        set_combo_data(self.building, building_id)
        if unit_id is not None:
            set_combo_data(self.unit, unit_id)


class HouseholdPicker(QWidget):
    """楼栋, 单元 and 户 (room, head, members; typeable) in one row. ``exclude`` hides one household
    (the one a resident is moving from)."""

    household_changed = Signal()

    def __init__(self, db: Database, *, exclude: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._exclude = exclude
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.place = BuildingUnitFields(building_choices(db), self)
        self.household = CodeCombo([], filterable=True, blank="请选择户（可输入门牌）", parent=self)
        self.household.setObjectName("householdCombo")
        self.household.setMinimumContentsLength(18)
        layout.addWidget(self.place.building, 3)
        layout.addWidget(self.place.unit, 2)
        layout.addWidget(self.household, 5)
        self.place.changed.connect(self._fill_households)
        self.household.currentIndexChanged.connect(self.household_changed)
        self.household.editTextChanged.connect(self.household_changed)
        self._fill_households()

    def _fill_households(self) -> None:
        building_id = self.place.building_id()
        entries: list[tuple[str, str]] = []
        needs_unit = building_id is not None and not self.place.is_low_rise() and self.place.unit.isEnabled()
        if building_id is not None and not (needs_unit and self.place.unit_id() is None):
            with self.db.reader() as session:
                found = places.households_in(session, building_id=building_id, unit_id=self.place.unit_id())
            entries = [
                (str(h.id), f"{h.room}　户主：{h.head_name or '（无）'}　{h.members} 人")
                for h in found
                if h.id != self._exclude
            ]
        self.household.set_entries(entries)
        self.household.setEnabled(bool(entries))
        self.household.lineEdit().setPlaceholderText("请选择户（可输入门牌）" if entries else "这里没有可选的户")

    def household_id(self) -> int | None:
        code = self.household.matched_code()
        return int(code) if code else None

    def select(self, household_id: int) -> None:
        with self.db.reader() as session:
            detail = households.household_detail(session, household_id)
        self.place.select(detail.building_id, detail.unit_id)
        self.household.set_code(str(household_id))

    def select_place(self, building_id: int | None, unit_id: int | None) -> None:
        self.place.select(building_id, unit_id)
