"""The member form as a worker uses it on 党建与志愿者 → 党员: a correction keeps the member's own
phone (the field shows it; an empty field used to clear it on every save), a new member starts on
“请选择” instead of the 社区党委 (where no member may be), the organisation cannot be changed in
the form (登记变动 → 调整党组织 does it), and 编辑 → 撤销 names the member it takes back."""

from __future__ import annotations

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models.party import PartyMember
from chang_shan.population.undo import last_action
from tests.ui.party_desk import DAY, PartyDesk, party_desk, wait_idle  # noqa: F401
from tests.ui.test_volunteer_screen import open_screen

pytestmark = pytest.mark.gui


def open_members(qtbot, operations):  # noqa: ANN001, ANN201
    return open_screen(qtbot, operations, "members")


def own_phone(db, member_id: int) -> str:  # noqa: ANN001
    with db.reader(actor=SYSTEM) as s:
        return s.get(PartyMember, member_id).phone


def test_a_correction_keeps_the_members_own_phone(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    member = party_desk.member["张伟"]
    with db.transaction("电话", actor=SYSTEM) as s:
        s.get(PartyMember, member).phone = "13904310001"
    screen = open_members(qtbot, operations)
    tab = screen.members
    tab.select_id(member)
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.row.id == member)
    dialog = tab.edit_member()
    assert dialog.phone.text() == "13904310001"
    assert not dialog.org.isEnabled()  # 调整党组织 is a 变动 with its date
    dialog.note.setText("社区老党员")
    assert dialog.save(), dialog.banner_text() or dialog.form_.errors_shown()
    wait_idle(qtbot, screen)
    assert own_phone(db, member) == "13904310001"


def test_a_new_member_must_choose_a_branch_or_group(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    screen = open_members(qtbot, operations)
    tab = screen.members
    assert tab.org.currentData() is None  # 全部党组织 above
    dialog = tab.new_member()
    assert dialog.org.currentData() is None and dialog.org.currentText().startswith("（请选择")
    dialog.picker.search.setText("赵德胜")
    dialog.picker.search_now()
    dialog.joined.set_value(DAY.replace(year=2019, month=7, day=1))
    assert not dialog.save()
    assert dialog.form_.error_text("org_id") == "请选择党员所在的党支部或党小组。"
    dialog.org.setCurrentIndex(dialog.org.findData(party_desk.group))
    assert dialog.save(), dialog.banner_text() or dialog.form_.errors_shown()
    wait_idle(qtbot, screen)
    with db.reader() as s:
        assert last_action(s).action == "新增党员 赵德胜"  # what 编辑 → 撤销 offers to take back
    # chosen above: the form starts on it
    tab.org.setCurrentIndex(tab.org.findData(party_desk.group))
    wait_idle(qtbot, screen)
    second = tab.new_member()
    assert second.org.currentData() == party_desk.group
    second.close_without_asking()
