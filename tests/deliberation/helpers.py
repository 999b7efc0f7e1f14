"""Building 四步议事 matters in tests: a matter, steps that pass, the detail read back."""

from __future__ import annotations

from datetime import date, timedelta

from chang_shan.db.database import Database
from chang_shan.deliberation import matters, queries
from chang_shan.deliberation.shapes import MatterDetail, MatterInput, StepInput

TODAY = date(2026, 3, 20)
PROPOSED = date(2026, 1, 5)


def new_matter(db: Database, title: str = "燃气管道更新", proposed_on: date = PROPOSED) -> int:
    with db.transaction(f"新增议题 {title}") as s:
        return matters.create_matter(s, MatterInput(title, "老旧燃气管道锈蚀，居民多次反映。", "基础设施", proposed_on),
                                     today=TODAY)


def detail(db: Database, matter_id: int) -> MatterDetail:
    with db.reader() as s:
        return queries.matter_detail(s, matter_id)


def vote(held_on: date, *, expected: int = 30, present: int = 26, votes_for: int = 21, against: int = 3,
         abstain: int = 2, **extra: object) -> StepInput:
    return StepInput(step=3, held_on=held_on, place="社区二楼会议室", host="王书记", participants="党员代表12人、居民代表18人",
                     expected=expected, present=present, votes_for=votes_for, votes_against=against,
                     votes_abstain=abstain, minutes="逐户征求意见后表决。", **extra)  # type: ignore[arg-type]


def passed(step: int, held_on: date, **extra: object) -> StepInput:
    """Step ``step`` held on ``held_on`` and passed (step 3: a clear vote; step 4: a 7-day 公示)."""
    if step == 3:
        return vote(held_on, **extra)
    values: dict[str, object] = {"step": step, "held_on": held_on, "place": "社区党群服务中心", "host": "王书记",
                                 "participants": "社区党委委员", "minutes": "同意提交下一步。", "outcome": "通过"}
    if step == 4:
        values.update(resolution="更换3号楼至8号楼燃气立管，费用由燃气公司承担。", notice_from=held_on,
                      notice_to=held_on + timedelta(days=6))
    values.update(extra)
    return StepInput(**values)  # type: ignore[arg-type]


def record(db: Database, matter_id: int, data: StepInput, *, today: date = TODAY) -> MatterDetail:
    version = detail(db, matter_id).version
    with db.transaction(f"记录议事步骤 {data.step}") as s:
        matters.record_step(s, matter_id, version, data, today=today)
    return detail(db, matter_id)


def through(db: Database, matter_id: int, steps: int, first: date = date(2026, 1, 10)) -> MatterDetail:
    """Pass steps 1..``steps``, a week apart."""
    result = detail(db, matter_id)
    for n in range(1, steps + 1):
        result = record(db, matter_id, passed(n, first + timedelta(days=7 * (n - 1))))
    return result
