"""四步议事 (four-step deliberation): a matter goes through 1 社区党委提议 → 2 社区"两委"商议 →
3 党员和居民代表审议 (with a vote) → 4 社区公示决议, in that order, each step with its date,
participants, minutes and outcome. A step that does not pass either ends the matter (已终止) or
sends it back to an earlier step with a reason; the steps' rows are never rewritten, so the record
shows every round. A resolution is published (公示) for a notice period.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

STEPS = {1: "社区党委提议", 2: "社区“两委”商议", 3: "党员和居民代表审议", 4: "社区公示决议"}
MATTER_STATUSES = ("议事中", "公示中", "已决议", "已终止")
STEP_OUTCOMES = ("通过", "不通过", "退回")


class DeliberationMatter(Base):
    """A matter (议题) such as 燃气管道更新 or 停车收费. ``step`` is the step to be held next
    (1–4; 5 once the resolution is published). ``notice_from``/``notice_to`` is the 公示期."""

    __tablename__ = "deliberation_matter"
    __table_args__ = (
        CheckConstraint("status in ('议事中', '公示中', '已决议', '已终止')", name="status"),
        CheckConstraint("step between 1 and 5", name="step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # YS2026-003
    title: Mapped[str] = mapped_column(String(100))
    background: Mapped[str] = mapped_column(Text, default="")  # 事由 / 提议内容
    category: Mapped[str] = mapped_column(String(20), default="")  # 基础设施, 环境卫生, 物业管理 …
    proposed_on: Mapped[date] = mapped_column(Date)
    step: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(4), default="议事中", index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")  # 决议内容 (step 4)
    notice_from: Mapped[date | None] = mapped_column(Date)
    notice_to: Mapped[date | None] = mapped_column(Date)
    notice_number: Mapped[str] = mapped_column(String(30), default="")  # 发文字号 of the 公示
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DeliberationStep(Base):
    """One holding of one step (``seq`` counts the holdings of the matter: a step held again after
    being sent back gets a new row). Step 3 carries the vote: ``expected`` (应到), ``present``
    (实到), for / against / abstain."""

    __tablename__ = "deliberation_step"
    __table_args__ = (
        UniqueConstraint("matter_id", "seq", name="one_per_seq"),
        CheckConstraint("step between 1 and 4", name="step"),
        CheckConstraint("outcome in ('通过', '不通过', '退回')", name="outcome"),
        CheckConstraint("back_to is null or (back_to >= 1 and back_to < step)", name="back_to"),
        CheckConstraint("votes_for >= 0 and votes_against >= 0 and votes_abstain >= 0", name="votes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("deliberation_matter.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    host: Mapped[str] = mapped_column(String(50), default="")  # 主持人
    participants: Mapped[str] = mapped_column(Text, default="")  # names, or 党员代表12人、居民代表20人
    expected: Mapped[int | None] = mapped_column(Integer)  # 应到人数
    present: Mapped[int | None] = mapped_column(Integer)  # 实到人数
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[str] = mapped_column(Text, default="")  # 会议记录
    outcome: Mapped[str] = mapped_column(String(4))
    back_to: Mapped[int | None] = mapped_column(Integer)  # outcome 退回: the step it goes back to
    reason: Mapped[str] = mapped_column(String(300), default="")  # why not passed / sent back
    recorded_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
