"""The resident form: new (in a household) or edit, with the change history in edit mode.

Privacy: in edit mode the ID number and the phone show masked. Someone with the reveal
permission sees the full values with 显示完整号码 (each reveal is audited through
``population.reveal``); 修改号码 reveals that number first, so it can be corrected. Someone who
may edit but not reveal (a 网格员) types a new number into an empty field; left empty, the
number stays as it was. Someone who may not edit this resident sees the form read-only.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan import codes
from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.people import RESIDENCE_TYPES
from chang_shan.errors import ChangShanError, ValidationError
from chang_shan.population import households, idnumber, residents
from chang_shan.population.text import clean_name
from chang_shan.ui.forms import CheckGroup, CodeCombo, DateField, FormDialog, HouseholdPicker, ValidatedForm

if TYPE_CHECKING:
    from chang_shan.db.database import Database

EMPLOYMENT_CHOICES = ("在职", "离退休", "个体经营", "灵活就业", "务农", "失业", "无业", "在校学生", "学龄前")


class ResidentDialog(FormDialog):
    """``ResidentDialog(db, household_id=7)`` registers a new resident in household 7;
    ``ResidentDialog(db, resident_id=42)`` edits resident 42. ``exec()`` returns ``Accepted``
    when saved; ``saved_id`` is the resident's id."""

    def __init__(
        self, db: Database, *, resident_id: int | None = None, household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, title="新增居民" if resident_id is None else "编辑居民", parent=parent)
        self.resident_id = resident_id
        self.detail: residents.ResidentDetail | None = None
        self._household_address = ""
        self._household_has_head = False
        self._loading = True
        self._upgraded_note = ""
        actor = db.actor
        self.can_reveal = actor is not None and actor.can(Perm.REVEAL)
        # Full values the service gave (editors only) or revealed; "" when none is registered.
        self._original = {"id_number": "", "phone": ""}
        self._revealed: set[str] = set()
        self._keep_if_blank: set[str] = set()  # fields opened empty for a new number
        with db.reader() as session:
            if resident_id is not None:
                self.detail = residents.resident_detail(session, resident_id)
                household_id = self.detail.household_id
                self._history = residents.history(session, resident_id)
            if household_id is not None:
                household = households.household_detail(session, household_id)
                self._household_address = household.address
                self._household_has_head = household.head_id is not None
        self._household_id = household_id
        self._build()
        self._load()
        self._loading = False
        self._initial = self.current_input()
        self.name_edit.setFocus()

    # -- building the form ----------------------------------------------------------------------
    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("header")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.header.setFont(font)
        self.reveal_button = QPushButton("显示完整号码")
        self.reveal_button.setObjectName("revealButton")
        self.reveal_button.setAutoDefault(False)
        self.reveal_button.setToolTip("显示完整的身份证号和电话（会记入审计记录）")
        self.reveal_button.clicked.connect(lambda: self.reveal("id_number", "phone"))
        self.reveal_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)

        page = QWidget(self)
        form = self.use_form(ValidatedForm(columns=2, parent=page))
        QVBoxLayout(page).addWidget(form)
        page.layout().addStretch(1)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name")
        self.name_edit.setMaxLength(200)  # UTF-16 units: a rare character (𠀀) counts two
        self.name_edit.setPlaceholderText("如 张立春、买买提·艾力")
        form.add_row("name", "姓名", self.name_edit, column=0, required=True)
        self.name_edit.textChanged.connect(lambda: self.field_changed("name"))

        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("phone")
        self.phone_edit.setMaxLength(30)
        self.phone_edit.setPlaceholderText("手机 11 位，或座机 0431-85551234")
        self.phone_masked = QLabel()
        self.phone_masked.setObjectName("phone_masked")
        self.phone_change_button = QPushButton("修改号码")
        self.phone_change_button.setObjectName("phoneChangeButton")
        self.phone_change_button.setAutoDefault(False)
        self.phone_change_button.clicked.connect(self.show_phone_field)
        self.phone_stack = self._masked_stack(self.phone_masked, self.phone_change_button, self.phone_edit)
        form.add_row("phone", "电话", self.phone_stack, column=1, focus=self.phone_edit, highlight=self.phone_edit)
        self.phone_edit.textChanged.connect(lambda: self.field_changed("phone"))

        # ID number: in edit mode a masked label first; 修改 shows the field with the full value.
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("id_number")
        self.id_edit.setMaxLength(24)
        self.id_edit.setPlaceholderText("18 位，末位可为 X；旧式 15 位号码会自动升级")
        self.id_masked = QLabel()
        self.id_masked.setObjectName("id_masked")
        self.id_masked.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.id_change_button = QPushButton("修改号码")
        self.id_change_button.setObjectName("idChangeButton")
        self.id_change_button.setAutoDefault(False)
        self.id_change_button.clicked.connect(self.show_id_field)
        self.id_stack = self._masked_stack(self.id_masked, self.id_change_button, self.id_edit)
        self.region_label = QLabel()
        self.region_label.setObjectName("region")
        self.region_label.setProperty("formRole", "aside")
        self.region_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("黑龙江省齐齐哈尔市梅里斯达斡尔族区"))
        form.add_row("id_number", "身份证号", self.id_stack, full_width=True, focus=self.id_edit,
                     aside=self.region_label, highlight=self.id_edit)
        self.id_edit.textChanged.connect(self._id_changed)

        self.sex_combo = CodeCombo(codes.sex().entries, blank="请选择")
        self.sex_combo.setObjectName("sex")
        form.add_row("sex_code", "性别", self.sex_combo, column=0)
        self.sex_combo.currentIndexChanged.connect(lambda: self.field_changed("sex_code"))

        self.birth_edit = DateField(allow_empty=True, empty_text="未填写（填身份证号后自动填入）")
        self.birth_edit.setObjectName("birth_date")
        self.age_label = QLabel()
        self.age_label.setObjectName("age")
        self.age_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("（100 岁）"))
        form.add_row("birth_date", "出生日期", self.birth_edit, column=1, required=True, aside=self.age_label)
        self.birth_edit.dateChanged.connect(self._birth_changed)

        self.ethnicity_combo = CodeCombo(codes.ethnicity().entries, filterable=True)
        self.ethnicity_combo.setObjectName("ethnicity")
        self.ethnicity_combo.setToolTip("可直接输入民族名称筛选，如“蒙”")
        form.add_row("ethnicity_code", "民族", self.ethnicity_combo, column=0, required=True)
        self.ethnicity_combo.currentTextChanged.connect(lambda: self.field_changed("ethnicity_code"))

        self.relation_combo = CodeCombo(codes.relation().entries, filterable=True, blank="请选择或输入，如“配偶”")
        self.relation_combo.setObjectName("relation")
        form.add_row("relation_code", "与户主关系", self.relation_combo, column=1, required=True)
        self.relation_combo.currentTextChanged.connect(lambda: self.field_changed("relation_code"))

        self.residence_combo = CodeCombo([(t, t) for t in RESIDENCE_TYPES])
        self.residence_combo.setObjectName("residence_type")
        form.add_row("residence_type", "居住类型", self.residence_combo, column=0)

        self.employment_combo = QComboBox()
        self.employment_combo.setObjectName("employment")
        self.employment_combo.setEditable(True)
        self.employment_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.employment_combo.addItems(["", *EMPLOYMENT_CHOICES])
        self.employment_combo.lineEdit().setPlaceholderText("可选择或直接填写")
        self.employment_combo.lineEdit().setMaxLength(50)
        form.add_row("employment", "就业状况", self.employment_combo, column=1)

        if self._household_id is None:
            self.household_picker: HouseholdPicker | None = HouseholdPicker(self.db)
            self.household_picker.setObjectName("householdPicker")
            household_widget: QWidget = self.household_picker
            focus: QWidget = self.household_picker.household
            self.household_picker.household_changed.connect(lambda: self.field_changed("household_id"))
            self.household_picker.household_changed.connect(self._household_picked)
        else:
            self.household_picker = None
            text = self._household_address or "（地址未知）"
            if self.detail is not None:
                text += "　　（更换所在户请使用“迁到其他户”）"
            household_widget = QLabel(text)
            household_widget.setObjectName("householdAddress")
            household_widget.setContentsMargins(0, 5, 0, 0)
            focus = household_widget
        form.add_row("household_id", "所在户", household_widget, full_width=True, required=True, focus=focus)

        self.groups_box = CheckGroup(codes.special_groups(), columns=4)
        self.groups_box.setObjectName("groups")
        form.add_row("groups", "人群类别", self.groups_box, full_width=True)
        self.groups_box.changed.connect(lambda: self.field_changed("groups"))

        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText("其他需要记下的情况")
        self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        form.add_row("note", "备注", self.note_edit, full_width=True)
        self.note_edit.textChanged.connect(lambda: self.field_changed("note"))

        if self.detail is None:
            self.tabs = None
            self.body.addWidget(page, 1)
        else:
            self.tabs = QTabWidget(self)
            self.tabs.addTab(page, "基本信息")
            self.tabs.addTab(self._history_page(), f"变更记录（{len(self._history)}）")
            self.body.addWidget(self.tabs, 1)
        self.setMinimumWidth(860)

    @staticmethod
    def _masked_stack(masked: QLabel, change: QPushButton, edit: QLineEdit) -> QStackedWidget:
        """Page 0: the masked value and 修改号码; page 1: the field."""
        masked_page = QWidget()
        masked_row = QHBoxLayout(masked_page)
        masked_row.setContentsMargins(0, 0, 0, 0)
        masked_row.addWidget(masked)
        masked_row.addWidget(change)
        masked_row.addStretch(1)
        stack = QStackedWidget()
        stack.addWidget(masked_page)
        stack.addWidget(edit)
        stack.setSizePolicy(edit.sizePolicy())
        stack.setMaximumHeight(edit.sizeHint().height() + 6)
        return stack

    def _history_page(self) -> QWidget:
        table = QTableWidget(len(self._history), 4)
        table.setObjectName("history")
        table.setHorizontalHeaderLabels(["时间", "事项", "内容", "操作人"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        for row, entry in enumerate(self._history):
            for column, text in enumerate((_when(entry.at), entry.kind, entry.text, entry.user_name)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        self.history_table = table
        return table

    # -- loading --------------------------------------------------------------------------------
    def _load(self) -> None:
        if self.detail is None:
            self._update_header()
            if not self._household_has_head and self._household_id is not None:
                self.relation_combo.set_code(codes.HEAD_RELATION)  # the first member is usually the head
            self.residence_combo.set_code("户籍")
            self.id_stack.setCurrentIndex(1)
            self.phone_stack.setCurrentIndex(1)
            return
        data = self.detail.as_input()
        editable = self.detail.full_values
        if editable:
            self._original = {"id_number": data.id_number, "phone": data.phone}
        self.name_edit.setText(data.name)
        self.phone_edit.setText(self._original["phone"])
        self.id_edit.setText(self._original["id_number"])
        self.id_masked.setText(self.detail.id_number_masked or "（未登记）")
        self.phone_masked.setText(self.detail.phone_masked or "（未登记）")
        self.id_stack.setCurrentIndex(1 if editable and not self.detail.id_number_masked else 0)
        self.phone_stack.setCurrentIndex(1 if editable and not self.detail.phone_masked else 0)
        self.id_change_button.setVisible(editable and bool(self.detail.id_number_masked))
        self.phone_change_button.setVisible(editable and bool(self.detail.phone_masked))
        self.reveal_button.setVisible(self.can_reveal and bool(self.detail.id_number_masked or self.detail.phone_masked))
        self.sex_combo.set_code(data.sex_code if data.sex_code != "0" else "")
        self.birth_edit.set_value(data.birth_date)
        self.ethnicity_combo.set_code(data.ethnicity_code)
        self.relation_combo.set_code(data.relation_code)
        self.residence_combo.set_code(data.residence_type)
        self.employment_combo.setEditText(data.employment)
        self.groups_box.set_values(data.groups)
        self.note_edit.setPlainText(data.note)
        self._show_region(data.id_number if editable else "")
        self._update_age()
        self._update_header()
        if not editable:
            self.setWindowTitle("查看居民")
            self.form.setEnabled(False)  # type: ignore[union-attr]
            self.save_button.hide()
            self.cancel_button.setText("关闭")
        elif self.detail.status != residents.ACTIVE:
            when = self.detail.moved_out_on or self.detail.died_on
            self.show_banner(
                f"{self.detail.name}{self.detail.status}（{when:%Y-%m-%d}），在册信息不能再修改；"
                "如登记有误，可在“编辑→撤销”中撤销那次操作。" if when else
                f"{self.detail.name}{self.detail.status}，在册信息不能再修改。"
            )
            self.form.setEnabled(False)  # type: ignore[union-attr]
            self.save_button.setEnabled(False)
            self.cancel_button.setText("关闭")

    def _update_header(self) -> None:
        if self.detail is None:
            self.header.setText(f"新增居民　所在户：{self._household_address}" if self._household_address else "新增居民")
            return
        parts = [self.detail.name]
        if self.detail.id_number_masked:
            parts.append(f"身份证 {self.detail.id_number_masked}")
        if self.detail.address:
            parts.append(self.detail.address)
        parts.append(self.detail.status + ("（户主）" if self.detail.is_head else ""))
        self.header.setText("　".join(parts))

    # -- reactions ------------------------------------------------------------------------------
    def reveal(self, *fields: str) -> bool:
        """Show the full value of ``fields`` (id_number, phone) through the service, which checks
        the permission and writes the audit entry. False when refused (said in the banner)."""
        from chang_shan.population import reveal

        wanted = [f for f in fields if f not in self._revealed and self._masked_text(f)]
        if not wanted or self.resident_id is None:
            return True
        assert self.detail is not None
        calls = {"id_number": reveal.reveal_id_number, "phone": reveal.reveal_phone}
        try:
            with self.db.transaction(f"查看完整号码 {self.detail.name}") as session:
                values = {f: calls[f](session, self.resident_id) for f in wanted}
        except ChangShanError as exc:
            self.show_banner(exc.message)
            return False
        for name, value in values.items():
            self._revealed.add(name)
            label = self.id_masked if name == "id_number" else self.phone_masked
            label.setText(value or "（未登记）")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if all(f in self._revealed or not self._masked_text(f) for f in ("id_number", "phone")):
            self.reveal_button.hide()
        return True

    def _masked_text(self, name: str) -> str:
        assert self.detail is not None
        return self.detail.id_number_masked if name == "id_number" else self.detail.phone_masked

    def _open_field(self, name: str) -> None:
        """修改号码: with the reveal permission the full number (revealed, audited) to correct;
        without it an empty field for a new number (empty = unchanged)."""
        stack, edit = (self.id_stack, self.id_edit) if name == "id_number" else (self.phone_stack, self.phone_edit)
        if stack.currentIndex() == 1:
            edit.setFocus()
            return
        if self.can_reveal:
            if not self.reveal(name):
                return
        elif self._original[name]:
            self._keep_if_blank.add(name)
            edit.clear()
            edit.setPlaceholderText("请输入新的号码（不填则保持原号码）")
        stack.setCurrentIndex(1)
        edit.setFocus()
        edit.selectAll()

    def show_id_field(self) -> None:
        self._open_field("id_number")

    def show_phone_field(self) -> None:
        self._open_field("phone")

    def _value(self, name: str, stack: QStackedWidget, edit: QLineEdit) -> str:
        if self.detail is None:
            return edit.text()
        if stack.currentIndex() == 0 or (name in self._keep_if_blank and not edit.text().strip()):
            return self._original[name]
        return edit.text()

    def _id_changed(self) -> None:
        if self._upgraded_note and not self._loading and self.id_edit.text() != self._upgraded_note:
            self.form.set_hint("id_number", "")  # type: ignore[union-attr]
            self._upgraded_note = ""
        facts = self._show_region(self.id_edit.text())
        if facts is not None and not self._loading:
            self.birth_edit.set_value(facts.birth_date)
            self.sex_combo.set_code(facts.sex_code)
        self.field_changed("id_number")

    def _show_region(self, raw: str) -> idnumber.IdFacts | None:
        try:
            facts = idnumber.parse(raw) if raw.strip() else None
        except ValidationError:
            facts = None
        if facts is None:
            self.region_label.clear()
        else:
            self.region_label.setText(facts.region_name or f"（地区代码 {facts.region_code} 不在代码表中）")
            self.region_label.setToolTip(f"出生地（GB/T 2260 地区代码 {facts.region_code}）")
        return facts

    def _birth_changed(self) -> None:
        self._update_age()
        self.field_changed("birth_date")

    def _update_age(self) -> None:
        age = residents.age_on(self.birth_edit.value(), date.today())
        self.age_label.setText(f"（{age} 岁）" if age is not None else "")

    def _household_picked(self) -> None:
        picker = self.household_picker
        if picker is None or picker.household_id() is None:
            return
        with self.db.reader() as session:
            detail = households.household_detail(session, picker.household_id())
        self._household_has_head = detail.head_id is not None
        if not self._household_has_head and not self.relation_combo.code():
            self.relation_combo.set_code(codes.HEAD_RELATION)

    def field_left(self, key: str) -> None:
        if key == "id_number":
            self._normalise_id()
        elif key == "name":
            cleaned = clean_name(self.name_edit.text())
            if cleaned != self.name_edit.text() and not self._closing:
                self.name_edit.setText(cleaned)
        super().field_left(key)

    def _normalise_id(self) -> None:
        """Show the canonical form of a valid number: full-width digits folded, x upper-cased,
        a 15-digit number upgraded to 18 (with a note saying so)."""
        raw = self.id_edit.text()
        try:
            facts = idnumber.parse(raw) if raw.strip() else None
        except ValidationError:
            return
        if facts is None or facts.number == raw:
            return
        self._upgraded_note = facts.number if facts.upgraded_from_15 else ""
        self.id_edit.setText(facts.number)
        if facts.upgraded_from_15:
            self._upgraded_note = facts.number
            self.form.set_hint(  # type: ignore[union-attr]
                "id_number", f"旧式 15 位号码 {idnumber.normalise(raw)} 已升级为 18 位，请与证件核对。"
            )

    # -- the service ----------------------------------------------------------------------------
    def current_input(self) -> residents.ResidentInput:
        return residents.ResidentInput(
            name=self.name_edit.text(),
            id_number=self._value("id_number", self.id_stack, self.id_edit),
            sex_code=self.sex_combo.code(),
            birth_date=self.birth_edit.value(),
            ethnicity_code=self.ethnicity_combo.code(),
            relation_code=self.relation_combo.code(),
            phone=self._value("phone", self.phone_stack, self.phone_edit),
            residence_type=self.residence_combo.code(),
            employment=self.employment_combo.currentText(),
            groups=self.groups_box.values(),
            note=self.note_edit.toPlainText(),
            household_id=self._current_household_id(),
        )

    def _current_household_id(self) -> int | None:
        if self.household_picker is not None:
            return self.household_picker.household_id()
        return self._household_id

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        with self.db.reader() as session:
            try:
                residents.validate_resident(session, self.current_input(), resident_id=self.resident_id)
            except ValidationError as exc:
                return exc.errors
        return {}

    def show_all_errors(self, errors: dict[str, str]) -> None:
        if "id_number" in errors:
            self.show_id_field()
        if "phone" in errors:
            self.show_phone_field()
        super().show_all_errors(errors)

    def write(self) -> int | None:
        data = self.current_input()
        name = clean_name(data.name)
        if self.resident_id is None:
            with self.db.transaction(f"新增居民 {name}") as session:
                return residents.register_resident(session, data)
        assert self.detail is not None
        if not self.is_dirty():
            return self.resident_id  # nothing changed: nothing to write, nothing to undo
        with self.db.transaction(f"修改居民 {name}") as session:
            residents.update_resident(session, self.resident_id, data, expected_version=self.detail.version)
        return self.resident_id


def _when(value: datetime | date) -> str:
    if isinstance(value, datetime):
        # The journal stores UTC; show the office's local time.
        return value.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{value:%Y-%m-%d}"
