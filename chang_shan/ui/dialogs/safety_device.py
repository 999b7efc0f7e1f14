"""Safety-device dialogs: 新增设备 / 修改设备 / 更换设备, 记录检查 and 拆除.

A device is placed by its kind: a 燃气报警器 in a household (building → unit → household, the
household picker), an extinguisher or smoke detector in a unit, or in a building without units
(the 平房区): the same picker with the household combo hidden. The expiry date is proposed from
the kind's service life (``safety.devices.SERVICE_YEARS``) and follows the installation date and
the kind until the user changes it. The services check everything when they write (nothing is
written when they refuse); their messages appear under the field they concern. Each dialog writes
one journaled action, so 编辑→撤销 can take it back.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from chang_shan.db.models.safety import DEVICE_KINDS, INSPECTION_RESULTS
from chang_shan.errors import ValidationError
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceInput, DeviceRow
from chang_shan.ui.dialogs.actions import UNDO_HINT, _ActionDialog
from chang_shan.ui.dialogs.health_fields import ErrorForm, HealthFormDialog, RadioRow, heading, left_aligned, user_name
from chang_shan.ui.forms import DateField, HouseholdPicker
from chang_shan.ui.forms.fields import format_date

if TYPE_CHECKING:
    from chang_shan.db.database import Database

GAS_ALARM = "燃气报警器"
# The services' keys shown under another field ("on" of a replacement is the new installation day).
ALIASES = {"household_id": "place", "unit_id": "place", "building_id": "place", "on": "installed_on"}
REPLACED = "已更换"  # an inspection result only ``replace_device`` writes


def _date_field(name: str, *, latest: date | None = None) -> DateField:
    field = DateField(popup_year=date.today().year, maximum=latest)
    field.setObjectName(name)
    metrics = field.fontMetrics()
    field.setFixedWidth(metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中"))
    return field


def _text_row(dialog: HealthFormDialog, key: str, label: str, placeholder: str, *, length: int = 50) -> QLineEdit:
    """A line of text in ``dialog``'s form whose message goes away as soon as it is edited."""
    edit = QLineEdit()
    edit.setObjectName(key)
    edit.setMaxLength(length)
    edit.setPlaceholderText(placeholder)
    dialog.form.add_row(key, label, edit)  # type: ignore[union-attr]
    edit.textChanged.connect(lambda: dialog.field_changed(key))
    return edit


def describe(device: DeviceRow) -> str:
    """``燃气报警器　3号楼1单元101 厨房`` for headers and questions."""
    where = f"{device.place} {device.location}".strip()
    return f"{device.kind}　{where}"


class DeviceDialog(HealthFormDialog):
    """``DeviceDialog(db)`` adds a device (``place=(building_id, unit_id)`` preselects where);
    ``DeviceDialog(db, device=row)`` corrects one; ``DeviceDialog(db, replacing=row)`` puts a new
    device in place of ``row`` (same kind and place; the old one becomes 已更换).
    ``saved_id`` is the id of the device written (the new one when replacing)."""

    def __init__(self, db: Database, *, device: DeviceRow | None = None, replacing: DeviceRow | None = None,
                 place: tuple[int | None, int | None] | None = None, parent: QWidget | None = None) -> None:
        self.mode = "replace" if replacing is not None else "edit" if device is not None else "new"
        titles = {"new": "新增安全设备", "edit": "修改安全设备", "replace": "更换安全设备"}
        saves = {"new": "保存", "edit": "保存", "replace": "确认更换"}
        super().__init__(db, title=titles[self.mode], save_text=saves[self.mode], parent=parent)
        self.device = device or replacing
        self._loading = True
        self._proposing = False
        self._auto_expiry = self.mode != "edit"  # the proposal follows date and kind until edited
        self._build()
        self._load(place)
        self._loading = False
        self._propose_expiry()
        self._initial = self.current_input()
        (self.kind_row.focus_target() if self.mode == "new" else self.installed_edit).setFocus()

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        if self.device is not None:
            what = "更换：" if self.mode == "replace" else ""
            self.header = heading(f"{what}{describe(self.device)}")
            self.body.addWidget(self.header)
        form = self.use_form(ErrorForm(aliases=ALIASES))
        if self.mode == "replace":
            self._old_device_row(form)

        self.kind_row = RadioRow([(k, k) for k in DEVICE_KINDS])
        self.kind_row.setObjectName("kind")
        form.add_row("kind", "设备类型", self.kind_row, required=True, focus=self.kind_row.focus_target(),
                     watch=self.kind_row.buttons.values())
        self.kind_row.changed.connect(self._kind_changed)

        self.picker = HouseholdPicker(self.db, parent=self)
        self.picker.setObjectName("placePicker")
        form.add_row("place", "安装位置", self.picker, required=True, focus=self.picker.place.building,
                     watch=[self.picker.place.unit, self.picker.household], highlight=self.picker)
        self.picker.household_changed.connect(lambda: self.field_changed("place"))
        self.picker.place.changed.connect(lambda: self.field_changed("place"))

        self.location_edit = _text_row(self, "location", "具体位置", "如 厨房、1楼楼梯口、单元长家")

        self.installed_edit = _date_field("installed_on")
        form.add_row("installed_on", "安装日期", left_aligned(self.installed_edit), required=True,
                     focus=self.installed_edit, highlight=self.installed_edit)
        self.installed_edit.dateChanged.connect(self._installed_changed)

        latest = date.today() + timedelta(days=366 * devices.LONGEST_LIFE_YEARS)
        self.expires_edit = _date_field("expires_on", latest=latest)
        form.add_row("expires_on", "到期日期", left_aligned(self.expires_edit), required=True,
                     focus=self.expires_edit, highlight=self.expires_edit)
        self.expires_edit.dateChanged.connect(self._expiry_edited)

        self.model_edit = _text_row(self, "model", "型号", "设备型号")
        self.serial_edit = _text_row(self, "serial", "编号", "出厂编号")
        self.note_edit = _text_row(self, "note", "备注", "如 由燃气公司免费安装", length=200)
        self.body.addWidget(form, 1)
        if self.mode == "replace":  # the new device has the old one's kind and place (the header)
            for key in ("kind", "place"):
                form.set_row_visible(key, False)
            form.set_hint("installed_on", "新设备的安装日期，也是旧设备被更换的日期。")
        self.setMinimumWidth(780)

    def _old_device_row(self, form: ErrorForm) -> None:
        old = self.device
        assert old is not None
        parts = [f"{format_date(old.installed_on)} 安装，{format_date(old.expires_on)} 到期"]
        parts += [f"{label}：{value}" for label, value in (("型号", old.model), ("编号", old.serial)) if value]
        self.old_label = QLabel("　".join(parts))
        self.old_label.setObjectName("oldDevice")
        self.old_label.setTextFormat(Qt.TextFormat.PlainText)
        form.add_row("old_device", "旧设备", self.old_label)
        form.set_hint("old_device", "确认更换后，旧设备记为“已更换”，不再计入覆盖情况。")

    def _load(self, place: tuple[int | None, int | None] | None) -> None:
        device = self.device
        if device is None:
            self.kind_row.set_code(GAS_ALARM)
            if place is not None:
                self.picker.select_place(*place)
            self.installed_edit.set_value(date.today())
            self._show_place_fields()
            return
        self.kind_row.set_code(device.kind)
        if device.household_id is not None:
            self.picker.select(device.household_id)
        else:
            self.picker.select_place(device.building_id, device.unit_id)
        self._show_place_fields()
        self.location_edit.setText(device.location)
        if self.mode == "replace":
            self.installed_edit.set_value(date.today())
            return
        self.installed_edit.set_value(device.installed_on)
        self.expires_edit.set_value(device.expires_on)
        self.model_edit.setText(device.model)
        self.serial_edit.setText(device.serial)
        self.note_edit.setText(device.note)

    # -- kind, place and expiry -----------------------------------------------------------------
    def kind(self) -> str:
        return self.kind_row.code()

    def _show_place_fields(self) -> None:
        gas = self.kind() == GAS_ALARM
        self.picker.household.setVisible(gas)
        self.form.set_hint("place", "" if gas or self.mode == "replace"  # type: ignore[union-attr]
                           else "选择楼栋和单元；平房区只选楼栋。")

    def _kind_changed(self) -> None:
        self._show_place_fields()
        self.field_changed("kind")
        self.field_changed("place")
        self._propose_expiry()

    def _installed_changed(self) -> None:
        self.field_changed("installed_on")
        self._propose_expiry()

    def _expiry_edited(self) -> None:
        if not self._loading and not self._proposing:
            self._auto_expiry = False
            self.form.set_hint("expires_on", "")  # type: ignore[union-attr]
        self.field_changed("expires_on")

    def _propose_expiry(self) -> None:
        installed, kind = self.installed_edit.value(), self.kind()
        if self._loading or not self._auto_expiry or installed is None or not kind:
            return
        self._proposing = True
        try:
            self.expires_edit.set_value(devices.default_expiry(kind, installed))
        finally:
            self._proposing = False
        years = devices.SERVICE_YEARS[kind]
        self.form.set_hint("expires_on", f"按{kind}使用年限 {years} 年自动填入，可修改。")  # type: ignore[union-attr]

    # -- the service ----------------------------------------------------------------------------
    def current_input(self) -> DeviceInput:
        gas = self.kind() == GAS_ALARM
        if self.mode == "replace":  # the new device goes where the old one is
            assert self.device is not None
            place = (self.device.household_id, self.device.unit_id, self.device.building_id)
        elif gas:
            place = (self.picker.household_id(), None, None)
        else:
            place = (None, self.picker.place.unit_id(), self.picker.place.building_id())
        return DeviceInput(
            kind=self.kind(), household_id=place[0], unit_id=place[1], building_id=place[2],
            location=self.location_edit.text(), model=self.model_edit.text(), serial=self.serial_edit.text(),
            installed_on=self.installed_edit.value(), expires_on=self.expires_edit.value(),
            note=self.note_edit.text(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        # The service checks a device as it writes it; only a place left unchosen, which it
        # could not be called without, is told here.
        data = self.current_input()
        if data.kind == GAS_ALARM and data.household_id is None:
            return {"place": "请选择安装燃气报警器的户。"}
        if data.kind != GAS_ALARM and data.building_id is None and data.unit_id is None:
            return {"place": "请选择楼栋（楼房还要选择单元）。"}
        return {}

    def write(self) -> int | None:
        data = self.current_input()
        if self.mode == "new":
            with self.db.transaction(f"新增{data.kind}") as session:
                return devices.add_device(session, data).id
        device = self.device
        assert device is not None
        if self.mode == "replace":
            with self.db.transaction(f"更换{device.kind} {device.place}") as session:
                return devices.replace_device(session, device.id, data, on=data.installed_on).id
        if self.is_dirty():
            with self.db.transaction(f"修改{device.kind} {device.place}") as session:
                devices.update_device(session, device.id, data)
        return device.id


class InspectionDialog(HealthFormDialog):
    """记录检查 of a device: date (today), result, inspector (the signed-in user), note."""

    def __init__(self, db: Database, device: DeviceRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="记录检查", parent=parent)
        self.device = device
        self.body.addWidget(heading(describe(device)))
        form = self.use_form(ErrorForm(aliases={"on": "on_date"}))
        self.date_edit = _date_field("on_date")
        self.date_edit.set_value(date.today())
        form.add_row("on_date", "检查日期", left_aligned(self.date_edit), required=True, focus=self.date_edit,
                     highlight=self.date_edit)
        self.date_edit.dateChanged.connect(lambda: self.field_changed("on_date"))
        self.result_row = RadioRow([(r, r) for r in INSPECTION_RESULTS if r != REPLACED])
        self.result_row.setObjectName("result")
        self.result_row.set_code(INSPECTION_RESULTS[0])
        form.add_row("result", "检查结果", self.result_row, required=True, focus=self.result_row.focus_target(),
                     watch=self.result_row.buttons.values())
        self.result_row.changed.connect(lambda: self.field_changed("result"))
        form.set_hint("result", "换了新设备请用“更换”登记（旧设备会记为已更换）。")
        self.inspector_edit = _text_row(self, "inspector", "检查人", "检查的工作人员")
        self.inspector_edit.setText(user_name(db))
        self.note_edit = _text_row(self, "note", "备注", "如 电池电量低，已提醒住户", length=200)
        self.body.addWidget(form, 1)
        self.setMinimumWidth(560)
        self._initial = self._values()
        self.date_edit.setFocus()

    def _values(self) -> tuple[object, ...]:
        return (self.date_edit.value(), self.result_row.code(), self.inspector_edit.text(), self.note_edit.text())

    def is_dirty(self) -> bool:
        return self._values() != self._initial

    def collect_errors(self) -> dict[str, str]:
        return {}

    def write(self) -> int | None:
        on_date = self.date_edit.value()
        assert on_date is not None
        with self.db.transaction(f"检查{self.device.kind} {self.device.place}") as session:
            devices.record_inspection(session, self.device.id, on_date, self.result_row.code(),
                                      self.inspector_edit.text(), self.note_edit.text())
        return self.device.id


class RemoveDeviceDialog(_ActionDialog):
    """拆除: the device stays on record as 已拆除 and no longer counts in the coverage."""

    def __init__(self, db: Database, device: DeviceRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="拆除安全设备", save_text="确认拆除", parent=parent)
        self.device = device
        self.header.setText(describe(device))
        installed = QLabel(f"{format_date(device.installed_on)} 安装，{format_date(device.expires_on)} 到期")
        installed.setObjectName("installed")
        self.form.add_row("installed", "设备", installed)  # type: ignore[union-attr]
        self.date_edit = self.add_date_row("拆除日期")
        self.note_edit = self.add_note_row("原因", "如 住户搬走、设备损坏")
        self.setMinimumWidth(560)
        self.update_confirmation()
        self.date_edit.setFocus()

    def confirmation_text(self) -> str:
        return (f"确认拆除 {self.device.place} 的{self.device.kind}？拆除后不再计入覆盖情况。{UNDO_HINT}\n"
                f"拆除日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        try:
            with self.db.transaction(f"拆除{self.device.kind} {self.device.place}") as session:
                devices.remove_device(session, self.device.id, on=self.date_edit.value(), note=self.note_edit.text())
        except ValidationError as exc:
            raise ValidationError({("on_date" if k == "on" else k): m for k, m in exc.errors.items()}) from None
        return self.device.id
