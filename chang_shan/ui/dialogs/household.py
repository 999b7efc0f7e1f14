"""The household form: place, room, area, phone, tags; in edit mode its members and its 三长."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan import codes
from chang_shan.errors import ValidationError
from chang_shan.party.households import PARTY_TAG
from chang_shan.population import households
from chang_shan.ui.forms import CheckGroup, FormDialog, ValidatedForm
from chang_shan.ui.forms.household_picker import BuildingUnitFields, building_choices

if TYPE_CHECKING:
    from chang_shan.db.database import Database


def _table(headers: list[str], rows: list[tuple[str, ...]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    return table


class HouseholdDialog(FormDialog):
    """``HouseholdDialog(db, building_id=3, unit_id=12)`` creates a household there;
    ``HouseholdDialog(db, household_id=7)`` edits one and lists its members and 三长."""

    def __init__(
        self, db: Database, *, household_id: int | None = None, building_id: int | None = None,
        unit_id: int | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, title="新增户" if household_id is None else "编辑户", parent=parent)
        self.household_id = household_id
        self.detail: households.HouseholdDetail | None = None
        self._loading = True
        if household_id is not None:
            with db.reader() as session:
                self.detail = households.household_detail(session, household_id)
        self._build()
        if self.detail is not None:
            self._load(self.detail.as_input())
        else:
            self._load(households.HouseholdInput(building_id=building_id, unit_id=unit_id))
        self._loading = False
        self._initial = self.current_input()
        (self.room_edit if building_id is not None or self.detail else self.place.building).setFocus()

    def _build(self) -> None:
        self.header = QLabel(self.detail.address if self.detail else "新增户")
        self.header.setObjectName("header")
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.header.setFont(font)
        self.body.addWidget(self.header)

        form = self.use_form(ValidatedForm(columns=1, parent=self))
        self.place = BuildingUnitFields(building_choices(self.db), self)
        self.place.building.setMinimumContentsLength(16)
        form.add_row("building_id", "楼栋", self.place.building, required=True)
        form.add_row("unit_id", "单元", self.place.unit, required=True)
        self.place.building.currentIndexChanged.connect(lambda: self.field_changed("building_id"))
        self.place.unit.currentIndexChanged.connect(lambda: self.field_changed("unit_id"))
        self.place.changed.connect(self._place_changed)

        self.room_edit = QLineEdit()
        self.room_edit.setObjectName("room")
        self.room_edit.setMaxLength(50)
        form.add_row("room", "门牌", self.room_edit, required=True)
        self.room_edit.textChanged.connect(lambda: self.field_changed("room"))

        self.area_edit = QLineEdit()
        self.area_edit.setObjectName("area")
        self.area_edit.setMaxLength(12)
        self.area_edit.setPlaceholderText("如 52.5")
        area_unit = QLabel("平方米（m²）")
        form.add_row("area_m2", "面积", self.area_edit, aside=area_unit)
        self.area_edit.textChanged.connect(lambda: self.field_changed("area_m2"))

        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("phone")
        self.phone_edit.setMaxLength(30)
        self.phone_edit.setPlaceholderText("家庭电话：手机 11 位，或座机 0431-85551234")
        form.add_row("phone", "电话", self.phone_edit)
        self.phone_edit.textChanged.connect(lambda: self.field_changed("phone"))

        self.tags_box = CheckGroup(codes.household_tags(), columns=4)
        self.tags_box.setObjectName("tags")
        party_box = self.tags_box.boxes.get(PARTY_TAG)
        if party_box is not None:  # kept by the party member ledger, not by hand
            party_box.setEnabled(False)
            party_box.setToolTip("由党员名册自动维护")
        form.add_row("tags", "标签", self.tags_box)
        self.tags_box.changed.connect(lambda: self.field_changed("tags"))

        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        form.add_row("note", "备注", self.note_edit)

        if self.detail is None:
            self.body.addWidget(form)
            self.setMinimumWidth(560)
            return
        row = QHBoxLayout()
        row.addWidget(form, 3)
        side = QVBoxLayout()
        members = QGroupBox(f"本户成员（{len(self.detail.members)} 人）")
        QVBoxLayout(members).addWidget(_table(
            ["姓名", "与户主关系", "性别", "年龄", "身份证号"],
            [(m.name, m.relation, m.sex, "" if m.age is None else str(m.age), m.id_number_masked)
             for m in self.detail.members],
            "members",
        ))
        self.members_table = members.findChild(QTableWidget)
        responsible = QGroupBox("负责本户的三长")
        holders = self.detail.responsible
        responsible_layout = QVBoxLayout(responsible)
        if holders:
            responsible_layout.addWidget(_table(
                ["职务", "姓名", "负责范围", "电话"],
                [(h.role, h.name, h.scope_name, h.phone_masked) for h in holders],
                "responsible",
            ))
        else:
            none = QLabel("还没有指定单元长、楼栋长或网格长。")
            none.setObjectName("noResponsible")
            responsible_layout.addWidget(none)
        self.responsible_table = responsible.findChild(QTableWidget)
        side.addWidget(members, 3)
        side.addWidget(responsible, 2)
        row.addLayout(side, 4)
        self.body.addLayout(row)
        self.setMinimumWidth(1000)

    def _load(self, data: households.HouseholdInput) -> None:
        self.place.select(data.building_id, data.unit_id)
        self.room_edit.setText(data.room)
        self.area_edit.setText("" if data.area_m2 is None else _area_text(data.area_m2))
        self.phone_edit.setText(data.phone)
        self.tags_box.set_values(data.tags)
        self.note_edit.setPlainText(data.note)
        self._place_changed()

    def _place_changed(self) -> None:
        low_rise = self.place.is_low_rise()
        self.form.label_of("unit_id").setEnabled(not low_rise)  # type: ignore[union-attr]
        self.room_edit.setPlaceholderText("平房区填地址，如 长山路12号" if low_rise else "室号，如 301")

    def current_input(self) -> households.HouseholdInput:
        return households.HouseholdInput(
            building_id=self.place.building_id(),
            unit_id=self.place.unit_id(),
            room=self.room_edit.text(),
            area_m2=self.area_edit.text().strip() or None,
            phone=self.phone_edit.text(),
            tags=self.tags_box.values(),
            note=self.note_edit.toPlainText(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        with self.db.reader() as session:
            try:
                households.validate_household(session, self.current_input(), household_id=self.household_id)
            except ValidationError as exc:
                return exc.errors
        return {}

    def _action_name(self, verb: str) -> str:
        return f"{verb} {self.place.address(self.room_edit.text())}"

    def write(self) -> int | None:
        data = self.current_input()
        if self.household_id is None:
            with self.db.transaction(self._action_name("新增户")) as session:
                return households.create_household(session, data)
        if not self.is_dirty():
            return self.household_id
        with self.db.transaction(self._action_name("修改户")) as session:
            households.update_household(session, self.household_id, data,
                                        expected_version=self.detail.version if self.detail else None)
        return self.household_id


def _area_text(value: object) -> str:
    text = f"{value}"
    return text.rstrip("0").rstrip(".") if "." in text else text
