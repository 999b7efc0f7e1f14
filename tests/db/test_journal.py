"""The change journal (every write with before/after values), undo of the last action, rare characters."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from chang_shan.db import journal
from chang_shan.db.database import Database
from chang_shan.db.models import (
    Building,
    ChangeRow,
    ChangeSet,
    Grid,
    Household,
    Organisation,
    Resident,
    ResidentGroup,
    Unit,
)
from chang_shan.errors import DomainError

RARE_NAMES = ["𠀀", "𪚥", "龘", "𠀀𪚥龘", "阿依古丽·买买提", "爱新觉罗·𪚥龘", "欧阳𠀀"]


def place(db: Database) -> int:
    """A grid, a building, a unit and a household; returns the household id."""
    with db.transaction("建房屋") as session:
        grid = Grid(code="G01", name="第一网格")
        building = Building(grid=grid, name="1号楼", address="长山花园1号楼")
        unit = Unit(building=building, name="1单元")
        household = Household(building=building, unit=unit, room="101", area_m2=Decimal("52.00"))
        session.add(household)
    return household.id


def add_resident(db: Database, household_id: int, name: str = "张立春", **values: object) -> int:
    with db.transaction(f"登记居民 {name}") as session:
        resident = Resident(
            household_id=household_id, name=name, sex_code="1", birth_date=date(1950, 3, 4),
            phone="13812345678", groups=[ResidentGroup(group="独居"), ResidentGroup(group="空巢")],
            **values,
        )
        session.add(resident)
    return resident.id


def newest_set(db: Database) -> ChangeSet:
    with db.reader() as session:
        change_set = session.scalars(select(ChangeSet).order_by(ChangeSet.id.desc()).limit(1)).one()
        _ = list(change_set.rows)
        return change_set


def rows_of(change_set: ChangeSet) -> list[tuple[str, str]]:
    return [(row.table_name, row.op) for row in change_set.rows]


def undo(db: Database) -> str:
    with db.transaction("撤销") as session:
        return journal.undo_last(session, user_name="tester")


# --- recording ------------------------------------------------------------------------------------------


def test_insert_is_recorded_with_all_new_values(db: Database) -> None:
    household_id = place(db)
    resident_id = add_resident(db, household_id)
    change_set = newest_set(db)
    assert change_set.action == "登记居民 张立春"
    assert change_set.kind == "change" and len(change_set.hash) == 64
    assert sorted(rows_of(change_set)) == [
        ("resident", "insert"), ("resident_group", "insert"), ("resident_group", "insert")
    ]
    resident_row = next(r for r in change_set.rows if r.table_name == "resident")
    assert resident_row.row_key == {"id": resident_id}
    assert resident_row.before is None
    assert resident_row.after["name"] == "张立春"
    assert resident_row.after["household_id"] == household_id
    assert resident_row.after["birth_date"] == {"$d": "1950-03-04"}
    assert resident_row.after["phone"] == "13812345678"
    assert resident_row.resident_id == resident_id
    group_rows = [r for r in change_set.rows if r.table_name == "resident_group"]
    assert sorted(r.after["group"] for r in group_rows) == ["独居", "空巢"]
    assert {r.resident_id for r in group_rows} == {resident_id}
    assert sorted(r.row_key["group"] for r in group_rows) == ["独居", "空巢"]


def test_one_action_is_one_change_set_however_many_flushes(db: Database) -> None:
    household_id = place(db)
    from chang_shan.accounts.permissions import actor_for

    with db.transaction("两次写入", actor=actor_for("worker1", "社区工作者")) as session:
        session.add(Resident(household_id=household_id, name="甲"))
        session.flush()
        session.add(Resident(household_id=household_id, name="乙"))
    with db.reader() as session:
        sets = session.scalars(select(ChangeSet).where(ChangeSet.action == "两次写入")).all()
        assert len(sets) == 1
        assert sets[0].user_name == "worker1"
        assert sorted(r.after["name"] for r in sets[0].rows) == ["乙", "甲"]


def test_update_is_recorded_with_before_and_after_of_changed_columns_only(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("改电话") as session:
        resident = session.get(Resident, resident_id)
        resident.phone = "13900001111"
        resident.name = resident.name  # assigned but unchanged: not a change
    change_set = newest_set(db)
    assert change_set.action == "改电话"
    assert rows_of(change_set) == [("resident", "update")]
    row = change_set.rows[0]
    assert row.before["phone"] == "13812345678"
    assert row.after["phone"] == "13900001111"
    assert "name" not in row.before and "name" not in row.after
    assert row.resident_id == resident_id


def test_delete_orphan_cascade_is_recorded_as_a_delete(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("取消独居") as session:
        resident = session.get(Resident, resident_id)
        resident.groups = [g for g in resident.groups if g.group != "独居"]
    change_set = newest_set(db)
    assert rows_of(change_set) == [("resident_group", "delete")]
    row = change_set.rows[0]
    assert row.before == {"resident_id": resident_id, "group": "独居"}
    assert row.after is None
    assert row.resident_id == resident_id
    with db.reader() as session:
        assert session.get(Resident, resident_id).group_names == ["空巢"]


def test_writes_outside_an_action_are_not_journaled(db: Database) -> None:
    with db.sessions() as session, session.begin():
        session.add(Grid(code="G09", name="第九网格"))
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ChangeRow)) == 0
        assert session.scalar(select(func.count()).select_from(ChangeSet)) == 0


# --- undo -------------------------------------------------------------------------------------------------


def test_undo_reverts_an_update(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("改资料") as session:
        resident = session.get(Resident, resident_id)
        resident.phone = "13900001111"
        resident.birth_date = date(1951, 5, 6)
        resident.name = "张立秋"
    assert undo(db) == "改资料"
    with db.reader() as session:
        resident = session.get(Resident, resident_id)
        assert (resident.name, resident.phone, resident.birth_date) == ("张立春", "13812345678", date(1950, 3, 4))
        assert resident.version == 3  # the revert is a change too: other editors see it as one
        undone = session.scalars(select(ChangeSet).where(ChangeSet.action == "改资料")).one()
        assert journal.is_undone(session, undone.id)
        marker = session.scalars(select(ChangeSet).where(ChangeSet.undoes_id == undone.id)).one()
        assert marker.action == "撤销：改资料"
        assert marker.user_name == "tester"


def test_undo_reverts_a_decimal_update(db: Database) -> None:
    household_id = place(db)
    with db.transaction("改面积") as session:
        session.get(Household, household_id).area_m2 = Decimal("60.50")
    row = newest_set(db).rows[0]
    assert (row.before, row.after) == ({"area_m2": {"$dec": "52.00"}}, {"area_m2": {"$dec": "60.50"}})
    assert undo(db) == "改面积"
    with db.reader() as session:
        assert session.get(Household, household_id).area_m2 == Decimal("52.00")


def test_undo_of_an_unquantized_decimal_is_not_mistaken_for_a_later_change(db: Database) -> None:
    household_id = place(db)
    with db.transaction("改面积") as session:
        session.get(Household, household_id).area_m2 = Decimal("60.5")
    assert undo(db) == "改面积"


def test_undo_reverts_an_insert(db: Database) -> None:
    household_id = place(db)
    resident_id = add_resident(db, household_id)
    assert undo(db) == "登记居民 张立春"
    with db.reader() as session:
        assert session.get(Resident, resident_id) is None
        assert session.scalars(select(ResidentGroup)).all() == []
        assert session.get(Household, household_id) is not None  # the earlier action stays


def test_undo_reverts_a_new_household_whose_head_is_set_by_column(db: Database) -> None:
    household_id = place(db)
    with db.transaction("新户主") as session:
        resident = Resident(household_id=household_id, name="户主甲", relation_code="02")
        session.add(resident)
        session.flush()
        session.get(Household, household_id).head_id = resident.id
    assert sorted(rows_of(newest_set(db))) == [("household", "update"), ("resident", "insert")]
    assert undo(db) == "新户主"
    with db.reader() as session:
        assert session.get(Household, household_id).head_id is None
        assert session.scalars(select(Resident)).all() == []


def test_undo_reverts_a_household_created_with_its_head_through_the_relationship(db: Database) -> None:
    with db.transaction("建户并登记户主") as session:
        building = Building(grid=Grid(code="G01", name="第一网格"), name="1号楼")
        household = Household(building=building, room="101")
        household.head = Resident(name="户主乙", household=household, relation_code="02")
        session.add(household)
    assert undo(db) == "建户并登记户主"
    with db.reader() as session:
        assert session.scalars(select(Household)).all() == []


def test_undo_reverts_a_delete_orphan_cascade(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("取消独居") as session:
        resident = session.get(Resident, resident_id)
        resident.groups = [g for g in resident.groups if g.group != "独居"]
    assert undo(db) == "取消独居"
    with db.reader() as session:
        assert session.get(Resident, resident_id).group_names == ["独居", "空巢"]


def test_undo_reverts_a_delete_with_every_value_restored(db: Database) -> None:
    with db.transaction("登记单位") as session:
        session.add(Organisation(name="长山花园物业·𪚥", kind="驻区单位", phone="0431-8888",
                                 in_party_committee=True, note="大党委成员"))
    with db.reader() as session:
        original = session.scalars(select(Organisation)).one()
        values = {c: getattr(original, c) for c in ("id", "name", "kind", "phone", "in_party_committee", "note")}
    with db.transaction("删除单位") as session:
        session.delete(session.get(Organisation, values["id"]))
    assert rows_of(newest_set(db)) == [("organisation", "delete")]
    assert undo(db) == "删除单位"
    with db.reader() as session:
        restored = session.get(Organisation, values["id"])
        assert {c: getattr(restored, c) for c in values} == values


def test_successive_undos_walk_back_in_order(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    for phone in ("13900000001", "13900000002"):
        with db.transaction(f"改电话 {phone}") as session:
            session.get(Resident, resident_id).phone = phone
    assert undo(db) == "改电话 13900000002"
    assert undo(db) == "改电话 13900000001"
    with db.reader() as session:
        assert session.get(Resident, resident_id).phone == "13812345678"
    assert undo(db) == "登记居民 张立春"
    assert undo(db) == "建房屋"
    with pytest.raises(DomainError, match="没有可以撤销"):
        undo(db)
    with db.reader() as session:
        for model in (Resident, Household, Unit, Building, Grid):
            assert session.scalars(select(model)).all() == [], model.__name__


def test_undo_is_refused_when_the_row_was_changed_again_since(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("改电话") as session:
        session.get(Resident, resident_id).phone = "13900001111"
    # Someone changes the same person without going through an action (another tool, a script).
    with db.sessions() as session, session.begin():
        session.get(Resident, resident_id).phone = "13700002222"
    with pytest.raises(DomainError, match="之后又被修改过"):
        undo(db)
    with db.reader() as session:
        assert session.get(Resident, resident_id).phone == "13700002222"  # left as it is
        target = session.scalars(select(ChangeSet).where(ChangeSet.action == "改电话")).one()
        assert not journal.is_undone(session, target.id)
        assert session.scalars(select(ChangeSet).where(ChangeSet.undoes_id.is_not(None))).all() == []


def test_undo_is_refused_when_the_row_is_gone(db: Database) -> None:
    resident_id = add_resident(db, place(db))
    with db.transaction("改电话") as session:
        session.get(Resident, resident_id).phone = "13900001111"
    with db.engine.begin() as connection:
        connection.execute(text("delete from resident_group where resident_id = :id"), {"id": resident_id})
        connection.execute(text("delete from resident where id = :id"), {"id": resident_id})
    with pytest.raises(DomainError, match="记录已不存在"):
        undo(db)


# --- rare characters ---------------------------------------------------------------------------------------


def test_rare_character_names_round_trip_through_the_database(db: Database) -> None:
    household_id = place(db)
    ids = {name: add_resident(db, household_id, name) for name in RARE_NAMES}
    long_name = "𠀀" * 25 + "·" + "龘" * 24  # 50 characters, the longest a name may be
    ids[long_name] = add_resident(db, household_id, long_name)
    db.engine.dispose()  # nothing cached: read back from the file

    with db.reader() as session:
        for name, resident_id in ids.items():
            assert session.get(Resident, resident_id).name == name
            assert session.scalars(select(Resident.id).where(Resident.name == name)).all() == [resident_id]
        assert session.scalars(select(Resident.name).where(Resident.name.like("%𪚥%")).order_by(Resident.id)).all() == [
            "𪚥", "𠀀𪚥龘", "爱新觉罗·𪚥龘"
        ]
        # SQLite counts characters, not UTF-16 units or bytes: 𠀀 is one character.
        assert session.scalar(select(func.length(Resident.name)).where(Resident.id == ids["𠀀"])) == 1
        assert session.scalar(select(func.length(Resident.name)).where(Resident.id == ids[long_name])) == 50

    raw = sqlite3.connect(db.data_dir.database)
    try:
        stored = raw.execute("select cast(name as blob) from resident where id = ?", (ids["𠀀"],)).fetchone()[0]
        assert stored == "𠀀".encode("utf-8") == b"\xf0\xa0\x80\x80"  # real UTF-8, not surrogates
    finally:
        raw.close()


def test_rare_characters_survive_the_journal_and_undo(db: Database) -> None:
    resident_id = add_resident(db, place(db), "阿依古丽·买买提")
    with db.transaction("改名") as session:
        session.get(Resident, resident_id).name = "𠀀𪚥龘·龘"
    row = newest_set(db).rows[0]
    assert (row.before["name"], row.after["name"]) == ("阿依古丽·买买提", "𠀀𪚥龘·龘")
    assert undo(db) == "改名"
    with db.reader() as session:
        assert session.get(Resident, resident_id).name == "阿依古丽·买买提"
