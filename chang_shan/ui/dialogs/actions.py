"""Dialogs that record an event: 转户, 迁出, 死亡, 变更户主.

Each shows who and what, asks for the date (today by default) and the required choices, and says
in plain words what will happen before the button is pressed. Each writes one journaled action,
so 编辑→撤销 can take it back. Enter does not confirm here; only the button does.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from chang_shan import codes
from chang_shan.population import households, residents, roles
from chang_shan.ui.forms import CodeCombo, DateField, FormDialog, HouseholdPicker, ValidatedForm

if TYPE_CHECKING:
    from chang_shan.db.database import Database

UNDO_HINT = "此操作可在“编辑→撤销”中撤销。"


def _bold_font_label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


class _ActionDialog(FormDialog):
    enter_saves = False

    def __init__(self, db: Database, *, title: str, save_text: str, parent: QWidget | None) -> None:
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.header = _bold_font_label("", "header")
        self.body.addWidget(self.header)
        self.form = self.use_form(ValidatedForm(columns=1, parent=self))
        self.body.addWidget(self.form)
        self.confirm_label = QLabel(self)
        self.confirm_label.setObjectName("confirmText")
        self.confirm_label.setProperty("formRole", "confirm")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.confirm_label)
        self.body.addStretch(1)
        self.setMinimumWidth(620)

    def add_date_row(self, label: str) -> DateField:
        field = DateField()
        field.setObjectName("onDate")
        field.set_value(date.today())
        field.dateChanged.connect(self.update_confirmation)
        field.dateChanged.connect(lambda: self.field_changed("on_date"))
        self.form.add_row("on_date", label, field, required=True)  # type: ignore[union-attr]
        return field

    def add_note_row(self, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName("note")
        edit.setMaxLength(200)
        edit.setPlaceholderText(placeholder)
        self.form.add_row("note", label, edit)  # type: ignore[union-attr]
        return edit

    def disable(self, message: str) -> None:
        self.show_banner(message)
        self.form.setEnabled(False)  # type: ignore[union-attr]
        self.save_button.setEnabled(False)
        self.cancel_button.setText("关闭")
        self.confirm_label.hide()

    def collect_errors(self) -> dict[str, str]:
        # The services check these events when they run (inside the transaction, which rolls
        # back on any error); only the choices they cannot be called without are checked here.
        return self.missing_choices()

    def missing_choices(self) -> dict[str, str]:
        return {}

    def update_confirmation(self) -> None:
        self.confirm_label.setText(self.confirmation_text())

    def confirmation_text(self) -> str:
        raise NotImplementedError

    def confirmation(self) -> str:
        return self.confirm_label.text()


class _ResidentActionDialog(_ActionDialog):
    def __init__(self, db: Database, resident_id: int, *, title: str, save_text: str,
                 parent: QWidget | None) -> None:
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.resident_id = resident_id
        with db.reader() as session:
            self.detail = residents.resident_detail(session, resident_id)
            self.roles_held = roles.roles_of(session, resident_id)
        d = self.detail
        parts = [d.name, d.address or "（无住址）", f"与户主关系：{d.relation or '未填'}"]
        if d.age is not None:
            parts.insert(1, f"{d.age} 岁")
        self.header.setText("　".join(parts))
        self._inactive = d.status != residents.ACTIVE

    def is_dirty(self) -> bool:
        return False  # nothing typed here is worth a "discard?" question


class MoveOutDialog(_ResidentActionDialog):
    """迁出: the resident leaves the community; the record and its history stay."""

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, resident_id, title="登记迁出", save_text="确认迁出", parent=parent)
        self.date_edit = self.add_date_row("迁出日期")
        self.note_edit = self.add_note_row("迁往/备注", "如 迁往长春市南关区、随子女生活")
        warnings = _leaving_warnings(self.detail, self.roles_held, "迁出")
        if warnings:
            self.form.set_hint("on_date", warnings)  # type: ignore[union-attr]
        self.update_confirmation()
        if self._inactive:
            self.disable(f"{self.detail.name}{self.detail.status}，不能再登记迁出。")

    def confirmation_text(self) -> str:
        return (f"确认将 {self.detail.name} 登记为已迁出？{UNDO_HINT}\n"
                f"迁出日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        with self.db.transaction(f"登记迁出 {self.detail.name}") as session:
            residents.move_out(session, self.resident_id, on_date=self.date_edit.value(),
                               note=self.note_edit.text())
        return self.resident_id


class DeathDialog(_ResidentActionDialog):
    """死亡: the record and its history stay; the person leaves the household's member list."""

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, resident_id, title="登记死亡", save_text="确认登记", parent=parent)
        self.date_edit = self.add_date_row("死亡日期")
        self.note_edit = self.add_note_row("备注", "如 死亡证明编号、告知家属情况")
        warnings = _leaving_warnings(self.detail, self.roles_held, "去世")
        if warnings:
            self.form.set_hint("on_date", warnings)  # type: ignore[union-attr]
        self.update_confirmation()
        if self._inactive:
            self.disable(f"{self.detail.name}{self.detail.status}，不能再登记死亡。")

    def confirmation_text(self) -> str:
        return (f"确认将 {self.detail.name} 登记为已故？{UNDO_HINT}\n"
                f"死亡日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        with self.db.transaction(f"登记死亡 {self.detail.name}") as session:
            residents.record_death(session, self.resident_id, on_date=self.date_edit.value(),
                                   note=self.note_edit.text())
        return self.resident_id


class MoveResidentDialog(_ResidentActionDialog):
    """转户: to another household of the community, with the relation to that household's head."""

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, resident_id, title="迁到其他户", save_text="确认转户", parent=parent)
        self.picker = HouseholdPicker(db, exclude=self.detail.household_id)
        self.picker.setObjectName("householdPicker")
        self.form.add_row("household_id", "迁入户", self.picker, required=True,  # type: ignore[union-attr]
                          focus=self.picker.household)
        self.relation_combo = CodeCombo(codes.relation().entries, filterable=True, blank="请选择或输入，如“子”")
        self.relation_combo.setObjectName("relation")
        self.form.add_row("relation_code", "与新户主关系", self.relation_combo, required=True)  # type: ignore[union-attr]
        self.date_edit = self.add_date_row("转户日期")
        self.note_edit = self.add_note_row("备注", "如 结婚随配偶居住")
        self._target: households.HouseholdDetail | None = None
        self.picker.household_changed.connect(self._target_changed)
        self.picker.household_changed.connect(lambda: self.field_changed("household_id"))
        self.relation_combo.currentTextChanged.connect(self.update_confirmation)
        self.relation_combo.currentTextChanged.connect(lambda: self.field_changed("relation_code"))
        if self.detail.household_id is not None:
            with db.reader() as session:
                here = households.household_detail(session, self.detail.household_id)
            self.picker.select_place(here.building_id, here.unit_id)
        self.setMinimumWidth(820)
        self.update_confirmation()
        if self._inactive:
            self.disable(f"{self.detail.name}{self.detail.status}，不能再转户。")
        self.picker.household.setFocus()

    def _target_changed(self) -> None:
        household_id = self.picker.household_id()
        if household_id is None:
            self._target = None
        else:
            with self.db.reader() as session:
                self._target = households.household_detail(session, household_id)
            if self._target.head_id is None and not self.relation_combo.code():
                self.relation_combo.set_code(codes.HEAD_RELATION)
        self.update_confirmation()

    def missing_choices(self) -> dict[str, str]:
        return {} if self.picker.household_id() is not None else {"household_id": "请选择要迁入的户。"}

    def confirmation_text(self) -> str:
        if self._target is None:
            return "请选择迁入的户和与新户主的关系。"
        target = self._target.address
        head = next((m.name for m in self._target.members if m.is_head), "")
        head_text = f"（户主 {head}）" if head else "（暂无户主）"
        relation = codes.relation().label(self.relation_combo.code())
        relation_text = f"，与户主关系为“{relation}”" if relation else ""
        origin = f"从 {self.detail.address} " if self.detail.address else ""
        return (f"确认将 {self.detail.name} {origin}转到 {target}{head_text}{relation_text}？{UNDO_HINT}\n"
                f"转户日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        household_id = self.picker.household_id()
        assert household_id is not None  # missing_choices
        with self.db.transaction(f"转户 {self.detail.name}") as session:
            residents.move_to_household(
                session, self.resident_id, household_id, relation_code=self.relation_combo.code(),
                on_date=self.date_edit.value(), note=self.note_edit.text(),
            )
        return self.resident_id


class ChangeHeadDialog(_ActionDialog):
    """变更户主 in one action: the new head among the members, the former head's new relation."""

    def __init__(self, db: Database, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="变更户主", save_text="确认变更", parent=parent)
        self.household_id = household_id
        with db.reader() as session:
            self.detail = households.household_detail(session, household_id)
        self.old_head = next((m for m in self.detail.members if m.is_head), None)
        self.header.setText(
            f"{self.detail.address}　现户主：{self.old_head.name if self.old_head else '（无）'}"
        )
        self.head_combo = QComboBox()
        self.head_combo.setObjectName("newHead")
        self.head_combo.addItem("请选择", None)
        for member in self.detail.members:
            if member.is_head:
                continue
            age = f"，{member.age} 岁" if member.age is not None else ""
            self.head_combo.addItem(f"{member.name}（{member.relation or '关系未填'}{age}）", member.id)
        self.form.add_row("head_id", "新户主", self.head_combo, required=True)  # type: ignore[union-attr]
        self.old_relation_combo = CodeCombo(
            [(c, label) for c, label in codes.relation().entries if c != codes.HEAD_RELATION],
            filterable=True,
            blank=f"{self.old_head.name if self.old_head else '原户主'}是新户主的什么人，如“父亲”",
        )
        self.old_relation_combo.setObjectName("oldHeadRelation")
        self.form.add_row("old_head_relation", "原户主改为", self.old_relation_combo,  # type: ignore[union-attr]
                          required=self.old_head is not None)
        if self.old_head is None:
            self.form.set_row_visible("old_head_relation", False)  # type: ignore[union-attr]
        self.date_edit = self.add_date_row("变更日期")
        self.head_combo.currentIndexChanged.connect(self.update_confirmation)
        self.head_combo.currentIndexChanged.connect(lambda: self.field_changed("head_id"))
        self.old_relation_combo.currentTextChanged.connect(self.update_confirmation)
        self.old_relation_combo.currentTextChanged.connect(lambda: self.field_changed("old_head_relation"))
        self.update_confirmation()
        if self.head_combo.count() == 1:
            self.disable("本户没有其他在册成员可以担任户主。请先把新户主登记或迁入本户。")
        self.head_combo.setFocus()

    def is_dirty(self) -> bool:
        return False

    def missing_choices(self) -> dict[str, str]:
        return {} if self.head_combo.currentData() is not None else {"head_id": "请选择新户主。"}

    def _new_head_name(self) -> str:
        member_id = self.head_combo.currentData()
        return next((m.name for m in self.detail.members if m.id == member_id), "")

    def confirmation_text(self) -> str:
        new_head = self._new_head_name()
        if not new_head:
            return "请选择新户主。"
        text = f"确认将 {new_head} 设为 {self.detail.address} 的户主"
        if self.old_head is not None:
            relation = codes.relation().label(self.old_relation_combo.code())
            text += f"，原户主 {self.old_head.name} 改为新户主的“{relation or '？'}”"
        return f"{text}？{UNDO_HINT}\n变更日期：{self.date_edit.value():%Y年%m月%d日}"

    def write(self) -> int | None:
        new_head_id = self.head_combo.currentData()
        assert new_head_id is not None  # missing_choices
        with self.db.transaction(f"变更户主 {self._new_head_name()}") as session:
            households.change_head(
                session, self.household_id, new_head_id,
                old_head_relation=self.old_relation_combo.code(), on_date=self.date_edit.value(),
            )
        return self.household_id


def _leaving_warnings(detail: residents.ResidentDetail, held: list[roles.Holder], verb: str) -> str:
    notes = []
    if detail.is_head:
        notes.append(f"{detail.name}是本户户主：{verb}后本户暂无户主，请随后用“变更户主”指定新户主。")
    for holder in held:
        notes.append(f"{detail.name}现任{holder.scope_name}{holder.role}：{verb}后自动卸任，请另行安排接任。")
    return "\n".join(notes)
