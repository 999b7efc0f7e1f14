"""Emergency contacts: replacing the list, checks keyed by line, masked phones, permissions, audit, undo."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.audit import trail
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population import residents, undo
from tests.health.office import (  # noqa: F401 - fixtures
    WANG_CONTACTS, HealthOffice, cases, check_action, everything, health_db, health_office, matrix,
)


@pytest.fixture
def db(health_office: HealthOffice, health_db: Database) -> Database:
    """Signed in as the 社区工作者 (no health permission: contacts are not health data)."""
    health_db.actor = health_office.actors["worker"]
    return health_db


def listed(db: Database, resident_id: int) -> list[contacts.ContactRow]:
    with db.reader() as s:
        return contacts.list_contacts(s, resident_id)


def set_list(db: Database, resident_id: int, given: list[ContactInput]) -> list[contacts.ContactRow]:
    with db.transaction("修改紧急联系人") as s:
        return contacts.set_contacts(s, resident_id, given)


def _plain(rows: list[contacts.ContactRow]) -> list[tuple]:
    return [(r.position, r.name, r.relation, r.phone, r.note) for r in rows]


def test_contacts_in_calling_order_with_full_phones_for_an_editor(db: Database, health_office: HealthOffice) -> None:
    rows = listed(db, health_office.town.wang)
    assert _plain(rows) == [(1, "张秀英", "女儿", "13904310099", "住在长春市南关区"), (2, "王强", "侄子", "0431-85551234", "")]
    assert [r.phone_masked for r in rows] == ["139****0099", "043******1234"]
    assert listed(db, health_office.town.li) == []


def test_a_reader_sees_masked_phones(health_db: Database, health_office: HealthOffice) -> None:
    health_db.actor = health_office.actors["reader_h"]
    rows = listed(health_db, health_office.town.wang)
    assert [r.phone for r in rows] == [r.phone_masked for r in rows] == ["139****0099", "043******1234"]


def test_the_list_is_replaced_in_place(db: Database, health_office: HealthOffice) -> None:
    wang = health_office.town.wang
    first = listed(db, wang)
    new = [ContactInput(" 王 强 ", "侄子", "+86 139 0431 0088"), ContactInput("李𠀀", "邻居", "", "楼下 101"),
           ContactInput(), ContactInput("赵敏", "社区医生", "０４３１－８５５５１２３４")]
    rows = set_list(db, wang, new)
    assert _plain(rows) == [(1, "王强", "侄子", "13904310088", ""), (2, "李𠀀", "邻居", "", "楼下 101"),
                            (3, "赵敏", "社区医生", "0431-85551234", "")]
    assert [r.id for r in rows][:2] == [r.id for r in first]  # the existing rows were changed
    assert listed(db, wang) == rows
    shorter = set_list(db, wang, [ContactInput("王强", "侄子", "13904310088")])
    assert _plain(shorter) == [(1, "王强", "侄子", "13904310088", "")] and shorter[0].id == first[0].id
    assert set_list(db, wang, []) == [] and listed(db, wang) == []


BAD = [
    ("contacts[0].name", [ContactInput("", "女儿", "13904310099")], "请填写联系人姓名"),
    ("contacts[1].phone", [ContactInput("甲"), ContactInput("乙", phone="139043100")], "手机号码应为 11 位，现在是 9 位"),
    ("contacts[0].phone", [ContactInput("甲", phone="打电话")], "电话号码格式不对"),
    ("contacts[0].name", [ContactInput("名" * 51)], "姓名最多 50 个字"),
    ("contacts[0].relation", [ContactInput("甲", "关" * 21)], "关系最多 20 个字"),
    ("contacts[0].note", [ContactInput("甲", note="注" * 201)], "备注最多 200 个字"),
    ("contacts", [ContactInput(f"联系人{n}") for n in "一二三四五六"], "紧急联系人最多 5 位，现在是 6 位"),
]


@pytest.mark.parametrize(("field", "given", "message"), BAD, ids=[f"{f}-{i}" for i, (f, _g, _m) in enumerate(BAD)])
def test_bad_input_is_refused_before_anything_is_written(
    db: Database, health_office: HealthOffice, field: str, given: list[ContactInput], message: str,
) -> None:
    before = everything(db)
    with pytest.raises(ValidationError) as exc:
        set_list(db, health_office.town.wang, given)
    assert list(exc.value.errors) == [field] and message in exc.value.errors[field]
    assert everything(db) == before


def test_five_contacts_are_allowed_and_blank_lines_do_not_count(db: Database, health_office: HealthOffice) -> None:
    given = [ContactInput(f"联系人{n}") for n in "一二三四五"] + [ContactInput(" ", "", " ")]
    assert [r.position for r in set_list(db, health_office.town.li, given)] == [1, 2, 3, 4, 5]


def test_residents_who_left_keep_their_contacts_read_only(db: Database, health_office: HealthOffice) -> None:
    wang = health_office.town.wang
    with db.transaction("登记迁出 王淑芬") as s:
        residents.move_out(s, wang, on_date=date(2024, 8, 1))
    assert len(listed(db, wang)) == 2
    before = everything(db)
    with pytest.raises(DomainError, match="^已迁出的居民不能修改紧急联系人。$"):
        set_list(db, wang, [])
    assert everything(db) == before


def test_unknown_resident(db: Database) -> None:
    with db.reader() as s, pytest.raises(NotFound):
        contacts.list_contacts(s, 9999)
    with pytest.raises(NotFound), db.transaction("修改紧急联系人") as s:
        contacts.set_contacts(s, 9999, [])


def test_a_change_is_in_the_audit_trail_with_masked_phones_and_undone(
    db: Database, health_office: HealthOffice,
) -> None:
    wang = health_office.town.wang
    before = listed(db, wang)
    set_list(db, wang, [ContactInput("张秀英", "女儿", "13904310011")])
    db.actor = health_office.actors["admin"]  # no health permission: contacts are shown all the same
    with db.reader() as s:
        newest = trail.list_entries(s, resident_id=wang, limit=1)[0]
    assert newest.action == "修改紧急联系人" and newest.user == "worker"
    assert "紧急联系人 #" in newest.summary and "电话：139****0099 → 139****0011" in newest.summary
    assert "备注：住在长春市南关区 → （空）" in newest.summary and "删除紧急联系人" in newest.summary
    assert "13904310011" not in newest.summary
    db.actor = health_office.actors["worker"]
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "修改紧急联系人"
    assert listed(db, wang) == before


#                  admin admin_h worker worker_h grid_own_h grid_other_h reader_h nobody
MATRIX = matrix("""
list_contacts      yes   yes     yes    yes      yes        no           yes      no
set_contacts       yes   yes     yes    yes      yes        no           no       no
""")

RUN = {
    "list_contacts": (lambda s, o: contacts.list_contacts(s, o.town.wang),
                      lambda r, o: [c.name for c in r] == ["张秀英", "王强"]),
    "set_contacts": (lambda s, o: contacts.set_contacts(s, o.town.wang, WANG_CONTACTS[:1]), None),
}


@pytest.mark.parametrize(("action", "role", "expected"), cases(MATRIX))
def test_role_against_contact_service(
    health_office: HealthOffice, health_db: Database, action: str, role: str, expected: str,
) -> None:
    check_action(health_db, health_office, role, expected, *RUN[action])


@pytest.mark.parametrize("role", ["admin", "worker", "grid_own_h"])
def test_editors_see_full_phones(health_db: Database, health_office: HealthOffice, role: str) -> None:
    health_db.actor = health_office.actors[role]
    assert [r.phone for r in listed(health_db, health_office.town.wang)] == ["13904310099", "0431-85551234"]
