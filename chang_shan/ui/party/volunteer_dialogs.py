"""The volunteer ledger's dialogs: 登记志愿者 (a resident found by name, or someone from outside —
a university student with the 大学生志愿服务信息档案 fields, a 驻区单位 employee), 修改志愿者, 离队,
服务队 (新建/修改) and 加入服务队, 登记服务记录 (hours without travel time), 退回 (with the
reason), 商品 (新增/修改) and 入库, 积分规则.

``VolunteerSearch`` finds a volunteer by name, pinyin initials, number or unit (the service
record form and the redemption counter use it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chang_shan.db.models.volunteers import TEAM_ROLES, VOLUNTEER_KINDS
from chang_shan.ui.forms.fields import set_combo_data
from chang_shan.ui.forms.resident_search import ResidentSearch
from chang_shan.ui.party.base import RecordDialog, combo, today
from chang_shan.ui.party.party_dialogs import date_field, line

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.volunteers.shapes import (
        ItemRow,
        RuleRow,
        ServiceRow,
        TeamRow,
        VolunteerDetail,
        VolunteerRow,
    )

SEXES = (("未填", ""), ("男", "1"), ("女", "2"))
HOURS_HINT = "只算服务时间，不含路上往返的时间；最多 24 小时，保留一位小数（如 1.5）。"
SEARCH_LIMIT = 30


class VolunteerSearch(QWidget):
    """A search line over a short list of volunteers (those who have not left)."""

    chosen = Signal()

    def __init__(self, db: Database, *, rows: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.found: list[VolunteerRow] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("volunteerSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("按姓名、拼音首字母、志愿者编号或单位查找志愿者")
        self.list = QListWidget(self)
        self.list.setObjectName("volunteerList")
        self.list.setMinimumHeight(self.fontMetrics().height() * rows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.search_now)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.search_now)
        self.list.currentItemChanged.connect(lambda *_a: self.chosen.emit())

    def search_now(self) -> None:
        from chang_shan.volunteers import queries

        self._debounce.stop()
        text = self.search.text().strip()
        rows: list[VolunteerRow] = []
        if text:
            with self.db.reader() as session:
                rows = queries.volunteers(session, text=text)[:SEARCH_LIMIT]
        self.show_rows(rows)

    def show_rows(self, rows: list[VolunteerRow]) -> None:
        self.found = rows
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem("　".join(p for p in (row.number, row.name, f"积分 {row.points_balance}", row.kind,
                                                        row.teams) if p))
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.chosen.emit()

    @property
    def pending(self) -> bool:
        return self._debounce.isActive()

    def current(self) -> VolunteerRow | None:
        row = self.list.currentRow()
        return self.found[row] if 0 <= row < len(self.found) else None


class VolunteerDialog(RecordDialog):
    """登记志愿者 or 修改志愿者 (``detail``)."""

    def __init__(self, db: Database, *, detail: VolunteerDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改志愿者" if detail else "登记志愿者", columns=2, parent=parent)
        self.detail = detail
        row = detail.row if detail else None
        self.kind = combo("volunteerKind", "类别", [(k, k) for k in VOLUNTEER_KINDS])
        if row is not None:
            set_combo_data(self.kind, row.kind)
            self.kind.setEnabled(row.resident_id is None)
        self.form_.add_row("kind", "类别", self.kind, required=True, full_width=True)
        self.picker: ResidentSearch | None = None
        if row is None:
            self.picker = ResidentSearch(db, empty_caption="居民志愿者：输入姓名、拼音首字母或住址查找。", rows=4, parent=self)
            self.picker.setObjectName("residentPicker")
            self.form_.add_row("resident_id", "居民", self.picker, full_width=True, focus=self.picker.search,
                               highlight=self.picker.list)
            self.picker.chosen.connect(lambda: self.field_changed("resident_id"))
        elif row.resident_id is not None:
            self.form_.add_row("resident_id", "居民", QLabel(f"{row.name}　{detail.address if detail else ''}"),
                               full_width=True)
        d = detail
        self.name = line("name", length=50, text=row.name if row and row.resident_id is None else "")
        self.form_.add_row("name", "姓名", self.name, required=True)
        self.sex = combo("sex", "性别", [(t, c) for t, c in SEXES])
        if row is not None and row.resident_id is None:
            set_combo_data(self.sex, next((c for t, c in SEXES if t == row.sex and c), ""))
        self.form_.add_row("sex_code", "性别", self.sex, required=True, column=1)
        self.id_number = line("idNumber", "18 位公民身份号码", length=18)
        self.form_.add_row("id_number", "身份证号", self.id_number)
        self.phone = line("phone", length=30)
        self.form_.add_row("phone", "电话", self.phone, column=1)
        self.organisation = line("organisation", "工作单位或驻区单位", text=d.organisation if d else "")
        self.form_.add_row("organisation", "单位", self.organisation, full_width=True)
        self.school = line("school", "如 吉林大学", text=d.school if d else "")
        self.form_.add_row("school", "学校", self.school)
        self.major = line("major", "院系、专业", text=d.major if d else "")
        self.form_.add_row("major", "院系专业", self.major, column=1)
        self.student_number = line("studentNumber", length=30, text=d.student_number if d else "")
        self.form_.add_row("student_number", "学号", self.student_number)
        self.enrolment = QSpinBox()
        self.enrolment.setObjectName("enrolmentYear")
        self.enrolment.setRange(0, today().year)
        self.enrolment.setSpecialValueText("未填")
        self.enrolment.setValue((d.enrolment_year or 0) if d else 0)
        self.form_.add_row("enrolment_year", "入学年份", self.enrolment, column=1)
        self.skills = line("skills", "如 家电维修、法律咨询、理发", length=200, text=d.skills if d else "")
        self.form_.add_row("skills", "特长", self.skills, full_width=True)
        self.registered = date_field("registeredOn", row.registered_on if row else today())
        self.registered.setEnabled(row is None)
        self.form_.add_row("registered_on", "登记日期", self.registered)
        self.note = line("note", length=500, text=d.note if d else "")
        self.form_.add_row("note", "备注", self.note, column=1)
        if row is not None and row.resident_id is None:
            self.form_.set_hint("id_number", f"现登记为 {d.id_number if d else ''}；不改请留空。")
            self.form_.set_hint("phone", f"现登记为 {row.phone}；不改请留空。")
        self.kind.currentIndexChanged.connect(lambda _i: self._follow())
        self._follow()
        self.setMinimumWidth(760)
        self.remember()

    def _follow(self) -> None:
        kind = self.kind.currentData()
        resident = kind == "居民"
        for key in ("name", "sex_code", "id_number", "phone"):
            self.form_.set_row_visible(key, not resident)
        if self.picker is not None:
            self.form_.set_row_visible("resident_id", resident)
        for key in ("school", "major", "student_number", "enrolment_year"):
            self.form_.set_row_visible(key, kind == "大学生")

    def data(self) -> Any:
        from chang_shan.volunteers.shapes import VolunteerInput

        kind = self.kind.currentData()
        resident = kind == "居民"
        resident_id = None
        if resident:
            if self.detail is not None:
                resident_id = self.detail.row.resident_id
            elif self.picker is not None:
                resident_id = self.picker.resident_id()
        student = kind == "大学生"
        return VolunteerInput(
            kind=kind, resident_id=resident_id, name="" if resident else self.name.text().strip(),
            sex_code="" if resident else self.sex.currentData(),
            id_number="" if resident else self.id_number.text().strip().upper(),
            phone="" if resident else self.phone.text().strip(), organisation=self.organisation.text().strip(),
            school=self.school.text().strip() if student else "", major=self.major.text().strip() if student else "",
            student_number=self.student_number.text().strip() if student else "",
            enrolment_year=(self.enrolment.value() or None) if student else None, skills=self.skills.text().strip(),
            registered_on=self.registered.value(), note=self.note.text().strip())

    def snapshot(self) -> Any:
        return self.data()

    def required(self) -> dict[str, str]:
        if self.kind.currentData() == "居民" and self.detail is None and (
                self.picker is None or self.picker.resident_id() is None):
            return {"resident_id": "请查找并选中要登记的居民；不是本社区居民的，请把类别改为大学生、驻区单位或其他。"}
        return {}

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import registry

        data = self.data()
        if self.detail is None:
            who = self.picker.resident_name() if data.resident_id is not None and self.picker else data.name
            self.action = f"登记志愿者 {who}"
            return registry.register_volunteer(session, data)
        row = self.detail.row
        if row.resident_id is None:  # left empty ("不改请留空"): the registered ones are given back, kept
            data.id_number = data.id_number or (self.detail.id_number or "")
            data.phone = data.phone or (row.phone or "")
        self.action = f"修改志愿者 {row.name}"
        registry.update_volunteer(session, row.id, row.version, data)
        return row.id


class LeaveDialog(RecordDialog):
    enter_saves = False

    def __init__(self, db: Database, row: VolunteerRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="志愿者离开", save_text="确认", parent=parent)
        self.row = row
        self.action = f"志愿者离开 {row.name}"
        self.form_.add_row("who", "志愿者", QLabel(f"{row.number}　{row.name}　积分余额 {row.points_balance}"))
        self.on = date_field("leftOn", today())
        self.form_.add_row("on_date", "离开日期", self.on, required=True)
        self.form_.set_hint("on_date", "离开后不再列入志愿者名单；服务记录和积分账保留。")

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import registry

        registry.leave(session, self.row.id, self.on.value())
        return self.row.id


class TeamDialog(RecordDialog):
    def __init__(self, db: Database, *, team: TeamRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改服务队" if team else "新建服务队", parent=parent)
        self.team = team
        self.name = line("teamName", "如 义务巡逻队", length=50, text=team.name if team else "")
        self.form_.add_row("name", "队名", self.name, required=True)
        self.service = line("teamService", "如 夜间巡逻、看护楼道", text=team.service if team else "")
        self.form_.add_row("service", "服务内容", self.service)
        self.founded = date_field("teamFounded", team.founded_on if team else None, empty=True)
        self.form_.add_row("founded_on", "成立日期", self.founded)
        self.note = line("note", length=500, text=team.note if team else "")
        self.form_.add_row("note", "备注", self.note)
        self.name.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return (self.name.text(), self.service.text(), self.founded.value(), self.note.text())

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import registry

        fields = {"name": self.name.text().strip(), "service": self.service.text().strip(),
                  "founded_on": self.founded.value(), "note": self.note.text().strip()}
        if self.team is None:
            self.action = f"新建服务队 {fields['name']}"
            return registry.create_team(session, **fields)
        self.action = f"修改服务队 {self.team.name}"
        registry.update_team(session, self.team.id, self.team.version, **fields)
        return self.team.id


class JoinTeamDialog(RecordDialog):
    """加入服务队: a volunteer joins the team as 队长, 副队长 or 队员."""

    def __init__(self, db: Database, team: TeamRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="加入服务队", parent=parent)
        self.team = team
        self.form_.add_row("team", "服务队", QLabel(team.name))
        self.picker = VolunteerSearch(db, parent=self)
        self.form_.add_row("volunteer_id", "志愿者", self.picker, required=True, focus=self.picker.search,
                           highlight=self.picker.list)
        self.role = combo("role", "队内职务", [(r, r) for r in TEAM_ROLES])
        set_combo_data(self.role, "队员")
        self.form_.add_row("role", "队内职务", self.role, required=True)
        self.joined = date_field("joinedOn", today())
        self.form_.add_row("joined_on", "加入日期", self.joined, required=True)
        self.picker.search.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return (self.picker.current(), self.role.currentData(), self.joined.value())

    def required(self) -> dict[str, str]:
        return {} if self.picker.current() is not None else {"volunteer_id": "请查找并选中志愿者。"}

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import registry

        volunteer = self.picker.current()
        assert volunteer is not None
        self.action = f"{volunteer.name} 加入{self.team.name}"
        return registry.add_to_team(session, self.team.id, volunteer.id, self.role.currentData(), self.joined.value())


class ServiceDialog(RecordDialog):
    """登记服务记录 (志愿服务记录与证明出具办法): who, when, where, what kind, what, how long."""

    def __init__(self, db: Database, *, kinds: list[str], teams: list[tuple[int, str]],
                 volunteer: VolunteerRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记服务记录", columns=2, parent=parent)
        self.picker = VolunteerSearch(db, rows=4, parent=self)
        self.form_.add_row("volunteer_id", "志愿者", self.picker, required=True, full_width=True,
                           focus=self.picker.search, highlight=self.picker.list)
        if volunteer is not None:
            self.picker.show_rows([volunteer])
        self.team = combo("serviceTeam", "服务队", [("（不属于服务队的活动）", None)])
        for value, text in teams:
            self.team.addItem(text, value)
        self.form_.add_row("team_id", "服务队", self.team)
        self.served = date_field("servedOn", today())
        self.form_.add_row("served_on", "服务日期", self.served, required=True, column=1)
        self.kind = QComboBox()
        self.kind.setObjectName("serviceKind")
        self.kind.setEditable(True)
        self.kind.addItems(kinds)
        self.form_.add_row("kind", "服务类别", self.kind, required=True)
        self.form_.set_hint("kind", "按类别计算积分（积分规则）。")
        self.hours = line("hours", "如 1.5", length=5)
        self.form_.add_row("hours", "时长（小时）", self.hours, required=True, column=1)
        self.form_.set_hint("hours", HOURS_HINT)
        self.place = line("place", "如 3号楼2单元、社区广场", length=100)
        self.form_.add_row("place", "服务地点", self.place, required=True, full_width=True)
        self.content = QPlainTextEdit()
        self.content.setObjectName("content")
        self.content.setPlaceholderText("如 为独居老人王淑芬代购米面、打扫卫生")
        self.content.setMaximumHeight(self.fontMetrics().height() * 4)
        self.form_.add_row("content", "服务内容", self.content, required=True, full_width=True)
        self.reported = line("reportedBy", "由队长报来时填写队长姓名", length=50)
        self.form_.add_row("reported_by", "报送人", self.reported, full_width=True)
        self.form_.set_hint("reported_by", "登记后为“待确认”，确认后才计入服务时长和积分。")
        self.picker.chosen.connect(self._volunteer_chosen)
        self.setMinimumWidth(760)
        self.picker.search.setFocus()
        self.remember()

    def _volunteer_chosen(self) -> None:
        """The volunteer's (first) team is the likely one."""
        volunteer = self.picker.current()
        if volunteer is None or self.team.currentData() is not None:
            return
        first = volunteer.teams.split("、")[0] if volunteer.teams else ""
        index = self.team.findText(first) if first else -1
        if index >= 0:
            self.team.setCurrentIndex(index)

    def data(self) -> Any:
        from chang_shan.volunteers.shapes import ServiceInput

        volunteer = self.picker.current()
        return ServiceInput(volunteer_id=volunteer.id if volunteer else 0, team_id=self.team.currentData(),
                            served_on=self.served.value() or today(), place=self.place.text().strip(),
                            kind=self.kind.currentText().strip(), content=self.content.toPlainText().strip(),
                            hours=self.hours.text().strip(), reported_by=self.reported.text().strip())

    def snapshot(self) -> Any:
        return self.data()

    def required(self) -> dict[str, str]:
        return {} if self.picker.current() is not None else {"volunteer_id": "请查找并选中志愿者。"}

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import service_records

        volunteer = self.picker.current()
        assert volunteer is not None
        self.action = f"登记服务记录 {volunteer.name} {self.hours.text().strip()} 小时"
        return service_records.record_service(session, self.data(), today=today())


class ReturnDialog(RecordDialog):
    """退回 a service record: the reason goes back to whoever reported it."""

    def __init__(self, db: Database, row: ServiceRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="退回服务记录", save_text="退回", parent=parent)
        self.row = row
        self.action = f"退回服务记录 {row.volunteer_name} {row.served_on:%Y-%m-%d}"
        self.form_.add_row("record", "服务记录", QLabel(
            f"{row.volunteer_name}　{row.served_on:%Y-%m-%d}　{row.kind}　{row.hours} 小时\n{row.content}"))
        self.reason = line("returnReason", "如 时长含路上时间，请核实后重报", length=200)
        self.form_.add_row("reason", "退回原因", self.reason, required=True)
        self.reason.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return self.reason.text()

    def required(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "请写明退回的原因。"}

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import service_records

        service_records.return_service(session, self.row.id, self.row.version, self.reason.text().strip())
        return self.row.id


class ItemDialog(RecordDialog):
    """积分商品: 新增 or 修改 (name, unit, points, active)."""

    def __init__(self, db: Database, *, item: ItemRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改商品" if item else "新增商品", parent=parent)
        self.item = item
        self.name = line("itemName", "如 大米 5kg", length=50, text=item.name if item else "")
        self.form_.add_row("name", "名称", self.name, required=True)
        self.unit = line("itemUnit", "如 袋、桶、件", length=6, text=item.unit if item else "件")
        self.form_.add_row("unit", "单位", self.unit, required=True)
        self.points = QSpinBox()
        self.points.setObjectName("itemPoints")
        self.points.setRange(1, 100000)
        self.points.setSuffix(" 分")
        self.points.setValue(item.points if item else 10)
        self.form_.add_row("points", "所需积分", self.points, required=True)
        self.stock = QSpinBox()
        self.stock.setObjectName("itemStock")
        self.stock.setRange(0, 100000)
        self.stock.setValue(item.stock if item else 0)
        self.stock.setEnabled(item is None)
        self.form_.add_row("stock", "库存", self.stock)
        if item is not None:
            self.form_.set_hint("stock", "库存的增加请用“入库”。")
        self.active = combo("itemActive", "状态", [("可兑换", True), ("停止兑换", False)])
        if item is not None:
            set_combo_data(self.active, item.active)
        self.form_.add_row("active", "状态", self.active)
        self.note = line("note", length=200, text=item.note if item else "")
        self.form_.add_row("note", "备注", self.note)
        self.remember()

    def snapshot(self) -> Any:
        return (self.name.text(), self.unit.text(), self.points.value(), self.stock.value(), self.active.currentData(),
                self.note.text())

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import points

        fields = {"name": self.name.text().strip(), "unit": self.unit.text().strip(), "points": self.points.value(),
                  "note": self.note.text().strip()}
        if self.item is None:
            self.action = f"新增积分商品 {fields['name']}"
            return points.add_item(session, stock=self.stock.value(), **fields)
        self.action = f"修改积分商品 {self.item.name}"
        points.update_item(session, self.item.id, self.item.version, active=self.active.currentData(), **fields)
        return self.item.id


class RestockDialog(RecordDialog):
    def __init__(self, db: Database, item: ItemRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="商品入库", save_text="入库", parent=parent)
        self.item = item
        self.form_.add_row("item", "商品", QLabel(f"{item.name}　现有库存 {item.stock} {item.unit}"))
        self.quantity = QSpinBox()
        self.quantity.setObjectName("restockQuantity")
        self.quantity.setRange(1, 100000)
        self.quantity.setSuffix(f" {item.unit}")
        self.form_.add_row("quantity", "入库数量", self.quantity, required=True)
        self.quantity.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return self.quantity.value()

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import points

        self.action = f"积分商品入库 {self.item.name} {self.quantity.value()} {self.item.unit}"
        points.restock(session, self.item.id, self.quantity.value())
        return self.item.id


class RuleDialog(RecordDialog):
    """积分规则: a kind of service earns so many points per hour and/or per service from a day on
    (the rule before it ends the day before)."""

    def __init__(self, db: Database, kinds: list[str], *, kind: str = "", rule: RuleRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, title="设置积分规则", parent=parent)
        kind = rule.kind if rule is not None else kind
        self.kind = QComboBox()
        self.kind.setObjectName("ruleKind")
        self.kind.setEditable(True)
        self.kind.addItems(kinds)
        self.kind.setEditText(kind)
        self.form_.add_row("kind", "服务类别", self.kind, required=True)
        self.per_hour = QSpinBox()
        self.per_hour.setObjectName("perHour")
        self.per_hour.setRange(0, 1000)
        self.per_hour.setSuffix(" 分/小时")
        self.form_.add_row("points_per_hour", "按时长", self.per_hour)
        self.per_service = QSpinBox()
        self.per_service.setObjectName("perService")
        self.per_service.setRange(0, 1000)
        self.per_service.setSuffix(" 分/次")
        self.form_.add_row("points_per_service", "按次数", self.per_service)
        if rule is not None:  # a change of the rule on view starts from what it gives now
            self.per_hour.setValue(rule.points_per_hour)
            self.per_service.setValue(rule.points_per_service)
        self.start = future_date(today())
        self.form_.add_row("start_on", "起用日期", self.start, required=True)
        self.form_.set_hint("start_on", "按服务日期适用规则：这一天及以后的服务按新规则计分，之前的不变。")
        self.remember()

    def snapshot(self) -> Any:
        return (self.kind.currentText(), self.per_hour.value(), self.per_service.value(), self.start.value())

    def perform(self, session: Session) -> int | None:
        from chang_shan.volunteers import points

        kind = self.kind.currentText().strip()
        self.action = f"设置积分规则 {kind}"
        return points.set_rule(session, kind, self.per_hour.value(), self.per_service.value(), self.start.value())


def future_date(value: date) -> Any:
    """A date that may lie ahead (a rule from next month)."""
    from datetime import timedelta

    from chang_shan.ui.forms.fields import DateField

    field = DateField(maximum=today() + timedelta(days=366))
    field.setObjectName("ruleStart")
    field.set_value(value)
    return field


def hours_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"
