"""Step 3's vote: the quorum (⌈2/3 · 应到⌉), counts never above those present, a majority of those
present, the outcome computed and a contradictory one refused."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.deliberation import matters
from chang_shan.deliberation.rules import count_vote, quorum
from chang_shan.errors import ValidationError
from tests.deliberation.helpers import TODAY, detail, new_matter, record, through, vote

HELD = date(2026, 1, 30)


@pytest.mark.parametrize(("expected", "need"), [(30, 20), (31, 21), (10, 7), (9, 6), (1, 1), (2, 2)])
def test_the_quorum_is_two_thirds_rounded_up(expected: int, need: int) -> None:
    assert quorum(expected) == need


@pytest.mark.parametrize(("present", "votes", "outcome"), [
    (20, (11, 5, 4), "通过"),
    (20, (10, 10, 0), "不通过"),  # exactly half is not a majority
    (20, (10, 2, 0), "不通过"),  # abstaining or not voting counts against: a majority of those present
    (21, (11, 0, 0), "通过"),
    (21, (10, 0, 11), "不通过"),
])
def test_a_majority_of_those_present(present: int, votes: tuple[int, int, int], outcome: str) -> None:
    result = count_vote(30, present, *votes)
    assert (result.outcome, result.problems) == (outcome, {})


def test_without_a_quorum_nothing_is_decided() -> None:
    result = count_vote(30, 19, 19, 0, 0)
    assert result.outcome == ""
    assert result.problems == {"present": "实到 19 人，不足应到 30 人的三分之二（至少 20 人），会议不能表决，请另行召集。"}


def test_votes_never_exceed_those_present() -> None:
    assert count_vote(30, 20, 15, 4, 2).problems == {"votes_for": "同意、反对、弃权共 21 票，多于实到人数 20 人。"}
    assert count_vote(30, 31, 20, 0, 0).problems == {"present": "实到人数应在 0 到应到人数 30 之间。"}
    assert count_vote(None, 20, 15, 0, 0).problems == {"expected": "第三步须填写应到人数（党员和居民代表）。"}
    assert count_vote(30, None, 15, 0, 0).problems == {"present": "第三步须填写实到人数。"}
    assert count_vote(30, 20, -1, 0, 0).problems == {"votes_for": "票数不能为负数。"}


def _at_vote(db: Database) -> int:
    mid = new_matter(db)
    through(db, mid, 2)
    return mid


def _refusal(db: Database, mid: int, **values: object) -> dict[str, str]:
    version = detail(db, mid).version
    with pytest.raises(ValidationError) as caught, db.transaction("记录表决") as s:
        matters.record_step(s, mid, version, vote(HELD, **values), today=TODAY)  # type: ignore[arg-type]
    return caught.value.errors


def test_the_service_refuses_an_invalid_vote(db: Database) -> None:
    mid = _at_vote(db)
    assert "不足应到 30 人的三分之二" in _refusal(db, mid, present=19, votes_for=19, against=0, abstain=0)["present"]
    assert "多于实到人数 20 人" in _refusal(db, mid, present=20, votes_for=15, against=4, abstain=2)["votes_for"]
    assert detail(db, mid).steps[-1].step == 2  # nothing written


def test_the_outcome_is_computed_from_the_vote(db: Database) -> None:
    mid = _at_vote(db)
    done = record(db, mid, vote(HELD, present=20, votes_for=11, against=5, abstain=4))
    assert done.steps[-1].outcome == "通过" and done.next_step == 4
    other = _at_vote(db)
    ended = record(db, other, vote(HELD, present=20, votes_for=10, against=6, abstain=4, reason="未过半数"))
    assert ended.steps[-1].outcome == "不通过" and ended.row.status == "已终止"


def test_a_contradictory_outcome_is_refused(db: Database) -> None:
    mid = _at_vote(db)
    errors = _refusal(db, mid, present=20, votes_for=10, against=6, abstain=4, outcome="通过")
    assert errors["outcome"] == "同意 10 票，未超过实到人数 20 人的半数，表决结果是“不通过”，不能记为“通过”。"
    errors = _refusal(db, mid, present=20, votes_for=11, against=5, abstain=4, outcome="不通过", reason="有人反对")
    assert errors["outcome"] == "同意 11 票，超过实到人数 20 人的半数，表决结果是“通过”，不能记为“不通过”。"
    # the outcome that agrees with the vote is accepted when given
    assert record(db, mid, vote(HELD, present=20, votes_for=11, against=5, abstain=4, outcome="通过")).next_step == 4


def test_the_live_check_gives_the_outcome_without_writing(db: Database) -> None:
    mid = _at_vote(db)
    with db.reader() as s:
        assert matters.check_step(s, mid, vote(HELD, present=20, votes_for=11), today=TODAY) == ("通过", {})
        outcome, problems = matters.check_step(s, mid, vote(HELD, present=10), today=TODAY)
    assert outcome == "" and "present" in problems
    assert len(detail(db, mid).steps) == 2
