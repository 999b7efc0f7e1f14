"""Record numbers (chang_shan.db.numbering): the next after the highest stored, per year, growing
a digit past the widest instead of repeating it."""

from __future__ import annotations

from datetime import date

from chang_shan.db.database import Database
from chang_shan.db.models.deliberation import DeliberationMatter
from chang_shan.db.numbering import next_serial, yearly_number


def store(db: Database, *numbers: str) -> None:
    with db.transaction("议题") as session:
        for number in numbers:
            session.add(DeliberationMatter(number=number, title="燃气管道更新", proposed_on=date(2026, 3, 1)))


def test_first_number_of_a_year_and_the_next(db: Database) -> None:
    with db.reader() as session:
        assert yearly_number(session, DeliberationMatter.number, "YS", 2026) == "YS2026-0001"
        assert yearly_number(session, DeliberationMatter.number, "YS", 2026, width=3) == "YS2026-001"
    store(db, "YS2026-001", "YS2026-002", "YS2025-017", "TJ2026-030")
    with db.reader() as session:
        assert yearly_number(session, DeliberationMatter.number, "YS", 2026, width=3) == "YS2026-003"
        assert yearly_number(session, DeliberationMatter.number, "YS", 2025, width=3) == "YS2025-018"
        assert yearly_number(session, DeliberationMatter.number, "YS", 2024, width=3) == "YS2024-001"
        assert yearly_number(session, DeliberationMatter.number, "TJ", 2026, width=3) == "TJ2026-031"


def test_past_the_widest_number_grows_a_digit_and_keeps_counting(db: Database) -> None:
    store(db, "YZ2026-9998", "YZ2026-9999")
    with db.reader() as session:
        assert yearly_number(session, DeliberationMatter.number, "YZ", 2026) == "YZ2026-10000"
    store(db, "YZ2026-10000")
    with db.reader() as session:  # a plain max() of the texts would give 9999 → 10000 again
        assert yearly_number(session, DeliberationMatter.number, "YZ", 2026) == "YZ2026-10001"


def test_other_texts_under_the_prefix_are_ignored(db: Database) -> None:
    store(db, "CSV-00007", "CSV-00012", "CSV-", "CSV-0001X-long", "CSVX-99999", "CSV_99999")
    with db.reader() as session:
        assert next_serial(session, DeliberationMatter.number, "CSV-", 5) == "CSV-00013"
        # '_' and '%' in a prefix are matched as themselves, not as LIKE wildcards
        assert next_serial(session, DeliberationMatter.number, "CSV_", 5) == "CSV_100000"
        assert next_serial(session, DeliberationMatter.number, "CS%", 5) == "CS%00001"

