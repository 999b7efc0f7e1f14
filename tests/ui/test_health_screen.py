"""The 居民健康库 screen driven with qtbot on a real database: the list and its quick filters, the
record, the dialogs opened from it (Ctrl+E, Ctrl+N), open_resident, the statistics tab, and what
accounts without the health or the edit permission see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from chang_shan.db.database import Database
from chang_shan.health import profiles, selfcare, visits
from chang_shan.health.shapes import ConditionInput, ProfileInput, SelfCareInput, VisitInput
from chang_shan.population import residents
from chang_shan.ui.dialogs.health_profile import HealthProfileDialog
from chang_shan.ui.dialogs.visit import VisitDialog
from chang_shan.ui.screens.health import NO_PERMISSION, HealthScreen
from tests.population.community import Community, build_community
from tests.ui.signed_in import sign_in_as

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db: Database) -> Community:
    return build_community(db)


def open_screen(qtbot, operations) -> HealthScreen:  # noqa: ANN001
    widget = HealthScreen(operations)
    qtbot.addWidget(widget)
    widget.resize(1300, 760)
    widget.show()
    widget.start()
    return widget


@pytest.fixture
def screen(qtbot, operations, town) -> HealthScreen:  # noqa: ANN001
    widget = open_screen(qtbot, operations)
    qtbot.waitUntil(lambda: operations.idle and widget.people.rowCount() == 4)
    return widget


def settle(qtbot, screen: HealthScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle and not screen._debounce.isActive())


def select(qtbot, screen: HealthScreen, resident_id: int) -> None:  # noqa: ANN001
    assert screen.select_resident(resident_id)
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.resident_id == resident_id)


def save_profile(db: Database, resident_id: int, **fields: object) -> None:
    with db.transaction("建立健康档案") as s:
        profiles.save_profile(s, resident_id, ProfileInput(**fields), expected_version=None)  # type: ignore[arg-type]


def close_dialog(qtbot, screen: HealthScreen) -> None:  # noqa: ANN001
    dialog = screen.dialog
    assert dialog is not None
    dialog.close_without_asking()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: screen.dialog is None)


# --- the list ------------------------------------------------------------------------------------


def test_lists_everyone_in_name_order_and_searches(qtbot, screen: HealthScreen) -> None:  # noqa: ANN001
    assert screen.listed_names() == ["李桂兰", "王淑芬", "张立春", "张伟"]
    assert screen.count_label.text() == "共 4 人"
    assert screen.panel.stack.currentIndex() == 0  # nobody chosen yet
    qtbot.keyClicks(screen.search, "zlc")
    qtbot.waitUntil(lambda: screen.listed_names() == ["张立春"])
    screen.search.setText("王")
    qtbot.waitUntil(lambda: screen.listed_names() == ["王淑芬"])


def test_quick_filters(qtbot, screen: HealthScreen, db: Database, town: Community) -> None:  # noqa: ANN001
    save_profile(db, town.zhang, conditions=[ConditionInput(code="2", on_date=date(2015, 3, 1))])
    save_profile(db, town.li, wandering_risk=True)
    with db.transaction("生活自理能力评估") as s:
        selfcare.record_self_care(s, town.wang, SelfCareInput(eating=3, activity=5))
        selfcare.record_self_care(s, town.li, SelfCareInput(assessed_on=date.today() - timedelta(days=400), eating=5))
        selfcare.record_self_care(s, town.li, SelfCareInput(eating=0))  # better now
    with db.transaction("新增随访") as s:
        visits.record_visit(s, town.zhang, VisitInput(purpose="年度体检"))

    def pick(label: str) -> list[str]:
        screen.quick.setCurrentIndex(screen.quick.findText(label))
        settle(qtbot, screen)
        return screen.listed_names()

    assert pick("有健康档案") == ["李桂兰", "张立春"]
    assert pick("慢病随访对象") == ["张立春"]
    assert pick("走失风险") == ["李桂兰"]
    assert pick("需照护") == ["王淑芬"]
    assert pick("今年未体检的65岁以上") == ["李桂兰", "王淑芬"]  # 张立春 had his; 张伟 is 48
    assert screen.count_label.text() == "共 2 人"
    screen.search.setText("王")
    settle(qtbot, screen)
    assert screen.listed_names() == ["王淑芬"]
    assert pick("全部居民") == ["王淑芬"]


# --- the record ----------------------------------------------------------------------------------


def test_the_record_shows_the_profile_the_visits_and_the_self_care(qtbot, screen: HealthScreen,  # noqa: ANN001
                                                                   db: Database, town: Community) -> None:
    save_profile(db, town.wang, blood_type="3", rh="2", allergies=["2"], disabilities=["3"],
                 family_doctor="王大夫", medication="阿司匹林", wandering_risk=True,
                 conditions=[ConditionInput(code="2", on_date=date(2010, 6, 1)),
                             ConditionInput(category="手术", name="白内障", on_date=date(2019, 9, 1))])
    today = date.today()
    with db.transaction("新增随访") as s:
        visits.record_visit(s, town.wang, VisitInput(visited_on=today - timedelta(days=100), systolic=150,
                                                     diastolic=90, visitor="李娜", next_due_on=today - timedelta(days=10)))
        selfcare.record_self_care(s, town.wang, SelfCareInput(eating=3, activity=5, assessor="李娜"))
    screen.ops.notify_changed("")
    settle(qtbot, screen)
    select(qtbot, screen, town.wang)
    panel = screen.panel
    assert panel.header.text().startswith("王淑芬　女　") and "3号楼2单元301" in panel.header.text()
    assert panel.summary_text("血型") == "O型　RH阳性"
    assert panel.summary_text("药物过敏") == "青霉素"
    assert panel.summary_text("既往史") == "高血压（2010-06）\n手术：白内障（2019-09）"
    assert panel.summary_text("残疾情况") == "听力残疾"
    assert panel.summary_text("家庭医生") == "王大夫" and panel.summary_text("用药情况") == "阿司匹林"
    assert panel.summary_text("走失风险").startswith("有走失风险")
    assert panel.summary_text("生活自理") == f"轻度依赖（8 分，{today:%Y-%m-%d}）"
    assert panel.summary_text("下次随访") == f"{today - timedelta(days=10):%Y-%m-%d}（已逾期）"
    assert "bold" in panel.summary_values["下次随访"].styleSheet()  # overdue stands out
    assert panel.visit_texts(4) == ["150/90"] and panel.visit_texts(3) == ["李娜"]
    assert panel.history_tabs.tabText(0) == "随访记录（1）"
    assert panel.self_care.item(0, 7).text() == "轻度依赖"


def test_someone_without_a_profile_is_told_so(qtbot, screen: HealthScreen, town: Community) -> None:  # noqa: ANN001
    select(qtbot, screen, town.son)
    assert screen.panel.no_profile.isVisible() and "尚未建立健康档案" in screen.panel.no_profile.text()
    assert screen.panel.edit_button.text() == "建立健康档案"
    assert screen.panel.summary_text("下次随访") == "未安排"


def test_edit_profile_with_ctrl_e_and_see_the_summary_change(qtbot, screen: HealthScreen,  # noqa: ANN001
                                                             town: Community) -> None:
    select(qtbot, screen, town.zhang)
    screen.people.setFocus()
    qtbot.keyClick(screen.people, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.dialog
    assert isinstance(dialog, HealthProfileDialog) and dialog.isVisible()
    dialog.blood_row.buttons["4"].setChecked(True)
    dialog.allergy_checks.by_code["3"].setChecked(True)
    dialog.conditions.add_line().disease.set_code("3")
    dialog.doctor_edit.setText("长山卫生站 王大夫")
    assert dialog.save()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.summary_text("血型") == "AB型　RH 不详")
    assert screen.dialog is None
    assert screen.panel.summary_text("药物过敏") == "磺胺"
    assert screen.panel.summary_text("既往史") == "糖尿病（时间不详）"
    assert screen.panel.summary_text("家庭医生") == "长山卫生站 王大夫"
    assert not screen.panel.no_profile.isVisible()
    assert screen.selected_id() == town.zhang  # the selection stays


def test_record_a_visit_with_ctrl_n_and_see_it_in_the_table(qtbot, screen: HealthScreen, db: Database,  # noqa: ANN001
                                                            town: Community) -> None:
    save_profile(db, town.zhang, conditions=[ConditionInput(code="3", on_date=date(2018, 1, 1))])
    select(qtbot, screen, town.zhang)
    screen.people.setFocus()
    qtbot.keyClick(screen.people, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.dialog
    assert isinstance(dialog, VisitDialog)
    due = date.today() + timedelta(days=90)  # a 糖尿病 patient
    assert dialog.next_due_edit.value() == due
    dialog.systolic_spin.setValue(128)
    dialog.diastolic_spin.setValue(80)
    dialog.glucose_spin.setValue(6.4)
    assert dialog.save()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.visits.rowCount() == 1)
    assert screen.panel.visit_texts(4) == ["128/80"] and screen.panel.visit_texts(5) == ["6.4"]
    assert screen.panel.visit_texts(7) == [f"{due:%Y-%m-%d}"]
    assert screen.panel.summary_text("下次随访") == f"{due:%Y-%m-%d}"


def test_a_validation_error_keeps_the_visit_dialog_open(qtbot, screen: HealthScreen, db: Database,  # noqa: ANN001
                                                        town: Community) -> None:
    select(qtbot, screen, town.wang)
    dialog = screen.new_visit()
    assert isinstance(dialog, VisitDialog)
    dialog.diastolic_spin.setValue(90)
    assert not dialog.save()
    assert screen.dialog is dialog and dialog.isVisible()
    assert dialog.form.error_text("blood_pressure") == "血压请同时填写收缩压和舒张压。"
    assert screen.new_visit() is None  # one dialog at a time
    close_dialog(qtbot, screen)
    assert screen.panel.visits.rowCount() == 0


def test_self_care_from_the_screen(qtbot, screen: HealthScreen, town: Community) -> None:  # noqa: ANN001
    select(qtbot, screen, town.wang)
    qtbot.mouseClick(screen.panel.self_care_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert dialog is not None
    dialog.items["dressing"].buttons["5"].setChecked(True)  # type: ignore[attr-defined]
    dialog.items["eating"].buttons["5"].setChecked(True)  # type: ignore[attr-defined]
    assert dialog.save()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.self_care.rowCount() == 1)
    assert screen.panel.summary_text("生活自理").startswith("中度依赖（10 分")


def test_a_visit_is_deleted_after_asking(qtbot, screen: HealthScreen, db: Database, town: Community,  # noqa: ANN001
                                         boxes) -> None:  # noqa: ANN001
    with db.transaction("新增随访") as s:
        visits.record_visit(s, town.wang, VisitInput(purpose="关怀"))
    select(qtbot, screen, town.wang)
    assert screen.panel.visits.rowCount() == 1
    screen.panel.visits.selectRow(0)
    qtbot.mouseClick(screen.panel.delete_visit_button, Qt.MouseButton.LeftButton)
    assert boxes.asked and "关怀" in boxes.asked[0]
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.visits.rowCount() == 0)
    with db.reader() as s:
        assert visits.list_visits(s, town.wang) == []


# --- open_resident -------------------------------------------------------------------------------


def test_open_resident_clears_the_filters_and_selects_the_person(qtbot, screen: HealthScreen,  # noqa: ANN001
                                                                 town: Community) -> None:
    screen.search.setText("张")
    settle(qtbot, screen)
    assert "王淑芬" not in screen.listed_names()
    screen.tabs.setCurrentIndex(1)
    screen.open_resident(town.wang)
    qtbot.waitUntil(lambda: screen.ops.idle and screen.selected_id() == town.wang)
    assert screen.tabs.currentIndex() == 0 and screen.search.text() == ""
    assert len(screen.listed_names()) == 4
    assert screen.panel.resident_id == town.wang and screen.panel.header.text().startswith("王淑芬")


def test_open_resident_before_the_screen_was_shown(qtbot, operations, town: Community) -> None:  # noqa: ANN001
    screen = HealthScreen(operations)
    qtbot.addWidget(screen)
    screen.show()
    screen.open_resident(town.li)  # the today list, before anyone opened the 居民健康库
    qtbot.waitUntil(lambda: operations.idle and screen.selected_id() == town.li)
    assert screen.panel.header.text().startswith("李桂兰")
    screen.start()  # shown later: nothing reloads, the record stays
    assert screen.panel.resident_id == town.li


def test_open_resident_shows_someone_who_moved_out(qtbot, screen: HealthScreen, db: Database,  # noqa: ANN001
                                                   town: Community) -> None:
    with db.transaction("登记迁出 张伟") as s:
        residents.move_out(s, town.son, on_date=date(2024, 6, 1))
    screen.open_resident(town.son)
    qtbot.waitUntil(lambda: screen.ops.idle and screen.panel.resident_id == town.son)
    assert "张伟" not in screen.listed_names()
    assert "已迁出" in screen.panel.header.text()
    assert not screen.panel.edit_button.isEnabled() and not screen.edit_action.isEnabled()


# --- permissions ---------------------------------------------------------------------------------


def test_a_user_without_the_health_permission_sees_only_a_note(qtbot, db: Database, town: Community,  # noqa: ANN001
                                                               qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.ops import Operations

    sign_in_as(db, "lina", "社区工作者", health=False)
    ops = Operations(db)
    try:
        statuses: list[str] = []
        screen = HealthScreen(ops)
        qtbot.addWidget(screen)
        screen.statusChanged.connect(statuses.append)
        screen.show()
        screen.start()
        screen.open_resident(town.wang)
        assert screen.note.text() == NO_PERMISSION and screen.note.isVisible()
        assert not hasattr(screen, "people") and not hasattr(screen, "panel")
        assert ops.idle  # no query was made
        assert statuses == [f"居民健康库：{NO_PERMISSION}"]
    finally:
        ops.shutdown()
        qapp.processEvents()


def test_a_reader_with_the_health_permission_gets_no_edit_buttons(qtbot, db: Database, town: Community,  # noqa: ANN001
                                                                  qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.ops import Operations

    save_profile(db, town.wang, wandering_risk=True)
    with db.transaction("新增随访") as s:
        visits.record_visit(s, town.wang, VisitInput(purpose="关怀"))
    sign_in_as(db, "doctor", "只读", health=True)
    ops = Operations(db)
    try:
        screen = open_screen(qtbot, ops)
        qtbot.waitUntil(lambda: ops.idle and screen.people.rowCount() == 4)
        select(qtbot, screen, town.wang)
        assert screen.panel.summary_text("走失风险").startswith("有走失风险")
        for button in (*screen.panel.buttons, screen.panel.edit_visit_button, screen.panel.delete_visit_button):
            assert button.isHidden()
        assert not screen.edit_action.isEnabled() and not screen.visit_action.isEnabled()
        assert screen.edit_profile() is None and screen.new_visit() is None
        screen.panel.visits.doubleClicked.emit(screen.panel.visits.model().index(0, 0))
        assert screen.dialog is None
    finally:
        ops.shutdown()
        qapp.processEvents()


def test_a_grid_worker_sees_the_residents_of_their_grid_only(qtbot, db: Database, town: Community,  # noqa: ANN001
                                                             qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.ops import Operations

    with db.transaction("新增居民") as s:
        liu = residents.register_resident(s, residents.ResidentInput(name="刘明", relation_code="02",
                                                                     birth_date=date(1950, 1, 1),
                                                                     household_id=town.house))
    sign_in_as(db, "grid2man", "网格员", health=True, grid_ids=[town.grid2])
    ops = Operations(db)
    try:
        screen = open_screen(qtbot, ops)
        qtbot.waitUntil(lambda: ops.idle and screen.people.rowCount() == 1)
        assert screen.listed_names() == ["刘明"]
        screen.open_resident(town.wang)  # outside the grid: told, not shown
        qtbot.waitUntil(lambda: ops.idle and screen.panel.stack.currentIndex() == 0)
        assert screen.panel.nothing.text() == "这条记录不在您负责的网格内。"
        assert screen.selected_id() is None
        screen.open_resident(liu)
        qtbot.waitUntil(lambda: ops.idle and screen.selected_id() == liu)
    finally:
        ops.shutdown()
        qapp.processEvents()


# --- statistics ----------------------------------------------------------------------------------


def test_the_statistics_tab(qtbot, screen: HealthScreen, db: Database, town: Community) -> None:  # noqa: ANN001
    save_profile(db, town.zhang, conditions=[ConditionInput(code="2", on_date=date(2015, 3, 1)),
                                             ConditionInput(code="3", on_date=date(2016, 3, 1))])
    save_profile(db, town.li, conditions=[ConditionInput(code="2", on_date=date(2012, 3, 1))])
    with db.transaction("评估") as s:
        selfcare.record_self_care(s, town.wang, SelfCareInput(eating=3, activity=5))
        visits.record_visit(s, town.zhang, VisitInput(purpose="年度体检"))
    screen.tabs.setCurrentIndex(1)
    table = screen.stats.chronic
    qtbot.waitUntil(lambda: screen.ops.idle and table.rowCount() == 3)
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    row = {headers[c]: table.item(0, c).text() for c in range(table.columnCount())}
    assert row["网格"] == "第一网格" and row["居民"] == "4" and row["有健康档案"] == "2"
    assert (row["高血压"], row["糖尿病"], row["患任一慢病"]) == ("2", "1", "2")
    assert table.item(2, 0).text() == "合计"
    count, _share = screen.stats.dependency_labels["轻度依赖"]
    assert count.text() == "1 人"
    checks = screen.stats.coverage_texts["65岁以上年度体检率"]
    assert checks.text() == "1 / 3 人"  # 张立春 of 张立春, 李桂兰, 王淑芬
    assert screen.stats.coverage_bars["65岁以上年度体检率"].text() == "33.3%"
    # a change elsewhere refreshes the visible tab
    with db.transaction("新增随访") as s:
        visits.record_visit(s, town.li, VisitInput(purpose="年度体检"))
    screen.ops.notify_changed("")
    qtbot.waitUntil(lambda: screen.ops.idle and checks.text() == "2 / 3 人")


def test_the_next_follow_up_comes_from_the_latest_follow_up_not_a_care_call() -> None:
    from datetime import date

    from chang_shan.health.shapes import ProfileDetail, ProfileInput, VisitRow
    from chang_shan.ui.widgets.health_record import summary_items

    def visit(on: date, purpose: str, due: date) -> VisitRow:
        return VisitRow(1, 7, "张立春", on, "上门", purpose, "王芳", None, None, None, "", due)

    profile = ProfileDetail(7, "张立春", 78, True, ProfileInput(), 1, None, None)
    visits = [visit(date(2026, 10, 25), "关怀", date(2026, 11, 24)), visit(date(2026, 9, 27), "随访", date(2026, 12, 26))]
    items = {label: text for label, text, _ in summary_items(profile, visits)}
    assert items["下次随访"].startswith("2026-12-26")
    assert items["最近随访"].startswith("2026-10-25（关怀")
    only_calls = {label: text for label, text, _ in summary_items(profile, visits[:1])}
    assert only_calls["下次随访"].startswith("2026-11-24")
