"""The 人民调解 tab on a real database: a case received through the dialog with two residents as
parties (their details copied from the 万家数据库, a rare-character name kept), the outcome
dialog's live "还缺：…" list, and 打印协议书 disabled with the reason until 人民调解法 第二十九条's
content is complete — then enabled and preset to the case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.mediation import mediators
from chang_shan.ui.governance.parties_editor import OCCUPATION
from chang_shan.ui.screens.governance import GovernanceScreen

pytestmark = pytest.mark.gui
TODAY = date.today()


def open_tab(qtbot, operations):  # noqa: ANN001, ANN201
    screen = GovernanceScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1366, 720)
    screen.show()
    screen.start()
    screen.tabs.setCurrentWidget(screen.mediation_tab)
    tab = screen.mediation_tab
    qtbot.waitUntil(lambda: tab.settled and tab.count.text().startswith("共"))
    return screen, tab


def test_the_agreement_print_waits_for_article_29(qtbot, operations, db, town, monkeypatch) -> None:  # noqa: ANN001
    with db.transaction("任命调解员", actor=SYSTEM) as s:
        mediators.add_mediator(s, name="王秀英", role="主任", start_on=TODAY - timedelta(days=400))
    _screen, tab = open_tab(qtbot, operations)
    assert tab.count.text() == "共 0 件，调解中 0，达成协议 0"
    assert not tab.agreement_action.isEnabled()

    dialog = tab.new_case()
    dialog.kind.setCurrentText("邻里纠纷")
    dialog.received_on.set_value(TODAY - timedelta(days=3))
    dialog.facts.setPlainText("楼上卫生间漏水，楼下天花板受损。")
    dialog.disputed.setPlainText("维修费用由谁承担。")
    assert not dialog.save()
    assert dialog.form.error_text("parties") == "请添加当事人（双方）。"
    dialog.parties.add_resident(town.ids["张𠀀春"], "申请人")
    dialog.parties.add_resident(town.ids["王淑芬"], "被申请人")
    table = dialog.parties.table
    assert table.item(0, 1).text() == "张𠀀春"
    assert table.item(0, 6).text().startswith("3号楼")  # the address copied
    assert "*" in table.item(0, 7).text()  # the ID number masked
    dialog.mediators.set_values(["王秀英（主任）"])
    assert dialog.save(), (dialog.form.errors_shown(), dialog.banner_text())
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None)
    detail = tab.current_detail()
    assert detail.row.parties == "张𠀀春 与 王淑芬"
    assert tab.model.index(0, 3).data() == "张𠀀春 与 王淑芬"
    assert not tab.agreement_action.isEnabled()
    assert "只有达成协议的案件" in tab.agreement_action.toolTip()

    outcome = tab.record_outcome()
    outcome.status.setCurrentText("达成协议")
    outcome.terms.setPlainText("王淑芬于十日内支付维修费800元。")
    problems = outcome.problems.text()
    assert problems.startswith("还缺：")
    assert "缺少各方当事人的责任。" in problems and "缺少履行方式。" in problems
    outcome.responsibilities.setPlainText("王淑芬家防水层老化，负主要责任。")
    outcome.method.setText("一次性现金支付")
    assert "缺少各方当事人的责任。" not in outcome.problems.text()
    assert outcome.save(), outcome.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and tab.current_detail().row.status == "达成协议")
    missing = tab.current_detail().problems
    assert missing and all("职业" in p for p in missing)  # the town's residents have no occupation recorded
    assert not tab.agreement_action.isEnabled()
    assert "还缺：" in tab.agreement_action.toolTip() and "职业" in tab.agreement_action.toolTip()
    assert tab.agreement_state.text().startswith("还缺：")
    assert tab.print_agreement() is None

    edit = tab.edit_case()
    for row, job in ((0, "退休"), (1, "无业")):
        edit.parties.table.item(row, OCCUPATION).setText(job)
    assert edit.save(), (edit.form.errors_shown(), edit.banner_text())
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and not tab.current_detail().problems)
    assert tab.agreement_action.isEnabled()
    assert tab.agreement_state.text() == "✓ 调解协议书内容齐全，可以打印（一式 3 份）。"
    opened = []
    monkeypatch.setattr("chang_shan.ui.reports.dialog.open_reports",
                        lambda parent, ops, report, options: opened.append((report, options)))
    tab.print_agreement()
    assert opened == [("mediation_agreement", {"case": tab.current_detail().row.number})]

    visit = tab.record_visit()
    visit.performance.setCurrentText("已履行")
    assert visit.save(), visit.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None and bool(tab.current_detail().visits))
    assert tab.model.index(0, 7).data() == "已履行"
