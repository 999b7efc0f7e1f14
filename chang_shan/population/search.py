"""Search-as-you-type over residents: name, pinyin, initials, ID number, phone and address.

On SQLite two FTS5 tables (created by migration 0001; rowid = resident id) hold words this module
writes:

``resident_search`` (tokenizer unicode61, prefix indexes for 1–3 characters)
    ``name``      the name character by character (``张 立 春``): a query of one or two characters
                  is a phrase query, and rare characters (𠀀, U+20000) are words like any other;
    ``pinyin``    pinyin words from every syllable a search may start at, for every surname
                  reading: ``zhanglichun lichun chun zhanglc …`` (``pinyin.search_tokens``);
    ``initials``  ``zlc lc c`` (and ``dlc`` for 单立春 read as dan);
    ``address``   ``3 号 楼 2 单 元 301``: Chinese characters one by one, numbers whole.
``resident_digits`` (tokenizer trigram)
    ``digits``    the ID number and the phone, digits only: any fragment of three or more digits
                  (the last four, a birth date, the start of a mobile number) is found where it is.

A MATCH expression is built here from the user's words, never from raw input: each word is cut
into tokens of letters and digits and quoted, so FTS syntax (" * ( ) : ^ - NEAR AND) typed by a
user is just text. Several words are ANDed. A word of digits (``301``, ``1234``, ``138``) looks in
the address and, from three digits on, in ID numbers and phones.

Why not one trigram table: the trigram tokenizer finds nothing for queries of one or two
characters, and most Chinese names are two or three (DESIGN.md). Why not the digits as suffix
words in the unicode61 table: with its prefix indexes that costs eight times the space (70 MB
against 9 MB for 110,000 residents) and is no faster.

Other databases (PostgreSQL) have no FTS tables; ``text_condition`` then degrades to ``LIKE`` over
the resident's columns (name, pinyin without spaces, ID number, phone, address), without initials.

Whoever changes a resident's name, ID number, phone, status or household, or a household's room,
building or unit name, calls ``index_residents`` for the residents concerned in the same
transaction (the population services and undo do).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal_column, or_, select, table, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.population import pinyin
from chang_shan.population.addresses import household_address
from chang_shan.progress import Progress, no_progress

TABLE = "resident_search"
DIGITS_TABLE = "resident_digits"
MIN_DIGITS = 3  # shortest ID-number or phone fragment searched (the trigram tokenizer's minimum)
_BATCH = 500

# --- words ------------------------------------------------------------------------------------


def _word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def tokens(value: str) -> list[str]:
    """The words of ``value`` as the index holds them: every non-ASCII letter (a Chinese
    character, rare ones included) on its own, runs of ASCII letters and digits together,
    lower-cased, full-width forms folded; punctuation and spaces separate."""
    value = unicodedata.normalize("NFKC", value or "")
    out: list[str] = []
    run: list[str] = []
    for ch in value:
        if ch.isascii() and ch.isalnum():
            run.append(ch.lower())
            continue
        if run:
            out.append("".join(run))
            run = []
        if _word_char(ch):
            out.append(ch.lower())
    if run:
        out.append("".join(run))
    return out


def digits_of(value: str | None) -> str:
    """Digits (and the X of an ID number, lower-cased) only: ``0431-85551234`` → ``043185551234``."""
    folded = unicodedata.normalize("NFKC", value or "").lower()
    return "".join(ch for ch in folded if ch.isdigit() or ch == "x")


@dataclass(frozen=True)
class IndexRow:
    resident_id: int
    name: str
    pinyin: str
    initials: str
    address: str
    digits: str


def index_row(resident_id: int, name: str, address: str, id_number: str | None, phone: str | None) -> IndexRow:
    """What the index holds for one resident."""
    full, short = pinyin.search_tokens(name)
    return IndexRow(
        resident_id,
        " ".join(tokens(name)),
        " ".join(full),
        " ".join(short),
        " ".join(tokens(address)),
        # A space between the two: no trigram spans them, so no fragment matches across.
        " ".join(d for d in (digits_of(id_number), digits_of(phone)) if d),
    )


# --- which tables this database has -------------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    words: bool
    digits: bool


_tables_cache: dict[int, tuple[Engine, _Tables]] = {}


def _engine_of(bind: Session | Connection) -> Engine:
    target = bind.get_bind() if isinstance(bind, Session) else bind
    return target.engine if isinstance(target, Connection) else target


def _tables(bind: Session | Connection) -> _Tables:
    engine = _engine_of(bind)
    cached = _tables_cache.get(id(engine))
    if cached is not None and cached[0] is engine:
        return cached[1]
    if engine.dialect.name != "sqlite":
        found: set[str] = set()
    else:
        found = set(bind.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)"),
            {"a": TABLE, "b": DIGITS_TABLE},
        ).scalars())
    result = _Tables(TABLE in found, DIGITS_TABLE in found)
    _tables_cache[id(engine)] = (engine, result)
    return result


def available(bind: Session | Connection) -> bool:
    """True when this database has the FTS5 search table (SQLite)."""
    return _tables(bind).words


# --- writing the index ---------------------------------------------------------------------------


def _source_rows(session: Session, resident_ids: Sequence[int] | None) -> Iterator[Any]:
    query = (
        select(
            Resident.id, Resident.name, Resident.id_number, Resident.phone,
            Building.name.label("building"), Building.kind, Unit.name.label("unit"), Household.room,
        )
        .outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
    )
    if resident_ids is not None:
        query = query.where(Resident.id.in_(resident_ids))
    else:
        query = query.order_by(Resident.id)
    yield from session.execute(query)


def _to_index_row(row: Any) -> IndexRow:
    address = household_address(row.building, row.unit, row.room, row.kind) if row.building is not None else ""
    return index_row(row.id, row.name, address, row.id_number, row.phone)


_INSERT_WORDS = text(
    f"INSERT INTO {TABLE} (rowid, name, pinyin, initials, address) "
    "VALUES (:resident_id, :name, :pinyin, :initials, :address)"
)
_INSERT_DIGITS = text(f"INSERT INTO {DIGITS_TABLE} (rowid, digits) VALUES (:resident_id, :digits)")


def _write(session: Session, tables: _Tables, rows: list[IndexRow]) -> None:
    if not rows:
        return
    session.execute(_INSERT_WORDS, [row.__dict__ for row in rows])
    if tables.digits:
        with_digits = [row.__dict__ for row in rows if row.digits]
        if with_digits:
            session.execute(_INSERT_DIGITS, with_digits)


def index_residents(session: Session, resident_ids: Iterable[int]) -> None:
    """(Re)write the search entries of these residents from the database, in the caller's
    transaction. Ids without a resident lose their entry. A no-op without FTS5."""
    ids = sorted({int(i) for i in resident_ids})
    tables = _tables(session)
    if not ids or not tables.words:
        return
    session.flush()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        listed = ", ".join(str(i) for i in chunk)  # ints only: safe to inline
        session.execute(text(f"DELETE FROM {TABLE} WHERE rowid IN ({listed})"))
        if tables.digits:
            session.execute(text(f"DELETE FROM {DIGITS_TABLE} WHERE rowid IN ({listed})"))
        _write(session, tables, [_to_index_row(row) for row in _source_rows(session, chunk)])


def reindex_all(session: Session, progress: Progress | None = None) -> int:
    """Rebuild the whole index (after an import, a bulk load or a restore), in the caller's
    transaction. ``progress(done, total, text)`` may raise ``Cancelled``. Returns the number of
    residents indexed (0 without FTS5)."""
    progress = progress or no_progress
    tables = _tables(session)
    if not tables.words:
        return 0
    session.flush()
    total = session.scalar(select(func.count()).select_from(Resident)) or 0
    label = "重建检索索引"
    progress(0, total, label)
    session.execute(text(f"DELETE FROM {TABLE}"))
    if tables.digits:
        session.execute(text(f"DELETE FROM {DIGITS_TABLE}"))
    done = 0
    batch: list[IndexRow] = []
    for row in _source_rows(session, None):
        batch.append(_to_index_row(row))
        if len(batch) >= 2_000:
            _write(session, tables, batch)
            done += len(batch)
            batch = []
            progress(done, total, label)
    _write(session, tables, batch)
    done += len(batch)
    # One b-tree per index instead of many segments: the fastest shape for queries.
    session.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))
    if tables.digits:
        session.execute(text(f"INSERT INTO {DIGITS_TABLE} ({DIGITS_TABLE}) VALUES ('optimize')"))
    progress(done, total, label)
    return done


# --- reading what the user typed ---------------------------------------------------------------

_DIGITS = re.compile(r"^\d+x?$")
_LETTERS = re.compile(r"^[a-z]+$")
_FLAT = re.compile(r"^(\d+)[-#](\d+)[-#](\d+)$")  # 3-2-301: building-unit-room, as people jot it


@dataclass(frozen=True)
class Term:
    """One typed word as FTS expressions: a resident matches when ``words`` matches in
    ``resident_search`` or ``digits`` matches in ``resident_digits`` (either may be None)."""

    words: str | None
    digits: str | None = None
    number: str = ""  # the digits typed, for the LIKE fallback


def _phrase(words: Sequence[str], *, prefix: bool) -> str:
    # Words hold only letters and digits (see ``tokens``): never a double quote.
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def parse_term(term: str) -> Term | None:
    """The expressions for one typed word, or None when it holds nothing searchable."""
    normal = unicodedata.normalize("NFKC", term).lower()
    flat = _FLAT.match(normal)
    if flat:
        return Term("{address} : " + _phrase(tokens(household_address(flat[1], flat[2], flat[3])), prefix=True))
    words = tokens(normal)
    if not words:
        return None
    if len(words) == 1 and _DIGITS.match(words[0]):
        number = words[0]
        address = None if number.endswith("x") else "{address} : " + _phrase([number], prefix=True)
        digits = _phrase([number], prefix=False) if len(number) >= MIN_DIGITS else None
        return Term(address, digits, number) if address or digits else None
    if len(words) == 1 and _LETTERS.match(words[0]):
        return Term("{name pinyin initials} : " + _phrase(words, prefix=True))
    # One Chinese character is a name search only: 单 must find 单立春, not everyone in a 单元.
    columns = "{name}" if len(words) == 1 else "{name address}"
    expression = f"{columns} : " + _phrase(words, prefix=words[-1].isascii())
    if all(w.isalpha() for w in words) and any(w.isascii() for w in words):
        # 张l, 张li: the characters typed so far plus the pinyin being typed.
        spelled = pinyin.to_pinyin_text("".join(words))
        if spelled.isascii():
            expression = f"({expression} OR {{pinyin}} : {_phrase([spelled], prefix=True)})"
    return Term(expression)


def parse(text_: str) -> list[Term] | None:
    """The terms of what the user typed: None when blank; an empty list when nothing in it is
    searchable (only punctuation), which matches nobody."""
    words = (text_ or "").split()
    if not words:
        return None
    return [t for t in (parse_term(w) for w in words) if t is not None]


# --- conditions for queries ----------------------------------------------------------------------


def _in_fts(table_name: str, expression: str, parameter: str) -> ColumnElement[bool]:
    matches = (
        select(literal_column("rowid"))
        .select_from(table(table_name))
        .where(text(f"{table_name} MATCH :{parameter}").bindparams(**{parameter: expression}))
    )
    return Resident.id.in_(matches)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digits_like(number: str) -> ColumnElement[bool]:
    pattern = f"%{_like_escape(number)}%"
    return or_(
        func.lower(Resident.id_number).like(pattern, escape="\\"),
        func.replace(Resident.phone, "-", "").like(pattern, escape="\\"),
    )


def _like_term(term: str) -> ColumnElement[bool] | None:
    """One word on databases without FTS5: substring matches over the resident's columns."""
    normal = unicodedata.normalize("NFKC", term).strip()
    words = tokens(normal)
    if not words:
        return None
    joined = _like_escape("".join(words))
    typed = f"%{_like_escape(normal)}%"
    address = func.coalesce(Building.name, "") + func.coalesce(Unit.name, "") + Household.room
    households = (
        select(Household.id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .where(address.like(typed, escape="\\"))
    )
    return or_(
        Resident.name.like(typed, escape="\\"),
        func.replace(Resident.name_pinyin, " ", "").like(f"%{joined}%", escape="\\"),
        _digits_like("".join(words)),
        Resident.household_id.in_(households),
    )


def text_condition(session: Session, text_: str, *, use_fts: bool | None = None) -> ColumnElement[bool] | None:
    """A WHERE condition on ``Resident`` for what the user typed, or None when it is blank.

    FTS5 on SQLite; ``LIKE`` elsewhere (``use_fts=False`` forces that, for tests)."""
    if not (text_ or "").strip():
        return None
    tables = _tables(session)
    if use_fts is None:
        use_fts = tables.words
    if not use_fts:
        conditions = [c for c in (_like_term(w) for w in text_.split()) if c is not None]
        return and_(*conditions) if conditions else false()
    terms = parse(text_)
    if terms is None:
        return None
    if not terms:
        return false()
    # Words-only terms go into one MATCH (FTS5 ANDs them itself, fastest); a term that may also
    # be an ID or phone fragment is an OR over the two tables.
    fused = [t.words for t in terms if t.digits is None and t.words]
    conditions: list[ColumnElement[bool]] = []
    if fused:
        conditions.append(_in_fts(TABLE, " AND ".join(fused), "search_words"))
    for n, term in enumerate(t for t in terms if t.digits is not None):
        alternatives = []
        if term.words:
            alternatives.append(_in_fts(TABLE, term.words, f"search_words_{n}"))
        if tables.digits:
            alternatives.append(_in_fts(DIGITS_TABLE, term.digits, f"search_digits_{n}"))
        else:
            alternatives.append(_digits_like(term.number))
        conditions.append(or_(*alternatives))
    return and_(*conditions)


def search_ids(session: Session, text_: str, *, use_fts: bool | None = None) -> list[int]:
    """Ids of the residents (any status) matching ``text_``, in id order. For look-ups and tests;
    lists use ``query.resident_ids``."""
    condition = text_condition(session, text_, use_fts=use_fts)
    query = select(Resident.id).order_by(Resident.id)
    if condition is not None:
        query = query.where(condition)
    return list(session.scalars(query))
