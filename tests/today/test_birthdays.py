"""本月高龄生日: residents 在册 turning 80, 90, 100 or more in the month of ``on``, by day, counted in
SQL; 29 February kept on 28 February in a common year; a 网格员 sees only their grids."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.today.sections import birthday_in, birthdays
from tests.today.town import Town


def _list(db: Database, on: date, actor=SYSTEM) -> list[tuple[str, str, date | None]]:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        items = birthdays(s, on)
    for item in items:
        assert item.days_overdue is None
        assert item.target == ("resident", item.resident_id)
    return [(i.name, i.text, i.due_on) for i in items]


def test_november_2026(town: Town, town_db: Database) -> None:
    assert _list(town_db, date(2026, 11, 21)) == [
        ("李寿山", "11月1日 101 岁生日", date(2026, 11, 1)),
        ("钱秀英", "11月5日 90 岁生日", date(2026, 11, 5)),
        ("赵德福", "11月23日 80 岁生日", date(2026, 11, 23)),
        ("孙玉珍", "11月30日 100 岁生日", date(2026, 11, 30)),
    ]  # not 周长林 (85), 王淑芬 (86), nor 吴国强 (80, moved out)


def test_the_whole_month_whatever_the_day(town_db: Database) -> None:
    assert _list(town_db, date(2026, 11, 1)) == _list(town_db, date(2026, 11, 30))


def test_another_year_and_month(town_db: Database) -> None:
    # 2030: 王淑芬 turns 90 in November, 李寿山 105, 孙玉珍 104; 赵德福 84 and 钱秀英 94 are left out.
    assert [(n, t) for n, t, _ in _list(town_db, date(2030, 11, 5))] == [
        ("李寿山", "11月1日 105 岁生日"), ("王淑芬", "11月2日 90 岁生日"), ("孙玉珍", "11月30日 104 岁生日"),
    ]
    # March 2030: 张立春 (1950-03-12) turns 80; 冯秋月 (1946-03-01) is 84.
    assert [(n, t) for n, t, _ in _list(town_db, date(2030, 3, 31))] == [("张立春", "3月12日 80 岁生日")]
    assert _list(town_db, date(2026, 7, 1)) == []


def test_29_february_in_a_common_year_is_kept_on_the_28th(town_db: Database) -> None:
    assert _list(town_db, date(2026, 2, 10)) == [("郑春花", "2月28日 90 岁生日（2月29日出生）", date(2026, 2, 28))]
    assert _list(town_db, date(2026, 3, 10)) == [("冯秋月", "3月1日 80 岁生日", date(2026, 3, 1))]


def test_29_february_in_a_leap_year(town_db: Database) -> None:
    # 2036 is a leap year: 郑春花 turns 100 on the day itself.
    assert _list(town_db, date(2036, 2, 1)) == [("郑春花", "2月29日 100 岁生日", date(2036, 2, 29))]


@pytest.mark.parametrize(("birth", "year", "kept"), [
    (date(1936, 2, 29), 2026, date(2026, 2, 28)),
    (date(1936, 2, 29), 2028, date(2028, 2, 29)),
    (date(1946, 2, 28), 2026, date(2026, 2, 28)),
    (date(1946, 12, 31), 2026, date(2026, 12, 31)),
])
def test_birthday_in(birth: date, year: int, kept: date) -> None:
    assert birthday_in(birth, year) == kept


def test_a_grid_worker_sees_only_their_grids(town: Town, town_db: Database) -> None:
    own = _list(town_db, date(2026, 11, 21), town.actors["grid_own"])
    assert [n for n, _t, _d in own] == ["李寿山", "赵德福", "孙玉珍"]
    other = _list(town_db, date(2026, 11, 21), town.actors["grid_other"])
    assert [n for n, _t, _d in other] == ["钱秀英"]


def test_nobody_signed_in(town_db: Database) -> None:
    with pytest.raises(PermissionDenied):
        _list(town_db, date(2026, 11, 21), None)
