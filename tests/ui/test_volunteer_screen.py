"""The 党建与志愿者 screen's volunteer tabs driven with qtbot on a real database: a service
record entered, confirmed and counted (the balance follows), a record sent back with its reason,
volunteers registered (a resident through the search, a student), the redemption counter (too few
points: the service's message and nothing written; enough: balance and stock go down and the
receipt opens), and what a read-only account gets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerRedemption,
    VolunteerRewardItem,
    VolunteerService,
)
from chang_shan.ui.screens.party import PartyScreen
from tests.ui.party_desk import DAY, PartyDesk, add_users, as_user, party_desk, wait_idle  # noqa: F401

pytestmark = pytest.mark.gui


def open_screen(qtbot, operations, tab: str) -> PartyScreen:  # noqa: ANN001
    screen = PartyScreen(operations)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.show_tab(getattr(screen, tab))
    screen.start()
    wait_idle(qtbot, screen)
    return screen


def balance(db, volunteer_id: int) -> int:  # noqa: ANN001
    with db.reader(actor=SYSTEM) as s:
        return s.get(Volunteer, volunteer_id).points_balance


def stock(db, item_id: int) -> int:  # noqa: ANN001
    with db.reader(actor=SYSTEM) as s:
        return s.get(VolunteerRewardItem, item_id).stock


def test_a_service_confirmed_counts_its_points(qtbot, operations, party_desk: PartyDesk, db, boxes) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "services")
    tab = screen.services
    assert tab.status.currentData() == "待确认"  # what needs doing first
    assert [r.id for r in tab.model.rows] == [party_desk.service]
    assert tab.count.text() == "共 1 条，2.5 小时，待确认 1 条"
    assert not tab.confirm_action.isEnabled()
    tab.select_id(party_desk.service)
    assert tab.confirm_action.isEnabled() and tab.return_action.isEnabled()
    li = party_desk.volunteer["李桂兰"]
    assert balance(db, li) == 0  # not before it is confirmed
    assert tab.confirm_selected()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: tab.model.rows == [])  # no longer 待确认
    assert balance(db, li) == 30  # 10 a hour × 2.5 = 25, + 5 a service
    with db.reader(actor=SYSTEM) as s:
        assert s.get(VolunteerService, party_desk.service).status == "已确认"
    tab.status.setCurrentIndex(tab.status.findData("已确认"))
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(tab.model.rows) == 1)
    assert tab.model.index(0, 8).data() == "30"  # the points it earned

    screen.show_tab(screen.volunteers)
    wait_idle(qtbot, screen)
    volunteers = screen.volunteers
    assert volunteers.select_id(li), [r.id for r in volunteers.model.rows]
    qtbot.waitUntil(lambda: volunteers.ops.idle)
    assert not boxes.shown
    qtbot.waitUntil(lambda: volunteers.detail is not None)
    assert "积分余额 <b>30</b>" in volunteers.facts.text()
    assert volunteers.ledger.item(0, 2).text() == "+30" and volunteers.ledger.item(0, 3).text() == "30"


def test_a_service_entered_then_sent_back(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "services")
    tab = screen.services
    dialog = tab.new_service()
    dialog.picker.search.setText("陈晓")
    dialog.picker.search_now()
    assert dialog.picker.current() is not None and dialog.picker.current().name == "陈晓"
    dialog.kind.setEditText("关爱老人")
    dialog.content.setPlainText("陪王淑芬去医院复查")
    dialog.place.setText("吉林大学第一医院")
    dialog.hours.setText("30")
    assert not dialog.save()  # the service's message under the field, nothing written
    assert dialog.form_.error_text("hours")
    dialog.hours.setText("3")
    assert dialog.save(), (dialog.banner_text(), dialog.form_.errors_shown(), dialog.collect_errors())
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(tab.model.rows) == 2)
    new = next(r for r in tab.model.rows if r.volunteer_name == "陈晓")
    tab.select_id(new.id)
    back = tab.return_selected()
    assert not back.save() and back.form_.error_text("reason") == "请写明退回的原因。"
    back.reason.setText("时长含路上时间，请核实后重报")
    assert back.save()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows] == [party_desk.service])
    with db.reader(actor=SYSTEM) as s:
        returned = s.get(VolunteerService, new.id)
        assert (returned.status, returned.return_reason) == ("已退回", "时长含路上时间，请核实后重报")
        assert s.scalar(select(func.count()).select_from(VolunteerPointEntry)) == 0


def test_volunteers_registered(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "volunteers")
    tab = screen.volunteers
    dialog = tab.new_volunteer()
    assert not dialog.form_.label_of("name").isVisibleTo(dialog)  # a resident brings their own name
    assert not dialog.save()
    assert "请查找并选中要登记的居民" in dialog.form_.error_text("resident_id")
    dialog.picker.search.setText("张𠀀春")
    dialog.picker.search_now()
    dialog.skills.setText("理发")
    assert dialog.save(), (dialog.banner_text(), dialog.form_.errors_shown(), dialog.collect_errors())
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: "张𠀀春" in [r.name for r in tab.model.rows])
    assert tab.current().name == "张𠀀春"

    student = tab.new_volunteer()
    student.kind.setCurrentIndex(student.kind.findData("大学生"))
    assert student.form_.label_of("school").isVisibleTo(student)
    student.name.setText("周一鸣")
    student.sex.setCurrentIndex(student.sex.findData("1"))
    student.school.setText("吉林大学")
    student.enrolment.setValue(2024)
    assert student.save(), (student.banner_text(), student.form_.errors_shown(), student.collect_errors())
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: "周一鸣" in [r.name for r in tab.model.rows])
    assert tab.count.text() == "共 4 人（居民 2，大学生 2）"


def confirm_service(db, desk: PartyDesk) -> None:  # noqa: ANN001
    from chang_shan.volunteers import service_records

    with db.transaction("确认", actor=SYSTEM) as s:
        service_records.confirm(s, desk.service, None, today=DAY)


def choose(qtbot, counter, name: str) -> None:  # noqa: ANN001
    counter.picker.search.setText(name)
    counter.picker.search_now()
    qtbot.waitUntil(lambda: counter.ops.idle and counter.picker.current() is not None)


def test_redeeming_too_much_is_refused_and_nothing_written(qtbot, operations, party_desk: PartyDesk, db,  # noqa: ANN001
                                                         boxes, monkeypatch) -> None:  # noqa: ANN001
    from chang_shan.ui.reports import dialog as reports_dialog

    opened = []
    monkeypatch.setattr(reports_dialog, "open_reports", lambda *args: opened.append(args))
    confirm_service(db, party_desk)  # 30 points
    screen = open_screen(qtbot, operations, "counter")
    counter = screen.counter.counter
    choose(qtbot, counter, "李桂兰")
    assert "积分余额：<b>30</b> 分" in counter.balance.text()
    counter.set_quantity(party_desk.items["大米"], 1)  # 50 points
    assert "积分不足，还差 20 分" in counter.total.text()
    assert counter.redeem()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: bool(boxes.shown))
    kind, title, text = boxes.shown[-1]
    assert (kind, title) == ("warning", "无法完成")
    assert text == "积分不足：李桂兰（CSV-00001）现有积分 30，本次兑换需要 50 分。"
    assert balance(db, party_desk.volunteer["李桂兰"]) == 30 and stock(db, party_desk.items["大米"]) == 3
    with db.reader(actor=SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(VolunteerRedemption)) == 0
    assert opened == []  # no receipt


def test_redeeming_updates_balance_and_stock_and_prints(qtbot, operations, party_desk: PartyDesk, db,  # noqa: ANN001
                                                       monkeypatch) -> None:  # noqa: ANN001
    from chang_shan.ui.reports import dialog as reports_dialog

    opened = []
    monkeypatch.setattr(reports_dialog, "open_reports", lambda _p, _o, report, options: opened.append((report, options)))
    confirm_service(db, party_desk)  # 30 points
    screen = open_screen(qtbot, operations, "counter")
    counter = screen.counter.counter
    choose(qtbot, counter, "李桂兰")
    counter.set_quantity(party_desk.items["洗衣液"], 1)  # 30 points
    assert "合计 <b>30</b> 分，兑换后余额 0 分" in counter.total.text()
    assert counter.redeem()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == [("redemption_receipt", {"receipt": "DH2026-0001"})]
    assert balance(db, party_desk.volunteer["李桂兰"]) == 0 and stock(db, party_desk.items["洗衣液"]) == 9
    qtbot.waitUntil(lambda: counter.ops.idle and "积分余额：<b>0</b> 分" in counter.balance.text())
    assert counter.quantities() == {}  # cleared for the next one
    qtbot.waitUntil(lambda: counter.recent.rowCount() == 1)
    assert counter.recent.item(0, 0).text() == "DH2026-0001" and counter.recent.item(0, 2).text() == "洗衣液×1"
    goods = {counter.goods.item(r, 0).text(): counter.goods.item(r, 2).text() for r in range(counter.goods.rowCount())}
    assert goods["洗衣液"] == "9 桶"


def test_the_catalogue_and_rules(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, operations, "counter")
    screen.counter.tabs.setCurrentWidget(screen.counter.catalogue)
    catalogue = screen.counter.catalogue
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(catalogue.model.rows) == 2)
    catalogue.select_id(party_desk.items["大米"])
    restock = catalogue.restock()
    restock.quantity.setValue(7)
    assert restock.save()
    wait_idle(qtbot, screen)
    assert stock(db, party_desk.items["大米"]) == 10
    screen.counter.tabs.setCurrentWidget(screen.counter.rules)
    rules = screen.counter.rules
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(rules.model.rows) == 1)
    assert rules.model.index(0, 1).data() == "每小时 10 分 + 每次 5 分"
    rule = rules.new_rule()
    rule.kind.setEditText("清雪")
    rule.per_hour.setValue(15)
    assert rule.save(), rule.banner_text() or rule.form_.errors_shown()
    wait_idle(qtbot, screen)
    qtbot.waitUntil(lambda: len(rules.model.rows) == 2)


def test_the_ranking(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    confirm_service(db, party_desk)
    screen = open_screen(qtbot, operations, "ranking")
    tab = screen.ranking
    assert [tab.model.index(0, c).data() for c in (0, 2, 5, 6)] == ["1", "李桂兰", "2.5", "30"]
    assert tab.count.text() == "2026 年前 1 名，共 2.5 小时"


def test_a_read_only_account_cannot_redeem_or_confirm(qtbot, operations, party_desk: PartyDesk, db) -> None:  # noqa: ANN001
    add_users(db)
    as_user(db, "viewer")
    screen = open_screen(qtbot, operations, "services")
    assert not screen.services.confirm_action.isVisible() and not screen.services.new_action.isVisible()
    screen.services.select_id(party_desk.service)
    assert not screen.services.confirm_selected()
    screen.show_tab(screen.counter)
    wait_idle(qtbot, screen)
    counter = screen.counter.counter
    assert not counter.redeem_button.isVisible()
    choose(qtbot, counter, "李桂兰")
    assert not counter.redeem()
    with db.reader(actor=SYSTEM) as s:
        assert s.get(VolunteerService, party_desk.service).status == "待确认"
    assert Decimal("2.5") == screen.services.model.rows[0].hours
