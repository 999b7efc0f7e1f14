"""Search over a small community written through the ORM models: names (rare characters too),
surname readings, pinyin and initials, ID and phone fragments, addresses, several words, FTS
syntax typed by a user, the LIKE fallback, and keeping the index in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, text

from chang_shan.db.database import Database
from chang_shan.db.models import Building, Grid, Household, Resident, ResidentGroup, Unit
from chang_shan.population import search
from chang_shan.population.pinyin import sort_key

ON = date(2026, 6, 1)  # the reference date for ages in these tests


@dataclass
class People:
    """Ids by name (names are unique here) and the places."""

    ids: dict[str, int]
    places: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def names(self, ids: list[int]) -> set[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[i] for i in ids}


# name, ID number, birth date, sex, phone, household key, status, relation, groups
RESIDENTS = [
    ("张立春", "220104195203151234", date(1952, 3, 15), "1", "13804310001", "H1", "在册", "02", ["独居"]),
    ("单田芳", "220104198507044562", date(1985, 7, 4), "1", "0431-85556666", "H2", "在册", "02", []),
    ("曾志伟", "220104201001017895", date(2010, 1, 1), "1", "", "H3", "在册", "20", []),
    ("王𠀀", "220104194002291113", date(1940, 2, 29), "2", "13900002222", "H4", "在册", "02", ["独居", "残疾"]),
    ("欧阳修文", "220104196006012221", date(1960, 6, 1), "1", "13700003333", "H5", "在册", "02", []),
    ("李春", "220104199008083334", date(1990, 8, 8), "2", "15800004444", "H1", "已迁出", "10", []),
    ("张三", "220104195001014442", date(1950, 1, 1), "1", "", "H2", "已故", "10", []),
    ("区小红", "220104197005055558", date(1970, 5, 5), "2", "13600005555", "H3", "在册", "02", ["低保"]),
    ("张丽", "220104200002296668", date(2000, 2, 29), "2", "13500006666", "H5", "在册", "10", []),
    ("解放", "22010419661010777X", date(1966, 10, 10), "1", "18600007777", "H2", "在册", "10", []),
    ("李丽", "220104196606018889", date(1966, 6, 1), "2", "13000008888", "H4", "在册", "10", []),
    ("李娜", None, date(1966, 6, 2), "2", "", "H4", "在册", "10", []),
    ("赵敏", None, None, "2", "", None, "在册", "99", []),
]


def build_people(db: Database) -> People:
    """Two grids; 3号楼 (units 1 and 2) and 5号楼 (unit 1) and the low-rise area; five households."""
    with db.transaction("测试社区") as session:
        g1, g2 = Grid(code="G1", name="第一网格"), Grid(code="G2", name="第二网格")
        session.add_all([g1, g2])
        session.flush()
        b3 = Building(grid_id=g1.id, name="3号楼", kind="楼房", sort_key=1)
        b5 = Building(grid_id=g2.id, name="5号楼", kind="楼房", sort_key=2)
        low = Building(grid_id=g2.id, name="平房区", kind="平房区", sort_key=3)
        session.add_all([b3, b5, low])
        session.flush()
        u31, u32 = Unit(building_id=b3.id, name="1单元", sort_key=1), Unit(building_id=b3.id, name="2单元", sort_key=2)
        u51 = Unit(building_id=b5.id, name="1单元", sort_key=1)
        session.add_all([u31, u32, u51])
        session.flush()
        households = {
            "H1": Household(building_id=b3.id, unit_id=u32.id, room="301"),
            "H2": Household(building_id=b3.id, unit_id=u31.id, room="101"),
            "H3": Household(building_id=b5.id, unit_id=u51.id, room="301"),
            "H4": Household(building_id=low.id, unit_id=None, room="长山路12号"),
            "H5": Household(building_id=b3.id, unit_id=u32.id, room="302"),
        }
        session.add_all(households.values())
        session.flush()
        ids: dict[str, int] = {}
        for name, number, born, sex, phone, house, status, relation, groups in RESIDENTS:
            resident = Resident(
                name=name, name_pinyin=sort_key(name), id_number=number, birth_date=born, sex_code=sex,
                phone=phone, household_id=households[house].id if house else None, status=status,
                relation_code=relation,
            )
            session.add(resident)
            session.flush()
            session.add_all(ResidentGroup(resident_id=resident.id, group=g) for g in groups)
            ids[name] = resident.id
        session.flush()
        search.index_residents(session, ids.values())
        places = {
            "g1": g1.id, "g2": g2.id, "b3": b3.id, "b5": b5.id, "low": low.id,
            "u31": u31.id, "u32": u32.id, "u51": u51.id, **{k: h.id for k, h in households.items()},
        }
    return People(ids, places)


@pytest.fixture
def people(db: Database) -> People:
    return build_people(db)


def found(db: Database, people: People, typed: str, **kwargs: object) -> set[str]:
    with db.reader() as session:
        return people.names(search.search_ids(session, typed, **kwargs))


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("张", {"张立春", "张三", "张丽"}),  # any status: search_ids does not filter
        ("张立", {"张立春"}),
        ("张立春", {"张立春"}),
        ("立春", {"张立春"}),
        ("春", {"张立春", "李春"}),
        ("丽", {"张丽", "李丽"}),
        ("𠀀", {"王𠀀"}),  # CJK Extension B, U+20000
        ("王𠀀", {"王𠀀"}),
        ("欧阳", {"欧阳修文"}),
        ("单", {"单田芳"}),  # one character is a name: not everyone living in a 单元
        ("区", {"区小红"}),  # nor everyone in the 平房区
        ("张立秋", set()),
        ("ＺＬＣ", {"张立春"}),  # full-width letters typed by an input method
    ],
)
def test_names_one_two_three_characters(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed) == names


# --- pinyin --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("zhangli", {"张立春", "张丽"}),
        ("zhanglichun", {"张立春"}),
        ("zhang li", {"张立春", "张丽"}),  # two words, both must match
        ("lichun", {"张立春", "李春"}),  # from the given name on
        ("zlc", {"张立春"}),
        ("zl", {"张立春", "张丽"}),
        ("zhanglc", {"张立春"}),  # full surname, initials after
        ("ZhangLi", {"张立春", "张丽"}),
        ("张l", {"张立春", "张丽"}),  # characters typed so far, then pinyin
        ("wang", {"王𠀀"}),
        ("oyxw", {"欧阳修文"}),
        ("ouyang", {"欧阳修文"}),
        ("xiuwen", {"欧阳修文"}),
        ("zhangx", set()),
    ],
)
def test_pinyin_full_and_initials(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed) == names


@pytest.mark.parametrize(
    ("surname_reading", "everyday_reading", "name"),
    [
        ("shantianfang", "dantianfang", "单田芳"),
        ("stf", "dtf", "单田芳"),
        ("zengzhiwei", "cengzhiwei", "曾志伟"),
        ("xiefang", "jiefang", "解放"),
        ("ouxiaohong", "quxiaohong", "区小红"),
        ("oxh", "qxh", "区小红"),
    ],
)
def test_heteronym_surnames_are_found_by_either_reading(
    db: Database, people: People, surname_reading: str, everyday_reading: str, name: str
) -> None:
    assert found(db, people, surname_reading) == {name}
    assert found(db, people, everyday_reading) == {name}


# --- ID numbers and phones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("1234", {"张立春"}),  # the last four of the ID number
        ("19520315", {"张立春"}),  # the birth date inside it
        ("220104195203151234", {"张立春"}),  # the whole number
        ("777x", {"解放"}),  # the check digit X, typed lower-case
        ("777X", {"解放"}),
        ("７７７Ｘ", {"解放"}),  # full-width
        ("1966", {"解放", "李丽"}),  # birth years 1966 (李娜 has no ID number)
        ("0001", {"张立春"}),  # phone 13804310001
        ("6666", {"单田芳", "张丽"}),  # 0431-85556666, 13500006666
        ("0431-8555", {"单田芳"}),  # a landline typed with its dash
        ("85556666", {"单田芳"}),
        ("138043", {"张立春"}),
        ("99999", set()),
    ],
)
def test_id_number_and_phone_fragments(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed) == names


def test_one_or_two_digits_look_only_at_addresses(db: Database, people: People) -> None:
    """"12" is inside most ID numbers; as a short number it means a building, unit or house."""
    assert found(db, people, "12") == {"王𠀀", "李丽", "李娜"}  # 长山路12号
    assert found(db, people, "5") == {"曾志伟", "区小红"}  # 5号楼


# --- addresses ------------------------------------------------------------------------------------------

B3_2 = {"张立春", "李春", "欧阳修文", "张丽"}  # 3号楼2单元
B3_1 = {"单田芳", "张三", "解放"}  # 3号楼1单元
LOW = {"王𠀀", "李丽", "李娜"}  # 平房区 长山路12号


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("3号楼", B3_1 | B3_2),
        ("3号", B3_1 | B3_2),
        ("5号楼", {"曾志伟", "区小红"}),
        ("2单元", B3_2),
        ("3号楼2单元", B3_2),
        ("3号楼2单元301", {"张立春", "李春"}),
        ("3-2-301", {"张立春", "李春"}),
        ("301", {"张立春", "李春", "曾志伟", "区小红"}),  # room 301 in 3号楼 and in 5号楼
        ("30", {"张立春", "李春", "曾志伟", "区小红", "欧阳修文", "张丽"}),  # rooms 301, 302 as you type
        ("长山路", LOW),
        ("长山路12号", LOW),
        ("平房区", LOW),
        ("13号楼", set()),
    ],
)
def test_addresses(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed) == names


# --- several words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("张 3号楼", {"张立春", "张三", "张丽"}),
        ("张 301", {"张立春"}),
        ("张 2单元", {"张立春", "张丽"}),
        ("zl 302", {"张丽"}),
        ("李 长山路", {"李丽", "李娜"}),
        ("3号楼 2单元 301", {"张立春", "李春"}),
        ("1966 长山路", {"李丽"}),
        ("张 5号楼", set()),
        ("  张   立春  ", {"张立春"}),
    ],
)
def test_several_words_must_all_match(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed) == names


# --- whatever a user types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ['"', '""', "*", "张*", "*张", "(", ")", "张)", "(张", ":", "name:张", "{name}: 张", "^张", "-张", "张-",
     "+", "NEAR(张 李)", "AND", "OR", "NOT", "张 AND", "张 OR 李", "NOT 张", "'", "\\", "%", "_", "张%",
     "\u3000", "·", "？", "！！", "\x00", "\t张\n", "x", "X", "0", "00000000000000000000000000", "张" * 60,
     "a" * 300, "3-2-", "-3-2-301", "#", "3#2#301", "😀", "\U0010ffff", "\ufffd"],
)
def test_fts_syntax_typed_by_a_user_never_raises(db: Database, people: People, typed: str) -> None:
    result = found(db, people, typed)
    assert isinstance(result, set)


def test_fts_syntax_around_a_name_is_just_punctuation(db: Database, people: People) -> None:
    for typed in ('"张立春"', "张立春*", "(张立春)", "张立春:", "^张立春", "张立春-"):
        assert found(db, people, typed) == {"张立春"}, typed


def test_only_punctuation_matches_nobody_and_blank_matches_everybody(db: Database, people: People) -> None:
    assert found(db, people, '"*()') == set()
    assert found(db, people, "   ") == set(people.ids)
    assert found(db, people, "") == set(people.ids)


def test_match_expressions_quote_every_word() -> None:
    terms = search.parse('zl" OR 1:*')
    assert terms is not None
    for term in terms:
        for expression in (term.words, term.digits):
            if expression:
                assert expression.count('"') % 2 == 0
                assert "OR 1" not in expression


# --- the LIKE fallback (databases without FTS5) -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("张立", {"张立春"}),
        ("𠀀", {"王𠀀"}),
        ("zhanglichun", {"张立春"}),
        ("1234", {"张立春"}),
        ("777x", {"解放"}),
        ("8555", {"单田芳"}),
        ("3号楼2单元", B3_2),
        ("长山路", LOW),
        ("张 301", {"张立春"}),
        ('"%_\\', set()),
    ],
)
def test_like_fallback_finds_the_same_people(db: Database, people: People, typed: str, names: set[str]) -> None:
    assert found(db, people, typed, use_fts=False) == names


def test_without_the_digits_table_fragments_fall_back_to_like(db: Database, people: People) -> None:
    with db.reader() as session:
        compiled = search.compile_text(session, "1234", active_only=True)
        assert compiled is not None and not compiled.uses_like
    # A database made by an SQLite without the trigram tokenizer has no resident_digits.
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {search.DIGITS_TABLE}"))
    search._tables_cache.clear()
    try:
        assert found(db, people, "1234") == {"张立春"}
        assert found(db, people, "301") == {"张立春", "李春", "曾志伟", "区小红"}
        assert found(db, people, "0431-8555") == {"单田芳"}
        with db.reader() as session:
            compiled = search.compile_text(session, "1234", active_only=True)
            assert compiled is not None and compiled.uses_like and compiled.count(session) is None
    finally:
        search._tables_cache.clear()


# --- keeping the index in step -------------------------------------------------------------------------


def index_rows(db: Database, resident_id: int) -> tuple[tuple, tuple]:
    with db.reader() as session:
        words = session.execute(
            text(f"SELECT name, pinyin, initials, address, state FROM {search.TABLE} WHERE rowid = :id"),
            {"id": resident_id},
        ).all()
        digits = session.execute(
            text(f"SELECT digits, state FROM {search.DIGITS_TABLE} WHERE rowid = :id"), {"id": resident_id}
        ).all()
    return tuple(words), tuple(digits)


def test_an_index_row_holds_words_digits_and_state(db: Database, people: People) -> None:
    words, digits = index_rows(db, people["张立春"])
    assert words == (("张 立 春", "zhanglc zhanglic zhanglichun lic lichun chun", "zlc lc c",
                      "3号 楼 2单 元 301", "active"),)
    assert digits == (("220104195203151234 13804310001", "active"),)
    assert index_rows(db, people["李春"])[0][0][-1] == "gone"
    assert index_rows(db, people["赵敏"]) == ((("赵 敏", "zhaom zhaomin min", "zm m", "", "active"),), ())


def test_index_residents_rewrites_entries_after_a_change(db: Database, people: People) -> None:
    with db.transaction("改名") as session:
        resident = session.get(Resident, people["张立春"])
        assert resident is not None
        resident.name, resident.name_pinyin = "张春生", sort_key("张春生")
        resident.phone = "13912345678"
        resident.household_id = people.places["H3"]
        search.index_residents(session, [resident.id])
    assert found(db, people, "张立春") == set()
    assert people["张立春"] in search_ids_for(db, "张春生")
    assert people["张立春"] in search_ids_for(db, "zcs")
    assert people["张立春"] in search_ids_for(db, "5号楼")
    assert people["张立春"] not in search_ids_for(db, "3号楼")
    assert people["张立春"] in search_ids_for(db, "12345678")
    assert people["张立春"] not in search_ids_for(db, "0001")


def test_index_residents_drops_entries_of_unknown_ids_and_accepts_duplicates(db: Database, people: People) -> None:
    with db.transaction("重建") as session:
        search.index_residents(session, [people["张丽"], people["张丽"], 999_999])
    assert index_rows(db, 999_999) == ((), ())
    assert found(db, people, "张丽") == {"张丽"}


def search_ids_for(db: Database, typed: str) -> list[int]:
    with db.reader() as session:
        return search.search_ids(session, typed)


def test_reindex_all_rebuilds_everything_and_reports_progress(db: Database, people: People) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {search.TABLE}"))
        connection.execute(text(f"DELETE FROM {search.DIGITS_TABLE}"))
    assert found(db, people, "张") == set()
    calls: list[tuple[int, int, str]] = []
    with db.transaction("重建检索索引") as session:
        done = search.reindex_all(session, progress=lambda d, t, s="": calls.append((d, t, s)))
    assert done == len(RESIDENTS)
    assert calls[0][:2] == (0, len(RESIDENTS)) and calls[-1][:2] == (len(RESIDENTS), len(RESIDENTS))
    assert found(db, people, "张") == {"张立春", "张三", "张丽"}
    assert found(db, people, "1234") == {"张立春"}
    with db.reader() as session:  # the planner statistics were refreshed
        assert session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'resident'")).scalar()


def test_reindex_all_can_be_cancelled_and_nothing_changes(db: Database, people: People) -> None:
    from chang_shan.progress import Cancelled

    def cancel(done: int, total: int, text_: str = "") -> None:
        raise Cancelled

    with pytest.raises(Cancelled), db.transaction("重建检索索引") as session:
        search.reindex_all(session, progress=cancel)
    assert found(db, people, "张") == {"张立春", "张三", "张丽"}


# --- counting straight from the index ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["张", "zl", "1234", "301", "30", "3号楼", "张 301", "1966 长山路", "6666", "李", "3", "12", "777x"],
)
@pytest.mark.parametrize("active_only", [True, False])
def test_fts_counts_agree_with_the_sql_condition(db: Database, people: People, typed: str, active_only: bool) -> None:
    with db.reader() as session:
        compiled = search.compile_text(session, typed, active_only=active_only)
        assert compiled is not None
        query = select(Resident.id).where(compiled.condition())
        if active_only:
            query = query.where(Resident.status == "在册")
        listed = set(session.scalars(query))
        correlated = select(Resident.id).where(compiled.condition(correlated=True))
        if active_only:
            correlated = correlated.where(Resident.status == "在册")
        assert set(session.scalars(correlated)) == listed
        assert compiled.count(session) == len(listed)


def test_union_counts_with_a_large_overlap_use_intersect(
    db: Database, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search._Counter, "_SMALL", 0)
    with db.reader() as session:
        compiled = search.compile_text(session, "301", active_only=False)
        assert compiled is not None
        assert compiled.count(session) == 4
