"""The 党建与志愿者 screen's party tabs driven with qtbot on a real database: the tree with its
members and 党员家庭户, the member list and detail, a study day recorded with a check box per
member and an absence followed up, prints opening the reports dialog, and what a read-only
account gets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models.party import PartyStudyAttendance, PartyStudyDay
from chang_shan.ui.screens.party import PartyScreen
from tests.ui.party_desk import DAY, PartyDesk, add_users, as_user, party_desk, wait_idle  # noqa: F401

pytestmark = pytest.mark.gui


def open_screen(qtbot, operations, tab: str = "") -> PartyScreen:  # noqa: ANN001
    screen = PartyScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    if tab:
        screen.show_tab(getattr(screen, tab))
    screen.start()
    wait_idle(qtbot, screen)
    return screen


def test_the_tree_shows_members_and_households(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations)
    tab = screen.orgs
    assert tab.tree.topLevelItemCount() == 1
    root = tab.tree.topLevelItem(0)
    assert root.text(0) == "长山花园社区党委" and root.text(2) == "3"
    assert tab.select_org(party_desk.group)
    wait_idle(qtbot, screen)
    names = [m.name for m in tab.members.rows]
    assert sorted(names) == sorted(["张伟", "张𠀀春"])  # the rare character kept
    homes = {tab.households.item(r, 0).text(): tab.households.item(r, 1).text()
             for r in range(tab.households.rowCount())}
    assert sorted(homes.values()) == ["张伟", "张𠀀春"]  # 101 and 302 are 党员家庭户
    assert screen.statusChanged  # the status line names the counts
    assert "党员 3 人" in tab._status
