"""The 居民健康档案 个人基本信息表 editor, grouped like the national form over five tabs:
基本情况 (血型/RH, 婚姻, 文化程度, 医疗费用支付方式, 药物过敏史, 暴露史, 遗传病史, 残疾情况),
既往史 (lines of category, disease, name, year-month), 家族史 (relatives × diseases), 生活环境,
and what the community adds (家庭医生, 用药, 走失风险).

``health.profiles.validate_profile`` checks the input as it is typed; 保存 calls ``save_profile``
with the version the form was opened with, so a page changed meanwhile is not overwritten (the
service's message shows in the banner). Someone who may not change the resident sees it read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QTabWidget, QWidget

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.health import CONDITION_CATEGORIES, RELATIVES
from chang_shan.errors import ValidationError
from chang_shan.health import codes, profiles
from chang_shan.health.checks import resident as stored_resident
from chang_shan.health.shapes import ProfileDetail, ProfileInput
from chang_shan.population import access
from chang_shan.population.residents import ACTIVE
from chang_shan.ui.dialogs.health_fields import (
    CodeChecks,
    ConditionList,
    ErrorForm,
    FamilyGrid,
    HealthFormDialog,
    RadioRow,
    TabbedForms,
    heading,
)
from chang_shan.ui.forms import CodeCombo

if TYPE_CHECKING:
    from chang_shan.db.database import Database

# The 其他 text boxes sit beside their check boxes: their messages show under that field.
ALIASES = {"payment_other": "payment", "allergy_other": "allergies", "disability_other": "disabilities",
           "exposure_note": "exposures"}
LIFE = (("kitchen_code", "厨房排风设施", codes.kitchen), ("fuel_code", "燃料类型", codes.fuel),
        ("water_code", "饮水", codes.water), ("toilet_code", "厕所", codes.toilet),
        ("livestock_code", "禽畜栏", codes.livestock))


class HealthProfileDialog(HealthFormDialog):
    """``HealthProfileDialog(db, resident_id)``; ``exec()`` returns ``Accepted`` when saved."""

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="健康档案", parent=parent)
        self.resident_id = resident_id
        self._loading = True
        actor = db.actor
        with db.reader() as session:
            self.detail: ProfileDetail = profiles.get_profile(session, resident_id)
            person = stored_resident(session, resident_id)
            self.status = person.status
            self.editable = (actor is not None and actor.can(Perm.HEALTH)
                             and access.can_edit_resident(session, actor, resident_id) and person.status == ACTIVE)
        self._build()
        self._load(self.detail.data)
        self._loading = False
        self._initial = self.current_input()
        # The first field, not 保存 (the first widget made): read-only, 关闭.
        (self.blood_row.focus_target() if self.editable else self.cancel_button).setFocus()

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        detail = self.detail
        age = f"　{detail.age} 岁" if detail.age is not None else ""
        state = "" if detail.exists else "　（尚未建档，保存后建立）"
        self.header = heading(f"{detail.resident_name}{age}{state}")
        self.body.addWidget(self.header)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("profileTabs")
        self.conditions = ConditionList(CONDITION_CATEGORIES, codes.disease().entries)
        forms = TabbedForms(self.tabs, aliases=ALIASES, line_number=lambda _list, i: self.conditions.line_number(i))
        self.use_form(forms)  # type: ignore[arg-type]
        self._basic(forms.add_page("基本情况", ErrorForm(columns=2)))
        history = forms.add_page("既往史", ErrorForm())
        history.add_row("conditions", "既往史", self.conditions, full_width=True,
                        focus=self.conditions.add_button)
        self.conditions.changed.connect(lambda: self.field_changed("conditions"))
        self.genetic_edit = self._line("genetic_disease", 100, "没有填“无”或不填")
        history.add_row("genetic_disease", "遗传病史", self.genetic_edit, full_width=True)
        self.family = FamilyGrid(RELATIVES, codes.family_disease().entries)
        family = forms.add_page("家族史", ErrorForm())
        family.add_row("family_history", "家族史", self.family, focus=self.family.focus_target(),
                       watch=self.family.boxes.values())
        self.family.changed.connect(lambda: self.field_changed("family_history"))
        self._life(forms.add_page("生活环境", ErrorForm()))
        self._community(forms.add_page("家庭医生与照护", ErrorForm()))
        self.body.addWidget(self.tabs, 1)
        self.setMinimumWidth(900)
        self.resize(980, 660)

    def _line(self, key: str, length: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMaxLength(length)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda: self.field_changed(ALIASES.get(key, key)))
        return edit

    def _radio(self, form: ErrorForm, key: str, label: str, entries: tuple, **kwargs: object) -> RadioRow:
        row = RadioRow(entries)
        row.setObjectName(key)
        form.add_row(key, label, row, focus=row.focus_target(), watch=row.buttons.values(), **kwargs)  # type: ignore[arg-type]
        row.changed.connect(lambda: self.field_changed(key))
        return row

    def _checks(self, form: ErrorForm, key: str, label: str, entries: tuple, columns: int,
                other: QLineEdit | None = None, other_code: str | None = None) -> CodeChecks:
        checks = CodeChecks(entries, columns=columns)
        checks.setObjectName(key)
        form.add_row(key, label, checks, full_width=True, aside=other,
                     watch=[other] if other is not None else ())
        checks.changed.connect(lambda: self.field_changed(key))
        if other is not None and other_code is not None:
            other.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 12)
            checks.changed.connect(lambda: other.setEnabled(other_code in checks.codes()))
            other.setEnabled(False)
        return checks

    def _basic(self, form: ErrorForm) -> None:
        self.blood_row = self._radio(form, "blood_type", "血型", codes.blood_type().entries, full_width=True)
        self.rh_row = self._radio(form, "rh", "RH", codes.rh().entries, full_width=True)
        self.marital_combo = CodeCombo(codes.marital().entries, blank="未填")
        self.marital_combo.setObjectName("marital_code")
        form.add_row("marital_code", "婚姻状况", self.marital_combo, column=0)
        self.marital_combo.currentIndexChanged.connect(lambda: self.field_changed("marital_code"))
        self.education_combo = CodeCombo(codes.education().entries, blank="未填")
        self.education_combo.setObjectName("education_code")
        form.add_row("education_code", "文化程度", self.education_combo, column=1)
        self.education_combo.currentIndexChanged.connect(lambda: self.field_changed("education_code"))
        self.payment_other = self._line("payment_other", 50, "其他：请注明")
        self.payment_checks = self._checks(form, "payment", "医疗费用支付方式", codes.payment().entries, 3,
                                           self.payment_other, profiles.OTHER_TEXT["payment"][0])
        self.allergy_other = self._line("allergy_other", 100, "其他：请注明药物")
        self.allergy_checks = self._checks(form, "allergies", "药物过敏史", codes.allergy().entries, 5,
                                           self.allergy_other, profiles.OTHER_TEXT["allergies"][0])
        self.exposure_note = self._line("exposure_note", 100, "说明（可不填）")
        self.exposure_checks = self._checks(form, "exposures", "暴露史", codes.exposure().entries, 4,
                                            self.exposure_note)
        self.disability_other = self._line("disability_other", 50, "其他：请注明")
        self.disability_checks = self._checks(form, "disabilities", "残疾情况", codes.disability().entries, 4,
                                              self.disability_other, profiles.OTHER_TEXT["disabilities"][0])

    def _life(self, form: ErrorForm) -> None:
        self.life_combos: dict[str, CodeCombo] = {}
        for key, label, table in LIFE:
            combo = CodeCombo(table().entries, blank="未填")
            combo.setObjectName(key)
            form.add_row(key, label, combo)
            combo.currentIndexChanged.connect(lambda _i, k=key: self.field_changed(k))
            self.life_combos[key] = combo

    def _community(self, form: ErrorForm) -> None:
        self.doctor_edit = self._line("family_doctor", 50, "如 长山社区卫生服务站 王大夫")
        form.add_row("family_doctor", "家庭医生", self.doctor_edit)
        self.doctor_phone_edit = self._line("family_doctor_phone", 30, "手机 11 位，或座机 0431-85551234")
        form.add_row("family_doctor_phone", "医生电话", self.doctor_phone_edit)
        self.medication_edit = QPlainTextEdit()
        self.medication_edit.setObjectName("medication")
        self.medication_edit.setTabChangesFocus(True)
        self.medication_edit.setPlaceholderText("长期服用的药物、用法，如 硝苯地平缓释片 每日一次")
        self.medication_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.medication_edit.textChanged.connect(lambda: self.field_changed("medication"))
        form.add_row("medication", "用药情况", self.medication_edit)
        self.wandering_box = QCheckBox("有走失风险（如认知障碍、痴呆），外出需有人陪同")
        self.wandering_box.setObjectName("wandering_risk")
        self.wandering_box.toggled.connect(lambda: self.field_changed("wandering_risk"))
        form.add_row("wandering_risk", "走失风险", self.wandering_box)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.note_edit.textChanged.connect(lambda: self.field_changed("note"))
        form.add_row("note", "备注", self.note_edit)

    # -- loading --------------------------------------------------------------------------------
    def _load(self, data: ProfileInput) -> None:
        self.blood_row.set_code(data.blood_type)
        self.rh_row.set_code(data.rh)
        self.marital_combo.set_code(data.marital_code)
        self.education_combo.set_code(data.education_code)
        self.payment_checks.set_codes(data.payment)
        self.payment_other.setText(data.payment_other)
        self.allergy_checks.set_codes(data.allergies)
        self.allergy_other.setText(data.allergy_other)
        self.exposure_checks.set_codes(data.exposures)
        self.exposure_note.setText(data.exposure_note)
        self.disability_checks.set_codes(data.disabilities)
        self.disability_other.setText(data.disability_other)
        self.genetic_edit.setText(data.genetic_disease)
        self.conditions.set_values(data.conditions)
        self.family.set_values(data.family_history)
        for key, combo in self.life_combos.items():
            combo.set_code(getattr(data, key))
        self.doctor_edit.setText(data.family_doctor)
        self.doctor_phone_edit.setText(data.family_doctor_phone)
        self.medication_edit.setPlainText(data.medication)
        self.wandering_box.setChecked(data.wandering_risk)
        self.note_edit.setPlainText(data.note)
        if not self.editable:
            self.setWindowTitle("查看健康档案")
            self.form.setEnabled(False)  # type: ignore[union-attr]
            self.save_button.hide()
            self.cancel_button.setText("关闭")
            if self.status != ACTIVE:
                self.show_banner(f"{self.detail.resident_name}{self.status}，健康档案只能查看。")
        else:
            self.setWindowTitle("编辑健康档案" if self.detail.exists else "建立健康档案")

    # -- the service ----------------------------------------------------------------------------
    def current_input(self) -> ProfileInput:
        return ProfileInput(
            blood_type=self.blood_row.code(), rh=self.rh_row.code(),
            payment=self.payment_checks.codes(), payment_other=self.payment_other.text(),
            allergies=self.allergy_checks.codes(), allergy_other=self.allergy_other.text(),
            exposures=self.exposure_checks.codes(), exposure_note=self.exposure_note.text(),
            genetic_disease=self.genetic_edit.text(),
            disabilities=self.disability_checks.codes(), disability_other=self.disability_other.text(),
            marital_code=self.marital_combo.code(), education_code=self.education_combo.code(),
            **{key: combo.code() for key, combo in self.life_combos.items()},
            family_doctor=self.doctor_edit.text(), family_doctor_phone=self.doctor_phone_edit.text(),
            medication=self.medication_edit.toPlainText(), wandering_risk=self.wandering_box.isChecked(),
            note=self.note_edit.toPlainText(),
            conditions=self.conditions.values(), family_history=self.family.values(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        if self._loading:
            return {}
        with self.db.reader() as session:
            try:
                profiles.validate_profile(session, self.current_input(), resident_id=self.resident_id)
            except ValidationError as exc:
                return exc.errors
        return {}

    def write(self) -> int | None:
        if self.detail.exists and not self.is_dirty():
            return self.resident_id  # nothing changed: nothing to write, nothing to undo
        verb = "修改健康档案" if self.detail.exists else "建立健康档案"
        with self.db.transaction(f"{verb} {self.detail.resident_name}") as session:
            profiles.save_profile(session, self.resident_id, self.current_input(),
                                  expected_version=self.detail.version)
        return self.resident_id
