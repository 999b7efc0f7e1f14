"""党建与志愿者: the party network and the 红马甲 volunteers, in eight tabs.

- 党组织: the four-level tree (社区党委 → 党支部 → 党小组) with each organisation's members,
  党员家庭户 and 班子; 新建组织, 任职, 撤销; prints 党员名册 and 党员家庭户门牌.
- 党员: the members with filters (organisation, status, search); a member's changes and study-day
  attendance; 新增党员, 登记变动 (转正, 转出, 找回口袋党员 …).
- 主题党日: the study days of a year; 登记主题党日 with a check box per member, 跟进缺席.
- 志愿服务队, 志愿者 (residents through the resident search, students and others from outside),
  服务记录 (待确认 first; 确认所选 counts the hours and points, 退回 with the reason),
  积分兑换 (the counter, the catalogue and stock, the points rules), 年度排行.

Each tab loads the first time it is shown and keeps its own status line (the screen passes on the
line of the tab on view). Ctrl+N is the tab's 新建 (the window's 新增居民 steps aside), Ctrl+E 修改,
Ctrl+P the tab's print (through the reports dialog, chosen and previewed), F5 reloads the tab,
Ctrl+Shift+E exports its list. Read-only accounts see no button that writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from chang_shan.ui.party.counter import CounterTab
from chang_shan.ui.party.party_tabs import MembersTab, OrgTab, StudyTab
from chang_shan.ui.party.ranking import RankingTab
from chang_shan.ui.party.volunteer_tabs import ServicesTab, TeamsTab, VolunteersTab
from chang_shan.ui.widgets.tabbed_screen import TabbedScreen

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations

TABS = ("党组织", "党员", "主题党日", "志愿服务队", "志愿者", "服务记录", "积分兑换", "年度排行")


class PartyScreen(TabbedScreen, QWidget):
    title = "党建与志愿者"
    statusChanged = Signal(str)
    OWNS_CTRL_N = True  # each tab's 新建 (the window's 新增居民 steps aside)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.orgs = OrgTab(ops)
        self.members = MembersTab(ops)
        self.study = StudyTab(ops)
        self.teams = TeamsTab(ops)
        self.volunteers = VolunteersTab(ops)
        self.services = ServicesTab(ops)
        self.counter = CounterTab(ops)
        self.ranking = RankingTab(ops)
        self.tab_list: tuple[Any, ...] = (self.orgs, self.members, self.study, self.teams, self.volunteers,
                                          self.services, self.counter, self.ranking)
        self.build_tabs("partyTabs", list(zip(self.tab_list, TABS, strict=True)))

    def show_tab(self, tab: Any) -> None:
        self.tabs.setCurrentWidget(tab)

    def open_member(self, member_id: int) -> None:
        """Show this member selected on 党员 (from the today list: 政治生日, 缺席待跟进)."""
        self._open(self.members, member_id)

    def open_service(self, service_id: int) -> None:
        """Show this service record selected on 服务记录 (from the today list: 待确认)."""
        self._open(self.services, service_id)

    def _open(self, tab: Any, record_id: int) -> None:
        self._started = True
        tab._keep = record_id  # selected when its rows arrive
        if self.tabs.currentWidget() is not tab:
            self.tabs.setCurrentWidget(tab)  # starts the tab: a first load keeps the row
        if tab._started and not tab.loading:
            tab.reload()
        else:
            tab.start()
