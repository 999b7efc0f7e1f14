"""The resident table's queries: filters (status, places, age bands, groups, text), counts, sorting
both ways, paging, the index walk for large matches, and the rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.errors import DomainError
from chang_shan.population import query, search
from chang_shan.population.query import ResidentFilter
from tests.population.test_search import ON, People, build_people

ACTIVE = {"张立春", "单田芳", "曾志伟", "王𠀀", "欧阳修文", "区小红", "张丽", "解放", "李丽", "李娜", "赵敏"}
EVERYONE = ACTIVE | {"李春", "张三"}


@pytest.fixture
def people(db: Database) -> People:
    return build_people(db)


def shown(db: Database, people: People, **kwargs: object) -> set[str]:
    """The names the filter shows, checking that the count agrees with the id list."""
    filt = ResidentFilter(on_date=ON, **kwargs)  # type: ignore[arg-type]
    with db.reader() as session:
        ids = query.resident_ids(session, filt)
        assert query.count_residents(session, filt) == len(ids)
    assert len(set(ids)) == len(ids)
    return people.names(ids)


def ordered(db: Database, people: People, sort: str, descending: bool = False, **kwargs: object) -> list[str]:
    by_id = {v: k for k, v in people.ids.items()}
    with db.reader() as session:
        ids = query.resident_ids(session, ResidentFilter(on_date=ON, **kwargs), sort=sort, descending=descending)  # type: ignore[arg-type]
    return [by_id[i] for i in ids]


# --- filters ------------------------------------------------------------------------------------------


def test_moved_out_and_dead_are_hidden_unless_asked_for(db: Database, people: People) -> None:
    assert shown(db, people) == ACTIVE
    assert shown(db, people, include_inactive=True) == EVERYONE
    assert shown(db, people, text="张") == {"张立春", "张丽"}
    assert shown(db, people, text="张", include_inactive=True) == {"张立春", "张三", "张丽"}
    assert shown(db, people, text="李春") == set()
    assert shown(db, people, text="李春", include_inactive=True) == {"李春"}


def test_places(db: Database, people: People) -> None:
    p = people.places
    assert shown(db, people, grid_id=p["g1"]) == {"张立春", "单田芳", "欧阳修文", "张丽", "解放"}
    assert shown(db, people, grid_id=p["g2"]) == {"曾志伟", "区小红", "王𠀀", "李丽", "李娜"}
    assert shown(db, people, building_id=p["b3"]) == {"张立春", "单田芳", "欧阳修文", "张丽", "解放"}
    assert shown(db, people, building_id=p["low"]) == {"王𠀀", "李丽", "李娜"}
    assert shown(db, people, unit_id=p["u32"]) == {"张立春", "欧阳修文", "张丽"}
    assert shown(db, people, unit_id=p["u51"]) == {"曾志伟", "区小红"}
    assert shown(db, people, household_id=p["H2"]) == {"单田芳", "解放"}
    assert shown(db, people, household_id=p["H2"], include_inactive=True) == {"单田芳", "解放", "张三"}
    assert shown(db, people, grid_id=p["g1"], unit_id=p["u51"]) == set()


@pytest.mark.parametrize(
    ("band", "names"),
    [
        ("0-17", {"曾志伟"}),
        ("18-59", {"单田芳", "区小红", "张丽", "解放", "李娜"}),  # 李娜 turns 60 tomorrow
        ("60-79", {"张立春", "欧阳修文", "李丽"}),  # 李丽 and 欧阳修文 have their birthday today
        ("80+", {"王𠀀"}),
        ("60+", {"张立春", "欧阳修文", "李丽", "王𠀀"}),
    ],
)
def test_age_bands_on_a_given_date(db: Database, people: People, band: str, names: set[str]) -> None:
    assert shown(db, people, age_band=band) == names  # 赵敏 has no birth date: in no band


def test_age_bands_cover_everyone_with_a_birth_date_once() -> None:
    on = date(2026, 6, 1)
    spans = [query.birth_range(b, on) for b in ("0-17", "18-59", "60-79", "80+")]
    for (after, _up_to), (_next_after, next_up_to) in zip(spans, spans[1:]):
        assert after == next_up_to  # each band starts where the younger one ends


def test_age_band_for_someone_born_on_29_february() -> None:
    # Born 2008-02-29: 18 on 2026-03-01 (2026 has no 29 February), 17 the day before.
    born = date(2008, 2, 29)
    after, up_to = query.birth_range("18-59", date(2026, 3, 1))
    assert after is not None and after < born <= up_to
    _after, up_to = query.birth_range("18-59", date(2026, 2, 28))
    assert not born <= up_to
    assert query.age_on(born, date(2026, 2, 28)) == 17 and query.age_on(born, date(2026, 3, 1)) == 18
    # On a 29 February the bands use the 28th of common years.
    after, up_to = query.birth_range("60+", date(2028, 2, 29))
    assert (after, up_to) == (None, date(1968, 2, 29))
    after, up_to = query.birth_range("0-17", date(2028, 2, 29))
    assert (after, up_to) == (date(2010, 2, 28), date(2028, 2, 29))


def test_groups(db: Database, people: People) -> None:
    assert shown(db, people, group="独居") == {"张立春", "王𠀀"}
    assert shown(db, people, group="残疾") == {"王𠀀"}
    assert shown(db, people, group="低保") == {"区小红"}
    assert shown(db, people, group="退役军人") == set()


def test_text_with_filters(db: Database, people: People) -> None:
    p = people.places
    assert shown(db, people, text="张", grid_id=p["g1"]) == {"张立春", "张丽"}
    assert shown(db, people, text="zl", age_band="60+") == {"张立春"}
    assert shown(db, people, text="李", building_id=p["low"]) == {"李丽", "李娜"}
    assert shown(db, people, text="301", unit_id=p["u51"]) == {"曾志伟", "区小红"}
    assert shown(db, people, text="独居") == set()  # groups are a filter, not text
    assert shown(db, people, text="1966", age_band="60+") == {"李丽"}
    assert shown(db, people, text="𠀀", group="独居") == {"王𠀀"}
    assert shown(db, people, text='"*(') == set()


def test_unknown_age_band_and_sort_are_refused_in_chinese(db: Database, people: People) -> None:
    with db.reader() as session:
        with pytest.raises(DomainError, match="年龄段"):
            query.count_residents(session, ResidentFilter(age_band="100+"))
        with pytest.raises(DomainError, match="排序"):
            query.resident_ids(session, ResidentFilter(), sort="height")


# --- sorting ------------------------------------------------------------------------------------------


def test_sort_by_name_follows_pinyin_with_surname_readings(db: Database, people: People) -> None:
    names = ordered(db, people, "name")
    # 区 as a surname is ou, 单 shan, 曾 zeng, 解 xie: they sort as people say them.
    assert names == ["李丽", "李娜", "区小红", "欧阳修文", "单田芳", "王𠀀", "解放", "曾志伟", "张丽", "张立春",
                     "赵敏"]
    assert ordered(db, people, "name", descending=True) == list(reversed(names))


def test_sort_by_age_youngest_first_unknown_last_both_ways(db: Database, people: People) -> None:
    names = ordered(db, people, "age")
    assert names[:3] == ["曾志伟", "张丽", "单田芳"]
    assert names[-2:] == ["王𠀀", "赵敏"]  # the oldest, then no birth date
    oldest_first = ordered(db, people, "age", descending=True)
    assert oldest_first[0] == "王𠀀" and oldest_first[-1] == "赵敏"
    assert oldest_first[:-1] == list(reversed(names[:-1]))


def test_sort_by_address_building_unit_room(db: Database, people: People) -> None:
    names = ordered(db, people, "address")
    assert names == ["赵敏",  # no household: no address, first
                     "单田芳", "解放",  # 3号楼1单元101
                     "张立春", "欧阳修文", "张丽",  # 3号楼2单元301, 302
                     "区小红", "曾志伟",  # 5号楼1单元301
                     "李丽", "李娜", "王𠀀"]  # 平房区
    assert ordered(db, people, "address", descending=True) == list(reversed(names))


@pytest.mark.parametrize("sort", query.SORT_KEYS)
def test_every_sort_key_both_ways_is_a_complete_reversible_order(db: Database, people: People, sort: str) -> None:
    ascending = ordered(db, people, sort)
    descending = ordered(db, people, sort, descending=True)
    assert set(ascending) == ACTIVE and len(ascending) == len(ACTIVE)
    if sort != "age":  # age keeps "no birth date" last both ways
        assert descending == list(reversed(ascending))


def test_sort_by_the_other_columns(db: Database, people: People) -> None:
    assert ordered(db, people, "id_number")[:2] == ["李娜", "赵敏"]  # no ID number first (NULL)
    assert ordered(db, people, "id_number")[2] == "王𠀀"  # 220104194002291113
    assert ordered(db, people, "sex")[:5] == ["欧阳修文", "单田芳", "解放", "曾志伟", "张立春"]
    assert ordered(db, people, "phone")[-1] == "解放"  # 18600007777
    relation = ordered(db, people, "relation")
    heads = {"张立春", "单田芳", "王𠀀", "欧阳修文", "区小红"}  # relation 02 sorts first
    assert set(relation[:5]) == heads and relation[-1] == "赵敏"  # 99 last
    statuses = ordered(db, people, "status", include_inactive=True)
    assert statuses[-2:] == ["张三", "李春"]  # 已故, 已迁出 after 在册 (by code point)


# --- paging and the index walk -----------------------------------------------------------------------


def test_pages_put_together_are_the_whole_list(db: Database, people: People) -> None:
    filt = ResidentFilter(on_date=ON, include_inactive=True)
    with db.reader() as session:
        whole = query.resident_ids(session, filt)
        pages = [query.resident_ids(session, filt, limit=4, offset=o) for o in range(0, 16, 4)]
        back = [query.resident_ids(session, filt, descending=True, limit=5, offset=o) for o in range(0, 15, 5)]
    assert [i for page in pages for i in page] == whole
    assert [i for page in back for i in page] == list(reversed(whole))


FILTERS = [
    {}, {"include_inactive": True}, {"text": "张"}, {"text": "zl"}, {"text": "1966"}, {"text": "301"},
    {"text": "3"}, {"text": "3号楼"}, {"text": "张 301"}, {"text": "z"}, {"age_band": "60+"},
    {"text": "l", "age_band": "18-59"}, {"text": "6666", "include_inactive": True}, {"text": "12"},
]


@pytest.mark.parametrize("kwargs", FILTERS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_plan_gives_the_same_lists(
    db: Database, people: People, monkeypatch: pytest.MonkeyPatch, kwargs: dict, descending: bool
) -> None:
    """At this size SQLite mostly chooses for itself; forcing each plan (walking the name index
    with a list or with look-ups, scanning the table) must not change a single page or list."""
    filt = ResidentFilter(on_date=ON, **kwargs)

    def lists() -> tuple[list[list[int]], list[int], list[int]]:
        with db.reader() as session:
            pages = [query.resident_ids(session, filt, descending=descending, limit=3, offset=o) for o in (0, 3, 6)]
            whole = query.resident_ids(session, filt, descending=descending)
            by_age = query.resident_ids(session, filt, sort="age", descending=descending)
        return pages, whole, by_age

    monkeypatch.setattr(query, "_plan", lambda *args: query._DEFAULT)
    expected = lists()
    for plan in (query._WALK, query._LOOKUP_WALK, query._SCAN):
        monkeypatch.setattr(query, "_plan", lambda *args, plan=plan: plan)
        assert lists() == expected, (kwargs, plan)


def test_the_plan_fits_the_list(db: Database, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.reader() as session:
        def plan(limit: int | None = 50, offset: int = 0, sort: str = "name", **kwargs: object) -> query._Plan:
            filt = ResidentFilter(on_date=ON, **kwargs)  # type: ignore[arg-type]
            return query._plan(session, filt, query._text(session, filt), sort, limit, offset)

        assert plan() == query._WALK  # the first page of everyone: walk, never sort all for 50
        assert plan(age_band="60+") == query._WALK
        assert plan(group="独居") == query._WALK
        assert plan(grid_id=people.places["g1"]) == query._DEFAULT  # a place: SQLite's indexes
        assert plan(text="张") == query._DEFAULT  # three matches: sorting them is cheapest
        assert plan(limit=None) == query._SCAN  # the whole list: read the table, then sort
        assert plan(limit=None, age_band="80+") == query._SCAN
        assert plan(limit=None, group="独居") == query._DEFAULT
        assert plan(offset=2_000) == query._DEFAULT  # deep pages sort
        assert plan(sort="age") == query._DEFAULT
        assert plan(text='"*(') == query._DEFAULT
        monkeypatch.setattr(query, "_MANY", 2)
        assert plan(text="zl") == query._WALK
        assert plan(text="张") == query._DEFAULT  # one character: its matches cluster under one surname
        monkeypatch.setattr(query, "_DENSE", 0.1)
        assert plan(text="301") == query._LOOKUP_WALK  # numbers spread evenly through the alphabet
        assert plan(text="301", limit=None) == query._DEFAULT  # a whole list of matches: look them up


def test_counts_agree_whatever_the_plan(db: Database, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    for kwargs in FILTERS + [{"group": "独居"}, {"age_band": "80+", "text": "王"}]:
        filt = ResidentFilter(on_date=ON, **kwargs)
        with db.reader() as session:
            counted = query.count_residents(session, filt)
            monkeypatch.setattr(query, "_sqlite", lambda session: False)
            assert query.count_residents(session, filt) == counted, kwargs
            monkeypatch.undo()


def test_count_of_text_alone_comes_from_the_index(db: Database, people: People) -> None:
    """A count without other filters must not need the resident table: made visible by making
    the table disagree with the index."""
    with db.engine.begin() as connection:
        connection.execute(Resident.__table__.update().where(Resident.id == people["张丽"]).values(status="已迁出"))
    with db.reader() as session:
        filt = ResidentFilter(text="张")
        assert query.count_residents(session, filt) == 2  # the index still says 张丽 is active
        assert len(query.resident_ids(session, filt)) == 1  # rows always check the table
        with db.transaction("重建") as writer:
            search.index_residents(writer, [people["张丽"]])
    with db.reader() as session:
        assert query.count_residents(session, ResidentFilter(text="张")) == 1


# --- rows -------------------------------------------------------------------------------------------------


def test_rows_in_the_order_asked_with_masks_labels_groups_and_places(db: Database, people: People) -> None:
    wanted = [people["王𠀀"], people["张立春"], 999_999, people["赵敏"], people["张立春"]]
    with db.reader() as session:
        rows = query.resident_rows(session, wanted, on_date=ON)
    assert [r.name for r in rows] == ["王𠀀", "张立春", "赵敏"]  # unknown ids left out, duplicates once
    wang, zhang, zhao = rows
    assert (wang.sex, wang.age, wang.birth_date) == ("女", 86, date(1940, 2, 29))
    assert wang.id_number_masked == "220104********1113"
    assert wang.phone_masked == "139****2222"
    assert (wang.relation, wang.address, wang.grid_name) == ("户主", "平房区 长山路12号", "第二网格")
    assert wang.groups == ("残疾", "独居")
    assert (wang.status, wang.household_id) == ("在册", people.places["H4"])
    assert (zhang.address, zhang.grid_name, zhang.age, zhang.groups) == ("3号楼2单元301", "第一网格", 74, ("独居",))
    assert (zhao.address, zhao.grid_name, zhao.age, zhao.id_number_masked, zhao.phone_masked, zhao.household_id) == (
        "", "", None, "", "", None)


def test_rows_make_two_queries_whatever_their_number(db: Database, people: People) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.reader() as session:
            rows = query.resident_rows(session, list(people.ids.values()))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == len(people.ids)
    assert len(statements) == 2


def test_rows_for_nobody(db: Database, people: People) -> None:
    with db.reader() as session:
        assert query.resident_rows(session, []) == []


def test_age_bands_and_labels_match() -> None:
    assert list(query.AGE_BAND_LABELS) == list(query.AGE_BANDS)
    assert query.AGE_BANDS["80+"] == (80, None)
    assert set(query.SORT_KEYS) == {"name", "age", "address", "id_number", "status", "sex", "phone", "relation"}


def test_like_fallback_in_lists(db: Database, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    """What PostgreSQL would run: the same lists without FTS5."""
    monkeypatch.setattr(search, "_tables", lambda bind: search._Tables(False, False))
    assert shown(db, people, text="张") == {"张立春", "张丽"}
    assert shown(db, people, text="1234") == {"张立春"}
    assert shown(db, people, text="3号楼 张") == {"张立春", "张丽"}
    with db.reader() as session:
        ids = query.resident_ids(session, ResidentFilter(text="li", on_date=ON), limit=2)
    assert people.names(ids) == {"李丽", "李娜"}
    with db.reader() as session:
        assert session.scalar(select(Resident.id).limit(1)) is not None


# --- PostgreSQL (when one is at hand) ---------------------------------------------------------------


@pytest.fixture
def pg_db(tmp_path):  # noqa: ANN001, ANN201
    """A PostgreSQL database from ``CHANG_SHAN_TEST_PG_URL`` (e.g.
    ``postgresql+psycopg://postgres@/cs?host=/tmp/pg&port=5432``), migrated from empty; the test
    is skipped without one. Its public schema is dropped and made again."""
    import os

    url = os.environ.get("CHANG_SHAN_TEST_PG_URL")
    if not url:
        pytest.skip("CHANG_SHAN_TEST_PG_URL is not set")
    pytest.importorskip("psycopg")
    from sqlalchemy import text as sql

    from chang_shan.db import migrate
    from chang_shan.db.engine import make_engine
    from chang_shan.paths import DataDir

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    database = Database(DataDir(tmp_path / "pg"), engine, None)
    try:
        yield database
    finally:
        engine.dispose()


def test_lists_on_postgresql_use_like_and_give_the_same_answers(pg_db: Database) -> None:
    people = build_people(pg_db)
    assert shown(pg_db, people) == ACTIVE
    assert shown(pg_db, people, text="张") == {"张立春", "张丽"}
    assert shown(pg_db, people, text="𠀀") == {"王𠀀"}
    assert shown(pg_db, people, text="zhanglichun") == {"张立春"}
    assert shown(pg_db, people, text="777x") == {"解放"}
    assert shown(pg_db, people, text="3号楼2单元") == {"张立春", "欧阳修文", "张丽"}
    assert shown(pg_db, people, text='"*(%_') == set()
    assert shown(pg_db, people, age_band="60-79") == {"张立春", "欧阳修文", "李丽"}
    assert shown(pg_db, people, grid_id=people.places["g1"], group="独居") == {"张立春"}
    for sort in query.SORT_KEYS:
        assert set(ordered(pg_db, people, sort)) == ACTIVE
    assert ordered(pg_db, people, "age")[-1] == "赵敏"  # no birth date last, as on SQLite
    assert ordered(pg_db, people, "age", descending=True)[-1] == "赵敏"
    with pg_db.reader() as session:
        assert query.resident_rows(session, [people["王𠀀"]], on_date=ON)[0].address == "平房区 长山路12号"
