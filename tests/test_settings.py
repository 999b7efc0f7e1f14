"""Settings: defaults, typed and ranged values, the permission to change them, the audit event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chang_shan.accounts.permissions import actor_for
from chang_shan.db.database import Database
from chang_shan.db.models import AppMeta, ChangeSet
from chang_shan.errors import NotFound, PermissionDenied, ValidationError
from chang_shan.settings import SETTINGS, all_settings, get_setting, set_setting

KEY = "today.not_visited_days"


def _events(db: Database) -> list[tuple[str, dict, str]]:
    with db.reader() as s:
        return [(e.action, e.detail, e.user_name)
                for e in s.scalars(select(ChangeSet).where(ChangeSet.kind == "settings").order_by(ChangeSet.id))]


def _get(db: Database, key: str = KEY):
    with db.reader() as s:
        return get_setting(s, key)


def test_default_until_set(db: Database) -> None:
    assert _get(db) == 30
    with db.reader() as s:
        assert [(setting.key, value) for setting, value in all_settings(s)][0] == (KEY, 30)
        assert [setting.key for setting, _value in all_settings(s)] == list(SETTINGS)
    assert SETTINGS[KEY].label == "久未走访提醒天数"


def test_set_stores_and_records_an_event(db: Database) -> None:
    db.actor = actor_for("boss", "管理员", user_id=1)
    with db.transaction("修改设置") as s:
        set_setting(s, KEY, 45)
    assert _get(db) == 45
    with db.reader() as s:
        assert s.get(AppMeta, "setting." + KEY).value == "45"
        assert dict((st.key, v) for st, v in all_settings(s))[KEY] == 45
    assert _events(db) == [("修改设置 久未走访提醒天数：30 天 → 45 天", {"key": KEY, "before": 30, "after": 45}, "boss")]

    with db.transaction("修改设置") as s:
        set_setting(s, KEY, " 60 ")  # a form's text
    assert _get(db) == 60
    assert _events(db)[-1][1] == {"key": KEY, "before": 45, "after": 60}


def test_same_value_writes_nothing(db: Database) -> None:
    with db.transaction("修改设置") as s:
        set_setting(s, KEY, 30)
    assert _events(db) == []
    with db.reader() as s:
        assert s.get(AppMeta, "setting." + KEY) is None


@pytest.mark.parametrize("bad", [6, 366, 0, -30, "abc", "", "3.5", "３０", 30.0, True, None])
def test_bad_values_are_refused_before_writing(db: Database, bad: object) -> None:
    with pytest.raises(ValidationError) as caught, db.transaction("修改设置") as s:
        set_setting(s, KEY, bad)
    assert caught.value.errors == {KEY: "久未走访提醒天数应为 7–365天 之间的整数。"}
    assert _get(db) == 30
    assert _events(db) == []


def test_range_edges_are_accepted(db: Database) -> None:
    for value in (7, 365):
        with db.transaction("修改设置") as s:
            set_setting(s, KEY, value)
        assert _get(db) == value


@pytest.mark.parametrize("role", ["社区工作者", "网格员", "只读"])
def test_only_settings_permission_may_change(db: Database, role: str) -> None:
    db.actor = actor_for("someone", role, grid_ids=[1])
    with pytest.raises(PermissionDenied), db.transaction("修改设置") as s:
        set_setting(s, KEY, 45)
    assert _get(db) == 30  # but anyone signed in may read
    assert _events(db) == []


def test_signed_out_may_not_read(db: Database) -> None:
    db.actor = None
    with pytest.raises(PermissionDenied), db.reader() as s:
        get_setting(s, KEY)


def test_unknown_key(db: Database) -> None:
    with pytest.raises(NotFound), db.reader() as s:
        get_setting(s, "today.nothing")
    with pytest.raises(NotFound), db.transaction("修改设置") as s:
        set_setting(s, "today.nothing", 1)


def test_a_stored_value_out_of_range_reads_as_the_default(db: Database) -> None:
    with db.transaction("老版本") as s:
        s.merge(AppMeta(key="setting." + KEY, value="5000"))
    assert _get(db) == 30
    with db.transaction("损坏") as s:
        s.merge(AppMeta(key="setting." + KEY, value="三十"))
    assert _get(db) == 30
