"""物业费, 诚信借款 and “八零”指标 tabs on a real database: a payment through the 收费 dialog (the
receipt print opens preset to its number), what is still owed, 只看欠费, voiding; a loan lent and
partly repaid, an overdue loan in red; the dashboard's colours (met green, not met red, derived
marked)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.fees import loans
from chang_shan.fees.shapes import LoanInput
from chang_shan.indicators import indicators
from chang_shan.mediation import cases
from chang_shan.mediation.shapes import CaseInput, PartyInput
from chang_shan.ui.governance.eight_zero_tab import DERIVED_MARK, EMPTY_BG, MET_BG, NOT_MET_BG
from chang_shan.ui.screens.governance import GovernanceScreen

pytestmark = pytest.mark.gui
TODAY = date.today()


@pytest.fixture
def opened(monkeypatch):  # noqa: ANN001, ANN201
    calls: list[tuple[str, dict]] = []
    monkeypatch.setattr("chang_shan.ui.reports.dialog.open_reports",
                        lambda parent, ops, report, options: calls.append((report, options)))
    return calls


def open_tab(qtbot, operations, name: str):  # noqa: ANN001, ANN201
    screen = GovernanceScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1366, 720)
    screen.show()
    tab = getattr(screen, name)
    screen.tabs.setCurrentWidget(tab)
    screen.start()
    qtbot.waitUntil(lambda: tab.settled and bool(tab.count.text()) and tab.count.text() != "正在读取…")
    return screen, tab


def row_of(tab, text: str) -> int:  # noqa: ANN001
    return next(r for r in range(tab.model.rowCount()) if tab.model.index(r, 0).data().startswith(text))


def cells(tab, row: int) -> list[str]:  # noqa: ANN001
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def test_a_fee_payment_and_what_is_owed(qtbot, operations, db, town, opened) -> None:  # noqa: ANN001
    _screen, tab = open_tab(qtbot, operations, "fees_tab")
    assert tab.year.currentData() == TODAY.year
    row = row_of(tab, "3号楼1单元101")
    # 52.5 ㎡ × 0.30 = 15.75 元
    assert cells(tab, row)[3:] == ["52.50", "15.75", "0.00", "15.75", "欠费"]
    assert tab.model.index(row, 6).data(8 + 1) is not None  # ForegroundRole (9): owing rows are red
    tab.table.select_row(row)
    qtbot.waitUntil(lambda: tab.settled)
    dialog = tab.take_payment()
    assert "52.50 ㎡ × 单价 0.30" in dialog.findChild(type(dialog.header), "bill").text()
    assert str(dialog.amount.value()) == "15.75"
    dialog.amount.setValue(20)
    assert not dialog.save()
    assert "超过" in dialog.form.error_text("amount")
    dialog.amount.setValue(10)
    assert dialog.save(), (dialog.form.errors_shown(), dialog.banner_text())
    qtbot.waitUntil(lambda: tab.settled and tab.dialog is None and bool(tab.payment_rows))
    receipt = f"WY{TODAY.year}-00001"
    assert opened == [("fee_receipt", {"receipt": receipt})]
    row = row_of(tab, "3号楼1单元101")
    assert cells(tab, row)[5:] == ["10.00", "5.75", "欠费"]
    assert tab.payments.item(0, 0).text() == receipt
    assert "已收 10.00 元" in tab.totals.text()

    tab.owing.setChecked(True)
    qtbot.waitUntil(lambda: tab.settled)
    listed = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    assert "3号楼1单元101" in " ".join(listed)
    tab.table.select_row(row_of(tab, "3号楼1单元101"))
    qtbot.waitUntil(lambda: tab.settled and bool(tab.payment_rows))
    dialog = tab.take_payment()
    assert str(dialog.amount.value()) == "5.75"
    assert dialog.save()
    qtbot.waitUntil(lambda: tab.settled and tab.dialog is None)
    assert all(not tab.model.index(r, 0).data().startswith("3号楼1单元101") for r in range(tab.model.rowCount()))

    tab.owing.setChecked(False)
    qtbot.waitUntil(lambda: tab.settled)
    tab.table.select_row(row_of(tab, "3号楼1单元101"))
    qtbot.waitUntil(lambda: tab.settled and len(tab.payment_rows) == 2)
    assert cells(tab, row_of(tab, "3号楼1单元101"))[5:] == ["15.75", "0.00", "已缴清"]
    assert not tab.pay_action.isEnabled()
    tab.payments.selectRow(1)  # the first payment (newest first)
    void = tab.void_payment()
    assert not void.save()
    void.reason.setText("金额录错")
    assert void.save()
    qtbot.waitUntil(lambda: tab.settled and tab.dialog is None and len(tab.payment_rows) == 2
                    and tab.payment_rows[1].voided_on is not None)
    assert cells(tab, row_of(tab, "3号楼1单元101"))[5:] == ["5.75", "10.00", "欠费"]
    assert tab.payments.item(1, 5).text() == "已作废：金额录错"


def test_a_loan_repayment_and_an_overdue_loan(qtbot, operations, db, town) -> None:  # noqa: ANN001
    with db.transaction("借款", actor=SYSTEM) as s:
        loans.lend(s, LoanInput(town.ids["赵德胜"], "3000", "修鞋摊", "", TODAY - timedelta(days=400),
                                TODAY - timedelta(days=35), "两委会议"))
    _screen, tab = open_tab(qtbot, operations, "loans_tab")
    late = cells(tab, 0)
    assert late[1] == "赵德胜" and late[-1] == "逾期 35 天"
    assert tab.model.index(0, 0).data(9).color().name() == "#b3261e"  # red

    dialog = tab.lend()
    dialog.borrower.search.setText("张伟")
    dialog.borrower.search_now()
    assert dialog.borrower.resident_name() == "张伟"
    dialog.amount.setValue(5000)
    dialog.purpose.setText("开小卖店")
    dialog.approved_by.setText("2026年3月两委会议")
    assert dialog.save(), (dialog.form.errors_shown(), dialog.banner_text())
    qtbot.waitUntil(lambda: tab.settled and tab.dialog is None and tab.current_detail() is not None)
    assert tab.current_detail().loan.borrower_name == "张伟"
    repay = tab.repay()
    assert str(repay.amount.value()) == "5000.0"
    assert repay.amount.maximum() == 5000  # never above the balance
    repay.amount.setValue(2000)
    assert repay.save(), repay.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.current_detail() is not None
                    and tab.current_detail().repayments != ())
    row = tab.model.row_of(tab.current_detail().loan.id)
    assert cells(tab, row)[4:7] == ["5,000.00", "2,000.00", "3,000.00"]
    assert tab.repayments.rowCount() == 1 and tab.repayments.item(0, 1).text() == "2,000.00"
    assert tab.model.index(row, 0).data(9) is None  # not overdue: not red
    assert "逾期 1 笔" in tab.count.text()


def test_the_dashboard_colours(qtbot, operations, db, town) -> None:  # noqa: ANN001
    last = TODAY.year - 1
    with db.transaction("填报", actor=SYSTEM) as s:
        indicators.enter(s, last, "petitions", 0, "街道信访办通报")
        indicators.enter(s, last, "crime", 2, "派出所通报")
        case_id = cases.open_case(s, CaseInput(kind="邻里纠纷", received_on=date(last, 5, 1), facts="争吵",
                                               parties=[PartyInput(resident_id=town.ids["张伟"]),
                                                        PartyInput(side="被申请人", name="外来人")]))
        cases.mark_escalated(s, case_id, 1, "发生肢体冲突")
    _screen, tab = open_tab(qtbot, operations, "eight_zero_tab")
    assert tab.table.columnCount() == 3
    assert tab.colour_of("petitions", last) == MET_BG
    assert tab.colour_of("crime", last) == NOT_MET_BG
    assert tab.colour_of("drugs", last) == EMPTY_BG
    escalation = tab.table.item(list(indicators.EIGHT_ZEROS).index("escalation"), 1)
    assert tab.colour_of("escalation", last) == NOT_MET_BG
    assert escalation.text().startswith("1　未达标") and DERIVED_MARK in escalation.text()
    assert "人民调解" in escalation.text()
    assert tab.table.item(2, 1).text().startswith("2　未达标\n派出所通报")
    tab.table.setCurrentCell(list(indicators.EIGHT_ZEROS).index("escalation"), 1)
    assert not tab.enter_action.isEnabled()  # derived only
    tab.table.setCurrentCell(1, 1)  # 零吸毒 last year
    dialog = tab.enter()
    dialog.count.setValue(0)
    dialog.source.setCurrentText("派出所通报")
    assert dialog.save(), dialog.form.errors_shown()
    qtbot.waitUntil(lambda: tab.settled and tab.colour_of("drugs", last) == MET_BG)
