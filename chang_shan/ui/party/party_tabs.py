"""The party tabs: 党组织 (the four-level tree; the chosen organisation's members, 党员家庭户 and
班子), 党员 (list with filters; the chosen member's changes and study-day attendance) and 主题党日
(the days held; the chosen day's attendance and the absences to follow up).

Keys: Ctrl+N 新建 (in the tab on view), Ctrl+E 修改, Enter opens, Ctrl+P prints, F5 reloads,
Ctrl+Shift+E 导出. Users without 修改台账 see no button that writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.party import MEMBER_STATUSES
from chang_shan.ui.party import party_dialogs as dialogs
from chang_shan.ui.party.base import (
    GREY,
    RED,
    Column,
    ColumnsModel,
    ListTab,
    combo,
    fill_combo,
    make_table,
    open_print,
    today,
    year_box,
)
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.screen_actions import screen_action
from chang_shan.ui.widgets.tables import fill_rows as fill_table
from chang_shan.ui.widgets.tables import read_only_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.party.shapes import AttendanceRow, MemberDetail, MemberRow, OrgNode, StudyDayRow
    from chang_shan.ui.ops import Operations

MEMBER_COLUMNS = (
    Column("姓名", lambda r: r.name, "欧阳春花花"),
    Column("性别", lambda r: r.sex, "性别"),
    Column("年龄", lambda r: r.age, "年龄", right=True, kind="int"),
    Column("党组织", lambda r: r.org_name, "10号楼1—2单元党小组"),
    Column("入党日期", lambda r: r.joined_on, "2026-12-31", kind="date"),
    Column("类别", lambda r: r.kind, "正式党员"),
    Column("组织关系", lambda r: r.org_relation, "口袋党员"),
    Column("状态", lambda r: r.status, "已转出"),
    Column("党内职务", lambda r: r.posts, "书记（第一网格党支部）"),
    Column("电话", lambda r: r.phone, "189****0666"),
    Column("住址", lambda r: r.address, "10号楼4单元602"),
)


# The organisation's own list (beside the tree) fits without scrolling: no sex, relation (a pocket
# member is red), status (all 在册) or phone — the 党员 tab has them.
_BY_TITLE = {c.title: c for c in MEMBER_COLUMNS}
ORG_MEMBER_COLUMNS = (*(_BY_TITLE[t] for t in ("姓名", "年龄", "党组织", "入党日期", "类别", "住址")),
                      Column("党内职务", lambda r: re.sub(r"（[^）]*）", "", r.posts), "书记、委员"))


def member_colour(row: MemberRow) -> str | None:
    if row.status != "在册":
        return GREY
    return RED if row.org_relation == "口袋党员" else None


# --- 党组织 ------------------------------------------------------------------------------------


class OrgTab(LoadsWhenShown, QWidget):
    """The tree on the left; on the right the chosen organisation's members (with those under
    it), its 党员家庭户 and its 班子 (members holding a post)."""

    title = "党组织"
    statusChanged = Signal(str)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.can_edit = actor is not None and actor.can(Perm.EDIT)
        self.dialog = None
        self.nodes: dict[int, OrgNode] = {}
        self._request = 0
        self._status = ""
        self._keep: int | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("orgTree")
        self.tree.setHeaderLabels(["党组织", "书记/组长", "党员", "党员户"])
        self.tree.setAccessibleName("党组织")
        self.tree.setAlternatingRowColors(True)
        metrics = self.fontMetrics()
        indent = self.tree.indentation()
        widths = [metrics.horizontalAdvance("10号楼1—2单元党小组") + 3 * indent + 12]
        widths += [metrics.horizontalAdvance(sample) + 16 for sample in ("书记/组长", "党员", "党员户")]
        for column, width in enumerate(widths):
            self.tree.header().resizeSection(column, width)
        self.tree.setMinimumWidth(sum(widths) + 24)
        self.tree.currentItemChanged.connect(lambda *_a: self._org_chosen())

        self.members = ColumnsModel(ORG_MEMBER_COLUMNS, colour=member_colour, parent=self)
        self.member_table = make_table(self.members, "orgMembers", "组织的党员", stretch=len(ORG_MEMBER_COLUMNS) - 1)
        self.households = read_only_table(("住址", "党员"), "orgHouseholds", stretch=1, samples=("10号楼4单元602",))
        self.board = read_only_table(("姓名", "党内职务"), "orgBoard", stretch=1, samples=("欧阳春花花",))
        self.heading = QLabel("")
        self.heading.setObjectName("orgHeading")
        self.heading.setWordWrap(True)
        right_tabs = QTabWidget()
        right_tabs.setObjectName("orgDetailTabs")
        right_tabs.setDocumentMode(True)
        right_tabs.addTab(self.member_table, "党员")
        right_tabs.addTab(self.households, "党员家庭户")
        right_tabs.addTab(self.board, "班子成员")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(right_tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([self.tree.minimumWidth(), 800])
        splitter.setStretchFactor(1, 1)

        self.new_action = self._act("新建组织", self.new_org, "Ctrl+N", "在选中的组织下新建党支部或党小组")
        self.edit_action = self._act("修改", self.edit_org, "Ctrl+E", "修改选中党组织的名称、上级、成立日期")
        self.post_action = self._act("任职", self.assign_post, "Ctrl+Shift+T", "选中组织的党员担任书记、委员或组长")
        self.dissolve_action = self._act("撤销", self.dissolve, "Ctrl+Shift+D", "撤销选中的党组织（须已没有党员和下级组织）")
        self.roster_action = self._act("打印名册", self.print_roster, "Ctrl+P", "打印选中组织的党员名册", write=False)
        self.placard_action = self._act("打印门牌", self.print_placards, "Ctrl+Shift+P",
                                        "打印党员家庭户门牌（按选中组织所在的网格）", write=False)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("orgActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.new_action, self.edit_action, self.post_action, self.dissolve_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.roster_action, self.placard_action])
        self.export_action = export_action(self, ops, self.export_view, "选中组织的党员")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        ops.changed.connect(lambda _a: self._started and self.reload())
        self._update_actions()

    def _act(self, text: str, slot: Callable[[], Any], key: str, tip: str, *, write: bool = True) -> Any:
        act = screen_action(self, text, slot, key, tip)
        if write:
            act.setVisible(self.can_edit)
        return act

    # --- loading ----------------------------------------------------------------------------------
    def reload(self) -> None:
        from chang_shan.party import queries

        self._request += 1
        if self._keep is None:
            self._keep = self.current_org_id()
        self.ops.query(queries.org_tree, success=partial(self._tree_loaded, self._request), parent=self)

    def _tree_loaded(self, request: int, roots: list[OrgNode]) -> None:
        if request != self._request:
            return
        keep, self._keep = self._keep, None
        self.nodes = {}
        self.tree.blockSignals(True)
        self.tree.clear()

        def add(parent: Any, node: OrgNode) -> QTreeWidgetItem:
            item = QTreeWidgetItem(parent, [node.name, node.secretary or "（空缺）", str(node.member_count),
                                            str(node.household_count)])
            item.setData(0, Qt.ItemDataRole.UserRole, node.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if node.dissolved_on is not None:
                item.setText(0, f"{node.name}（已撤销）")
                for c in range(4):
                    item.setForeground(c, Qt.GlobalColor.gray)
            self.nodes[node.id] = node
            for child in node.children:
                add(item, child)
            return item

        for root in roots:
            add(self.tree, root)
        self.tree.expandToDepth(1)
        self.tree.blockSignals(False)
        chosen = self._item_of(keep) if keep is not None else None
        if chosen is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._org_chosen()
        branches = sum(1 for n in self.nodes.values() if n.level == "党支部" and n.dissolved_on is None)
        groups = sum(1 for n in self.nodes.values() if n.level == "党小组" and n.dissolved_on is None)
        total = sum(n.member_count for n in roots)
        homes = sum(n.household_count for n in roots)
        self._status = f"{self.title}：党支部 {branches} 个，党小组 {groups} 个，党员 {total:,} 人，党员家庭户 {homes:,} 户"
        self.statusChanged.emit(self._status)

    def _item_of(self, org_id: int) -> QTreeWidgetItem | None:
        found = [item for item in self._items() if item.data(0, Qt.ItemDataRole.UserRole) == org_id]
        return found[0] if found else None

    def _items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return items

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def current_org(self) -> OrgNode | None:
        item = self.tree.currentItem()
        return self.nodes.get(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def current_org_id(self) -> int | None:
        node = self.current_org()
        return node.id if node is not None else None

    def select_org(self, org_id: int) -> bool:
        item = self._item_of(org_id)
        if item is not None:
            self.tree.setCurrentItem(item)
        return item is not None

    def _org_chosen(self) -> None:
        from chang_shan.party import queries

        node = self.current_org()
        self._update_actions()
        if node is None:
            self.heading.setText("还没有党组织。请先新建社区党委。" if not self.nodes else "")
            self.members.set_rows([])
            return
        self._request += 1
        request, org_id = self._request, node.id
        parts = [node.level, f"书记/组长：{node.secretary or '空缺'}", f"党员 {node.member_count} 人",
                 f"党员家庭户 {node.household_count} 户"]
        if node.founded_on:
            parts.append(f"{node.founded_on:%Y-%m-%d} 成立")
        self.heading.setText(f"<b>{node.name}</b>　" + "　".join(parts))

        def load(session: Session) -> tuple[list[MemberRow], list[Any]]:
            return (queries.members(session, org_id=org_id, include_sub=True),
                    list(queries.households_of(session, org_id)))

        self.ops.query(load, success=partial(self._org_loaded, request), parent=self)

    def _org_loaded(self, request: int, result: tuple[list[MemberRow], list[Any]]) -> None:
        if request != self._request:
            return
        members, households = result
        self.members.set_rows(members)
        fill_table(self.households, [(h[1], h[2]) for h in households])
        fill_table(self.board, [(m.name, m.posts) for m in members if m.posts])

    def _update_actions(self) -> None:
        node = self.current_org()
        live = node is not None and node.dissolved_on is None
        self.new_action.setEnabled(self.can_edit and (node is None or (live and node.level != "党小组")))
        for act in (self.edit_action, self.post_action):
            act.setEnabled(self.can_edit and live)
        self.dissolve_action.setEnabled(self.can_edit and live and node is not None and node.level != "党委")
        self.roster_action.setEnabled(node is not None)
        self.placard_action.setEnabled(True)

    # --- actions ----------------------------------------------------------------------------------
    def _open(self, dialog: Any) -> Any:
        from chang_shan.ui.dialogs.window_modal import open_window_modal

        def saved(done: Any) -> None:
            self._keep = getattr(done, "saved_id", None) or self.current_org_id()
            self.ops.notify_changed(done.windowTitle())

        return open_window_modal(self, dialog, saved)

    def new_org(self) -> Any:
        if not self.can_edit or self.dialog is not None or not self.new_action.isEnabled():
            return None
        return self._open(dialogs.OrgDialog(self.ops.db, parent_node=self.current_org(), parent=self))

    def edit_org(self) -> Any:
        node = self.current_org()
        if not self.can_edit or self.dialog is not None or node is None or not self.edit_action.isEnabled():
            return None
        return self._open(dialogs.OrgDialog(self.ops.db, node=node, parent=self))

    def assign_post(self) -> Any:
        node = self.current_org()
        if not self.can_edit or self.dialog is not None or node is None or not self.post_action.isEnabled():
            return None
        in_org = [m for m in self.members.rows if m.status == "在册"]
        return self._open(dialogs.PostDialog(self.ops.db, node, in_org, parent=self))

    def dissolve(self) -> Any:
        node = self.current_org()
        if not self.can_edit or self.dialog is not None or node is None or not self.dissolve_action.isEnabled():
            return None
        return self._open(dialogs.DissolveDialog(self.ops.db, node, parent=self))

    def print_roster(self) -> Any:
        node = self.current_org()
        if node is None:
            return None
        return open_print(self, self.ops, "party_roster", {"branch": node.id, "date": today()})

    def print_placards(self) -> Any:
        node = self.current_org()
        grid = node.grid_id if node is not None else None
        building = node.building_id if node is not None else None
        return open_print(self, self.ops, "party_placards", {"grid": grid, "building": building})

    def export_view(self) -> Any:
        """导出… the chosen organisation's members (with those under it), as listed."""
        from chang_shan.ui.governance.export import export_rows

        node = self.current_org()
        return export_rows(self.ops, self, "党员名册", node.name if node else "全部", self.members, self._export_done)

    def _export_done(self, line: str) -> None:
        self._status = line
        self.statusChanged.emit(line)


# --- 党员 --------------------------------------------------------------------------------------


class MembersTab(ListTab):
    title = "党员"
    stretch = 10

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, MEMBER_COLUMNS, parent, colour=member_colour)
        self.org = combo("memberOrg", "党组织", [("全部党组织", None)])
        self.org.setSizeAdjustPolicy(self.org.SizeAdjustPolicy.AdjustToContents)
        self.status = combo("memberStatus", "状态", [(s, s) for s in MEMBER_STATUSES] + [("全部状态", "")])
        self.search = self.search_box("memberSearch", "查找：姓名、拼音首字母、住址")
        self.watch(self.org, self.status)
        self.filter_row.addWidget(QLabel("党组织："))
        self.filter_row.addWidget(self.org)
        self.filter_row.addWidget(QLabel("状态："))
        self.filter_row.addWidget(self.status)
        self.filter_row.addWidget(self.search, 1)

        self.new_action = self.action("新增党员", self.new_member, "Ctrl+N", "登记一位党员（须是本社区居民）")
        self.edit_action = self.action("修改", self.edit_member, "Ctrl+E", "修改选中党员的入党日期、类别、组织关系")
        self.event_action = self.action("登记变动", self.record_event, "Ctrl+Shift+V",
                                        "转正、转出、去世、找回口袋党员、组织关系转入、调整党组织")
        self.roster_action = self.action("打印名册", self.print_roster, "Ctrl+P", "打印上面所选党组织的党员名册",
                                         write=False)
        self.add_actions([self.new_action, self.edit_action, self.event_action], [self.roster_action])

        self.detail: MemberDetail | None = None
        self.facts = QLabel("")
        self.facts.setObjectName("memberFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.events = read_only_table(("日期", "变动", "说明", "登记人"), "memberEvents", stretch=2,
                                      samples=("2026-12-31", "组织关系转入本社区", "", "刘文书"))
        self.attendance = read_only_table(("日期", "主题党日", "出席", "缺席原因", "跟进"), "memberAttendance",
                                          stretch=1, samples=("2026-12-31", "", "缺席", "年老体弱", "2026-12-31"))
        detail = QWidget()
        box = QVBoxLayout(detail)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.facts)
        tables = QHBoxLayout()
        tables.addWidget(self.events, 1)
        tables.addWidget(self.attendance, 1)
        box.addLayout(tables, 1)
        self.finish_layout(detail)

    def start(self) -> None:
        if not self._started:
            self.load_orgs()
        super().start()

    def load_orgs(self) -> None:
        from chang_shan.party import queries

        self.ops.query(queries.branch_choices, success=lambda items: fill_combo(self.org, ("全部党组织", None), items),
                       parent=self)

    def filters(self) -> dict[str, Any]:
        return {"org_id": self.org.currentData(), "status": self.status.currentData(),
                "text": self.search.text().strip()}

    def load(self, session: Session, **filters: Any) -> list[MemberRow]:
        from chang_shan.party import queries

        return queries.members(session, org_id=filters["org_id"], include_sub=True, status=filters["status"] or None,
                               text=filters["text"])

    def summary(self, rows: list[MemberRow]) -> str:
        probation = sum(1 for r in rows if r.kind == "预备党员")
        pocket = sum(1 for r in rows if r.org_relation == "口袋党员" and r.status == "在册")
        extra = (f"，预备党员 {probation}" if probation else "") + (f"，口袋党员 {pocket}" if pocket else "")
        return f"共 {len(rows):,} 人{extra}"

    def show_detail(self, row: MemberRow | None) -> None:
        from chang_shan.party import queries

        if row is None:
            self.detail = None
            self.facts.setText("请在上面选择一位党员。" if self.model.rows else "没有符合条件的党员。")
            self.events.setRowCount(0)
            self.attendance.setRowCount(0)
            return
        member_id = row.id
        self.ops.query(lambda s: queries.member_detail(s, member_id), success=self._detail_loaded, parent=self)

    def _detail_loaded(self, detail: MemberDetail) -> None:
        if detail.row.id != self.current_id():
            return
        self.detail = detail
        r = detail.row
        facts = [f"<b>{r.name}</b>", r.sex, f"{r.age} 岁" if r.age is not None else "", r.org_name,
                 f"入党 {r.joined_on:%Y-%m-%d}", r.kind + (f"（{r.full_on:%Y-%m-%d} 转正）" if r.full_on else ""),
                 f"组织关系：{r.org_relation}" + (f"（{r.relation_place}）" if r.relation_place else ""),
                 r.status + (f"（{r.status_on:%Y-%m-%d}）" if r.status_on else "")]
        if r.resident_status != "在册":
            facts.append(f"<span style='color:{RED}'>居民{r.resident_status}，请办理组织关系转出</span>")
        if detail.note:
            facts.append(f"备注：{detail.note}")
        self.facts.setText("　".join(f for f in facts if f))
        fill_table(self.events, [(f"{e.on_date:%Y-%m-%d}", e.kind, e.note, e.recorded_by) for e in detail.events])
        fill_table(self.attendance, [
            (f"{a.held_on:%Y-%m-%d}", a.topic, "出席" if a.present else "缺席", a.absence_reason,
             f"{a.followed_up_on:%Y-%m-%d} {a.follow_up_note}" if a.followed_up_on else ("" if a.present else "待跟进"))
            for a in detail.attendance])
        self.update_actions()

    def update_actions(self) -> None:
        row = self.current()
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and row is not None and self.detail is not None)
        self.event_action.setEnabled(self.can_edit and row is not None)

    def open_selected(self) -> Any:
        return self.edit_member()

    def new_member(self) -> Any:
        if not self.may_open():
            return None
        return self.open_dialog(dialogs.MemberDialog(self.ops.db, org_id=self.org.currentData(), parent=self))

    def edit_member(self) -> Any:
        if not self.may_open() or self.detail is None or self.detail.row.id != self.current_id():
            return None
        return self.open_dialog(dialogs.MemberDialog(self.ops.db, detail=self.detail, parent=self))

    def record_event(self) -> Any:
        row = self.current()
        if not self.may_open() or row is None:
            return None
        return self.open_dialog(dialogs.EventDialog(self.ops.db, row, parent=self))

    def print_roster(self) -> Any:
        return open_print(self, self.ops, "party_roster", {"branch": self.org.currentData(), "date": today()})


# --- 主题党日 ----------------------------------------------------------------------------------

STUDY_COLUMNS = (
    Column("日期", lambda r: r.held_on, "2026-12-31", kind="date"),
    Column("党组织", lambda r: r.org_name, "10号楼1—2单元党小组"),
    Column("主题", lambda r: r.topic, "学习党的二十届四中全会精神"),
    Column("地点", lambda r: r.place, "第十网格党群服务站"),
    Column("出席", lambda r: r.present, "出席", right=True, kind="int"),
    Column("缺席", lambda r: r.absent, "缺席", right=True, kind="int"),
    Column("待跟进", lambda r: r.pending or None, "待跟进", right=True, kind="int"),
)


class StudyTab(ListTab):
    title = "主题党日"
    stretch = 2

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, STUDY_COLUMNS, parent, colour=lambda r: RED if r.pending else None)
        self.org = combo("studyOrg", "党组织", [("全部党组织", None)])
        self.org.setSizeAdjustPolicy(self.org.SizeAdjustPolicy.AdjustToContents)
        self.year = year_box("studyYear")
        self.watch(self.org, self.year)
        self.filter_row.addWidget(QLabel("党组织："))
        self.filter_row.addWidget(self.org)
        self.filter_row.addWidget(QLabel("年度："))
        self.filter_row.addWidget(self.year)
        self.next_day = QLabel("")
        self.next_day.setObjectName("nextStudyDay")
        self.filter_row.addWidget(self.next_day, 1)

        self.new_action = self.action("登记主题党日", self.new_day, "Ctrl+N", "登记一次主题党日和每位党员的出席情况")
        self.follow_action = self.action("跟进缺席", self.follow_up, "Ctrl+E", "登记对选中缺席党员的谈心、补学")
        self.add_actions([self.new_action, self.follow_action])
        self.sheet = read_only_table(("党员", "所在组织", "出席", "缺席原因", "跟进日期", "跟进情况"), "studyAttendance",
                                     stretch=5, samples=("欧阳春花花", "3号楼1单元党小组", "缺席", "年老体弱", "2026-12-31"))
        self.sheet.itemSelectionChanged.connect(self.update_actions)
        self.sheet.doubleClicked.connect(lambda _i: self.follow_up())
        self.attendance_rows: list[AttendanceRow] = []
        self.finish_layout(self.sheet)
        self._next: date | None = None

    def start(self) -> None:
        from chang_shan.party import queries

        if not self._started:
            self.ops.query(queries.branch_choices,
                           success=lambda items: fill_combo(self.org, ("全部党组织", None), items), parent=self)
        super().start()

    def filters(self) -> dict[str, Any]:
        return {"org_id": self.org.currentData(), "year": self.year.value()}

    def load(self, session: Session, **filters: Any) -> list[StudyDayRow]:
        from chang_shan.party import study

        self._next = study.next_study_day(session, today())
        return study.study_days(session, org_id=filters["org_id"], year=filters["year"])

    def summary(self, rows: list[StudyDayRow]) -> str:
        if self._next is not None:
            self.next_day.setText(f"下次主题党日：{self._next:%Y年%m月%d日}")
        pending = sum(r.pending for r in rows)
        return f"共 {len(rows)} 次" + (f"，缺席待跟进 {pending} 人次" if pending else "")

    def show_detail(self, row: StudyDayRow | None) -> None:
        from chang_shan.party import study

        if row is None:
            self.attendance_rows = []
            self.sheet.setRowCount(0)
            return
        day_id = row.id
        self.ops.query(lambda s: (day_id, study.attendance(s, day_id)), success=self._sheet_loaded, parent=self)

    def _sheet_loaded(self, result: tuple[int, list[AttendanceRow]]) -> None:
        day_id, rows = result
        if day_id != self.current_id():
            return
        rows = sorted(rows, key=lambda a: (a.present, a.followed_up_on is not None))  # absences first
        self.attendance_rows = rows
        fill_table(self.sheet, [
            (a.name, a.org_name, "出席" if a.present else "缺席", a.absence_reason,
             f"{a.followed_up_on:%Y-%m-%d}" if a.followed_up_on else ("" if a.present else "待跟进"), a.follow_up_note)
            for a in rows])
        for r, a in enumerate(rows):
            if not a.present and a.followed_up_on is None:
                for c in range(self.sheet.columnCount()):
                    self.sheet.item(r, c).setForeground(Qt.GlobalColor.darkRed)
        self.update_actions()

    def chosen_absence(self) -> AttendanceRow | None:
        picked = self.sheet.selectionModel().selectedRows() if self.sheet.selectionModel() else []
        if not picked or picked[0].row() >= len(self.attendance_rows):
            return None
        row = self.attendance_rows[picked[0].row()]
        return row if not row.present else None

    def update_actions(self) -> None:
        self.new_action.setEnabled(self.can_edit)
        self.follow_action.setEnabled(self.can_edit and self.chosen_absence() is not None)

    def new_day(self) -> Any:
        if not self.may_open():
            return None
        held = self.last_study_day()
        return self.open_dialog(dialogs.StudyDayDialog(self.ops.db, org_id=self.org.currentData(), held_on=held,
                                                       parent=self))

    def last_study_day(self) -> date:
        """The study day just past (the month's 15th once it has come, else last month's): the one
        a worker records after it was held."""
        upcoming, now = self._next, today()
        if upcoming is None or upcoming <= now:
            return upcoming or now
        before = upcoming.replace(day=1) - timedelta(days=1)
        return before.replace(day=min(upcoming.day, before.day))

    def follow_up(self) -> Any:
        absence, day = self.chosen_absence(), self.current()
        if not self.may_open() or absence is None or day is None:
            return None
        return self.open_dialog(dialogs.FollowUpDialog(self.ops.db, day.id, absence, parent=self))

    def choose_member(self, member_id: int) -> bool:
        for r, a in enumerate(self.attendance_rows):
            if a.member_id == member_id:
                self.sheet.selectRow(r)
                return True
        return False


