"""The 党建与志愿者 screen's party tabs driven with qtbot on a real database: the tree with its
members and 党员家庭户, the member list and detail, a study day recorded with a check box per
member and an absence followed up, prints opening the reports dialog, and what a read-only
account gets."""

from __future__ import annotations

import pytest
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


def test_every_tab_loads_and_says_what_it_shows(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations)
    lines = []
    screen.statusChanged.connect(lines.append)
    for index in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(index)
        screen.start()  # the tab on view tells its line again
        wait_idle(qtbot, screen)
        assert lines[-1].startswith(f"党建与志愿者·{screen.tabs.tabText(index)}"), (index, lines[-1:])
    assert "共 2 人（居民 1，大学生 1）" in screen.volunteers.count.text()


def test_the_member_list_and_detail(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "members")
    tab = screen.members
    assert sorted(r.name for r in tab.model.rows) == ["张伟", "张立春", "张𠀀春"]
    assert tab.select_id(party_desk.member["张伟"])
    qtbot.waitUntil(lambda: tab.detail is not None and tab.ops.idle)
    assert "入党 2005-03-08" in tab.facts.text()
    assert tab.events.rowCount() == 1 and tab.events.item(0, 1).text() == "入党"
    tab.search.setText("张𠀀")
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: [r.name for r in tab.model.rows] == ["张𠀀春"])
    assert tab.model.index(0, 0).data() == "张𠀀春"


def test_a_study_day_with_an_absence_followed_up(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "study")
    tab = screen.study
    assert tab.count.text() == "共 0 次"
    assert tab.next_day.text() == "下次主题党日：2026年04月15日"
    dialog = tab.new_day()
    assert dialog is not None
    assert dialog.held.value() == DAY.replace(day=15)  # the study day just held (DAY is the 20th)
    dialog.org.setCurrentIndex(dialog.org.findData(party_desk.branch))
    assert sorted(dialog.member_ids) == sorted(party_desk.member.values())  # the branch and its 党小组
    dialog.held.set_value(DAY.replace(day=15))
    dialog.topic.setText("学习全国两会精神")
    dialog.place.setText("社区党群服务中心")
    dialog.set_present(party_desk.member["张伟"], False, "外出")
    assert dialog.save()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(tab.model.rows) == 1)
    day = tab.model.rows[0]
    assert (day.present, day.absent, day.pending) == (2, 1, 1)
    assert tab.count.text() == "共 1 次，缺席待跟进 1 人次"
    with db.reader(actor=SYSTEM) as s:
        stored = {a.member_id: (a.present, a.absence_reason) for a in s.scalars(select(PartyStudyAttendance))}
        assert s.scalar(select(PartyStudyDay.topic)) == "学习全国两会精神"
    assert stored[party_desk.member["张伟"]] == (False, "外出")
    assert stored[party_desk.member["张立春"]] == (True, "")

    tab.select_id(day.id)
    qtbot.waitUntil(lambda: len(tab.attendance_rows) == 3)
    assert tab.sheet.item(0, 0).text() == "张伟" and tab.sheet.item(0, 4).text() == "待跟进"  # absences first
    assert tab.choose_member(party_desk.member["张伟"])
    assert tab.follow_action.isEnabled()
    follow = tab.follow_up()
    follow.note.setPlainText("电话联系，已补学会议精神")
    assert follow.save()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: tab.model.rows and tab.model.rows[0].pending == 0)
    with db.reader(actor=SYSTEM) as s:
        done = s.get(PartyStudyAttendance, (day.id, party_desk.member["张伟"]))
        assert done.followed_up_on == DAY and done.follow_up_note == "电话联系，已补学会议精神"


def test_a_member_registered_through_the_resident_search(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "members")
    tab = screen.members
    dialog = tab.new_member()
    assert not dialog.save()  # nothing chosen: the messages, nothing written
    assert dialog.form_.error_text("resident_id") == "请选择居民。"
    dialog.picker.search.setText("赵德胜")
    dialog.picker.search_now()
    dialog.org.setCurrentIndex(dialog.org.findData(party_desk.group))
    dialog.joined.set_value(DAY.replace(year=2019, month=7, day=1))
    dialog.kind.setCurrentIndex(dialog.kind.findData("预备党员"))
    assert dialog.save(), dialog.banner_text() or dialog.form_.errors_shown()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: "赵德胜" in [r.name for r in tab.model.rows])
    assert tab.current() is not None and tab.current().name == "赵德胜"  # the new member selected


def test_prints_open_the_reports_dialog_on_the_record(qtbot, operations, party_desk: PartyDesk,  # noqa: ANN001
                                                       monkeypatch) -> None:  # noqa: ANN001
    from chang_shan.ui.reports import dialog as reports_dialog

    opened = []
    monkeypatch.setattr(reports_dialog, "open_reports", lambda _p, _o, report, options: opened.append((report, options)))
    screen = open_screen(qtbot, operations)
    screen.orgs.select_org(party_desk.group)
    wait_idle(qtbot, screen)
    screen.orgs.roster_action.trigger()
    assert opened[-1] == ("party_roster", {"branch": party_desk.group, "date": DAY})
    screen.orgs.placard_action.trigger()
    assert opened[-1][0] == "party_placards" and opened[-1][1]["building"] == party_desk.town.building3


def test_a_read_only_account_sees_no_write_actions(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    add_users(db)
    as_user(db, "viewer")
    screen = open_screen(qtbot, operations)
    for tab in screen.tab_list:
        screen.show_tab(tab)
        wait_idle(qtbot, screen)
    writes = [screen.orgs.new_action, screen.orgs.edit_action, screen.orgs.post_action, screen.orgs.dissolve_action,
              *screen.members.edit_actions, *screen.study.edit_actions, *screen.teams.edit_actions,
              *screen.volunteers.edit_actions, *screen.services.edit_actions, *screen.counter.catalogue.edit_actions,
              *screen.counter.rules.edit_actions]
    assert writes and not any(act.isVisible() for act in writes)
    assert not screen.counter.counter.redeem_button.isVisible()
    assert screen.orgs.roster_action.isVisible()  # prints stay
    assert screen.members.new_member() is None and screen.orgs.new_org() is None
    assert not screen.orgs.export_action.isVisible()  # 只读 may not export either


def test_the_member_list_exports_as_shown(qtbot, operations, party_desk: PartyDesk, boxes, monkeypatch,  # noqa: ANN001
                                          tmp_path) -> None:  # noqa: ANN001
    import csv

    from chang_shan.ui.widgets import export_view as export_module

    out = tmp_path / "党员.csv"
    monkeypatch.setattr(export_module, "choose_export_path", lambda _p, _t, _s: str(out))
    screen = open_screen(qtbot, operations, "members")
    tab = screen.members
    tab.export_action.trigger()
    qtbot.waitUntil(lambda: any(title == "导出完成" for _k, title, _t in boxes.shown) and operations.idle, timeout=10000)
    with out.open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    header = lines.index(next(line for line in lines if line[:2] == ["姓名", "性别"]))
    rows = {line[0]: line for line in lines[header + 1:] if line}
    assert set(rows) == {"张立春", "张伟", "张𠀀春"}
    assert rows["张伟"][9] == "139****0033"  # the phone masked as on screen
    assert rows["张伟"][2] == str(tab.model.rows[[r.name for r in tab.model.rows].index("张伟")].age)


def test_toolbars_fit_beside_the_sidebar_at_1366(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QToolBar

    screen = open_screen(qtbot, operations)
    screen.resize(1214, 700)  # 1366 less the window's sidebar
    for tab in screen.tab_list:
        screen.show_tab(tab)
        wait_idle(qtbot, screen)
        views = list(getattr(tab, "views", (tab,)))
        for view in views:
            if view is not tab:
                tab.tabs.setCurrentWidget(view)
                wait_idle(qtbot, screen)
            for bar in view.findChildren(QToolBar):
                if bar.isVisible():
                    shown = [a for a in bar.actions() if a.isVisible() and not a.isSeparator()]
                    assert shown and all(bar.widgetForAction(a).isVisible() for a in shown), \
                        (type(view).__name__, [a.text() for a in shown if not bar.widgetForAction(a).isVisible()])


def test_a_refused_study_day_grows_the_dialog_so_no_hint_covers_a_row(qtbot, operations, party_desk: PartyDesk) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "study")
    first = screen.study.new_day()
    first.org.setCurrentIndex(first.org.findData(party_desk.branch))
    first.topic.setText("学习党章")
    assert first.save()
    wait_idle(qtbot, screen)
    again = screen.study.new_day()  # the same branch, the same day: refused under 日期, banner on top
    again.org.setCurrentIndex(again.org.findData(party_desk.branch))
    again.topic.setText("学习党章")
    again.show()
    qtbot.waitExposed(again)
    again.setMinimumSize(200, 300)  # its own minimum (as every dialog sets), smaller than the rows need
    again.resize(again.width(), 300)
    before = again.height()
    assert not again.save()
    assert again.banner_text() and again.form_.error_text("held_on")
    needed = again.layout().totalMinimumSize().height()
    assert needed > before  # the banner and the message need more than the dialog had …
    assert again.height() >= min(needed, again.screen().availableGeometry().height())  # … and got it
