"""The party ledger's dialogs: 党组织 (新建/修改), 任职, 党员 (新增/修改), 党员变动, 主题党日 (the day and
its attendance: one check box per member, a reason for each absence) and 缺席跟进.

Each saves one journaled action through ``chang_shan.party``; the services check everything and
their messages appear under the fields (or in the banner when they belong to no field).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from chang_shan.db.models.party import EVENT_KINDS, MEMBER_KINDS, ORG_LEVELS, ORG_RELATIONS, POSTS
from chang_shan.ui.forms.fields import DateField, set_combo_data
from chang_shan.ui.forms.resident_search import ResidentSearch
from chang_shan.ui.party.base import RecordDialog, combo, today

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.party.shapes import AttendanceRow, MemberDetail, MemberRow, OrgNode

# What a worker records by hand (入党 is the member's registration itself).
EVENTS = tuple(kind for kind in EVENT_KINDS if kind != "入党")
ABSENCE_REASONS = ("外出", "生病", "工作", "年老体弱", "其他")


def line(name: str, placeholder: str = "", *, length: int = 100, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    edit.setMaxLength(length)
    edit.setPlaceholderText(placeholder)
    return edit


def date_field(name: str, value: date | None, *, empty: bool = False) -> DateField:
    field = DateField(allow_empty=empty, maximum=today(), popup_year=today().year)
    field.setObjectName(name)
    field.set_value(value)
    return field


def org_choices(db: Database) -> list[tuple[int, str]]:
    from chang_shan.party import queries

    with db.reader() as session:
        return list(queries.branch_choices(session))


def org_combo(db: Database, name: str, chosen: int | None, *, first: tuple[str, Any] | None = None) -> QComboBox:
    box = combo(name, "党组织", [first] if first else [])
    for value, text in org_choices(db):
        box.addItem(text, value)
    if chosen is not None:
        set_combo_data(box, chosen)
    return box


def own_phone(db: Database, member_id: int) -> str:
    """The phone kept on the member's own record (not the resident's): the form shows it so that
    saving a correction keeps it (an empty field would clear it)."""
    from chang_shan.accounts.permissions import Perm
    from chang_shan.party import queries

    with db.reader() as session:
        return queries.member_to_read(session, member_id, Perm.EDIT).phone or ""


class OrgDialog(RecordDialog):
    """新建党组织 (under ``parent``) or 修改党组织 (``node``)."""

    def __init__(self, db: Database, *, parent_node: OrgNode | None = None, node: OrgNode | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改党组织" if node else "新建党组织", parent=parent)
        self.node = node
        level = node.level if node else ("党支部" if parent_node is None or parent_node.level == "党委" else "党小组")
        self.level = combo("level", "层级", [(lv, lv) for lv in ORG_LEVELS])
        set_combo_data(self.level, level)
        self.level.setEnabled(node is None)
        self.form_.add_row("level", "层级", self.level, required=True)
        self.parent_org = org_combo(db, "parentOrg", node.parent_id if node else (parent_node.id if parent_node else None),
                                    first=("（无上级：社区党委）", None))
        self.form_.add_row("parent_id", "上级组织", self.parent_org)
        self.name = line("orgName", "如 第三网格党支部、3号楼1单元党小组", length=60, text=node.name if node else "")
        self.form_.add_row("name", "名称", self.name, required=True)
        self.founded = date_field("foundedOn", node.founded_on if node else None, empty=True)
        self.form_.add_row("founded_on", "成立日期", self.founded)
        self.note = line("note", length=500, text=node.note if node else "")
        self.form_.add_row("note", "备注", self.note)
        self.name.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return (self.level.currentData(), self.parent_org.currentData(), self.name.text(), self.founded.value(),
                self.note.text())

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import orgs

        fields = {"name": self.name.text().strip(), "parent_id": self.parent_org.currentData(),
                  "founded_on": self.founded.value()}
        if self.node is None:
            return orgs.create_org(session, level=self.level.currentData(), **fields)
        orgs.update_org(session, self.node.id, self.node.version, note=self.note.text().strip(), **fields)
        return self.node.id


class DissolveDialog(RecordDialog):
    enter_saves = False

    def __init__(self, db: Database, node: OrgNode, parent: QWidget | None = None) -> None:
        super().__init__(db, title="撤销党组织", save_text="确认撤销", parent=parent)
        self.node = node
        self.action = f"撤销党组织 {node.name}"
        self.form_.add_row("org", "党组织", QLabel(node.name))
        self.on = date_field("dissolvedOn", today())
        self.form_.add_row("on_date", "撤销日期", self.on, required=True)
        self.form_.set_hint("on_date", "还有党员或下级组织的不能撤销：请先把党员调整到其他组织。")

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import orgs

        orgs.dissolve_org(session, self.node.id, self.on.value())
        return self.node.id


class PostDialog(RecordDialog):
    """任职: a member of the organisation takes a post (书记, 副书记, 委员; 组长 in a 党小组)."""

    def __init__(self, db: Database, node: OrgNode, members: list[MemberRow], parent: QWidget | None = None) -> None:
        super().__init__(db, title="任职", parent=parent)
        self.node = node
        self.form_.add_row("org", "党组织", QLabel(node.name))
        self.member = combo("member", "党员", [(f"{m.name}（{m.org_name}）", m.id) for m in members])
        self.form_.add_row("member_id", "党员", self.member, required=True)
        posts = ("组长",) if node.level == "党小组" else tuple(p for p in POSTS if p != "组长")
        self.post = combo("post", "职务", [(p, p) for p in posts])
        self.form_.add_row("post", "职务", self.post, required=True)
        self.start = date_field("startOn", today())
        self.form_.add_row("start_on", "任职日期", self.start, required=True)
        self.remember()

    def snapshot(self) -> Any:
        return (self.member.currentData(), self.post.currentData(), self.start.value())

    def required(self) -> dict[str, str]:
        return {} if self.member.currentData() is not None else {"member_id": "这个组织还没有党员，请先登记党员。"}

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import orgs

        self.action = f"任职 {self.member.currentText()} {self.post.currentData()}"
        return orgs.assign_post(session, self.node.id, self.member.currentData(), self.post.currentData(),
                                self.start.value())


class MemberDialog(RecordDialog):
    """新增党员 (a resident found by name) or 修改党员 (``detail``)."""

    def __init__(self, db: Database, *, detail: MemberDetail | None = None, org_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, title="修改党员信息" if detail else "新增党员", columns=1, parent=parent)
        self.detail = detail
        row = detail.row if detail else None
        self.picker: ResidentSearch | None = None
        if row is None:
            self.picker = ResidentSearch(db, empty_caption="请输入党员的姓名、拼音首字母或住址（须是本社区居民）。",
                                         rows=5, parent=self)
            self.picker.setObjectName("residentPicker")
            self.form_.add_row("resident_id", "居民", self.picker, required=True, focus=self.picker.search,
                               highlight=self.picker.list)
            self.picker.chosen.connect(lambda: self.field_changed("resident_id"))
        else:
            self.form_.add_row("resident_id", "居民", QLabel("　".join(p for p in (row.name, row.address) if p)))
        # A new member with no organisation chosen above starts on a 请选择 line: the first entry
        # (社区党委) is never right for a member, who belongs to a 党支部 or 党小组.
        choose = row is None and org_id is None
        self.org = org_combo(db, "org", row.org_id if row else org_id,
                             first=("（请选择党支部或党小组）", None) if choose else None)
        self.form_.add_row("org_id", "所在党组织", self.org, required=True)
        if row is not None:  # the organisation changes through 登记变动 → 调整党组织 (the history shows it)
            self.org.setEnabled(False)
            self.form_.set_hint("org_id", "调整所在党组织请用“登记变动 → 调整党组织”。")
        self.joined = date_field("joinedOn", row.joined_on if row else None, empty=True)
        self.form_.add_row("joined_on", "入党日期", self.joined, required=True)
        self.form_.set_hint("joined_on", "即“政治生日”，每年这个月列入今日待办。")
        self.kind = combo("kind", "党员类别", [(k, k) for k in MEMBER_KINDS])
        self.form_.add_row("kind", "党员类别", self.kind, required=True)
        self.full = date_field("fullOn", row.full_on if row else None, empty=True)
        self.form_.add_row("full_on", "转正日期", self.full)
        self.relation = combo("orgRelation", "组织关系", [(r, r) for r in ORG_RELATIONS])
        self.form_.add_row("org_relation", "组织关系", self.relation, required=True)
        self.place = line("relationPlace", "组织关系不在本社区时：所在单位或党组织", text=row.relation_place if row else "")
        self.form_.add_row("relation_place", "关系所在", self.place)
        self.phone = line("phone", "与居民登记的电话不同时填写", length=30,
                          text=own_phone(db, row.id) if row is not None else "")
        self.form_.add_row("phone", "联系电话", self.phone)
        self.note = line("note", length=500, text=detail.note if detail else "")
        self.form_.add_row("note", "备注", self.note)
        if row is not None:
            set_combo_data(self.kind, row.kind)
            set_combo_data(self.relation, row.org_relation)
        for box in (self.kind, self.relation):
            box.currentIndexChanged.connect(lambda _i: self._follow())
        self._follow()
        self.remember()
        (self.picker.search if self.picker else self.org).setFocus()

    def _follow(self) -> None:
        self.full.setEnabled(self.kind.currentData() == "正式党员")
        self.place.setEnabled(self.relation.currentData() != "在本社区")

    def data(self) -> Any:
        from chang_shan.party.shapes import MemberInput

        resident = self.detail.row.resident_id if self.detail else (self.picker.resident_id() if self.picker else None)
        full = self.full.value() if self.kind.currentData() == "正式党员" else None
        return MemberInput(resident_id=resident, org_id=self.org.currentData(), joined_on=self.joined.value(),
                           kind=self.kind.currentData(), full_on=full, org_relation=self.relation.currentData(),
                           relation_place=self.place.text().strip() if self.place.isEnabled() else "",
                           phone=self.phone.text().strip(), note=self.note.text().strip())

    def snapshot(self) -> Any:
        return self.data()

    def required(self) -> dict[str, str]:
        errors = {}
        if self.detail is None and (self.picker is None or self.picker.resident_id() is None):
            errors["resident_id"] = "请选择居民。"
        if self.org.currentData() is None:
            errors["org_id"] = "请选择党员所在的党支部或党小组。"
        if self.joined.value() is None:
            errors["joined_on"] = "请填写入党日期。"
        return errors

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import members

        data = self.data()
        if self.detail is None:
            self.action = f"新增党员 {self.picker.resident_name() if self.picker else ''}"
            return members.add_member(session, data, today=today())
        self.action = f"修改党员 {self.detail.row.name}"
        members.update_member(session, self.detail.row.id, self.detail.version, data)
        return self.detail.row.id


class EventDialog(RecordDialog):
    """党员变动: 转正, 转出, 去世, 找回口袋党员, 组织关系转入本社区, 调整党组织 … with its date."""

    enter_saves = False

    def __init__(self, db: Database, member: MemberRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记党员变动", save_text="登记", parent=parent)
        self.member = member
        self.form_.add_row("member", "党员", QLabel(f"{member.name}　{member.org_name}　{member.kind}　{member.status}"))
        self.kind = combo("eventKind", "变动", [(k, k) for k in EVENTS])
        self.form_.add_row("kind", "变动", self.kind, required=True)
        self.on = date_field("onDate", today())
        self.form_.add_row("on_date", "日期", self.on, required=True)
        self.org = org_combo(db, "newOrg", member.org_id)
        self.form_.add_row("org_id", "调整到", self.org)
        self.note = line("note", "如 转往单位、找回经过", length=300)
        self.form_.add_row("note", "说明", self.note)
        self.kind.currentIndexChanged.connect(lambda _i: self._follow())
        self._follow()
        self.remember()

    def _follow(self) -> None:
        self.form_.set_row_visible("org_id", self.kind.currentData() == "调整党组织")

    def snapshot(self) -> Any:
        return (self.kind.currentData(), self.on.value(), self.org.currentData(), self.note.text())

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import members

        kind = self.kind.currentData()
        self.action = f"{kind} {self.member.name}"
        extra = {"org_id": self.org.currentData()} if kind == "调整党组织" else {}
        members.record_event(session, self.member.id, kind, self.on.value(), self.note.text().strip(), **extra)
        return self.member.id


class StudyDayDialog(RecordDialog):
    """登记主题党日: the organisation, the day, the topic and place, and who came — every member
    of the organisation (and those under it) with a check box; an absence needs its reason."""

    def __init__(self, db: Database, *, org_id: int | None, held_on: date, parent: QWidget | None = None) -> None:
        super().__init__(db, title="登记主题党日", parent=parent)
        self.org = org_combo(db, "studyOrg", org_id)
        self.form_.add_row("org_id", "党组织", self.org, required=True)
        self.held = date_field("heldOn", min(held_on, today()))
        self.form_.add_row("held_on", "日期", self.held, required=True)
        self.topic = line("topic", "如 学习党的二十届四中全会精神", length=100)
        self.form_.add_row("topic", "主题", self.topic, required=True)
        self.place = line("place", "如 社区党群服务中心", length=100)
        self.form_.add_row("place", "地点", self.place)
        self.sheet = QTableWidget(0, 3)
        self.sheet.setObjectName("attendanceSheet")
        self.sheet.setHorizontalHeaderLabels(["党员", "出席", "缺席原因"])
        self.sheet.verticalHeader().hide()
        self.sheet.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.sheet.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sheet.setMinimumHeight(self.fontMetrics().height() * 14)
        self.form_.add_row("present_ids", "出席情况", self.sheet)
        self.form_.set_hint("present_ids", "勾选出席的党员；没有勾选的是缺席，请选择或填写缺席原因，之后在“跟进”里登记谈心、补学。")
        self.member_ids: list[int] = []
        self.org.currentIndexChanged.connect(lambda _i: self._fill())
        self.held.dateChanged.connect(lambda _d: self._fill())
        self._fill()
        self.setMinimumSize(640, 640)
        self.topic.setFocus()
        self.remember()

    def _fill(self) -> None:
        from chang_shan.party import queries

        from chang_shan.party import study

        org_id = self.org.currentData()
        held_on = self.held.date().toPython()
        with self.db.reader() as session:  # the members of that day (not those who joined later)
            expected = set(study.expected_members(session, org_id, held_on)) if org_id is not None else set()
            rows = [m for m in queries.members(session, org_id=org_id, include_sub=True)
                    if m.id in expected] if expected else []
        self.member_ids = [m.id for m in rows]
        self.sheet.setRowCount(len(rows))
        for r, member in enumerate(rows):
            name = QTableWidgetItem(f"{member.name}（{member.org_name}）")
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.sheet.setItem(r, 0, name)
            box = QTableWidgetItem("出席")
            box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            box.setCheckState(Qt.CheckState.Checked)
            self.sheet.setItem(r, 1, box)
            reason = QComboBox()
            reason.setEditable(True)
            reason.addItems(["", *ABSENCE_REASONS])
            self.sheet.setCellWidget(r, 2, reason)
        metrics = self.sheet.fontMetrics()
        self.sheet.setColumnWidth(1, metrics.horizontalAdvance("出席") + 44)
        self.sheet.setColumnWidth(2, metrics.horizontalAdvance("年老体弱") + 56)

    def set_present(self, member_id: int, present: bool, reason: str = "") -> None:
        r = self.member_ids.index(member_id)
        self.sheet.item(r, 1).setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
        box = self.sheet.cellWidget(r, 2)
        assert isinstance(box, QComboBox)
        box.setEditText(reason)

    def attendance(self) -> tuple[list[int], dict[int, str]]:
        present: list[int] = []
        absent: dict[int, str] = {}
        for r, member_id in enumerate(self.member_ids):
            if self.sheet.item(r, 1).checkState() == Qt.CheckState.Checked:
                present.append(member_id)
            else:
                box = self.sheet.cellWidget(r, 2)
                absent[member_id] = box.currentText().strip() if isinstance(box, QComboBox) else ""
        return present, absent

    def snapshot(self) -> Any:
        present, absent = self.attendance()
        return (self.org.currentData(), self.held.value(), self.topic.text(), self.place.text(), tuple(present),
                tuple(sorted(absent.items())))

    def required(self) -> dict[str, str]:
        if not self.member_ids:
            return {"present_ids": "这个组织还没有在册党员。"}
        if not self.topic.text().strip():
            return {"topic": "请填写主题党日的主题。"}
        return {}

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import study

        present, absent = self.attendance()
        self.action = f"登记主题党日 {self.org.currentText()} {self.held.value():%Y-%m-%d}"
        return study.record_study_day(session, self.org.currentData(), self.held.value(),
                                      topic=self.topic.text().strip(), place=self.place.text().strip(),
                                      present_ids=present, absent=absent, today=today())


class FollowUpDialog(RecordDialog):
    """缺席跟进: how an absent member was followed up (谈心谈话, 补学 …) and when."""

    def __init__(self, db: Database, study_day_id: int, row: AttendanceRow, parent: QWidget | None = None) -> None:
        super().__init__(db, title="缺席跟进", parent=parent)
        self.study_day_id, self.row = study_day_id, row
        self.action = f"主题党日缺席跟进 {row.name}"
        self.form_.add_row("member", "党员", QLabel(f"{row.name}　缺席原因：{row.absence_reason or '未填'}"))
        self.on = date_field("followedOn", today())
        self.form_.add_row("on_date", "跟进日期", self.on, required=True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("followNote")
        self.note.setPlaceholderText("如 电话联系，已补学会议精神")
        self.note.setMaximumHeight(self.fontMetrics().height() * 5)
        self.form_.add_row("note", "跟进情况", self.note, required=True)
        self.note.setFocus()
        self.remember()

    def snapshot(self) -> Any:
        return (self.on.value(), self.note.toPlainText())

    def required(self) -> dict[str, str]:
        return {} if self.note.toPlainText().strip() else {"note": "请填写跟进情况。"}

    def perform(self, session: Session) -> int | None:
        from chang_shan.party import study

        study.follow_up(session, self.study_day_id, self.row.member_id, self.on.value(),
                        self.note.toPlainText().strip())
        return self.row.member_id
