"""议事调解与物业: five tabs — 四步议事 (matters and their four steps, the step dialog with the
vote, 公示 and the prints), 人民调解 (cases, parties, the outcome with what 人民调解法 第二十九条
requires, 回访, the agreement and the register), 物业费 (a year's households with due, paid and
owed, payments with receipts, voiding, the year's rate), 诚信借款 (loans, repayments, overdue in
red) and “八零”指标 (the eight targets, the years side by side).

Each tab loads itself the first time it is shown and keeps its own status line; the screen passes
on the line of the tab on view. Ctrl+N is the tab's own 新增 (the window's 新增居民 steps aside),
Enter opens the selected row, Ctrl+P prints, F5 reloads the tab. Accounts that may only read see
no write buttons. The today list opens a matter, a case or a loan here (``open_matter`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from chang_shan.ui.governance.deliberation_tab import DeliberationTab
from chang_shan.ui.governance.eight_zero_tab import EightZeroTab
from chang_shan.ui.governance.fees_tab import FeesTab
from chang_shan.ui.governance.loans_tab import LoansTab
from chang_shan.ui.governance.mediation_tab import MediationTab
from chang_shan.ui.widgets.tabbed_screen import TabbedScreen

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class GovernanceScreen(TabbedScreen, QWidget):
    title = "议事调解与物业"
    statusChanged = Signal(str)
    OWNS_CTRL_N = True  # 新议题 / 受理调解 / 收费 / 借款 (the window's 新增居民 steps aside)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.deliberation_tab = DeliberationTab(ops)
        self.mediation_tab = MediationTab(ops)
        self.fees_tab = FeesTab(ops)
        self.loans_tab = LoansTab(ops)
        self.eight_zero_tab = EightZeroTab(ops)
        self.build_tabs("governanceTabs", ((self.deliberation_tab, "四步议事"), (self.mediation_tab, "人民调解"),
                                           (self.fees_tab, "物业费"), (self.loans_tab, "诚信借款"),
                                           (self.eight_zero_tab, "“八零”指标")))

    def _show(self, tab: Any, key: object) -> None:
        self._started = True
        tab.select_key(key)
        if self.tabs.currentWidget() is tab:
            tab.refresh()
        else:
            tab._started = False  # loads (with the row selected) when shown
            self.tabs.setCurrentWidget(tab)

    def open_matter(self, matter_id: int) -> None:
        """Show this matter selected on 四步议事 (from the today list)."""
        self.deliberation_tab.clear_filters()
        self._show(self.deliberation_tab, matter_id)

    def open_case(self, case_id: int) -> None:
        """Show this case selected on 人民调解 (from the today list)."""
        self.mediation_tab.clear_filters()
        self._show(self.mediation_tab, case_id)

    def open_loan(self, loan_id: int) -> None:
        """Show this loan selected on 诚信借款 (from the today list)."""
        self.loans_tab.clear_filters()
        self._show(self.loans_tab, loan_id)
