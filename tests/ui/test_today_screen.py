"""今日待办 on a real database: the small community, a health profile, a visit and a caretaker
written through the services; the list built on the worker, the date line, opening an item, and
the 久未走访 days in 工具 → 设置."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from chang_shan.accounts.permissions import actor_for
from chang_shan.care.assignments import assign_caretaker
from chang_shan.db.database import Database
from chang_shan.health.profiles import save_profile
from chang_shan.health.shapes import ConditionInput, ProfileInput, VisitInput
from chang_shan.health.visits import record_visit
from chang_shan.population import residents
from chang_shan.settings import get_setting
from chang_shan.ui.screens.today import TodayScreen, date_line
from tests.population.community import KUANCHENG, Community, build_community, id_number, person

pytestmark = pytest.mark.gui

ON = date(2026, 11, 21)  # a Saturday


@pytest.fixture
def place(db: Database) -> tuple[Community, int]:
    """The community on ``ON``: 张立春 has 高血压 and a follow-up due on 30 August (83 days late),
    李桂兰 has 糖尿病 and was never visited, 王淑芬 (lone) was visited ten days ago and is cared for
    by 张伟, 陈秀英 turns 90 on 25 November."""
    town = build_community(db)
    with db.transaction("测试数据") as s:
        chen = residents.register_resident(
            s, person(town.h102, "陈秀英", id_number(KUANCHENG, date(1936, 11, 25), 62), "02"), on_date=date(2020, 5, 1))
        for resident_id, code in ((town.zhang, "2"), (town.li, "3")):
            profile = ProfileInput(conditions=[ConditionInput(code=code, on_date=date(2015, 1, 1))])
            save_profile(s, resident_id, profile, expected_version=None)
        record_visit(s, town.zhang, VisitInput(visited_on=date(2026, 6, 1), purpose="随访", visitor="社区医生",
                                               next_due_on=date(2026, 8, 30)), today=ON)
        record_visit(s, town.wang, VisitInput(visited_on=date(2026, 11, 11), purpose="关怀", visitor="张伟"), today=ON)
        assign_caretaker(s, town.wang, town.son, date(2026, 1, 1))
    return town, chen


def open_screen(qtbot, operations) -> TodayScreen:  # noqa: ANN001
    screen = TodayScreen(operations, today=lambda: ON)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    screen.start()
    qtbot.waitUntil(lambda: screen.today_list is not None and operations.idle)
    return screen


def rows(screen: TodayScreen, key: str) -> list[tuple[str, str, str]]:
    section = screen.section_items()[key]
    return [tuple(section.child(i).text(c) for c in range(3)) for i in range(section.childCount())]


def test_sections_counts_and_items(qtbot, operations, place) -> None:  # noqa: ANN001
    town, chen = place
    screen = open_screen(qtbot, operations)
    assert screen.date_label.text() == date_line(ON) == "2026年11月21日 星期六"
    assert not screen.today_button.isEnabled()  # already on today
    assert not screen.busy.isVisible()
    headers = [screen.tree.topLevelItem(r) for r in range(screen.tree.topLevelItemCount())]
    assert [h.text(0) for h in headers][:4] == ["逾期随访（2）", "久未走访：无", "本月高龄生日（1）", "无包保人的老人：无"]
    assert headers[1].text(1) == "超过 30 天未走访的独居或需照护老人"  # the section's note
    sections = screen.section_items()
    assert sections["overdue_visits"].font(0).bold()
    assert sections["overdue_visits"].isExpanded() and not sections["not_visited"].childCount()
    # the most overdue first: 83 days, then 李桂兰 who was never visited
    assert rows(screen, "overdue_visits") == [
        ("张立春", "高血压随访 逾期 83 天（应于 2026-08-30）", "2026-08-30"),
        ("李桂兰", "糖尿病随访 尚无随访记录", ""),
    ]
    assert rows(screen, "birthdays") == [("陈秀英", "11月25日 90 岁生日", "2026-11-25")]
    assert screen.overview.text().startswith("共 <b>3</b> 项：")


def test_double_click_and_enter_open_the_target(qtbot, operations, place) -> None:  # noqa: ANN001
    town, chen = place
    screen = open_screen(qtbot, operations)
    zhang = screen.section_items()["overdue_visits"].child(0)
    screen.tree.scrollToItem(zhang)
    where = screen.tree.visualItemRect(zhang).center()
    with qtbot.waitSignal(screen.openRequested) as opened:
        qtbot.mouseClick(screen.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(screen.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == ["health", town.zhang]

    birthday = screen.section_items()["birthdays"].child(0)
    screen.tree.setCurrentItem(birthday)
    with qtbot.waitSignal(screen.openRequested) as opened:
        qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    assert opened.args == ["resident", chen]

    # Enter on a section header opens or closes it; it opens no record
    header = screen.section_items()["overdue_visits"]
    screen.tree.setCurrentItem(header)
    with qtbot.assertNotEmitted(screen.openRequested):
        qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    assert not header.isExpanded()


def test_changing_the_date_reloads(qtbot, operations, place) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations)
    qtbot.mouseClick(screen.previous_button, Qt.MouseButton.LeftButton)
    assert screen.date_label.text() == "2026年11月20日 星期五"
    assert screen.today_button.isEnabled()
    qtbot.waitUntil(lambda: screen.today_list.on_date == date(2026, 11, 20) and operations.idle)
    assert rows(screen, "overdue_visits")[0][1] == "高血压随访 逾期 82 天（应于 2026-08-30）"

    screen.set_date(date(2026, 12, 1))  # December: nobody turns 80, 90 or 100
    qtbot.waitUntil(lambda: screen.today_list.on_date == date(2026, 12, 1) and operations.idle)
    assert screen.section_items()["birthdays"].text(0) == "本月高龄生日：无"
    assert screen.date_label.text() == "2026年12月1日 星期二"

    qtbot.mouseClick(screen.today_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.today_list.on_date == ON and operations.idle)
    assert rows(screen, "birthdays")[0][0] == "陈秀英"
    assert not screen.today_button.isEnabled()


def test_a_saved_change_rebuilds_the_list(qtbot, operations, place) -> None:  # noqa: ANN001
    town, _chen = place
    screen = open_screen(qtbot, operations)
    operations.change("新增随访 李桂兰", lambda s: record_visit(
        s, town.li, VisitInput(visited_on=date(2026, 11, 20), purpose="随访", next_due_on=date(2027, 2, 18)), today=ON))
    qtbot.waitUntil(lambda: len(rows(screen, "overdue_visits")) == 1 and operations.idle)
    assert rows(screen, "overdue_visits")[0][0] == "张立春"
    assert screen.overview.text().startswith("共 <b>2</b> 项：")


def test_without_health_permission_there_is_no_overdue_section(qtbot, db, operations, place) -> None:  # noqa: ANN001
    db.actor = actor_for("worker", "社区工作者")
    screen = open_screen(qtbot, operations)
    assert list(screen.section_items())[:3] == ["not_visited", "birthdays", "no_caretaker"]
    assert "张立春" not in [screen.tree.topLevelItem(0).child(i).text(0)
                            for i in range(screen.tree.topLevelItem(0).childCount())]


def test_the_not_visited_days_are_a_setting(qtbot, db, operations, place) -> None:  # noqa: ANN001
    from chang_shan.ui.login.dialogs import IdleSettingsDialog

    town, _chen = place
    dialog = IdleSettingsDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.days.value() == 30
    assert (dialog.days.minimum(), dialog.days.maximum()) == (7, 365)
    dialog.days.setValue(7)
    assert dialog.save()
    with db.reader() as s:
        assert get_setting(s, "today.not_visited_days") == 7
    screen = open_screen(qtbot, operations)  # 王淑芬 was visited ten days ago
    assert [r[:2] for r in rows(screen, "not_visited")] == [("王淑芬", "独居老人 已 10 天未走访")]
    assert "超过 7 天未走访" in screen.section_items()["not_visited"].text(1)


def test_only_an_administrator_may_change_the_setting(qtbot, db, place) -> None:  # noqa: ANN001
    from chang_shan.ui.login.dialogs import IdleSettingsDialog

    db.actor = actor_for("admin0", "管理员")
    dialog = IdleSettingsDialog(db)
    qtbot.addWidget(dialog)
    db.actor = actor_for("worker", "社区工作者")  # lost the right while the dialog was open
    dialog.days.setValue(60)
    assert not dialog.save()
    assert "没有“修改设置”的权限" in dialog.message_text()
    with db.reader() as s:
        assert get_setting(s, "today.not_visited_days") == 30


def test_the_overview_jumps_to_a_section_and_choices_survive_a_reload(qtbot, operations, place) -> None:  # noqa: ANN001
    from chang_shan.accounts.permissions import Perm
    from chang_shan.today import register_section
    from chang_shan.today.registry import unregister_section
    from chang_shan.today.shapes import TodayItem

    town, _chen = place
    many = [TodayItem(town.zhang, "张立春", f"第 {n} 件", None, None, ("resident", town.zhang)) for n in range(80)]
    register_section("test_many", "很多事项", lambda _s, _on: many, order=15, perm=Perm.VIEW)
    try:
        screen = open_screen(qtbot, operations)
        # each link's characters are joined (U+2060, no-break spaces) so a line never breaks inside one
        shown = screen.overview.text().replace("\u2060", "").replace("\u00a0", " ")
        assert "\u2060" in screen.overview.text() and screen.overview.wordWrap()
        assert shown.startswith(  # (later ledgers' sections follow)
            '共 <b>83</b> 项：<a href="#overdue_visits" style="color: #1f3f66;">逾期随访 2</a>　·　'
            '<a href="#test_many" style="color: #1f3f66;">很多事项 80</a>　·　'
            '<span style="color: #777777;">久未走访 无</span>　·　'
            '<a href="#birthdays" style="color: #1f3f66;">本月高龄生日 1</a>　·　'
            '<span style="color: #777777;">无包保人的老人 无</span>')
        birthdays = screen.section_items()["birthdays"]
        assert not screen.tree.viewport().rect().intersects(screen.tree.visualItemRect(birthdays))  # below the fold
        screen.overview.linkActivated.emit("#birthdays")
        assert screen.tree.currentItem() is birthdays
        assert screen.tree.viewport().rect().contains(screen.tree.visualItemRect(birthdays))

        screen.section_items()["overdue_visits"].setExpanded(False)
        qtbot.mouseClick(screen.refresh_button, Qt.MouseButton.LeftButton)
        assert screen.busy.isVisible()
        qtbot.waitUntil(lambda: not screen.busy.isVisible() and operations.idle)
        sections = screen.section_items()
        assert not sections["overdue_visits"].isExpanded() and sections["test_many"].isExpanded()
    finally:
        unregister_section("test_many")


def test_every_office_setting_is_in_the_dialog_and_a_bad_one_keeps_all(qtbot, db, place) -> None:  # noqa: ANN001
    from decimal import Decimal

    from chang_shan.settings import SETTINGS
    from chang_shan.ui.login import store
    from chang_shan.ui.login.dialogs import IdleSettingsDialog

    dialog = IdleSettingsDialog(db)
    qtbot.addWidget(dialog)
    assert list(dialog.fields) == list(SETTINGS)
    assert dialog.fields["canteen.meal_price"].text() == "7.00"
    before_minutes = store.idle_minutes(db)
    dialog.minutes.setValue(before_minutes + 1)
    dialog.fields["canteen.meal_price"].setText("7.505")  # three decimals: refused
    dialog.fields["office.community_name"].setText("长山社区")
    dialog.days.setValue(45)
    assert not dialog.save()
    assert "最多两位小数" in dialog.form.error_text("canteen.meal_price")
    with db.reader() as s:  # nothing was kept
        assert get_setting(s, "today.not_visited_days") == 30
        assert get_setting(s, "office.community_name") == ""
    assert store.idle_minutes(db) == before_minutes
    dialog.fields["canteen.meal_price"].setText("7.5")
    assert dialog.save()
    with db.reader() as s:
        assert get_setting(s, "canteen.meal_price") == Decimal("7.50")
        assert get_setting(s, "office.community_name") == "长山社区"
        assert get_setting(s, "today.not_visited_days") == 45
    assert store.idle_minutes(db) == before_minutes + 1
