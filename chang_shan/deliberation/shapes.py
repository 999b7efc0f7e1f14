"""What the 四步议事 services exchange with the screen and the prints.

Inputs are mutable dataclasses (what the dialogs give); rows and details are frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chang_shan.db.models.deliberation import STEPS

DONE = 5  # DeliberationMatter.step once the resolution is published


def step_name(step: int | None) -> str:
    """'第三步 党员和居民代表审议'; '' for no step."""
    if step is None or step not in STEPS:
        return ""
    return f"第{'一二三四'[step - 1]}步 {STEPS[step]}"


@dataclass
class MatterInput:
    """A matter (议题) as proposed."""

    title: str = ""
    background: str = ""  # 事由 / 提议内容
    category: str = ""  # 基础设施, 环境卫生, 物业管理 …
    proposed_on: date | None = None


@dataclass
class StepInput:
    """One holding of a step. ``expected``/``present`` and the votes are step 3's (the other steps
    may give the attendance). ``outcome`` "" lets step 3's vote decide; 退回 needs ``back_to`` and
    ``reason``, 不通过 a ``reason``. Step 4 (通过) carries the resolution and the 公示期."""

    step: int = 1
    held_on: date | None = None
    place: str = ""
    host: str = ""  # 主持人
    participants: str = ""
    expected: int | None = None  # 应到
    present: int | None = None  # 实到
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    minutes: str = ""  # 会议记录
    outcome: str = ""  # 通过 / 不通过 / 退回 ("" at step 3: from the vote)
    back_to: int | None = None
    reason: str = ""
    resolution: str = ""  # step 4: 决议内容
    notice_from: date | None = None  # step 4: 公示期
    notice_to: date | None = None
    notice_number: str = ""  # step 4: 发文字号 ("" → made from the community name)


@dataclass(frozen=True)
class VoteResult:
    """Step 3's vote counted: ``problems`` (field → message) empty when the vote is valid."""

    quorum: int  # ⌈2/3 · 应到⌉
    outcome: str  # 通过 / 不通过 ("" when the vote is invalid)
    problems: dict[str, str]


@dataclass(frozen=True)
class MatterRow:
    id: int
    number: str  # YS2026-003
    title: str
    category: str
    proposed_on: date
    status: str  # 议事中 / 公示中 / 已决议 / 已终止
    step: int  # the next step (5: published)
    stage: str  # '下一步：第二步 社区“两委”商议' / '公示中（至 2026-03-12）' / '已决议' / '已终止'
    last_held_on: date | None
    notice_from: date | None
    notice_to: date | None
    closed_on: date | None
    version: int


@dataclass(frozen=True)
class StepRow:
    id: int
    seq: int  # the holding's order within the matter (1, 2, 3 …; a step held again has a later seq)
    step: int
    name: str  # 第三步 党员和居民代表审议
    held_on: date
    place: str
    host: str
    participants: str
    expected: int | None
    present: int | None
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum: int | None  # step 3: ⌈2/3 · 应到⌉
    minutes: str
    outcome: str
    back_to: int | None
    back_to_name: str
    reason: str
    recorded_by: str

    @property
    def vote_text(self) -> str:
        """'应到 30 人，实到 26 人；同意 21 票，反对 3 票，弃权 2 票' ('' when there was no vote)."""
        if self.step != 3 or self.present is None:
            return ""
        return (f"应到 {self.expected} 人，实到 {self.present} 人；同意 {self.votes_for} 票，"
                f"反对 {self.votes_against} 票，弃权 {self.votes_abstain} 票")


@dataclass(frozen=True)
class MatterDetail:
    row: MatterRow
    background: str
    resolution: str
    notice_number: str
    close_reason: str
    created_by: str
    steps: tuple[StepRow, ...]  # in seq order
    next_step: int | None  # the step to record next (None: no step can be recorded)
    next_step_name: str
    allowed: tuple[str, ...]  # 'record_step', 'close_notice', 'withdraw', 'edit'
    close_from: date | None  # 公示中: the first day the resolution can be confirmed (notice_to + 1)

    @property
    def version(self) -> int:
        return self.row.version
