"""Revealing a full ID number or phone: a permission, audited with the resident and the field but
never the value; everything else shows masked values to those who may not edit."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import Perm
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeRow, ChangeSet
from chang_shan.errors import NotFound, PermissionDenied
from chang_shan.population import households, idnumber, query, residents, reveal
from tests.accounts.office import LIU_ID, Office
from tests.population.community import ZHANG_ID

ZHANG_PHONE = "13804310001"


def _entries(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(ChangeSet)) or 0


def _newest(db: Database) -> tuple[dict, int]:
    """The newest journal entry as a mapping, and how many change rows it has."""
    with db.reader() as s:
        table = ChangeSet.__table__
        entry = dict(s.execute(select(table).order_by(table.c.id.desc()).limit(1)).mappings().one())
        rows = s.scalar(select(func.count()).select_from(ChangeRow).where(ChangeRow.change_set_id == entry["id"]))
    return entry, rows or 0


@pytest.mark.parametrize(("field", "call", "value", "label"), [
    ("id_number", reveal.reveal_id_number, ZHANG_ID, "身份证号"),
    ("phone", reveal.reveal_phone, ZHANG_PHONE, "电话"),
])
@pytest.mark.parametrize("role", ["worker", "admin"])
def test_a_reveal_returns_the_value_and_writes_one_audit_event_without_it(
    office: Office, office_db: Database, role: str, field: str, call, value: str, label: str,  # noqa: ANN001
) -> None:
    db = office_db
    db.actor = office.actors[role]
    before = _entries(db)
    with db.transaction(f"查看完整{label}") as s:
        assert call(s, office.town.zhang) == value
    assert _entries(db) == before + 1
    entry, rows = _newest(db)
    assert entry["kind"] == "reveal"
    assert entry["action"] == f"查看完整{label} 张立春"
    assert entry["resident_id"] == office.town.zhang
    assert entry["detail"] == {"field": field}
    assert entry["user_name"] == db.actor.username
    assert entry["hash"]  # sealed into the audit chain
    assert rows == 0
    # Neither the full value nor any long piece of it is anywhere in the entry.
    text = repr(entry)
    for secret in (ZHANG_ID, ZHANG_PHONE, ZHANG_ID[6:14], ZHANG_PHONE[3:]):
        assert secret not in text


def test_a_resident_without_a_phone_reveals_an_empty_value_still_audited(office: Office, office_db: Database) -> None:
    office_db.actor = office.actors["worker"]
    with office_db.transaction("查看完整电话") as s:
        assert reveal.reveal_phone(s, office.town.li) == ""
    entry, _rows = _newest(office_db)
    assert entry["kind"] == "reveal" and entry["resident_id"] == office.town.li


@pytest.mark.parametrize("role", ["grid_own", "grid_other", "reader", "nobody"])
@pytest.mark.parametrize("call", [reveal.reveal_id_number, reveal.reveal_phone])
def test_a_reveal_is_refused_without_the_permission(office: Office, office_db: Database, role: str, call) -> None:  # noqa: ANN001
    office_db.actor = office.actors[role]
    before = _entries(office_db)
    with pytest.raises(PermissionDenied), office_db.transaction("查看完整信息") as s:
        call(s, office.town.zhang)
    assert _entries(office_db) == before


def test_a_reveal_needs_the_grid_too(office: Office, office_db: Database) -> None:
    """A grid-limited account that could reveal (a role not defined today) reveals only in its grids."""
    gridman = office.actors["grid_other"]
    assert gridman is not None and not gridman.can(Perm.REVEAL)
    office_db.actor = dataclasses.replace(gridman, permissions=gridman.permissions | {Perm.REVEAL})
    before = _entries(office_db)
    with pytest.raises(PermissionDenied, match="不在您负责的网格内"), office_db.transaction("查看") as s:
        reveal.reveal_id_number(s, office.town.zhang)  # grid 1
    assert _entries(office_db) == before
    with office_db.transaction("查看") as s:
        assert reveal.reveal_id_number(s, office.liu) == LIU_ID  # grid 2
    assert _entries(office_db) == before + 1


def test_revealing_an_unknown_resident_is_not_found_and_not_logged(office: Office, office_db: Database) -> None:
    office_db.actor = office.actors["worker"]
    before = _entries(office_db)
    with pytest.raises(NotFound), office_db.transaction("查看") as s:
        reveal.reveal_id_number(s, 99_999)
    assert _entries(office_db) == before


# --- masked everywhere else -----------------------------------------------------------------


def _strings(value: object) -> str:
    return repr(value)


def test_the_reader_sees_masked_values_in_rows_and_details(office: Office, office_db: Database) -> None:
    db = office_db
    db.actor = office.actors["admin"]
    with db.transaction("修改户") as s:  # give the household a phone, and change 张立春's
        data = households.household_detail(s, office.town.h101).as_input()
        data.phone = "13904319999"
        households.update_household(s, office.town.h101, data)
        person = residents.resident_detail(s, office.town.zhang).as_input()
        person.phone = "13704312222"
        residents.update_resident(s, office.town.zhang, person)
    db.actor = office.actors["reader"]
    with db.reader() as s:
        [row] = query.resident_rows(s, [office.town.zhang])
        detail = residents.resident_detail(s, office.town.zhang)
        household = households.household_detail(s, office.town.h101)
        history = residents.history(s, office.town.zhang)
    assert row.id_number_masked == idnumber.mask(ZHANG_ID) == ZHANG_ID[:6] + "********" + ZHANG_ID[-4:]
    assert row.phone_masked == "137****2222"
    assert detail.full_values is False
    assert detail.id_number == detail.id_number_masked == idnumber.mask(ZHANG_ID)
    assert detail.phone == detail.phone_masked == "137****2222"
    assert detail.as_input().id_number == idnumber.mask(ZHANG_ID)
    assert household.full_values is False and household.phone == "139****9999"
    assert any("电话：138****0001 → 137****2222" in e.text for e in history)
    everything = _strings((row, detail, household, history))
    for secret in (ZHANG_ID, "13704312222", ZHANG_PHONE, "13904319999"):
        assert secret not in everything


@pytest.mark.parametrize(("role", "full"), [("admin", True), ("worker", True), ("grid_own", True), ("reader", False)])
def test_details_are_full_only_for_those_who_may_edit_the_record(
    office: Office, office_db: Database, role: str, full: bool,
) -> None:
    office_db.actor = office.actors[role]
    with office_db.reader() as s:
        detail = residents.resident_detail(s, office.town.zhang)
        [row] = query.resident_rows(s, [office.town.zhang])
    assert detail.full_values is full
    assert (detail.id_number == ZHANG_ID) is full and (detail.phone == ZHANG_PHONE) is full
    assert detail.id_number_masked == idnumber.mask(ZHANG_ID) and detail.phone_masked == "138****0001"
    # the list is masked for everyone
    assert (row.id_number_masked, row.phone_masked) == (idnumber.mask(ZHANG_ID), "138****0001")
