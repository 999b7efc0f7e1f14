"""The main window and the start-up code: sidebar, placeholder ledgers, menus and shortcuts, undo,
the today list's records opened on the right screen, the CJK font, the second-instance and
newer-database refusals, the first-start demo."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.population import residents
from chang_shan.progress import Cancelled
from chang_shan.ui import app as app_module
from chang_shan.ui.main_window import MainWindow
from chang_shan.ui.screens.placeholder import NOT_YET, PlaceholderScreen

pytestmark = pytest.mark.gui

LEDGERS = ["今日待办", "万家数据库", "居民健康库", "包保关怀", "便民档案库", "防走失卡", "遗嘱库", "党建与志愿者",
           "议事调解与物业"]
LATER = LEDGERS[7:]


@pytest.fixture
def window(qtbot, operations, town) -> MainWindow:  # noqa: ANN001
    win = MainWindow(operations)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.start()
    win.show()
    qtbot.waitUntil(lambda: win.population.model.rowCount() == town.active and win.today.today_list is not None
                    and operations.idle)
    return win


def test_sidebar_and_screens(window) -> None:  # noqa: ANN001
    items = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert items == [*LEDGERS, "账户管理", "审计记录"]  # the program itself may do everything
    assert window.sidebar.currentRow() == 0
    assert window.current_screen is window.today  # the window opens on the today list
    assert window.windowTitle() == "长山社区台账"
    assert str(window.ops.db.data_dir.root) in window.folder_text.text()
    assert window.status_text.text().startswith("今日待办（")
    window.show_screen(window.population)
    assert window.status_text.text() == "全部居民：共 7 人"
    window.show_screen(window.today)
    assert window.status_text.text().startswith("今日待办（")  # each screen's own line comes back
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "查看(&V)", "工具(&T)", "帮助(&H)"]


def test_the_today_list_shows_the_town(window, town) -> None:  # noqa: ANN001
    # 王淑芬 lives alone, was never visited and has no caretaker
    sections = window.today.section_items()
    assert list(sections)[:4] == ["overdue_visits", "not_visited", "birthdays", "no_caretaker"]
    for key in ("not_visited", "no_caretaker"):
        names = [sections[key].child(i).text(0) for i in range(sections[key].childCount())]
        assert names == ["王淑芬"]


def test_ctrl_digits_switch_screens(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6,
            Qt.Key.Key_7, Qt.Key.Key_8, Qt.Key.Key_9]
    for row in (1, 3, 8, 0, 2):
        qtbot.keyClick(window, keys[row], Qt.KeyboardModifier.ControlModifier)
        assert window.sidebar.currentRow() == row
        assert window.current_screen is window.screens[row]
    assert [a.shortcut().toString() for a in window.screen_actions] == [f"Ctrl+{n}" for n in range(1, 10)]


def test_f5_rebuilds_the_today_list(qtbot, window, town) -> None:  # noqa: ANN001
    from chang_shan.care.assignments import assign_caretaker

    with window.ops.db.transaction("指定包保人 王淑芬") as s:  # saved elsewhere: no ``changed`` here
        assign_caretaker(s, town.ids["王淑芬"], town.ids["张伟"], date.today())
    assert window.today.section_items()["no_caretaker"].childCount() == 1
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.today.section_items()["no_caretaker"].childCount() == 0 and window.ops.idle)
    assert window.today.section_items()["no_caretaker"].text(0) == "无包保人的老人：无"


def test_a_today_item_opens_the_resident(qtbot, window, town, fake_dialogs) -> None:  # noqa: ANN001
    fake_dialogs.accept = False
    screen = window.population
    screen.filters.search.setText("张")  # 王淑芬 is not in the table now
    qtbot.waitUntil(lambda: not screen.filters.pending and window.ops.idle and screen.model.rowCount() == 3)
    item = window.today.section_items()["not_visited"].child(0)
    window.today.tree.scrollToItem(item)
    where = window.today.tree.visualItemRect(item).center()
    qtbot.mouseClick(window.today.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(window.today.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.current_screen is screen
    assert fake_dialogs.opened == [("ResidentDialog", (), {"resident_id": town.ids["王淑芬"]})]
    # the filters were cleared so that the person is in the table, and selected
    assert screen.filters.search.text() == ""
    qtbot.waitUntil(lambda: screen.current_resident_id() == town.ids["王淑芬"] and window.ops.idle)
    assert screen.model.rowCount() == town.active


def enter_on_first(qtbot, window, section: str, name: str, screen) -> None:  # noqa: ANN001
    """Enter on the first item of a today section, ``name``'s: ``screen`` comes up, picked in the sidebar."""
    item = window.today.section_items()[section].child(0)
    assert item.text(0) == name
    window.today.tree.setCurrentItem(item)
    qtbot.keyClick(window.today.tree, Qt.Key.Key_Return)
    assert window.current_screen is screen
    assert window.sidebar.currentRow() == window.screens.index(screen)


def test_an_elder_without_caretaker_opens_on_the_care_screen(qtbot, window, town, fake_dialogs) -> None:  # noqa: ANN001
    """无包保人的老人 → 包保关怀 with the elder selected, 指定包保人 ready (not the resident's form,
    which has no way to assign a caretaker)."""
    fake_dialogs.accept = False
    wang = town.ids["王淑芬"]
    window.care.only_missing.setChecked(True)
    enter_on_first(qtbot, window, "no_caretaker", "王淑芬", window.care)
    qtbot.waitUntil(lambda: window.care.current_elder_id() == wang and window.ops.idle)
    assert window.care.tabs.currentIndex() == 0 and window.care.assign_action.isEnabled()
    assert fake_dialogs.opened == []


def test_an_overdue_visit_opens_the_health_record(qtbot, window, town) -> None:  # noqa: ANN001
    from chang_shan.health.profiles import save_profile
    from chang_shan.health.shapes import ConditionInput, ProfileInput

    zhang = town.ids["张立春"]
    profile = ProfileInput(conditions=[ConditionInput(code="2", on_date=date(2015, 1, 1))])  # 高血压, never visited
    window.ops.change("编辑健康档案 张立春", lambda s: save_profile(s, zhang, profile, expected_version=None))
    qtbot.waitUntil(lambda: window.today.section_items()["overdue_visits"].childCount() == 1 and window.ops.idle)
    enter_on_first(qtbot, window, "overdue_visits", "张立春", window.health)
    qtbot.waitUntil(lambda: window.health.current_resident_id() == zhang and window.ops.idle)
    assert window.health.selected_id() == zhang


def test_without_health_permission_a_health_item_opens_the_resident(qtbot, db, operations, town,  # noqa: ANN001
                                                                    fake_dialogs) -> None:
    from chang_shan.accounts.permissions import actor_for

    fake_dialogs.accept = False
    db.actor = actor_for("worker", "社区工作者")
    win = MainWindow(operations)
    qtbot.addWidget(win)
    win.start()
    win.show()
    qtbot.waitUntil(lambda: win.today.today_list is not None and operations.idle)
    assert "overdue_visits" not in win.today.section_items()
    assert [win.sidebar.item(i).text() for i in range(win.sidebar.count())] == LEDGERS  # 居民健康库 too
    win.today.openRequested.emit("health", town.ids["李桂兰"])
    assert win.current_screen is win.population
    assert fake_dialogs.opened == [("ResidentDialog", (), {"resident_id": town.ids["李桂兰"]})]
    win.show_screen(win.health)
    assert win.health.note.isVisible() and win.health.current_resident_id() is None
    win.show_screen(win.wills)  # the entry stays, saying what is needed; nothing is read
    assert win.wills.note.isVisible() and win.status_text.text() == "遗嘱库：需要遗嘱库权限"


def test_the_governance_ledgers_are_real_screens(qtbot, window) -> None:  # noqa: ANN001
    """党建与志愿者 and 议事调解与物业 (issues 10 and 11) are no placeholders any more: each opens on
    its first tab, which loads and says what it shows; Ctrl+N is the tab's own 新建 there."""
    for row, title in enumerate(LATER, start=len(LEDGERS) - len(LATER)):
        window.sidebar.setCurrentRow(row)
        screen = window.current_screen
        assert not isinstance(screen, PlaceholderScreen)
        assert screen.title == title
        assert screen.tabs.count() >= 5 and screen.tabs.isVisible()
        qtbot.waitUntil(lambda screen=screen, title=title: window.ops.idle
                        and window.status_text.text().startswith(f"{title}·"))
        assert NOT_YET not in window.status_text.text()
        assert not window.open_action.isEnabled() and window.find_action.isEnabled()
        assert not window.new_action.isEnabled()  # Ctrl+N belongs to the screen's tab
    assert [window.party.tabs.tabText(i) for i in range(window.party.tabs.count())] == [
        "党组织", "党员", "主题党日", "志愿服务队", "志愿者", "服务记录", "积分兑换", "年度排行"]
    window.sidebar.setCurrentRow(1)
    assert window.current_screen is window.population and window.open_action.isEnabled()


def test_a_will_opens_on_the_will_registry(qtbot, window, town) -> None:  # noqa: ANN001
    from chang_shan.wills import registry
    from chang_shan.wills.shapes import WillInput

    data = WillInput(testator_id=town.ids["王淑芬"], form="自书", made_on=date(2024, 3, 1), cabinet="A-01",
                     file_number="0001", checks_confirmed=True)
    with window.ops.db.transaction("登记遗嘱", actor=SYSTEM) as s:
        will_id = registry.register_will(s, data).id
    window.open_record("will", will_id)
    assert window.current_screen is window.wills
    qtbot.waitUntil(lambda: window.wills.current_detail() is not None and window.ops.idle)
    assert window.wills.current_will_id() == will_id
    assert window.wills.detail_panel.values["testator"].text().startswith("王淑芬")
    assert window.new_action.isEnabled() is False  # Ctrl+N is 登记遗嘱 here


def test_ctrl_f_focuses_search_from_anywhere(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.sidebar.setCurrentRow(3)
    window.sidebar.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen is window.population
    qtbot.waitUntil(lambda: window.population.filters.search.hasFocus())


def test_ctrl_f_on_the_health_screen_searches_there(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_screen(window.health)
    window.health.search.setText("zhang")
    window.sidebar.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen is window.health  # not thrown over to 万家数据库
    qtbot.waitUntil(lambda: window.health.search.hasFocus())
    assert window.health.search.selectedText() == "zhang"  # typing replaces the last search


def test_ctrl_n_on_the_health_screen_is_a_new_visit(qtbot, window, town, fake_dialogs) -> None:  # noqa: ANN001
    window.open_record("health", town.ids["张立春"])
    qtbot.waitUntil(lambda: window.health.current_resident_id() == town.ids["张立春"] and window.ops.idle)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.health.tabs.setFocus()  # the screen's shortcuts work where its widgets have the focus
    qtbot.waitUntil(window.health.tabs.hasFocus)
    qtbot.keyClick(window.health.tabs, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.health.dialog is not None)
    assert type(window.health.dialog).__name__ == "VisitDialog"
    assert fake_dialogs.opened == []  # not 新增居民
    window.health.dialog.reject()
    window.show_screen(window.population)
    assert window.new_action.isEnabled()


def test_ctrl_n_opens_a_new_resident(qtbot, window, fake_dialogs) -> None:  # noqa: ANN001
    fake_dialogs.accept = False
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert [name for name, _a, _k in fake_dialogs.opened] == ["ResidentDialog"]
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"


def test_undo_menu_names_the_action_and_undoes_it(qtbot, window, town, boxes) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.undo_action.text() == "撤销：登记迁出 孙迁走")
    assert window.undo_action.isEnabled()

    def rename(session) -> None:  # noqa: ANN001
        data = residents.resident_detail(session, town.ids["张伟"]).as_input()
        data.name = "张大伟"
        residents.update_resident(session, town.ids["张伟"], data)

    window.ops.change("修改居民 张伟", rename)
    qtbot.waitUntil(lambda: window.undo_action.text() == "撤销：修改居民 张伟")
    screen = window.population
    qtbot.waitUntil(lambda: "张大伟" in [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())])

    window.undo_action.trigger()
    assert boxes.asked and "修改居民 张伟" in boxes.asked[-1]
    qtbot.waitUntil(lambda: "张伟" in [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())])
    qtbot.waitUntil(lambda: window.undo_action.text() == "撤销：登记迁出 孙迁走")
    with window.ops.db.reader() as s:
        assert residents.resident_detail(s, town.ids["张伟"]).name == "张伟"


def test_undo_declined_changes_nothing(qtbot, window, town, boxes) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.undo_action.text() == "撤销：登记迁出 孙迁走")
    boxes.answer = False
    window.undo_action.trigger()
    qtbot.wait(100)
    assert window.ops.idle
    assert window.undo_action.text() == "撤销：登记迁出 孙迁走"
    with window.ops.db.reader() as s:
        assert residents.resident_detail(s, town.ids["孙迁走"]).status == "已迁出"


def test_undo_disabled_when_nothing_to_undo(qtbot, db, operations) -> None:  # noqa: ANN001
    win = MainWindow(operations)
    qtbot.addWidget(win)
    win.start()
    qtbot.waitUntil(lambda: operations.idle)
    assert win.undo_action.text() == "撤销"
    assert not win.undo_action.isEnabled()
    assert win.population.model.rowCount() == 0
    assert win.population.filters.count.text() == "共 0 人"


def test_font_size_menu(qtbot, window) -> None:  # noqa: ANN001
    app = QApplication.instance()
    before = app.font().pointSize()
    try:
        app.setFont(app_module.ui_font(12))
        window.bigger_action.trigger()
        assert app.font().pointSize() == 13
        window.smaller_action.trigger()
        window.smaller_action.trigger()
        assert app.font().pointSize() == 11
        for _ in range(20):
            window.smaller_action.trigger()
        assert app.font().pointSize() == 10  # never unreadably small
    finally:
        font = app.font()
        font.setPointSize(before)
        app.setFont(font)


def test_errors_from_the_worker_are_shown_in_chinese(qtbot, window, boxes) -> None:  # noqa: ANN001
    from chang_shan.errors import DomainError

    def refuse(_session) -> None:  # noqa: ANN001
        raise DomainError("该居民已迁出，不能再修改在册信息。")

    def crash(_session) -> None:  # noqa: ANN001
        raise ZeroDivisionError("bug")

    window.ops.change("修改居民", refuse, parent=window)
    qtbot.waitUntil(lambda: len(boxes.shown) == 1)
    assert boxes.shown[0] == ("warning", "无法完成", "该居民已迁出，不能再修改在册信息。")
    window.ops.query(crash, success=lambda _r: None, parent=window)
    qtbot.waitUntil(lambda: len(boxes.shown) == 2)
    assert boxes.shown[1][:2] == ("critical", "程序出错")


# --- start-up (app.py) ---------------------------------------------------------------------------


def test_font_families_cover_rare_characters(qapp) -> None:  # noqa: ANN001
    font = app_module.ui_font()
    assert font.families()[0] == "Noto Sans CJK SC"
    assert {"HanaMinA", "HanaMinB", "BabelStone Han"} <= set(font.families())
    assert 11 <= font.pointSize() <= 14
    installed = [f for f in app_module.FONT_FAMILIES if f in QFontDatabase.families()]
    if not installed:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk fonts-hanazono)")
    from PySide6.QtGui import QFont

    assert any(QFontMetrics(QFont(f)).inFontUcs4(ord("张")) for f in installed)
    covering = [f for f in installed if QFontMetrics(QFont(f)).inFontUcs4(0x20000)]
    if not covering:
        pytest.skip("no font with CJK Extension B installed (Debian: fonts-hanazono)")
    assert covering  # 𠀀 (U+20000) has a font in the fallback list


def test_second_instance_is_refused(qapp, db, boxes) -> None:  # noqa: ANN001
    # ``db`` holds the data folder, as a first window would.
    code = app_module.run_gui(db.data_dir, exec_loop=False)
    assert code == app_module.EXIT_REFUSED != 0
    assert len(boxes.shown) == 1
    kind, title, text = boxes.shown[0]
    assert (kind, title) == ("critical", "长山已在运行")
    assert "已经在使用这个数据文件夹" in text


def test_newer_database_is_refused(qapp, data_dir, boxes) -> None:  # noqa: ANN001
    Database.open(data_dir).close()
    with sqlite3.connect(data_dir.database) as con:
        con.execute("update alembic_version set version_num = '9999_from_the_future'")
    code = app_module.run_gui(data_dir, exec_loop=False)
    assert code == app_module.EXIT_REFUSED
    kind, title, text = boxes.shown[0]
    assert title == "需要更新版本的程序"
    assert "更新版本" in text
    # the folder was not left locked
    Database.open(data_dir, migrate=False).close()


def test_refusal_messages() -> None:
    from chang_shan.errors import AlreadyRunning, EnvironmentProblem, NewerDatabase

    assert app_module.refusal_message(AlreadyRunning("x"))[0] == "长山已在运行"
    assert app_module.refusal_message(NewerDatabase("x"))[0] == "需要更新版本的程序"
    assert app_module.refusal_message(EnvironmentProblem("磁盘已满"))[1] == "磁盘已满"
    assert "权限" in app_module.refusal_message(PermissionError(13, "权限不够", "/x"))[1]


def test_run_gui_opens_the_window(qtbot, data_dir) -> None:  # noqa: ANN001
    from tests.ui.conftest import build_town

    with Database.open(data_dir) as db:
        db.actor = SYSTEM
        town = build_town(db)
    assert app_module.run_gui(data_dir, exec_loop=False, actor=SYSTEM) == 0
    window = app_module.current_window
    try:
        assert window is not None and window.isVisible()
        qtbot.waitUntil(lambda: window.population.model.rowCount() == town.active)
        assert window.population.model.index(0, 0).data()
    finally:
        app_module.close_gui(window)
    Database.open(data_dir).close()  # the lock was released


def test_wants_demo_only_on_a_fresh_folder(db, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    assert app_module.wants_demo(db)
    monkeypatch.setenv(app_module.NO_DEMO_ENV, "1")
    assert not app_module.wants_demo(db)
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    app_module.mark_demo_declined(db)
    assert not app_module.wants_demo(db)


def test_wants_no_demo_when_data_exists(db, town, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    assert not app_module.wants_demo(db)


def test_first_start_builds_the_demo_under_a_progress_dialog(qtbot, data_dir, monkeypatch) -> None:  # noqa: ANN001
    import chang_shan.demo.builder as builder
    from tests.ui.conftest import build_town

    reports = []

    def fake_build(db, *, scale=1, progress=None, **_kw):  # noqa: ANN001, ANN202
        assert scale == 1
        for step in range(3):
            progress(step, 3, f"第 {step + 1} 步")
            reports.append(step)
        build_town(db)
        progress(3, 3, "完成")
        return None

    monkeypatch.setattr(builder, "build_demo", fake_build)
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    assert app_module.run_gui(data_dir, exec_loop=False, actor=SYSTEM) == 0
    window = app_module.current_window
    try:
        qtbot.waitUntil(lambda: window.population.model.rowCount() == 7, timeout=10000)
        assert reports == [0, 1, 2]
        assert "演示社区" in window.statusBar().currentMessage()
    finally:
        app_module.close_gui(window)


def test_cancelling_the_demo_is_remembered(qtbot, data_dir, monkeypatch) -> None:  # noqa: ANN001
    import chang_shan.demo.builder as builder
    from chang_shan.ui.progress_dialog import ProgressDialog

    started = []

    def slow_build(db, *, progress=None, **_kw):  # noqa: ANN001, ANN202
        started.append(True)
        for step in range(500):
            progress(step, 500, "")
            time.sleep(0.01)
        raise AssertionError("should have been cancelled")

    monkeypatch.setattr(builder, "build_demo", slow_build)
    monkeypatch.delenv(app_module.NO_DEMO_ENV)
    assert app_module.run_gui(data_dir, exec_loop=False, actor=SYSTEM) == 0
    window = app_module.current_window
    try:
        qtbot.waitUntil(lambda: bool(started))
        dialogs = window.findChildren(ProgressDialog)
        assert len(dialogs) == 1
        from PySide6.QtWidgets import QPushButton

        qtbot.waitUntil(lambda: dialogs[0].isVisible())
        buttons = [b for b in dialogs[0].findChildren(QPushButton) if b.text() == "取消"]
        assert len(buttons) == 1
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.ops.idle, timeout=10000)
        assert "已取消" in window.statusBar().currentMessage()
        assert not app_module.wants_demo(window.ops.db)  # not again on the next start
    finally:
        app_module.close_gui(window)


def test_progress_reporter_cancels_in_the_worker() -> None:
    from chang_shan.ui.ops import ProgressReporter

    seen = []
    reporter = ProgressReporter(lambda d, t, x: seen.append((d, t, x)), interval=0)
    reporter(1, 10, "a")
    reporter.cancel()
    with pytest.raises(Cancelled):
        reporter(2, 10, "b")
    assert seen == [(1, 10, "a")]


def test_data_dir_path_shown(window) -> None:  # noqa: ANN001
    assert window.folder_text.text() == f"数据文件夹：{window.ops.db.data_dir.root}"


def test_font_size_is_remembered(qtbot, data_dir) -> None:  # noqa: ANN001
    app = QApplication.instance()
    before = app.font()
    try:
        assert app_module.run_gui(data_dir, exec_loop=False, actor=SYSTEM) == 0
        window = app_module.current_window
        size = app.font().pointSize()
        assert size == app_module.BASE_POINT_SIZE
        window.bigger_action.trigger()
        window.bigger_action.trigger()
        qtbot.waitUntil(lambda: window.ops.idle)
        app_module.close_gui(window)
        app.setFont(before)
        assert app_module.run_gui(data_dir, exec_loop=False, actor=SYSTEM) == 0
        assert app.font().pointSize() == size + 2  # the next start uses the chosen size
        app_module.close_gui(app_module.current_window)
    finally:
        app.setFont(before)


def test_disk_trouble_is_told_plainly_not_as_a_bug() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from chang_shan.ui.ops import describe_error

    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert describe_error(full) == ("critical", "无法访问数据", "磁盘已满，数据没有写入。请清理磁盘空间后再试。")
    locked = OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))
    assert "稍后再试" in describe_error(locked)[2]
    assert describe_error(sqlite3.OperationalError("no such table: x"))[1] == "程序出错"  # a bug
    assert describe_error(ValueError("x"))[1] == "程序出错"


def test_nothing_runs_after_shutdown(qapp, db) -> None:  # noqa: ANN001
    from chang_shan.ui.ops import Operations

    ops = Operations(db)
    ops.shutdown()
    ran = []
    future = ops.query(lambda _s: ran.append(1), success=ran.append)
    qapp.processEvents()
    assert future.cancelled() and ran == [] and ops.idle


def test_a_damaged_database_is_refused_plainly(qapp, data_dir, boxes) -> None:  # noqa: ANN001
    data_dir.ensure()
    data_dir.database.write_bytes(b"this is not SQLite at all, just some text" * 100)
    assert app_module.run_gui(data_dir, exec_loop=False) == app_module.EXIT_REFUSED
    kind, title, text = boxes.shown[0]
    assert (kind, title) == ("critical", "无法访问数据")
    assert "损坏" in text
    Database.open(data_dir, migrate=False).close()  # the lock was released


def test_party_and_loan_items_of_the_today_list_open_their_records(qtbot, window, town) -> None:  # noqa: ANN001
    from decimal import Decimal

    from chang_shan.fees import loans
    from chang_shan.fees.shapes import LoanInput
    from chang_shan.party import members, orgs
    from chang_shan.party.shapes import MemberInput

    with window.ops.db.transaction("党员和借款", actor=SYSTEM) as s:
        committee = orgs.create_org(s, level="党委", name="长山社区党委", parent_id=None)
        branch = orgs.create_org(s, level="党支部", name="第一网格党支部", parent_id=committee)
        member_id = members.add_member(s, MemberInput(resident_id=town.ids["王淑芬"], org_id=branch,
                                                      joined_on=date(1975, 7, 1)))
        loan_id = loans.lend(s, LoanInput(borrower_id=town.ids["李桂兰"], amount=Decimal("3000"), purpose="开小卖店",
                                          lent_on=date(2025, 1, 5), due_on=date(2025, 12, 31),
                                          approved_by="两委会议"))
    window.open_record("party_member", member_id)
    assert window.current_screen is window.party and window.party.current_tab() is window.party.members
    qtbot.waitUntil(lambda: window.party.members.current_id() == member_id and window.ops.idle)
    window.open_record("loan", loan_id)
    assert window.current_screen is window.governance
    assert window.governance.current_tab() is window.governance.loans_tab
    qtbot.waitUntil(lambda: window.governance.loans_tab.current_key() == loan_id and window.ops.idle)
