"""The badge register: numbers kept, prints recorded by version, stale badges found with what
changed (a contact's phone → 需重印 家属联系人), the register list and its filters, the history,
and the today section."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.badges import register, selection
from chang_shan.badges.shapes import BadgeChoice
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.db.models.badges import BadgePrint
from chang_shan.errors import DomainError, PermissionDenied
from chang_shan.settings import set_setting
from chang_shan.today.registry import build_today
from tests.badges.office import TODAY, ZHANG_CONTACTS, BadgeOffice, badge_files
from tests.badges.test_selection import consent, print_badges

NEW_PHONE = "13904319999"


def states(db: Database, ids: list[int], *, actor=SYSTEM) -> dict[int, tuple[str, tuple[str, ...]]]:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        return register.badge_states(s, ids, badge_files(db), today=TODAY)


def rows(db: Database, *, actor=SYSTEM, **filters: object) -> list:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        return register.register_rows(s, badge_files(db), today=TODAY, **filters)  # type: ignore[arg-type]


def change_phone(db: Database, resident_id: int) -> None:
    db.actor = SYSTEM
    with db.transaction("改电话") as s:
        changed = [ContactInput(ZHANG_CONTACTS[0].name, ZHANG_CONTACTS[0].relation, NEW_PHONE), *ZHANG_CONTACTS[1:]]
        contacts.set_contacts(s, resident_id, changed)


def test_a_changed_phone_makes_the_badge_stale(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.zhang, o.li])
    assert states(badge_db, [o.zhang, o.li, o.wang]) == {
        o.zhang: ("已是最新", ()), o.li: ("已是最新", ()), o.wang: ("未打印", ())}
    change_phone(badge_db, o.zhang)
    assert states(badge_db, [o.zhang, o.li]) == {o.zhang: ("需重印", ("家属联系人",)), o.li: ("已是最新", ())}
    badge_db.actor = SYSTEM
    with badge_db.reader() as s:
        zhang, li = selection.badge_data(s, [o.zhang, o.li], badge_files(badge_db))
    assert (zhang.number, zhang.version, zhang.number_text) == (1, 2, "00001-2")
    assert NEW_PHONE in [c.phone for c in zhang.contacts]
    assert (li.number, li.version) == (2, 1)  # unchanged: the same version again
    # the reprint is one click: the stale ones, printed, are up to date again
    with badge_db.reader() as s:
        assert selection.select_residents(s, BadgeChoice(changed_since=True), today=TODAY) == [o.zhang]
    print_badges(badge_db, [o.zhang], layout="card")
    assert states(badge_db, [o.zhang]) == {o.zhang: ("已是最新", ())}
    badge_db.actor = SYSTEM
    with badge_db.reader() as s:
        history = register.print_history(s, o.zhang)
    assert [(v, layout, by, out) for v, _at, layout, by, out in history] == [
        (2, "card", SYSTEM.username, "pdf"), (1, "sheet", SYSTEM.username, "pdf")]


def test_what_changed_is_named(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.wang, o.zhao])
    consent(badge_db, o.wang, include_address=True)
    assert states(badge_db, [o.wang, o.zhao]) == {o.wang: ("需重印", ("住址",)), o.zhao: ("已是最新", ())}
    badge_db.actor = SYSTEM
    with badge_db.transaction("社区电话") as s:
        set_setting(s, "office.hotline", "0431-85551000")
    assert states(badge_db, [o.wang, o.zhao]) == {o.wang: ("需重印", ("社区电话", "住址")),
                                                  o.zhao: ("需重印", ("社区电话",))}


def test_record_prints_needs_the_badge_rows(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    badge_db.actor = SYSTEM
    with pytest.raises(DomainError, match="未登记"):
        with badge_db.transaction("打印") as s:
            register.record_prints(s, selection.badge_data(s, [o.zhang], badge_files(badge_db)),
                                   layout="sheet", output="pdf")
    with badge_db.reader() as s:
        assert s.scalars(select(BadgePrint)).all() == []
    # a preview made before someone else printed a different content is not recorded as the same version
    print_badges(badge_db, [o.zhang])
    change_phone(badge_db, o.zhang)
    with badge_db.reader() as s:
        old_preview = selection.badge_data(s, [o.zhang], badge_files(badge_db))
    print_badges(badge_db, [o.zhang])
    change_phone_back = [ContactInput("张伟", "儿子", "13904318888")]
    with badge_db.transaction("再改") as s:
        contacts.set_contacts(s, o.zhang, change_phone_back)
    print_badges(badge_db, [o.zhang])  # version 3
    with pytest.raises(DomainError, match="重新预览"):
        with badge_db.transaction("打印") as s:
            register.record_prints(s, old_preview, layout="sheet", output="printer")


def test_record_prints_keeps_the_date_and_the_user(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    worker = o.actors["worker"]
    badge_db.actor = worker
    with badge_db.transaction("打印") as s:
        register.ensure_badges(s, [o.wang])
        data = selection.badge_data(s, [o.wang], badge_files(badge_db))
        assert register.record_prints(s, data, layout="label", output="printer",
                                      printed_at=datetime(2025, 1, 2, 9, 30)) == 1
    with badge_db.reader() as s:
        assert register.print_history(s, o.wang) == [(1, datetime(2025, 1, 2, 9, 30), "label", worker.username,
                                                      "printer")]
    grid_other = o.actors["grid_other"]
    badge_db.actor = grid_other
    with pytest.raises(PermissionDenied):
        with badge_db.transaction("打印") as s:
            register.record_prints(s, data, layout="sheet", output="pdf")
    with pytest.raises(PermissionDenied):
        with badge_db.transaction("编号") as s:
            register.ensure_badges(s, [o.wang])


def test_register_rows(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.zhang, o.wang, o.son])  # 张伟 is 46: in the register because he has a badge
    change_phone(badge_db, o.zhang)
    listed = rows(badge_db)
    assert [(r.resident_id, r.state) for r in listed] == [
        (o.zhang, "需重印"), (o.li, "未打印"), (o.zhao, "未打印"), (o.son, "已是最新"), (o.wang, "已是最新")]
    zhang = listed[0]
    assert (zhang.name, zhang.age, zhang.address, zhang.number, zhang.last_version, zhang.last_layout,
            zhang.prints, zhang.reasons) == ("张立春", 75, "3号楼1单元101", 1, 1, "sheet", 1, ("家属联系人",))
    li = listed[1]
    assert (li.number, li.last_version, li.last_printed_at, li.prints) == (None, None, None, 0)
    assert o.sun not in [r.resident_id for r in listed]  # died: not in the register
    assert [r.resident_id for r in rows(badge_db, state="未打印")] == [o.li, o.zhao]
    assert [r.resident_id for r in rows(badge_db, grid_id=o.town.grid2)] == [o.zhao]
    assert [r.resident_id for r in rows(badge_db, text="张")] == [o.zhang, o.son]
    assert [r.resident_id for r in rows(badge_db, text="wangshu")] == [o.wang]
    assert [r.resident_id for r in rows(badge_db, text="301")] == [o.wang]
    assert [r.resident_id for r in rows(badge_db, text="00003")] == [o.son]


def test_register_scope(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    own = o.actors["grid_own"]
    assert [r.resident_id for r in rows(badge_db, actor=own)] == [o.li, o.zhang, o.wang]
    assert rows(badge_db, actor=o.actors["reader"])  # reading the register needs only Perm.VIEW
    with pytest.raises(PermissionDenied):
        rows(badge_db, actor=own, grid_id=o.town.grid2)
    with pytest.raises(PermissionDenied):
        states(badge_db, [o.zhao], actor=own)
    with pytest.raises(PermissionDenied):
        rows(badge_db, actor=o.actors["nobody"])


def test_today_lists_the_stale_badges(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.zhang, o.zhao])
    change_phone(badge_db, o.zhang)

    def section(actor):  # noqa: ANN001, ANN202
        badge_db.actor = actor
        with badge_db.reader() as s:
            return build_today(s, date(2025, 6, 2)).section("badges_stale")

    stale = section(o.actors["worker"])
    assert stale is not None and stale.title == "防走失卡需重印"
    assert [(i.resident_id, i.name, i.target) for i in stale.items] == [(o.zhang, "张立春", ("badge", o.zhang))]
    assert "家属联系人" in stale.items[0].text and "00001" in stale.items[0].text
    assert section(o.actors["grid_other"]).items == ()  # 张立春 is in grid 1
    assert section(o.actors["reader"]) is None  # badges carry full phones: printers only
