"""Two counters at once: two threads, each with its own ``Database`` (its own connection) on the
same SQLite file, reach the claim together (a barrier holds each one after it has read and checked
the volunteer and the goods) and race for the last points or the last bag of rice. Exactly one
wins; the balance and the stock never go below zero; the ledger adds up to the balance; the loser
wrote nothing (no receipt, no line, no entry)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models.volunteers import (
    VolunteerPointEntry,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
)
from chang_shan.errors import DomainError
from chang_shan.volunteers import points
from tests.volunteers.office import TODAY, balance_facts, give

ROUNDS = 8


@pytest.fixture
def second(vdb: Database) -> Iterator[Database]:
    """Another program's connection to the same file (the folder lock is the first one's)."""
    other = Database.open(vdb.data_dir, lock=False, migrate=False)
    other.actor = SYSTEM
    try:
        yield other
    finally:
        other.close()


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> threading.Barrier:
    """Both redemptions wait for each other right before they claim the balance."""
    barrier = threading.Barrier(2, timeout=20)
    claim = points.claim_balance

    def claim_together(session, volunteer_id, need=0):  # noqa: ANN001, ANN202
        if threading.current_thread() is not threading.main_thread():  # the counters, not the set-up
            barrier.wait()
        return claim(session, volunteer_id, need)

    monkeypatch.setattr(points, "claim_balance", claim_together)
    return barrier


def race(dbs: list[Database], jobs: list[tuple[int, list[tuple[int, int]]]]) -> list[str]:
    def one(db: Database, volunteer_id: int, lines: list[tuple[int, int]]) -> str:
        try:
            with db.transaction("积分兑换") as s:
                return points.redeem(s, volunteer_id, lines, today=TODAY).number
        except DomainError as refused:
            return refused.message

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(one, db, vid, lines) for db, (vid, lines) in zip(dbs, jobs)]
        return [f.result(timeout=60) for f in futures]


def whole(db: Database) -> None:
    """Every receipt has its lines (adding up to its total) and exactly one ledger entry."""
    with db.reader() as s:
        for r in s.scalars(select(VolunteerRedemption)):
            lines = s.scalars(select(VolunteerRedemptionLine).where(VolunteerRedemptionLine.redemption_id == r.id)).all()
            assert lines and sum(line.quantity * line.points_each for line in lines) == r.total_points
            [entry] = s.scalars(select(VolunteerPointEntry).where(VolunteerPointEntry.redemption_id == r.id)).all()
            assert entry.points == -r.total_points and entry.balance_after >= 0


def item_stock(db: Database, item_id: int) -> int:
    with db.reader() as s:
        return s.scalar(select(VolunteerRewardItem.stock).where(VolunteerRewardItem.id == item_id))


def redemptions(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(VolunteerRedemption))


def test_two_counters_race_for_the_last_points(vdb, second, world, together) -> None:  # noqa: ANN001
    for n in range(ROUNDS):
        give(vdb, world.zhang_wei, 10)  # exactly one towel's worth
        results = race([vdb, second], [(world.zhang_wei, [(world.towel, 1)])] * 2)
        won = [r for r in results if r.startswith("DH")]
        assert len(won) == 1, results
        [lost] = [r for r in results if not r.startswith("DH")]
        assert lost.startswith("积分不足：张伟（CSV-00001）现有积分 0") or lost.startswith("积分或库存刚被另一处改动")
        balance, total, last = balance_facts(vdb, world.zhang_wei)
        assert balance == total == last == 0
        assert redemptions(vdb) == n + 1
        assert item_stock(vdb, world.towel) == 100 - (n + 1)
    whole(vdb)


def test_two_counters_race_for_the_last_bag_of_rice(vdb, second, world, together) -> None:  # noqa: ANN001
    give(vdb, world.zhang_wei, 50 * ROUNDS)
    give(vdb, world.student, 50 * ROUNDS)
    for n in range(ROUNDS):
        with vdb.transaction("补货") as s:
            points.restock(s, world.rice, 1 - item_stock(vdb, world.rice))  # 2 at first, then 0
        assert item_stock(vdb, world.rice) == 1
        results = race([vdb, second], [(world.zhang_wei, [(world.rice, 1)]), (world.student, [(world.rice, 1)])])
        won = [r for r in results if r.startswith("DH")]
        assert len(won) == 1, results
        [lost] = [r for r in results if not r.startswith("DH")]
        assert lost == "库存不足：大米（5kg）现有 0袋，本次要兑换 1袋。" or lost.startswith("积分或库存刚被另一处改动")
        assert item_stock(vdb, world.rice) == 0
        assert redemptions(vdb) == n + 1
    spent = 0
    for volunteer in (world.zhang_wei, world.student):
        balance, total, last = balance_facts(vdb, volunteer)
        assert balance == total == last >= 0
        spent += 50 * ROUNDS - balance
    assert spent == 50 * ROUNDS  # one bag per round, paid once
    whole(vdb)
