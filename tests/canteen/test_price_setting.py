"""The money setting 每餐价格 (``canteen.meal_price``): Decimal yuan with at most two decimals,
0.00–100.00, stored as text like '7.00', never a float; and 社区名称 printed on statements."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import AppMeta, ChangeSet
from chang_shan.errors import ValidationError
from chang_shan.settings import SETTINGS, get_setting, set_setting

KEY = "canteen.meal_price"
PROBLEM = "每餐价格应为 0.00–100.00 元之间的金额，最多两位小数。"


def _get(db: Database) -> Decimal:
    with db.reader() as s:
        value = get_setting(s, KEY)
    assert type(value) is Decimal
    return value


def _stored(db: Database) -> str | None:
    with db.reader() as s:
        meta = s.get(AppMeta, "setting." + KEY)
        return meta.value if meta else None


def _events(db: Database) -> list[tuple[str, dict]]:
    with db.reader() as s:
        return [(e.action, e.detail) for e in s.scalars(select(ChangeSet).where(ChangeSet.kind == "settings"))]


def _set(db: Database, value: object) -> None:
    with db.transaction("修改设置") as s:
        set_setting(s, KEY, value)


def test_the_default(db: Database) -> None:
    assert _get(db) == Decimal("7.00") and str(_get(db)) == "7.00"
    setting = SETTINGS[KEY]
    assert (setting.label, setting.kind, setting.minimum, setting.maximum, setting.unit) == (
        "每餐价格", Decimal, Decimal("0.00"), Decimal("100.00"), "元")


@pytest.mark.parametrize(("given", "stored"), [
    ("6", "6.00"), ("7.5", "7.50"), (" 8.25 ", "8.25"), ("１０", "10.00"), ("７．５", "7.50"),  # a Chinese IME's digits
    (Decimal("9.1"), "9.10"), (12, "12.00"), ("0", "0.00"), ("100.00", "100.00"), (Decimal("-0.00"), "0.00"),
])
def test_accepted_values_are_stored_with_two_decimals(db: Database, given: object, stored: str) -> None:
    _set(db, given)
    assert _stored(db) == stored
    assert _get(db) == Decimal(stored) and str(_get(db)) == stored


@pytest.mark.parametrize("bad", [
    "7.505", "-1", "100.01", "1e2", "7.", ".5", "abc", "", "七元", "7元", "NaN", Decimal("7.001"), Decimal("NaN"),
    Decimal("-0.01"), 7.5, 7.0, True, None, 101, -1,
])
def test_bad_values_are_refused_before_writing(db: Database, bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _set(db, bad)
    assert caught.value.errors == {KEY: PROBLEM}
    assert _stored(db) is None and _events(db) == []


def test_a_change_is_an_audit_event_with_text_values(db: Database) -> None:
    _set(db, "7.5")
    _set(db, Decimal("7.50"))  # the same amount: nothing written
    assert _events(db) == [("修改设置 每餐价格：7.00 元 → 7.50 元", {"key": KEY, "before": "7.00", "after": "7.50"})]


def test_a_stored_value_that_is_no_longer_valid_reads_as_the_default(db: Database) -> None:
    for text in ("7.505", "abc", "250.00"):
        with db.transaction("损坏") as s:
            s.merge(AppMeta(key="setting." + KEY, value=text))
        assert _get(db) == Decimal("7.00")


def test_community_name(db: Database) -> None:
    with db.reader() as s:
        assert get_setting(s, "office.community_name") == ""
    with db.transaction("修改设置") as s:
        set_setting(s, "office.community_name", " 长山花园社区 ")
    with db.reader() as s:
        assert get_setting(s, "office.community_name") == "长山花园社区"
    with pytest.raises(ValidationError), db.transaction("修改设置") as s:
        set_setting(s, "office.community_name", "长" * 31)
