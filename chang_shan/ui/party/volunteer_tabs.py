"""The volunteer tabs: 志愿服务队 (teams; the chosen team's members), 志愿者 (the register with
filters; the chosen volunteer's teams and points ledger) and 服务记录 (entry, 待确认 first,
确认所选 / 退回 with the reason; only confirmed records count for hours and points).

Keys: Ctrl+N 新建 in the tab on view, Ctrl+E 修改, Enter opens, Ctrl+P prints, F5 reloads,
Ctrl+Shift+E 导出; 服务记录: Ctrl+Shift+C 确认所选, Ctrl+R 退回.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from chang_shan.db.models.volunteers import SERVICE_STATUSES, VOLUNTEER_KINDS
from chang_shan.ui.forms.fields import DateField
from chang_shan.ui.party import volunteer_dialogs as dialogs
from chang_shan.ui.party.base import GREY, RED, Column, ColumnsModel, ListTab, combo, fill_combo, make_table, open_print, today
from chang_shan.ui.widgets.tables import fill_rows as fill_table
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.ui.ops import Operations
    from chang_shan.volunteers.shapes import ServiceRow, TeamRow, VolunteerDetail, VolunteerRow


def hours(value: Any) -> str:
    return "" if value is None else f"{value:,.1f}"


VOLUNTEER_COLUMNS = (
    Column("编号", lambda r: r.number, "CSV-00123"),
    Column("姓名", lambda r: r.name, "欧阳春花花"),
    Column("类别", lambda r: r.kind, "驻区单位"),
    Column("性别", lambda r: r.sex, "性别"),
    Column("年龄", lambda r: r.age, "年龄", right=True, kind="int"),
    Column("电话", lambda r: r.phone, "0431-****56789"),
    Column("单位/学校", lambda r: r.organisation, "长春师范大学"),
    Column("服务队", lambda r: r.teams, "义务巡逻队、清雪除冰服务队"),
    Column("服务时长", lambda r: hours(r.hours), "服务时长", right=True),
    Column("积分", lambda r: r.points_balance, "积分余额", right=True, kind="int"),
    Column("登记日期", lambda r: r.registered_on, "2026-12-31", kind="date"),
)


# --- 志愿服务队 --------------------------------------------------------------------------------

TEAM_COLUMNS = (
    Column("服务队", lambda r: r.name, "清雪除冰服务队"),
    Column("服务内容", lambda r: r.service, "夜间巡逻、看护楼道"),
    Column("队长", lambda r: r.leaders, "王建国（队长）、李芳芳（副队长）"),
    Column("队员", lambda r: r.member_count, "队员数", right=True, kind="int"),
    Column("今年服务时长", lambda r: hours(r.hours_this_year), "今年服务时长", right=True),
    Column("成立日期", lambda r: r.founded_on, "2026-12-31", kind="date"),
)


class TeamsTab(ListTab):
    title = "志愿服务队"
    stretch = 1

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, TEAM_COLUMNS, parent)
        self.filter_row.addStretch(1)
        self.new_action = self.action("新建服务队", self.new_team, "Ctrl+N", "新建一支志愿服务队")
        self.edit_action = self.action("修改", self.edit_team, "Ctrl+E", "修改选中服务队的名称和服务内容")
        self.join_action = self.action("加入队员", self.join, "Ctrl+Shift+J", "一位已登记的志愿者加入选中的服务队")
        self.hours_action = self.action("打印时长表", self.print_hours, "Ctrl+P", "打印选中服务队上个月的服务时长表",
                                        write=False)
        self.add_actions([self.new_action, self.edit_action, self.join_action], [self.hours_action])
        self.members = ColumnsModel(VOLUNTEER_COLUMNS, parent=self)
        self.member_table = make_table(self.members, "teamMembers", "服务队队员", stretch=7)
        self.finish_layout(self.member_table)

    def load(self, session: Session, **_filters: Any) -> list[TeamRow]:
        from chang_shan.volunteers import queries

        return queries.teams(session)

    def summary(self, rows: list[TeamRow]) -> str:
        total = sum((r.hours_this_year for r in rows), start=0)
        return f"共 {len(rows)} 支服务队，队员 {sum(r.member_count for r in rows):,} 人次，今年已确认 {hours(total)} 小时"

    def show_detail(self, row: TeamRow | None) -> None:
        from chang_shan.volunteers import queries

        if row is None:
            self.members.set_rows([])
            return
        team_id = row.id
        self.ops.query(lambda s: (team_id, queries.volunteers(s, team_id=team_id)), success=self._members_loaded,
                       parent=self)

    def _members_loaded(self, result: tuple[int, list[VolunteerRow]]) -> None:
        team_id, rows = result
        if team_id == self.current_id():
            self.members.set_rows(rows)

    def update_actions(self) -> None:
        chosen = self.current() is not None
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and chosen)
        self.join_action.setEnabled(self.can_edit and chosen)
        self.hours_action.setEnabled(chosen)

    def open_selected(self) -> Any:
        return self.edit_team()

    def new_team(self) -> Any:
        return self.open_dialog(dialogs.TeamDialog(self.ops.db, parent=self)) if self.may_open() else None

    def edit_team(self) -> Any:
        team = self.current()
        if not self.may_open() or team is None:
            return None
        return self.open_dialog(dialogs.TeamDialog(self.ops.db, team=team, parent=self))

    def join(self) -> Any:
        team = self.current()
        if not self.may_open() or team is None:
            return None
        return self.open_dialog(dialogs.JoinTeamDialog(self.ops.db, team, parent=self))

    def print_hours(self) -> Any:
        team = self.current()
        last_month = today().replace(day=1) - timedelta(days=1)
        return open_print(self, self.ops, "team_hours", {"team": team.id if team else None,
                                                         "month": f"{last_month:%Y-%m}"})


# --- 志愿者 ------------------------------------------------------------------------------------


class VolunteersTab(ListTab):
    title = "志愿者"
    stretch = 7

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, VOLUNTEER_COLUMNS, parent, colour=lambda r: GREY if r.left_on else None)
        self.team = combo("volunteerTeam", "服务队", [("全部服务队", None)])
        self.kind = combo("volunteerKind", "类别", [("全部类别", None), *((k, k) for k in VOLUNTEER_KINDS)])
        self.left = QCheckBox("含已离开")
        self.left.setObjectName("includeLeft")
        self.search = self.search_box("volunteerSearch", "查找：姓名、拼音首字母、编号、电话、单位")
        self.watch(self.team, self.kind, self.left)
        for label, widget in (("服务队：", self.team), ("类别：", self.kind)):
            self.filter_row.addWidget(QLabel(label))
            self.filter_row.addWidget(widget)
        self.filter_row.addWidget(self.left)
        self.filter_row.addWidget(self.search, 1)
        self.new_action = self.action("登记志愿者", self.new_volunteer, "Ctrl+N",
                                      "登记一位志愿者：本社区居民，或大学生、驻区单位等社区外人员")
        self.edit_action = self.action("修改", self.edit_volunteer, "Ctrl+E", "修改选中志愿者的登记信息")
        self.leave_action = self.action("离开", self.leave, "Ctrl+Shift+L", "选中的志愿者不再参加志愿服务（积分保留）")
        self.certificate_action = self.action("打印证明", self.print_certificate, "Ctrl+P",
                                              "打印选中志愿者今年的志愿服务证明", write=False)
        self.add_actions([self.new_action, self.edit_action, self.leave_action], [self.certificate_action])
        self.detail: VolunteerDetail | None = None
        self.facts = QLabel("")
        self.facts.setObjectName("volunteerFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ledger = read_only_table(("日期", "类别", "积分", "余额", "说明"), "pointsLedger", stretch=4,
                                      samples=("2026-12-31", "服务积分", "+120", "12345"))
        self.services = read_only_table(("日期", "服务队", "类别", "时长", "状态", "内容"), "volunteerServices",
                                        stretch=5, samples=("2026-12-31", "清雪除冰服务队", "关爱老人", "12.5", "待确认"))
        detail = QWidget()
        box = QVBoxLayout(detail)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.facts)
        tabs = QTabWidget()
        tabs.setObjectName("volunteerDetailTabs")
        tabs.setDocumentMode(True)
        tabs.addTab(self.ledger, "积分账")
        tabs.addTab(self.services, "服务记录")
        box.addWidget(tabs, 1)
        self.finish_layout(detail)

    def start(self) -> None:
        from chang_shan.volunteers import queries

        if not self._started:
            self.ops.query(queries.team_choices,
                           success=lambda items: fill_combo(self.team, ("全部服务队", None), items), parent=self)
        super().start()

    def filters(self) -> dict[str, Any]:
        return {"team_id": self.team.currentData(), "kind": self.kind.currentData(), "text": self.search.text().strip(),
                "active": None if self.left.isChecked() else True}

    def load(self, session: Session, **filters: Any) -> list[VolunteerRow]:
        from chang_shan.volunteers import queries

        return queries.volunteers(session, **filters)

    def summary(self, rows: list[VolunteerRow]) -> str:
        residents = sum(1 for r in rows if r.kind == "居民")
        students = sum(1 for r in rows if r.kind == "大学生")
        return f"共 {len(rows):,} 人（居民 {residents:,}，大学生 {students:,}）"

    def show_detail(self, row: VolunteerRow | None) -> None:
        from chang_shan.volunteers import queries

        self.detail = None
        if row is None:
            self.facts.setText("请在上面选择一位志愿者。" if self.model.rows else "没有符合条件的志愿者。")
            self.ledger.setRowCount(0)
            self.services.setRowCount(0)
            return
        volunteer_id = row.id

        def load(session: Session) -> tuple[Any, ...]:
            return (queries.volunteer_detail(session, volunteer_id), queries.ledger(session, volunteer_id),
                    queries.services(session, volunteer_id=volunteer_id, start=date(1900, 1, 1), end=date(9999, 12, 31),
                                     limit=200))

        self.ops.query(load, success=self._detail_loaded, parent=self)

    def _detail_loaded(self, result: tuple[Any, ...]) -> None:
        detail, entries, services = result
        if detail.row.id != self.current_id():
            return
        self.detail = detail
        r = detail.row
        parts = [f"<b>{r.number} {r.name}</b>", r.kind, f"身份证号 {detail.id_number}" if detail.id_number else "",
                 detail.address, detail.organisation, " ".join(p for p in (detail.school, detail.major) if p),
                 f"{detail.enrolment_year} 级" if detail.enrolment_year else "",
                 f"特长：{detail.skills}" if detail.skills else "",
                 f"已确认 {hours(r.hours)} 小时", f"积分余额 <b>{r.points_balance}</b>",
                 f"<span style='color:{RED}'>待确认 {detail.pending_services} 条</span>" if detail.pending_services else "",
                 f"{r.left_on:%Y-%m-%d} 离开" if r.left_on else ""]
        self.facts.setText("　".join(p for p in parts if p))
        fill_table(self.ledger, [(f"{e.on_date:%Y-%m-%d}", e.kind, f"{e.points:+d}", str(e.balance_after), e.note)
                                 for e in reversed(entries)])
        fill_table(self.services, [(f"{s.served_on:%Y-%m-%d}", s.team_name, s.kind, hours(s.hours), s.status, s.content)
                                   for s in services])
        self.update_actions()

    def update_actions(self) -> None:
        row = self.current()
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and self.detail is not None and row is not None)
        self.leave_action.setEnabled(self.can_edit and row is not None and row.left_on is None)
        self.certificate_action.setEnabled(row is not None)

    def open_selected(self) -> Any:
        return self.edit_volunteer()

    def new_volunteer(self) -> Any:
        return self.open_dialog(dialogs.VolunteerDialog(self.ops.db, parent=self)) if self.may_open() else None

    def edit_volunteer(self) -> Any:
        if not self.may_open() or self.detail is None or self.detail.row.id != self.current_id():
            return None
        return self.open_dialog(dialogs.VolunteerDialog(self.ops.db, detail=self.detail, parent=self))

    def leave(self) -> Any:
        row = self.current()
        if not self.may_open() or row is None or row.left_on is not None:
            return None
        return self.open_dialog(dialogs.LeaveDialog(self.ops.db, row, parent=self))

    def print_certificate(self) -> Any:
        row = self.current()
        if row is None:
            return None
        return open_print(self, self.ops, "volunteer_certificate",
                          {"volunteer": row.number, "start": date(today().year, 1, 1), "end": today(), "date": today()})


# --- 服务记录 ----------------------------------------------------------------------------------

SERVICE_COLUMNS = (
    Column("服务日期", lambda r: r.served_on, "2026-12-31", kind="date"),
    Column("志愿者", lambda r: f"{r.volunteer_name}", "欧阳春花花"),
    Column("服务队", lambda r: r.team_name, "清雪除冰服务队"),
    Column("类别", lambda r: r.kind, "关爱老人"),
    Column("时长", lambda r: hours(r.hours), "时长 ", right=True),
    Column("地点", lambda r: r.place, "长山花园社区广场"),
    Column("服务内容", lambda r: r.content, "为独居老人代购米面"),
    Column("状态", lambda r: r.status, "待确认"),
    Column("积分", lambda r: r.points, "积分", right=True, kind="int"),
    Column("登记/报送", lambda r: r.reported_by or r.entered_by, "刘文书"),
    Column("确认/退回原因", lambda r: r.return_reason or r.confirmed_by, "时长含路上时间"),
)


def service_colour(row: ServiceRow) -> str | None:
    return {"待确认": RED, "已退回": GREY}.get(row.status)


class ServicesTab(ListTab):
    title = "服务记录"
    multi = True
    stretch = 6

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, SERVICE_COLUMNS, parent, colour=service_colour)
        self.status = combo("serviceStatus", "状态", [(s, s) for s in SERVICE_STATUSES] + [("全部状态", None)])
        self.team = combo("serviceTeam", "服务队", [("全部服务队", None)])
        self.start_on = DateField(maximum=today())
        self.start_on.setObjectName("serviceStart")
        self.start_on.set_value(today() - timedelta(days=90))
        self.end_on = DateField(maximum=today())
        self.end_on.setObjectName("serviceEnd")
        self.end_on.set_value(today())
        self.watch(self.status, self.team, self.start_on, self.end_on)
        for label, widget in (("状态：", self.status), ("服务队：", self.team), ("服务日期：", self.start_on),
                              ("至", self.end_on)):
            self.filter_row.addWidget(QLabel(label))
            self.filter_row.addWidget(widget)
        self.filter_row.addStretch(1)
        self.new_action = self.action("登记服务", self.new_service, "Ctrl+N", "登记一条志愿服务记录（待确认）")
        self.confirm_action = self.action("确认所选", self.confirm_selected, "Ctrl+Shift+C",
                                          "确认选中的待确认记录：计入服务时长，并按积分规则记积分")
        self.return_action = self.action("退回", self.return_selected, "Ctrl+R", "把选中的记录退回，写明原因")
        self.add_actions([self.new_action], [self.confirm_action, self.return_action])
        self.finish_layout()
        self._kinds: list[str] = []
        self._teams: list[tuple[int, str]] = []

    def start(self) -> None:
        if not self._started:
            self._load_choices()
        super().start()

    def _load_choices(self) -> None:
        from chang_shan.volunteers import queries

        def load(session: Session) -> tuple[list[tuple[int, str]], list[str]]:
            return queries.team_choices(session), queries.service_kinds(session)

        def loaded(result: tuple[list[tuple[int, str]], list[str]]) -> None:
            self._teams, self._kinds = result
            fill_combo(self.team, ("全部服务队", None), self._teams)

        self.ops.query(load, success=loaded, parent=self)

    def filters(self) -> dict[str, Any]:
        return {"status": self.status.currentData(), "team_id": self.team.currentData(),
                "start": self.start_on.value(), "end": self.end_on.value()}

    def load(self, session: Session, **filters: Any) -> list[ServiceRow]:
        from chang_shan.volunteers import queries

        return queries.services(session, **filters)

    def summary(self, rows: list[ServiceRow]) -> str:
        total = sum((r.hours for r in rows), start=0)
        pending = sum(1 for r in rows if r.status == "待确认")
        return f"共 {len(rows):,} 条，{hours(total)} 小时" + (f"，待确认 {pending:,} 条" if pending else "")

    def pending_selected(self) -> list[ServiceRow]:
        return [r for r in self.selected_rows() if r.status == "待确认"]

    def update_actions(self) -> None:
        pending = self.pending_selected()
        self.new_action.setEnabled(self.can_edit)
        self.confirm_action.setEnabled(self.can_edit and bool(pending))
        self.return_action.setEnabled(self.can_edit and len(pending) == 1)
        if pending:
            self.confirm_action.setText(f"确认所选（{len(pending)}）" if len(pending) > 1 else "确认所选")
        else:
            self.confirm_action.setText("确认所选")

    def open_selected(self) -> Any:
        return None

    def new_service(self) -> Any:
        if not self.may_open():
            return None
        return self.open_dialog(dialogs.ServiceDialog(self.ops.db, kinds=self._kinds, teams=self._teams, parent=self))

    def confirm_selected(self) -> bool:
        from chang_shan.volunteers import service_records

        pending = self.pending_selected()
        if not self.can_edit or not pending:
            return False
        chosen = [(r.id, r.version) for r in pending]
        people = list(dict.fromkeys(r.volunteer_name for r in pending))  # the undo menu names a few, not 72
        names = "、".join(people[:3]) + (f" 等 {len(people)} 人" if len(people) > 3 else "")
        total = sum((r.hours for r in pending), start=0)
        day = today()

        def confirm(session: Session) -> int:
            for service_id, version in chosen:
                service_records.confirm(session, service_id, version, today=day)
            return len(chosen)

        self._keep = pending[0].id
        self.change(f"确认服务记录 {len(chosen)} 条（{names}，{hours(total)} 小时）", confirm)
        return True

    def return_selected(self) -> Any:
        pending = self.pending_selected()
        if not self.may_open() or len(pending) != 1:
            return None
        return self.open_dialog(dialogs.ReturnDialog(self.ops.db, pending[0], parent=self))
