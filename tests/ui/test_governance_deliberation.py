"""The 四步议事 tab on a real database: steps 1–3 recorded through the step dialog with a failing
vote stop the matter (已终止, step 3 shown stopped, 记录步骤 gone); a passing path reaches 公示
(step 4 with the resolution) and 打印公示 opens the reports dialog preset to the matter; a
read-only account sees no write buttons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.deliberation import matters
from chang_shan.deliberation.shapes import MatterInput
from chang_shan.ui.screens.governance import GovernanceScreen

pytestmark = pytest.mark.gui
TODAY = date.today()


def open_screen(qtbot, operations) -> GovernanceScreen:  # noqa: ANN001
    screen = GovernanceScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.start()
    tab = screen.deliberation_tab
    qtbot.waitUntil(lambda: tab.settled and tab.count.text().startswith("共"))
    return screen


def new_matter(db, title: str = "3号楼燃气管道更新") -> int:  # noqa: ANN001
    with db.transaction("新议题", actor=SYSTEM) as s:
        return matters.create_matter(s, MatterInput(title, "居民反映管道老化", "基础设施", TODAY - timedelta(days=20)))


def select(qtbot, tab, matter_id: int) -> None:  # noqa: ANN001
    tab.table.select_row(tab.model.row_of(matter_id))
    qtbot.waitUntil(lambda: tab.current_detail() is not None and tab.settled)


def record(qtbot, tab, fill) -> None:  # noqa: ANN001
    """Open 记录步骤 on the selected matter, ``fill(dialog)``, save, wait for the reload."""
    dialog = tab.record_step()
    assert dialog is not None
    fill(dialog)
    dialog.on_change("outcome")
    assert dialog.save(), (dialog.form.errors_shown(), dialog.banner_text())
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and tab.current_detail().steps and tab.dialog is None)


def held(days_ago: int):  # noqa: ANN201
    def fill(dialog) -> None:  # noqa: ANN001
        dialog.held_on.set_value(TODAY - timedelta(days=days_ago))
        dialog.host.setText("王红")
    return fill


def test_a_failing_vote_stops_the_matter(qtbot, operations, db) -> None:  # noqa: ANN001
    matter_id = new_matter(db)
    screen = open_screen(qtbot, operations)
    tab = screen.deliberation_tab
    select(qtbot, tab, matter_id)
    assert [c.state for c in tab.panel.cards] == ["next", "locked", "locked", "locked"]
    assert tab.step_action.text() == "记录第一步"
    record(qtbot, tab, held(10))
    record(qtbot, tab, held(8))
    detail = tab.current_detail()
    assert [c.state for c in tab.panel.cards] == ["done", "done", "next", "locked"]
    assert tab.panel.cards[0].line.text() == f"✓ 已通过 {TODAY - timedelta(days=10):%Y-%m-%d}"

    dialog = tab.record_step()
    assert dialog.windowTitle() == "记录第三步 党员和居民代表审议"
    assert dialog.votes_for.isVisibleTo(dialog) and not dialog.resolution.isVisibleTo(dialog)
    dialog.held_on.set_value(TODAY - timedelta(days=5))
    dialog.expected.setValue(30)
    dialog.present.setValue(19)  # below ⌈2/3·30⌉ = 20
    assert "不足应到 30 人的三分之二" in dialog.vote_result.text()
    assert not dialog.save()
    assert "至少 20 人" in dialog.form.error_text("present")
    dialog.present.setValue(26)
    dialog.votes_for.setValue(13)  # not more than half of 26
    dialog.votes_against.setValue(10)
    dialog.votes_abstain.setValue(3)
    assert dialog.vote_result.text().startswith("不通过")
    assert not dialog.save()  # 不通过 needs the reason
    assert dialog.form.error_text("reason")
    dialog.reason.setText("多数居民代表认为费用分摊方案不合理")
    assert dialog.save(), dialog.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and tab.current_detail().row.status == "已终止")
    assert [c.state for c in tab.panel.cards] == ["done", "done", "stopped", "locked"]
    assert "未通过" in tab.panel.cards[2].line.text()
    assert not tab.step_action.isEnabled() and not tab.notice_action.isEnabled()
    assert tab.record_action.isEnabled()
    holdings = tab.panel.holdings
    assert holdings.rowCount() == 3
    assert holdings.item(2, 5).text() == "应到30 实到26：同意13/反对10/弃权3"
    assert holdings.item(2, 6).text() == "不通过"
    assert detail.row.id == matter_id
    assert "已终止" in tab.model.index(tab.model.row_of(matter_id), 4).data()


def test_a_passing_path_to_the_notice(qtbot, operations, db, monkeypatch) -> None:  # noqa: ANN001
    matter_id = new_matter(db, "小区停车收费")
    screen = open_screen(qtbot, operations)
    tab = screen.deliberation_tab
    select(qtbot, tab, matter_id)
    record(qtbot, tab, held(10))

    # Step 2 sent back to step 1 with a reason: step 1 is held again.
    def back(dialog) -> None:  # noqa: ANN001
        dialog.held_on.set_value(TODAY - timedelta(days=9))
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("退回"))
        dialog.reason.setText("收费标准须先征求楼栋长意见")
    record(qtbot, tab, back)
    assert [c.state for c in tab.panel.cards] == ["next", "locked", "locked", "locked"]
    record(qtbot, tab, held(8))
    record(qtbot, tab, held(7))

    def vote(dialog) -> None:  # noqa: ANN001
        dialog.held_on.set_value(TODAY - timedelta(days=6))
        dialog.expected.setValue(30)
        dialog.present.setValue(26)
        dialog.votes_for.setValue(21)
        dialog.votes_against.setValue(3)
        dialog.votes_abstain.setValue(2)
        assert dialog.vote_result.text().startswith("通过")
    record(qtbot, tab, vote)
    assert [c.state for c in tab.panel.cards] == ["done", "done", "done", "next"]

    dialog = tab.record_step()
    assert dialog.resolution.isVisibleTo(dialog) and not dialog.votes_for.isVisibleTo(dialog)
    dialog.held_on.set_value(TODAY - timedelta(days=2))
    dialog.notice_from.set_value(TODAY - timedelta(days=2))
    dialog.notice_to.set_value(TODAY)  # 3 days: too short
    assert not dialog.save()
    assert "至少 5 天" in dialog.form.error_text("notice_to")
    assert dialog.form.error_text("resolution")
    dialog.resolution.setPlainText("自2027年1月1日起，地面停车位每月收费30元，收入用于小区道路维修。")
    dialog.notice_to.set_value(TODAY + timedelta(days=5))
    assert dialog.save(), dialog.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and tab.current_detail().row.status == "公示中")
    assert [c.state for c in tab.panel.cards] == ["done"] * 4
    assert tab.panel.values["notice"].text() == f"{TODAY - timedelta(days=2):%Y-%m-%d} 至 {TODAY + timedelta(days=5):%Y-%m-%d}"
    assert tab.panel.holdings.rowCount() == 6
    assert tab.notice_action.isEnabled() and not tab.step_action.isEnabled()
    assert not tab.close_action.isEnabled()  # the 公示期 has not ended
    opened = []
    monkeypatch.setattr("chang_shan.ui.reports.dialog.open_reports",
                        lambda parent, ops, report, options: opened.append((report, options)))
    tab.print_notice()
    tab.print_record()
    number = tab.current_detail().row.number
    assert opened == [("deliberation_notice", {"matter": number}), ("deliberation_record", {"matter": number})]


def test_a_read_only_account_sees_no_write_buttons(qtbot, operations, db) -> None:  # noqa: ANN001
    new_matter(db)
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", "boss-pass-1", "管理员")
        users.create_user(s, "viewer", "viewer-pass-1", "只读")
    db.actor = None
    sign_in(db, "viewer", "viewer-pass-1")
    screen = open_screen(qtbot, operations)
    for tab in (screen.deliberation_tab, screen.mediation_tab, screen.fees_tab, screen.loans_tab):
        assert tab.edit_actions
        assert all(not tab.toolbar.widgetForAction(a) or not tab.toolbar.widgetForAction(a).isVisibleTo(tab)
                   for a in tab.edit_actions), tab.TITLE
        assert not any(a.isVisible() for a in tab.edit_actions)
    assert not screen.eight_zero_tab.enter_action.isVisible()
    tab = screen.deliberation_tab
    tab.table.select_row(0)
    qtbot.waitUntil(lambda: tab.current_detail() is not None and tab.settled)
    assert tab.record_step() is None and tab.new_matter() is None
    assert tab.record_action.isEnabled()
