"""Whose badges are printed (select_residents) and what goes on them (badge_data): living people
only, 60+ on the day, grids and buildings, a 网格员's scope, the family's consent, never an ID number,
the numbers the register will give, and a handful of queries however many people."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.badges import register, selection
from chang_shan.badges.shapes import BadgeChoice, BadgeContact
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.db.models.badges import Badge, BadgeConsent, ResidentPhoto
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.settings import set_setting
from tests.badges.office import RARE_NAME, TODAY, BadgeOffice, badge_files

HOTLINE = "0431-85551000"


def choose(db: Database, choice: BadgeChoice, *, actor=SYSTEM, today: date = TODAY) -> list[int]:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        return selection.select_residents(s, choice, today=today)


def data_of(db: Database, ids: list[int], *, actor=SYSTEM):  # noqa: ANN001, ANN201
    db.actor = actor
    with db.reader() as s:
        return selection.badge_data(s, ids, badge_files(db), today=TODAY)


def consent(db: Database, resident_id: int, **values: object) -> None:
    """A recorded consent row (the consent service's validation is tested in test_consent.py)."""
    db.actor = SYSTEM
    with db.transaction("同意书") as s:
        row = {"include_address": False, "include_photo": True, "include_medical": False, "medical_note": "",
               "max_contacts": 2, "given_by": "本人", "given_on": date(2025, 5, 1)}
        row.update(values)
        s.add(BadgeConsent(resident_id=resident_id, **row))


# --- select_residents ------------------------------------------------------------------------


def test_nothing_chosen_is_refused(badge_db: Database) -> None:
    with pytest.raises(DomainError, match="请选择要打印哪些人的防走失卡"):
        choose(badge_db, BadgeChoice())


def test_all_60plus_living_in_delivery_order(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    # grid 01: 3号楼1单元101 (李桂兰 before 张立春 by name), 3号楼2单元301; grid 02: 平房区
    assert choose(badge_db, BadgeChoice(all_60plus=True)) == [o.li, o.zhang, o.wang, o.zhao]
    # 钱玉梅 turns 60 on 2025-09-15; 孙德厚 died: never
    later = choose(badge_db, BadgeChoice(all_60plus=True), today=date(2025, 9, 15))
    assert o.qian in later and o.sun not in later
    assert o.qian not in choose(badge_db, BadgeChoice(all_60plus=True), today=date(2025, 9, 14))


def test_criteria_combine(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    assert set(choose(badge_db, BadgeChoice(grid="02"))) == {o.liu, o.zhao}
    assert choose(badge_db, BadgeChoice(grid="02", all_60plus=True)) == [o.zhao]
    assert choose(badge_db, BadgeChoice(grid="01", all_60plus=True)) == [o.li, o.zhang, o.wang]
    assert set(choose(badge_db, BadgeChoice(building="3号楼"))) == {o.zhang, o.li, o.son, o.wang, o.qian}
    assert choose(badge_db, BadgeChoice(building="3", all_60plus=True)) == [o.li, o.zhang, o.wang]
    # a selection keeps the delivery order, not the order given; the dead are left out
    assert choose(badge_db, BadgeChoice(resident_ids=(o.zhao, o.son, o.zhang, o.sun))) == [o.zhang, o.son, o.zhao]
    assert choose(badge_db, BadgeChoice(resident_ids=(o.zhao, o.son, o.zhang), all_60plus=True)) == [o.zhang, o.zhao]
    assert choose(badge_db, BadgeChoice(resident_ids=(o.zhao, o.son), grid="01")) == [o.son]
    with pytest.raises(NotFound):
        choose(badge_db, BadgeChoice(resident_ids=(999_999,)))


def test_not_printed_and_changed_since(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.zhang, o.zhao])
    assert choose(badge_db, BadgeChoice(all_60plus=True, not_printed=True)) == [o.li, o.wang]
    assert choose(badge_db, BadgeChoice(changed_since=True)) == []
    badge_db.actor = SYSTEM
    with badge_db.transaction("改电话") as s:
        contacts.set_contacts(s, o.zhao, [ContactInput("赵建国", "儿子", "13604319999")])
    assert choose(badge_db, BadgeChoice(changed_since=True)) == [o.zhao]
    assert choose(badge_db, BadgeChoice(changed_since=True, grid="01")) == []


def test_grid_worker_scope(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    own = o.actors["grid_own"]  # 网格员 of grid 1
    assert choose(badge_db, BadgeChoice(all_60plus=True), actor=own) == [o.li, o.zhang, o.wang]
    assert choose(badge_db, BadgeChoice(building="3"), actor=own)
    with pytest.raises(PermissionDenied, match="不在您负责的网格内"):
        choose(badge_db, BadgeChoice(resident_ids=(o.zhang, o.zhao)), actor=own)
    with pytest.raises(PermissionDenied):
        choose(badge_db, BadgeChoice(grid="02"), actor=own)
    with pytest.raises(PermissionDenied):
        choose(badge_db, BadgeChoice(building="平房区"), actor=own)
    with pytest.raises(PermissionDenied):
        data_of(badge_db, [o.zhao], actor=own)
    assert [d.resident_id for d in data_of(badge_db, [o.wang], actor=own)] == [o.wang]


@pytest.mark.parametrize("role", ["reader", "reader_h", "nobody"])
def test_printing_needs_the_edit_permission(badge_db: Database, badge_office: BadgeOffice, role: str) -> None:
    with pytest.raises(PermissionDenied):
        choose(badge_db, BadgeChoice(all_60plus=True), actor=badge_office.actors[role])
    with pytest.raises(PermissionDenied):
        data_of(badge_db, [badge_office.zhang], actor=badge_office.actors[role])


# --- badge_data ------------------------------------------------------------------------------


def test_contacts_in_calling_order_up_to_the_consent(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    badge_db.actor = SYSTEM
    with badge_db.transaction("设置") as s:
        set_setting(s, "office.hotline", HOTLINE)
        set_setting(s, "office.community_name", "长山社区")
    zhang, zhao = data_of(badge_db, [o.zhang, o.zhao])  # the given order
    assert zhang.name == "张立春" and zhao.name == RARE_NAME
    assert zhang.contacts == (BadgeContact("张伟", "儿子", "13904310011"), BadgeContact("李桂兰", "配偶", "13804310002"))
    assert zhao.contacts == (BadgeContact("赵建国", "儿子", "13604310021"), BadgeContact("赵建华", "女儿", "13704310022"))
    assert (zhang.hotline, zhang.community) == (HOTLINE, "长山社区")
    consent(badge_db, o.zhao, max_contacts=3)
    consent(badge_db, o.zhang, max_contacts=1)
    zhang, zhao = data_of(badge_db, [o.zhang, o.zhao])
    assert [c.name for c in zhao.contacts] == ["赵建国", "赵建华", "孙丽"]
    assert zhao.contacts[2].phone == "0431-85550023"  # full, never masked
    assert [c.name for c in zhang.contacts] == ["张伟"]


def test_address_medical_and_photo_only_when_agreed(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    photo = write_photo(badge_db, o.wang)
    wang, zhao = data_of(badge_db, [o.wang, o.zhao])
    # office defaults: no address, photo yes, never a medical note without a recorded consent
    assert (wang.address, wang.medical_note) == ("", "")
    assert wang.photo_path == str(photo) and wang.photo_sha256 == "ab" * 32
    assert (zhao.address, zhao.medical_note, zhao.photo_path) == ("", "", None)
    consent(badge_db, o.wang, include_address=True, include_photo=False)
    consent(badge_db, o.zhao, include_address=True, include_medical=True, medical_note="阿尔茨海默病；糖尿病")
    wang, zhao = data_of(badge_db, [o.wang, o.zhao])
    assert wang.address == "3号楼2单元301" and wang.photo_path is None and wang.photo_sha256 == ""
    assert zhao.address == "平房区 长山路12号" and zhao.medical_note == "阿尔茨海默病；糖尿病"
    badge_db.actor = SYSTEM
    with badge_db.transaction("不同意健康提示") as s:
        s.scalars(select(BadgeConsent).where(BadgeConsent.resident_id == o.zhao)).one().include_medical = False
    assert data_of(badge_db, [o.zhao])[0].medical_note == ""
    photo.unlink()  # a photo whose file is gone is not printed
    consent_row_photo(badge_db, o.wang, True)
    assert data_of(badge_db, [o.wang])[0].photo_path is None


def test_never_an_id_number(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    for rid in (o.zhang, o.zhao, o.wang):
        consent(badge_db, rid, include_address=True, include_medical=True, medical_note="糖尿病", max_contacts=3)
    with badge_db.reader() as s:
        numbers = [n for n in s.scalars(select(Resident.id_number)) if n]
    assert len(numbers) >= 8
    for data in data_of(badge_db, list(o.living_60plus)):
        text = json.dumps(asdict(data), ensure_ascii=False) + json.dumps(data.parts(), ensure_ascii=False)
        assert not any(n in text or n[:17] in text for n in numbers)
        assert not re.search(r"\d{15}", text)


def test_numbers_given_are_the_numbers_announced(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    first = print_badges(badge_db, [o.wang])
    assert first == {o.wang: 1}
    ids = [o.zhao, o.wang, o.zhang]
    badge_db.actor = SYSTEM
    with badge_db.reader() as s:
        announced = selection.provisional_numbers(s, ids)
        on_badges = {d.resident_id: d.number for d in selection.badge_data(s, ids, badge_files(badge_db))}
    assert announced == on_badges == {o.zhao: 2, o.wang: 1, o.zhang: 3}
    with badge_db.transaction("编号") as s:
        assert register.ensure_badges(s, ids) == announced
    with badge_db.transaction("编号") as s:
        assert register.ensure_badges(s, ids) == announced  # kept, nothing new
        assert s.scalar(select(Badge.number).where(Badge.resident_id == o.zhao)) == 2
        assert len(s.scalars(select(Badge)).all()) == 3


def test_badge_data_is_a_few_queries_whatever_the_number(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    print_badges(badge_db, [o.zhang, o.wang])
    for rid in o.living_60plus:
        consent(badge_db, rid, include_address=True)
    write_photo(badge_db, o.wang)
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    badge_db.actor = SYSTEM
    with badge_db.reader() as s:
        selection.badge_data(s, [o.zhang], badge_files(badge_db))  # warm-up (settings cache …)
        event.listen(badge_db.engine, "before_cursor_execute", count)
        try:
            selection.badge_data(s, [o.zhang], badge_files(badge_db))
            one = len(statements)
            statements.clear()
            selection.badge_data(s, list(o.living_60plus), badge_files(badge_db))
            four = len(statements)
        finally:
            event.remove(badge_db.engine, "before_cursor_execute", count)
    assert four == one and one <= 15


# --- helpers ---------------------------------------------------------------------------------


def print_badges(db: Database, ids: list[int], layout: str = "sheet") -> dict[int, int]:
    db.actor = SYSTEM
    with db.transaction("打印防走失卡") as s:
        numbers = register.ensure_badges(s, ids)
        register.record_prints(s, selection.badge_data(s, ids, badge_files(db)), layout=layout, output="pdf")
    return numbers


def write_photo(db: Database, resident_id: int) -> Path:
    """A stored photo row and its file (attaching is tested in test_photos.py)."""
    relative = f"photos/ab/{'ab' * 32}.jpg"
    path = badge_files(db) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8 not really a jpeg")
    db.actor = SYSTEM
    with db.transaction("照片") as s:
        s.add(ResidentPhoto(resident_id=resident_id, file=relative, sha256="ab" * 32, width=360, height=480))
    return path


def consent_row_photo(db: Database, resident_id: int, include: bool) -> None:
    db.actor = SYSTEM
    with db.transaction("照片同意") as s:
        s.scalars(select(BadgeConsent).where(BadgeConsent.resident_id == resident_id)).one().include_photo = include
