"""The 万家数据库 screen driven with qtbot: search as you type, filters, the place tree, the
household panel, opening records and keeping the selection across refreshes."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from chang_shan.population import residents
from chang_shan.ui.models.place_tree import PLACE_ROLE, Place
from chang_shan.ui.screens.population import PopulationScreen
from chang_shan.ui.widgets.filter_bar import DEBOUNCE_MS

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(qtbot, operations, town) -> PopulationScreen:  # noqa: ANN001
    widget = PopulationScreen(operations)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    widget.start()
    qtbot.waitUntil(lambda: widget.model.rowCount() == town.active and operations.idle)
    return widget


def names(screen: PopulationScreen) -> list[str]:
    return [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]


def settle(qtbot, screen: PopulationScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle and not screen.filters._debounce.isActive())


def test_loads_everyone_and_counts(screen, town) -> None:  # noqa: ANN001
    assert screen.filters.count.text() == f"共 {town.active} 人"
    assert "孙迁走" not in names(screen)
    # the tree has its counts: 全部 → grids → buildings → units
    root = screen.tree_model.all_index()
    assert root.data() == f"全部居民（{town.active}人）"
    grid_texts = [screen.tree_model.index(r, 0, root).data() for r in range(screen.tree_model.rowCount(root))]
    assert grid_texts == ["第一网格（5人）", "第二网格（2人）"]


def test_search_ascii_initials_with_keyclicks(qtbot, screen) -> None:  # noqa: ANN001
    qtbot.keyClicks(screen.filters.search, "zlc")
    qtbot.waitUntil(lambda: names(screen) == ["张立春"])
    assert screen.filters.count.text() == "共 1 人"


def test_search_chinese_is_debounced(qtbot, screen, town) -> None:  # noqa: ANN001
    screen.filters.search.setText("张")  # keyClicks would abort the process on non-ASCII
    assert screen.model.rowCount() == town.active  # nothing queried yet: waiting for a pause
    assert screen.filters._debounce.isActive()
    assert screen.filters._debounce.interval() == DEBOUNCE_MS
    qtbot.waitUntil(lambda: sorted(names(screen)) == sorted(["张伟", "张立春", "张𠀀春"]))


def test_typing_fast_runs_one_query(qtbot, screen, monkeypatch) -> None:  # noqa: ANN001
    queries = []
    real = screen.model.refresh
    monkeypatch.setattr(screen.model, "refresh", lambda: (queries.append(1), real()))
    for text in ("王", "王淑", "王淑芬"):
        screen.filters.search.setText(text)
    qtbot.waitUntil(lambda: names(screen) == ["王淑芬"])
    assert len(queries) == 1


def test_rare_character_search_round_trips(qtbot, screen) -> None:  # noqa: ANN001
    screen.filters.search.setText("张𠀀")
    qtbot.waitUntil(lambda: names(screen) == ["张𠀀春"])
    assert screen.model.index(0, 0).data() == "张\U00020000春"


def test_no_match_shows_zero(qtbot, screen) -> None:  # noqa: ANN001
    screen.filters.search.setText("查无此人")
    qtbot.waitUntil(lambda: screen.filters.count.text() == "共 0 人")
    assert screen.model.rowCount() == 0 and screen.model.complete


def test_filters_age_group_inactive(qtbot, screen, town) -> None:  # noqa: ANN001
    combo = screen.filters.age_band
    combo.setCurrentIndex(combo.findData("80+"))
    qtbot.waitUntil(lambda: names(screen) == ["王淑芬"])  # born 1940
    combo.setCurrentIndex(0)
    group = screen.filters.group
    group.setCurrentIndex(group.findData("退役军人"))
    qtbot.waitUntil(lambda: names(screen) == ["赵德胜"])
    group.setCurrentIndex(0)
    screen.filters.include_inactive.setChecked(True)
    qtbot.waitUntil(lambda: "孙迁走" in names(screen))
    assert screen.model.rowCount() == town.active + 1


def _select_place(qtbot, screen, place: Place) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.tree_model.index_of(place).isValid())
    screen.tree.setCurrentIndex(screen.tree_model.index_of(place))


def test_tree_selection_filters(qtbot, screen, town) -> None:  # noqa: ANN001
    _select_place(qtbot, screen, Place("grid", town.grid2))
    qtbot.waitUntil(lambda: sorted(names(screen)) == sorted(["刘明", "赵德胜"]))
    statuses = []
    screen.statusChanged.connect(statuses.append)
    _select_place(qtbot, screen, Place("unit", town.unit2))
    qtbot.waitUntil(lambda: sorted(names(screen)) == sorted(["王淑芬", "张𠀀春"]))
    qtbot.waitUntil(lambda: statuses[-1:] == ["3号楼2单元：共 2 人"])  # the status names the place
    _select_place(qtbot, screen, Place("building", town.building3))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 5)
    screen.tree.setCurrentIndex(screen.tree_model.all_index())
    qtbot.waitUntil(lambda: screen.model.rowCount() == town.active)


def test_households_load_when_a_unit_opens(qtbot, screen, town) -> None:  # noqa: ANN001
    unit = screen.tree_model.index_of(Place("unit", town.unit1))
    assert screen.tree_model.rowCount(unit) == 1  # a placeholder until opened
    screen.tree.expand(screen.tree_model.index_of(Place("grid", town.grid1)))
    screen.tree.expand(screen.tree_model.index_of(Place("building", town.building3)))
    screen.tree.expand(unit)
    qtbot.waitUntil(lambda: screen.tree_model.index_of(Place("household", town.h101)).isValid())
    household = screen.tree_model.index_of(Place("household", town.h101))
    assert household.data() == "101 张立春（3人）"
    screen.tree.setCurrentIndex(household)
    qtbot.waitUntil(lambda: sorted(names(screen)) == sorted(["张立春", "李桂兰", "张伟"]))
    # the low-rise area has no units: its households hang under the building
    low_rise = screen.tree_model.index_of(Place("building", town.low_rise))
    screen.tree.expand(screen.tree_model.index_of(Place("grid", town.grid2)))
    screen.tree.expand(low_rise)
    qtbot.waitUntil(lambda: screen.tree_model.index_of(Place("household", town.house)).isValid())
    assert screen.tree_model.index_of(Place("household", town.house)).data(PLACE_ROLE).building_id == town.low_rise


def test_sorting_by_header_requeries(qtbot, screen) -> None:  # noqa: ANN001
    screen.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)  # 年龄
    qtbot.waitUntil(lambda: names(screen)[:1] == ["王淑芬"])
    screen.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: names(screen)[:1] == ["刘明"])
    screen.table.horizontalHeader().setSortIndicator(7, Qt.SortOrder.AscendingOrder)  # 人群类别: not sortable
    assert screen.table.horizontalHeader().sortIndicatorSection() == 2


def test_selection_shows_household_and_three_heads(qtbot, screen, town) -> None:  # noqa: ANN001
    screen.select_resident(town.ids["李桂兰"])
    qtbot.waitUntil(lambda: screen.panel.household_id == town.h101)
    panel = screen.panel
    members = [panel.members.item(r, 0).text() for r in range(panel.members.rowCount())]
    assert "张立春（户主）" in members and "李桂兰" in members and "张伟" in members
    assert "3号楼1单元101" in panel.title.text()
    assert "党员家庭户" in panel.facts.text()
    assert "单元长：张伟" in panel.responsible.text()
    assert "网格长：赵德胜" in panel.responsible.text()
    assert screen.actions.move_out.isEnabled() and screen.actions.household.isEnabled()


def test_actions_need_a_selection(screen) -> None:  # noqa: ANN001
    assert screen.current_resident_id() is None
    assert screen.actions.new_resident.isEnabled()
    assert not screen.actions.edit.isEnabled()
    assert not screen.actions.move_out.isEnabled()
    assert not screen.actions.change_head.isEnabled()


def test_enter_and_double_click_open_the_resident(qtbot, screen, town, fake_dialogs) -> None:  # noqa: ANN001
    fake_dialogs.accept = False
    screen.select_resident(town.ids["张伟"])
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert fake_dialogs.opened == [("ResidentDialog", (), {"resident_id": town.ids["张伟"]})]
    row = screen.model.row_of(town.ids["王淑芬"])
    rect = screen.table.visualRect(screen.model.index(row, 0))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.current_resident_id() == town.ids["王淑芬"]
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fake_dialogs.opened[1:] == [("ResidentDialog", (), {"resident_id": town.ids["王淑芬"]})]


def test_after_a_change_everything_refreshes_and_selection_stays(qtbot, screen, town, fake_dialogs) -> None:  # noqa: ANN001
    def move_out(dialog) -> None:  # noqa: ANN001 - what the real MoveOutDialog does
        with dialog.db.transaction("登记迁出 张立春") as s:
            residents.move_out(s, town.ids["张立春"], on_date=date(2025, 1, 2))

    screen.select_resident(town.ids["李桂兰"])
    fake_dialogs.on_exec = move_out
    screen.select_resident(town.ids["张立春"])
    screen.actions.move_out.trigger()
    assert fake_dialogs.opened[-1] == ("MoveOutDialog", (town.ids["张立春"],), {})
    qtbot.waitUntil(lambda: "张立春" not in names(screen))
    qtbot.waitUntil(lambda: screen.tree_model.all_index().data() == f"全部居民（{town.active - 1}人）")
    # Selection kept when the row is still there: select 张伟, change someone else.
    screen.select_resident(town.ids["张伟"])

    def edit_wang(dialog) -> None:  # noqa: ANN001
        with dialog.db.transaction("修改居民 王淑芬") as s:
            detail = residents.resident_detail(s, town.ids["王淑芬"])
            data = detail.as_input()
            data.name = "阿王淑芬"  # sorts first now: every row below moves
            residents.update_resident(s, town.ids["王淑芬"], data)

    fake_dialogs.on_exec = edit_wang
    screen.actions.edit.trigger()  # opened for 张伟, but the fake edits 王淑芬
    qtbot.waitUntil(lambda: names(screen)[:1] == ["阿王淑芬"])
    settle(qtbot, screen)
    assert screen.current_resident_id() == town.ids["张伟"]


def test_new_resident_goes_to_the_selected_household_and_is_selected(qtbot, screen, town, fake_dialogs) -> None:  # noqa: ANN001
    from tests.ui.conftest import id_number

    def register(dialog) -> None:  # noqa: ANN001 - what the real ResidentDialog does
        with dialog.db.transaction("新增居民 钱小满") as s:
            dialog.saved_id = residents.register_resident(s, residents.ResidentInput(
                name="钱小满", id_number=id_number(date(2015, 7, 7), 101), relation_code="30",
                household_id=town.h101))

    fake_dialogs.on_exec = register
    screen.select_resident(town.ids["张伟"])
    screen.new_record()
    assert fake_dialogs.opened == [("ResidentDialog", (), {"household_id": town.h101})]
    qtbot.waitUntil(lambda: "钱小满" in names(screen))
    settle(qtbot, screen)
    assert screen.model.index(screen.table.current_row(), 0).data() == "钱小满"


def test_household_actions_open_their_dialogs(screen, town, fake_dialogs) -> None:  # noqa: ANN001
    fake_dialogs.accept = False
    screen.select_resident(town.ids["王淑芬"])
    screen.actions.household.trigger()
    screen.actions.change_head.trigger()
    screen.actions.move.trigger()
    screen.actions.death.trigger()
    assert [(name, args, kwargs) for name, args, kwargs in fake_dialogs.opened] == [
        ("HouseholdDialog", (), {"household_id": town.h301}),
        ("ChangeHeadDialog", (town.h301,), {}),
        ("MoveResidentDialog", (town.ids["王淑芬"],), {}),
        ("DeathDialog", (town.ids["王淑芬"],), {}),
    ]


def test_new_household_in_the_selected_unit(qtbot, screen, town, fake_dialogs) -> None:  # noqa: ANN001
    fake_dialogs.accept = False
    _select_place(qtbot, screen, Place("unit", town.unit2))
    screen.actions.new_household.trigger()
    assert fake_dialogs.opened == [("HouseholdDialog", (), {"building_id": town.building3, "unit_id": town.unit2})]


def test_missing_dialog_is_explained(screen, town, boxes, monkeypatch) -> None:  # noqa: ANN001
    from chang_shan.ui.widgets import resident_actions

    monkeypatch.setattr(resident_actions, "dialog_class", lambda name: None)
    screen.select_resident(town.ids["张伟"])
    screen.actions.death.trigger()
    assert boxes.shown and "后续版本" in boxes.shown[-1][2]


def test_real_dialogs_are_found() -> None:
    from chang_shan.ui.widgets.resident_actions import dialog_class

    for name in ("ResidentDialog", "HouseholdDialog", "MoveResidentDialog", "MoveOutDialog", "DeathDialog",
                 "ChangeHeadDialog"):
        if dialog_class(name) is None:
            pytest.skip(f"chang_shan.ui.dialogs has no {name} yet")
    assert dialog_class("NoSuchDialog") is None


def test_keyboard_from_search_to_results(qtbot, screen, town) -> None:  # noqa: ANN001
    screen.activateWindow()
    screen.filters.search.setFocus()
    qtbot.waitUntil(screen.filters.search.hasFocus)
    qtbot.keyClicks(screen.filters.search, "zlc")
    qtbot.keyClick(screen.filters.search, Qt.Key.Key_Return)  # search now, then go to the table
    qtbot.waitUntil(lambda: screen.current_resident_id() == town.ids["张立春"])
    assert screen.table.hasFocus()
    screen.filters.search.setFocus()
    qtbot.waitUntil(screen.filters.search.hasFocus)
    qtbot.keyClick(screen.filters.search, Qt.Key.Key_Escape)  # Esc empties the search box
    assert screen.filters.search.text() == ""
    qtbot.waitUntil(lambda: screen.model.rowCount() == town.active and screen.model.complete)
    assert screen.current_resident_id() == town.ids["张立春"]  # still selected in the full list
    screen.table.clear_current()
    screen.filters.search.setFocus()
    qtbot.waitUntil(screen.filters.search.hasFocus)
    qtbot.keyClick(screen.filters.search, Qt.Key.Key_Down)
    assert screen.table.hasFocus()
    assert screen.table.current_row() == 0


def test_tree_selection_survives_refreshes(qtbot, screen, town) -> None:  # noqa: ANN001
    from chang_shan.population import households, undo

    for place in (Place("grid", town.grid1), Place("building", town.building3), Place("unit", town.unit2)):
        screen.tree.expand(screen.tree_model.index_of(place))
    qtbot.waitUntil(lambda: screen.tree_model.index_of(Place("household", town.h301)).isValid())
    screen.tree.setCurrentIndex(screen.tree_model.index_of(Place("household", town.h301)))
    qtbot.waitUntil(lambda: names(screen) == ["王淑芬"])
    # A new household in the same unit: the unit's households are replaced, the selection stays.
    screen.ops.change("新增户", lambda s: households.create_household(
        s, households.HouseholdInput(town.building3, town.unit2, "303", "50")))
    qtbot.waitUntil(lambda: screen.tree_model.rowCount(screen.tree_model.index_of(Place("unit", town.unit2))) == 3)
    settle(qtbot, screen)
    assert screen.place == Place("household", town.h301) or screen.place.key == ("household", town.h301)
    assert screen.tree_model.place(screen.tree.currentIndex()).key == ("household", town.h301)
    assert names(screen) == ["王淑芬"]
    # Select the new household, then undo its creation: the selection falls back to the unit.
    new_index = screen.tree_model.index(2, 0, screen.tree_model.index_of(Place("unit", town.unit2)))
    assert new_index.data().startswith("303")
    screen.tree.setCurrentIndex(new_index)
    qtbot.waitUntil(lambda: screen.model.complete and screen.model.rowCount() == 0)
    screen.ops.change("撤销", undo.undo_last)
    qtbot.waitUntil(lambda: screen.tree_model.place(screen.tree.currentIndex()).key == ("unit", town.unit2))
    qtbot.waitUntil(lambda: sorted(names(screen)) == sorted(["王淑芬", "张𠀀春"]))


def test_a_new_list_starts_at_the_top(qtbot, screen, town, monkeypatch) -> None:  # noqa: ANN001
    screen.table.setFixedHeight(90)  # a few rows visible: the list can scroll
    qtbot.waitUntil(lambda: screen.table.verticalScrollBar().maximum() > 0)
    screen.table.scrollToBottom()
    assert screen.table.verticalScrollBar().value() > 0
    screen.filters.include_inactive.setChecked(True)  # a new, still scrollable list
    qtbot.waitUntil(lambda: screen.model.rowCount() == town.active + 1 and screen.model.complete)
    assert screen.table.verticalScrollBar().maximum() > 0
    assert screen.table.verticalScrollBar().value() == 0


def test_tree_names_places_as_people_write_them(qtbot, screen, town) -> None:  # noqa: ANN001
    building = screen.tree_model.index_of(Place("building", town.building3))
    assert building.data() == "3号楼（5人）"  # created as "3"
    assert screen.tree_model.index_of(Place("unit", town.unit1)).data() == "1单元（3人）"
    assert screen.tree_model.index_of(Place("building", town.low_rise)).data() == "平房区（2人）"
