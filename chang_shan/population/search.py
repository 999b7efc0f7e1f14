"""Search-as-you-type over residents: name, pinyin, initials, ID number, phone and address.

On SQLite two FTS5 tables (created by migration 0001; rowid = resident id) hold words this module
writes:

``resident_search`` (tokenizer unicode61, prefix indexes for 1–3 characters)
    ``name``      the name character by character (``张 立 春``): a query of one or two characters
                  is a phrase query, and rare characters (𠀀, U+20000) are words like any other;
    ``pinyin``    pinyin words from every syllable a search may start at, for every surname
                  reading: ``zhanglichun zhanglc lichun chun …`` (``pinyin.search_tokens``);
    ``initials``  ``zlc lc c`` (and ``dlc`` for 单立春 read as dan);
    ``address``   ``3 号 楼 2 单 元 301``: Chinese characters one by one, numbers whole;
    ``state``     ``active`` (在册) or ``gone`` (已迁出, 已故).
``resident_digits`` (tokenizer trigram)
    ``digits``    the ID number and the phone, digits only (x lower-case), a space between: any
                  fragment of three or more digits is found wherever it is (the last four, a
                  birth date, the start of a mobile number);
    ``state``     as above.

With ``state`` in the index, counting what a search shows is one FTS query, no join: about a
millisecond even when a first keystroke matches a quarter of 100,000 residents (a join to
``resident.status`` costs 15–20 ms there).

A MATCH expression is built here from the user's words, never from raw input: each word is cut
into tokens of letters and digits and quoted, so FTS syntax (" * ( ) : ^ - NEAR AND) typed by a
user is just text. Several words are ANDed. What one word means:

- Chinese characters (and mixed text): a phrase in the name, from two characters also in the
  address (``3号楼``, ``2单元``); one character is a name search only (单 must not find every
  单元). ``张l`` also looks for the pinyin ``zhangl…``.
- ASCII letters: a prefix of the pinyin or the initials at any syllable (``zhangli``, ``lichun``,
  ``zlc``, ``zl``), or of a name written in letters.
- Digits: a prefix of a number in the address (``3``, ``30``, ``301``); from three digits on
  also a fragment of the ID number or the phone, anywhere in it (``1234``, ``19520315``, ``123x``).
- ``3-2-301``: building 3, unit 2, room 301.

Why not one trigram table: the trigram tokenizer finds nothing for queries of one or two
characters, and most Chinese names are two or three (DESIGN.md). Why not the digits as words in
the unicode61 table: with its prefix indexes that costs ten times the space (120 MB against
12 MB for 110,000 residents) and is no faster.

Other databases (PostgreSQL) have no FTS tables; the search then degrades to ``LIKE`` over the
resident's columns (name, pinyin without spaces, ID number, phone, address), without initials.

Whoever changes a resident's name, ID number, phone, status or household, or a household's room,
building or unit name, calls ``index_residents`` for the residents concerned in the same
transaction (the population services and undo do).
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement, and_, column, exists, false, func, literal, literal_column, or_, select, table, text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.population import access, pinyin
from chang_shan.population.addresses import household_address
from chang_shan.progress import Progress, no_progress

TABLE = "resident_search"
DIGITS_TABLE = "resident_digits"
ACTIVE = "在册"
MIN_DIGITS = 3  # shortest ID-number or phone fragment searched (the trigram tokenizer's minimum)
MAX_ADDRESS_DIGITS = 4  # longer numbers are not rooms: ID numbers and phones only
_BATCH = 500

# --- words ------------------------------------------------------------------------------------


def _word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def tokens(value: str) -> list[str]:
    """The words of ``value`` as the index holds them: runs of ASCII letters and digits
    together, lower-cased, and every other letter (a Chinese character, rare ones included) on
    its own, except that a run of digits or letters keeps the one character right after it
    (``3号 楼 2单 元 301``): address queries then start from a word as rare as the building or
    the unit instead of 号 or 单, which every flat has (8 ms → 1 ms for 3号楼 at 100,000).
    Full-width forms are folded; punctuation and spaces separate."""
    value = unicodedata.normalize("NFKC", value or "")
    out: list[str] = []
    run: list[str] = []
    for ch in value:
        if ch.isascii() and ch.isalnum():
            run.append(ch.lower())
            continue
        word = _word_char(ch)
        if run:
            out.append("".join(run) + (ch.lower() if word else ""))
            run = []
        elif word:
            out.append(ch.lower())
    if run:
        out.append("".join(run))
    return out


def digits_of(value: str | None) -> str:
    """Digits (and the X of an ID number, lower-cased) only: ``0431-85551234`` → ``043185551234``."""
    folded = unicodedata.normalize("NFKC", value or "").lower()
    return "".join(ch for ch in folded if ch.isdigit() or ch == "x")


@lru_cache(maxsize=20_000)
def _joined_words(value: str) -> str:
    # Names and addresses repeat (a household's members share one): reindexing 100,000
    # residents computes each once.
    return " ".join(tokens(value))


def state_word(status: str) -> str:
    return "active" if status == ACTIVE else "gone"


@dataclass(frozen=True)
class IndexRow:
    resident_id: int
    name: str
    pinyin: str
    initials: str
    address: str
    digits: str
    state: str


def index_row(
    resident_id: int, name: str, address: str, id_number: str | None, phone: str | None, status: str = ACTIVE
) -> IndexRow:
    """What the index holds for one resident."""
    full, short = pinyin.search_tokens(name)
    return IndexRow(
        resident_id,
        _joined_words(name),
        " ".join(full),
        " ".join(short),
        _joined_words(address),
        # A space between the two: no trigram spans them, so no fragment matches across.
        " ".join(d for d in (digits_of(id_number), digits_of(phone)) if d),
        state_word(status),
    )


# --- which tables this database has -------------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    words: bool
    digits: bool


_tables_cache: weakref.WeakKeyDictionary[Engine, _Tables] = weakref.WeakKeyDictionary()


def _engine_of(bind: Session | Connection) -> Engine:
    target = bind.get_bind() if isinstance(bind, Session) else bind
    return target.engine if isinstance(target, Connection) else target


def _tables(bind: Session | Connection) -> _Tables:
    engine = _engine_of(bind)
    cached = _tables_cache.get(engine)
    if cached is not None:
        return cached
    if engine.dialect.name != "sqlite":
        found: set[str] = set()
    else:
        found = set(bind.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)"),
            {"a": TABLE, "b": DIGITS_TABLE},
        ).scalars())
    result = _Tables(TABLE in found, DIGITS_TABLE in found)
    _tables_cache[engine] = result
    return result


def available(bind: Session | Connection) -> bool:
    """True when this database has the FTS5 search table (SQLite)."""
    return _tables(bind).words


# --- writing the index ---------------------------------------------------------------------------


def _source_rows(session: Session, resident_ids: Sequence[int] | None) -> Iterator[Any]:
    query = (
        select(
            Resident.id, Resident.name, Resident.id_number, Resident.phone, Resident.status,
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
    return index_row(row.id, row.name, address, row.id_number, row.phone, row.status)


_INSERT_WORDS = text(
    f"INSERT INTO {TABLE} (rowid, name, pinyin, initials, address, state) "
    "VALUES (:resident_id, :name, :pinyin, :initials, :address, :state)"
)
_INSERT_DIGITS = text(
    f"INSERT INTO {DIGITS_TABLE} (rowid, digits, state) VALUES (:resident_id, :digits, :state)"
)


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
    transaction, and refresh SQLite's planner statistics (``ANALYZE``), which a bulk load makes
    stale. ``progress(done, total, text)`` may raise ``Cancelled``. Returns the number of
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
    # Without statistics SQLite reads ix_resident_status for every list (20 ms instead of 0.5
    # for one grid at 100,000 residents).
    session.execute(text("ANALYZE"))
    progress(done, total, label)
    return done


# --- reading what the user typed ---------------------------------------------------------------

_DIGITS = re.compile(r"^\d+x?$")
_NUMBER = re.compile(r"^[\d\-()（）]+x?$")
_LETTERS = re.compile(r"^[a-z]+$")
_FLAT = re.compile(r"^(\d+)[-#](\d+)[-#](\d+)$")  # 3-2-301: building-unit-room, as people jot it


@dataclass(frozen=True)
class Term:
    """One typed word: a resident matches when ``words`` matches in ``resident_search`` or
    ``digits`` in ``resident_digits`` (None: that side cannot match). ``number`` is the fragment
    for the LIKE fallback; ``one_character`` marks a single Chinese character, ``numeric`` a
    number or a flat (neither says anything about where the matches fall in name order)."""

    words: str | None
    digits: str | None = None
    number: str = ""
    one_character: bool = False
    numeric: bool = False


def _phrase(words: Sequence[str], *, prefix: bool) -> str:
    # Words hold only letters and digits (see ``tokens``): never a double quote.
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def parse_term(term: str) -> Term | None:
    """The expressions for one typed word, or None when it holds nothing searchable."""
    normal = unicodedata.normalize("NFKC", term).lower()
    flat = _FLAT.match(normal)
    if flat:
        address = household_address(flat[1], flat[2], flat[3])
        return Term("{address} : " + _phrase(tokens(address), prefix=True), numeric=True)
    words = tokens(normal)
    if not words:
        return None
    if len(words) > 1 and _NUMBER.match(normal):
        words = ["".join(words)]  # 0431-8555: a phone written with its separator
    if len(words) == 1 and _DIGITS.match(words[0]):
        number = words[0]
        room = len(number) <= MAX_ADDRESS_DIGITS and not number.endswith("x")
        address = "{address} : " + _phrase([number], prefix=True) if room else None
        digits = "{digits} : " + _phrase([number], prefix=False) if len(number) >= MIN_DIGITS else None
        return Term(address, digits, number, numeric=True) if address or digits else None
    if len(words) == 1 and _LETTERS.match(words[0]):
        return Term("{name pinyin initials} : " + _phrase(words, prefix=True))
    one = len(words) == 1 and len(words[0]) == 1 and not words[0].isascii()
    numeric = any(ch.isdigit() for ch in normal)
    # A number makes it an address (names hold none); one Chinese character is a name search
    # only: 单 must find 单立春, not everyone in a 单元.
    columns = "{address}" if numeric else "{name}" if one else "{name address}"
    expression = f"{columns} : " + _phrase(words, prefix=words[-1].isascii())
    if all(w.isalpha() for w in words) and any(w.isascii() for w in words):
        # 张l, 张li: the characters typed so far plus the pinyin being typed.
        spelled = pinyin.to_pinyin_text("".join(words))
        if spelled.isascii() and spelled.isalpha():
            expression = f"({expression} OR {{pinyin}} : {_phrase([spelled], prefix=True)})"
    return Term(expression, one_character=one, numeric=numeric)


def parse(text_: str) -> list[Term] | None:
    """The terms of what the user typed: None when blank; an empty list when nothing in it is
    searchable (only punctuation), which matches nobody."""
    words = (text_ or "").split()
    if not words:
        return None
    return [t for t in (parse_term(w) for w in words) if t is not None]


# --- a compiled search ---------------------------------------------------------------------------


def _with_state(expression: str | None, active_only: bool) -> str | None:
    # "NOT gone" rather than "AND active": the short list of the gone is the cheap one to merge
    # (3.8 ms against 14 for the 72,000 ID numbers containing 220).
    if expression is None or not active_only:
        return expression
    return f'({expression}) NOT {{state}} : "gone"'


@dataclass(frozen=True)
class Either:
    """A digit term: the resident matches ``words`` in ``resident_search`` (a room number) or
    ``digits`` in ``resident_digits`` (an ID or phone fragment); ``digits`` None with a
    ``like_number``: SQLite without the trigram tokenizer, the fragment is searched with LIKE."""

    words: str | None
    digits: str | None
    like_number: str | None = None


@dataclass(frozen=True)
class TextSearch:
    """What the user typed, ready to run: the condition for resident queries, and a count
    straight from the FTS tables. All parts must match: ``words`` (one MATCH on
    ``resident_search`` for every word-only term) and each of ``either``. ``like_text``: no FTS
    at all, every word a LIKE (other databases). ``active_only``: only 在册 residents count
    (the FTS tables know the state; ``condition`` callers still test ``Resident.status``)."""

    words: str | None = None
    either: tuple[Either, ...] = ()
    like_text: str | None = None
    nothing: bool = False
    active_only: bool = False
    one_character: bool = False  # a single Chinese character (its matches cluster in name order)
    numeric: bool = False  # numbers only (matches spread evenly through name order)

    @property
    def uses_like(self) -> bool:
        return self.like_text is not None or any(part.like_number for part in self.either)

    def _narrowed(self) -> tuple[str | None, list[tuple[str | None, str | None]]]:
        """The expressions with the state filter: on the word part when there is one (the
        intersection narrows every other part), else on every side of every part."""
        words = _with_state(self.words, self.active_only)
        each = self.active_only and words is None
        return words, [(_with_state(p.words, each), _with_state(p.digits, each)) for p in self.either]

    def condition(self, resident_id: ColumnElement[int] | None = None, *, correlated: bool = False) -> ColumnElement[bool]:
        """The WHERE condition on ``Resident``. ``resident_id``: the id column to test (default
        ``Resident.id``). ``correlated``: an FTS look-up per resident (EXISTS … rowid = id,
        without the state filter, which the caller's status test makes redundant) instead of
        one list of all matches; cheaper only when most residents match and a page is wanted
        (the list of "220" costs 10 ms, fifty look-ups 0.5 ms)."""
        resident_id = Resident.id if resident_id is None else resident_id
        if self.nothing:
            return false()
        if self.like_text is not None:
            conditions = [c for c in (_like_term(w) for w in self.like_text.split()) if c is not None]
            return and_(*conditions) if conditions else false()
        if correlated:
            words, parts = self.words, [(p.words, p.digits) for p in self.either]
            match = _exists_in_fts
        else:
            words, parts = self._narrowed()
            match = _in_fts
        counter = iter(range(10_000))
        conditions = [match(resident_id, TABLE, words, next(counter))] if words else []
        for (part_words, part_digits), part in zip(parts, self.either, strict=True):
            alternatives = []
            if part_words:
                alternatives.append(match(resident_id, TABLE, part_words, next(counter)))
            if part_digits:
                alternatives.append(match(resident_id, DIGITS_TABLE, part_digits, next(counter)))
            if part.like_number:
                alternatives.append(_digits_like(part.like_number))
            conditions.append(or_(*alternatives))
        return and_(*conditions)

    def count(self, session: Session) -> int | None:
        """How many residents match, from the FTS tables alone (no join); None when LIKE is
        involved (the caller counts with ``condition`` then)."""
        if self.nothing:
            return 0
        if self.uses_like:
            return None
        words, parts = self._narrowed()
        run = _Counter(session)
        if not parts:
            return run.count(TABLE, words)
        if words is None and len(parts) == 1:
            return run.union(*parts[0])
        selects = [run.select(TABLE, words)] if words else []
        for part_words, part_digits in parts:
            sides = [run.select(t, e) for t, e in ((TABLE, part_words), (DIGITS_TABLE, part_digits)) if e]
            selects.append(sides[0] if len(sides) == 1 else f"SELECT rowid FROM ({' UNION '.join(sides)})")
        return run.scalar("SELECT count(*) FROM (" + " INTERSECT ".join(selects) + ")")


    def estimate(self, session: Session) -> int | None:
        """An upper bound of ``count`` that costs one FTS count per side (no overlaps worked
        out): enough to choose a plan. None when LIKE is involved."""
        if self.nothing:
            return 0
        if self.uses_like:
            return None
        words, parts = self._narrowed()
        run = _Counter(session)
        bounds = [run.count(TABLE, words)] if words else []
        bounds += [run.count(TABLE, w) + run.count(DIGITS_TABLE, d) for w, d in parts]
        return min(bounds)


class _Counter:
    """Counting FTS matches, the expressions bound as parameters."""

    _SMALL = 50  # up to this, an overlap is counted with one FTS look-up per match (~50 µs each)

    def __init__(self, session: Session) -> None:
        self.session = session
        self.params: dict[str, str] = {}

    def _bind(self, expression: str) -> str:
        key = f"e{len(self.params)}"
        self.params[key] = expression
        return key

    def select(self, table_name: str, expression: str) -> str:
        return f"SELECT rowid FROM {table_name} WHERE {table_name} MATCH :{self._bind(expression)}"

    def scalar(self, sql: str) -> int:
        return int(self.session.execute(text(sql), self.params).scalar() or 0)

    def count(self, table_name: str, expression: str | None) -> int:
        if expression is None:
            return 0
        return self.scalar(f"SELECT count(*) FROM {table_name} WHERE {table_name} MATCH :{self._bind(expression)}")

    def union(self, words: str | None, digits: str | None) -> int:
        """|room matches ∪ ID/phone matches| = |A| + |B| − |A ∩ B|. One side is usually empty
        or small (few rooms are numbered like the start of ID numbers): the overlap is then
        counted with a look-up per match of the small side, not by listing the large one."""
        a = self.count(TABLE, words)
        b = self.count(DIGITS_TABLE, digits)
        if not a or not b:
            return a + b
        if min(a, b) <= self._SMALL:
            small, large = ((TABLE, words), (DIGITS_TABLE, digits)) if a <= b else ((DIGITS_TABLE, digits), (TABLE, words))
            (small_table, small_expression), (large_table, large_expression) = small, large
            both = self.scalar(
                f"SELECT count(*) FROM {small_table} WHERE {small_table} MATCH :{self._bind(small_expression)} "
                f"AND EXISTS (SELECT 1 FROM {large_table} WHERE {large_table} MATCH :{self._bind(large_expression)} "
                f"AND {large_table}.rowid = {small_table}.rowid)"
            )
        else:
            both = self.scalar(f"SELECT count(*) FROM ({self.select(TABLE, words)} INTERSECT {self.select(DIGITS_TABLE, digits)})")  # type: ignore[arg-type]
        return a + b - both


def compile_text(
    session: Session, text_: str, *, active_only: bool = False, use_fts: bool | None = None
) -> TextSearch | None:
    """What the user typed as a ``TextSearch``; None when it is blank. ``active_only``: only 在册
    residents count (see ``TextSearch``)."""
    if not (text_ or "").strip():
        return None
    tables = _tables(session)
    if use_fts is None:
        use_fts = tables.words
    if not use_fts:
        return TextSearch(like_text=text_, active_only=active_only)
    terms = parse(text_)
    if terms is None:
        return None
    if not terms:
        return TextSearch(nothing=True, active_only=active_only)
    fused = [t.words for t in terms if t.digits is None and t.words]
    either = tuple(
        Either(t.words, t.digits) if tables.digits else Either(t.words, None, t.number)
        for t in terms if t.digits is not None
    )
    return TextSearch(
        " AND ".join(fused) if fused else None, either, active_only=active_only,
        one_character=len(terms) == 1 and terms[0].one_character,
        numeric=all(t.numeric for t in terms),
    )


def _fts_match(table_name: str, expression: str, n: int):  # noqa: ANN202 - a TextClause
    parameter = f"fts_{table_name}_{n}"
    return text(f"{table_name} MATCH :{parameter}").bindparams(**{parameter: expression})


def _in_fts(resident_id: ColumnElement[int], table_name: str, expression: str, n: int) -> ColumnElement[bool]:
    matches = select(literal_column("rowid")).select_from(table(table_name)).where(_fts_match(table_name, expression, n))
    return resident_id.in_(matches)


def _exists_in_fts(resident_id: ColumnElement[int], table_name: str, expression: str, n: int) -> ColumnElement[bool]:
    fts = table(table_name, column("rowid"))
    return exists(
        select(literal(1)).select_from(fts).where(_fts_match(table_name, expression, n), fts.c.rowid == resident_id)
    )


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _digits_like(number: str) -> ColumnElement[bool]:
    pattern = f"%{_like_escape(number.lower())}%"
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
    joined = "".join(words)
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
        func.replace(Resident.name_pinyin, " ", "").like(f"%{_like_escape(joined)}%", escape="\\"),
        _digits_like(joined),
        Resident.household_id.in_(households),
    )


def text_condition(session: Session, text_: str, *, use_fts: bool | None = None) -> ColumnElement[bool] | None:
    """A WHERE condition on ``Resident`` for what the user typed (any status), or None when it
    is blank. FTS5 on SQLite; ``LIKE`` elsewhere (``use_fts=False`` forces that, for tests)."""
    compiled = compile_text(session, text_, use_fts=use_fts)
    return None if compiled is None else compiled.condition()


def search_ids(session: Session, text_: str, *, use_fts: bool | None = None) -> list[int]:
    """Ids of the residents (any status) matching ``text_``, in id order. For look-ups and tests;
    lists use ``query.resident_ids``. Needs ``Perm.VIEW``; a 网格员 gets only their grids'."""
    require(session, Perm.VIEW)
    scope = access.resident_scope(session)
    condition = text_condition(session, text_, use_fts=use_fts)
    query = select(Resident.id).order_by(Resident.id)
    if condition is not None:
        query = query.where(condition)
    if scope is not None:
        query = query.where(scope)
    return list(session.scalars(query))
