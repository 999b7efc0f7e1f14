"""退回 at step 3 (党员和居民代表审议) goes back one step by default — to the 两委 商议 the vote
text suggests (“也可选择‘退回’重新商议”) — not to the very start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ui.test_governance_deliberation import TODAY, held, new_matter, open_screen, record, select

pytestmark = pytest.mark.gui


def test_step_three_sends_back_to_step_two_by_default(qtbot, operations, db) -> None:  # noqa: ANN001
    matter_id = new_matter(db, "楼道灯更换")
    screen = open_screen(qtbot, operations)
    tab = screen.deliberation_tab
    select(qtbot, tab, matter_id)
    record(qtbot, tab, held(10))
    record(qtbot, tab, held(8))

    def back(dialog) -> None:  # noqa: ANN001
        dialog.held_on.set_value(TODAY - timedelta(days=5))
        dialog.expected.setValue(30)
        dialog.present.setValue(20)
        dialog.votes_for.setValue(8)
        dialog.votes_against.setValue(10)
        dialog.votes_abstain.setValue(2)
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("退回"))
        assert dialog.back_to.currentData() == 2
        dialog.reason.setText("方案须完善")
    record(qtbot, tab, back)
    assert [c.state for c in tab.panel.cards] == ["done", "next", "locked", "locked"]
