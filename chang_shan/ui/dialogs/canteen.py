"""乐龄食堂 dialogs: 新增用餐人员 / 修改用餐人员 and 停餐.

A new member is found by name (``ResidentSearch``); then the way they eat (堂食 in the
hall, or 送餐 to their home on a delivery route), which meals, the route (any route already in use,
or a new one typed in) and the start date. The services check everything; their messages appear
under the fields. Each dialog writes one journaled action, so 编辑→撤销 can take it back.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from chang_shan.canteen import members
from chang_shan.canteen.shapes import MemberInput
from chang_shan.errors import ValidationError
from chang_shan.ui.dialogs.actions import UNDO_HINT, _ResidentActionDialog
from chang_shan.ui.dialogs.caretaker import _date_field
from chang_shan.ui.forms import CheckGroup, DateField, FormDialog, ValidatedForm
from chang_shan.ui.forms.fields import format_date
from chang_shan.ui.forms.resident_search import ResidentSearch

if TYPE_CHECKING:
    from chang_shan.canteen.shapes import MemberRow
    from chang_shan.db.database import Database

MODES = ("堂食", "送餐")
MEALS = ("午餐", "晚餐")
ROUTE_HINT = "送餐的老人须填写送餐线路，如“一号线”；可选已有的线路，也可输入新的线路。"
# The service names the meals lunch/dinner; the form shows them together in one row.
FIELD_OF = {"lunch": "meals", "dinner": "meals"}


class MemberDialog(FormDialog):
    """新增用餐人员 (``member`` None) or 修改用餐人员."""

    def __init__(self, db: Database, member: MemberRow | None = None, *, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        title = "修改用餐人员" if member is not None else "新增用餐人员"
        super().__init__(db, title=title, parent=parent)
        self.member = member
        self.today = today or date.today()
        with db.reader() as session:
            known_routes = members.routes(session, today=self.today)
        form = self.use_form(ValidatedForm(columns=1, parent=self))
        self.body.addWidget(form)
        self.picker: ResidentSearch | None = None
        if member is None:
            self.picker = ResidentSearch(db, empty_caption="请输入要登记的老人的姓名、拼音首字母或住址。", parent=self)
            self.picker.setObjectName("residentPicker")
            form.add_row("resident_id", "居民", self.picker, required=True, focus=self.picker.search,
                         highlight=self.picker.list)
            self.picker.chosen.connect(lambda: self.field_changed("resident_id"))
        else:
            age = f"{member.age} 岁" if member.age is not None else ""
            self.person = QLabel("　".join(p for p in (member.name, age, member.address) if p))
            self.person.setObjectName("person")
            form.add_row("resident_id", "居民", self.person)

        self.mode = QComboBox()
        self.mode.setObjectName("mode")
        self.mode.addItems(MODES)
        form.add_row("mode", "用餐方式", self.mode, required=True)
        self.meals = CheckGroup(MEALS, columns=2)
        self.meals.setObjectName("meals")
        form.add_row("meals", "餐次", self.meals, required=True)
        self.route = QComboBox()
        self.route.setObjectName("route")
        self.route.setEditable(True)
        self.route.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.route.addItems(known_routes)
        self.route.lineEdit().setPlaceholderText("如 一号线")
        self.route.lineEdit().setMaxLength(20)
        form.add_row("route", "送餐线路", self.route)
        self.start = DateField(maximum=self.today + timedelta(days=366))
        self.start.setObjectName("startOn")
        form.add_row("start_on", "开始日期", self.start, required=True)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("如 少盐、软食，送餐时敲门大声些")
        form.add_row("note", "备注", self.note)

        if member is None:
            self.meals.set_values(MEALS)
            self.route.setEditText("")
            self.start.set_value(self.today)
        else:
            self.mode.setCurrentText(member.mode)
            self.meals.set_values([m for m, on in zip(MEALS, (member.lunch, member.dinner), strict=True) if on])
            self.route.setEditText(member.route)
            self.start.set_value(member.start_on)
            self.note.setText(member.note)
        self.mode.currentTextChanged.connect(self._mode_changed)
        self.mode.currentTextChanged.connect(lambda: self.field_changed("mode"))
        self.meals.changed.connect(lambda: self.field_changed("meals"))
        self.route.editTextChanged.connect(lambda: self.field_changed("route"))
        self.start.dateChanged.connect(lambda: self.field_changed("start_on"))
        self._mode_changed()
        self._initial = self.data()
        self.setMinimumWidth(640)
        (self.picker.search if self.picker is not None else self.mode).setFocus()

    def _mode_changed(self) -> None:
        delivered = self.mode.currentText() == "送餐"
        self.route.setEnabled(delivered)
        self.form.set_hint("route", ROUTE_HINT if delivered else "")  # type: ignore[union-attr]

    def resident_id(self) -> int | None:
        if self.member is not None:
            return self.member.resident_id
        return self.picker.resident_id() if self.picker is not None else None

    def data(self) -> MemberInput:
        delivered = self.mode.currentText() == "送餐"
        chosen = self.meals.values()
        return MemberInput(resident_id=self.resident_id(), mode=self.mode.currentText(),
                           lunch="午餐" in chosen, dinner="晚餐" in chosen,
                           route=self.route.currentText().strip() if delivered else "",
                           start_on=self.start.value(), note=self.note.text().strip())

    def is_dirty(self) -> bool:
        return self.data() != self._initial

    def collect_errors(self) -> dict[str, str]:
        # The service checks the rest when it writes (before anything is written).
        if self.resident_id() is None:
            return {"resident_id": "请选择居民。"}
        return {}

    def write(self) -> int | None:
        data = self.data()
        name = self.member.name if self.member is not None else (self.picker.resident_name() if self.picker else "")
        action = f"{'修改' if self.member is not None else '新增'}用餐人员 {name}"
        try:
            with self.db.transaction(action) as session:
                if self.member is None:
                    row = members.add_member(session, data, today=self.today)
                else:
                    row = members.update_member(session, self.member.id, data, today=self.today)
        except ValidationError as exc:
            raise ValidationError({FIELD_OF.get(k, k): m for k, m in exc.errors.items()}) from None
        return row.id


class EndMembershipDialog(_ResidentActionDialog):
    """停餐: the member stops from the end date; meals already recorded stay."""

    def __init__(self, db: Database, member: MemberRow, *, today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, member.resident_id, title="停餐", save_text="确认停餐", parent=parent)
        self.member = member
        meals = "、".join(m for m, on in zip(MEALS, (member.lunch, member.dinner), strict=True) if on)
        route = f"（{member.route}）" if member.route else ""
        self.membership = QLabel(f"{member.mode}{route}　{meals}　{format_date(member.start_on)} 起")
        self.membership.setObjectName("membership")
        self.form.add_row("membership", "用餐", self.membership)  # type: ignore[union-attr]
        self.date_edit = self.add_date_row("停餐日期")
        self.date_edit.setObjectName("endOn")
        self.date_edit.setMaximumDate(self.date_edit.date().addDays(366))
        self.today = today or date.today()
        self.date_edit.set_value(self.today)
        self.form.set_hint("on_date", "停餐日期当天起不再列入用餐名单。")  # type: ignore[union-attr]
        self.update_confirmation()
        self.date_edit.setFocus()

    def confirmation_text(self) -> str:
        return f"确认 {self.member.name} 停餐？{UNDO_HINT}\n停餐日期：{self.date_edit.value():%Y年%m月%d日}"

    def write(self) -> int | None:
        with _date_field("end_on"), self.db.transaction(f"停餐 {self.member.name}") as session:
            members.end_membership(session, self.member.id, self.date_edit.value(), today=self.today)
        return self.member.id
