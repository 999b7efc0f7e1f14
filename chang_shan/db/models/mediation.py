"""人民调解 (people's mediation): the committee's mediators, cases with their parties, the facts and
the disputed matters, the outcome, and for an agreement the content 人民调解法 第二十九条 requires
(the parties' basic details, the main facts, the disputed matters and each party's responsibility,
the agreed terms, how and by when they are performed), and the follow-up visits (回访).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

DISPUTE_KINDS = ("婚姻家庭", "邻里纠纷", "房屋宅基地", "物业纠纷", "损害赔偿", "合同纠纷", "劳动争议", "家庭暴力", "其他")
CASE_STATUSES = ("调解中", "达成协议", "未达成协议", "已移交", "已终止")
PARTY_SIDES = ("申请人", "被申请人", "第三人")
MEDIATOR_ROLES = ("主任", "副主任", "委员", "调解员")
PERFORMANCE = ("已履行", "部分履行", "未履行")


class Mediator(Base):
    """A member of the 人民调解委员会 (a resident or not)."""

    __tablename__ = "mediation_mediator"
    __table_args__ = (CheckConstraint("role in ('主任', '副主任', '委员', '调解员')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(4), default="调解员")
    phone: Mapped[str] = mapped_column(String(30), default="")
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)


class MediationCase(Base):
    """One dispute brought to the committee. ``escalated`` marks a dispute that grew worse (激化:
    violence, a petition, a criminal case) — the 八零 indicator 零矛盾升级 counts them."""

    __tablename__ = "mediation_case"
    __table_args__ = (
        CheckConstraint("status in ('调解中', '达成协议', '未达成协议', '已移交', '已终止')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # TJ2026-012 (协议书编号 uses it)
    kind: Mapped[str] = mapped_column(String(6))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(20), default="当事人申请")  # 当事人申请 / 主动调解 / 移送
    facts: Mapped[str] = mapped_column(Text, default="")  # 纠纷的主要事实
    disputed_matters: Mapped[str] = mapped_column(Text, default="")  # 争议事项
    responsibilities: Mapped[str] = mapped_column(Text, default="")  # 各方当事人的责任
    status: Mapped[str] = mapped_column(String(6), default="调解中", index=True)
    mediated_on: Mapped[date | None] = mapped_column(Date)  # the day of the outcome
    agreement_terms: Mapped[str] = mapped_column(Text, default="")  # 当事人达成调解协议的内容
    performance_method: Mapped[str] = mapped_column(String(300), default="")  # 履行方式
    performance_due: Mapped[date | None] = mapped_column(Date)  # 履行期限
    oral_agreement: Mapped[bool] = mapped_column(Boolean, default=False)  # 口头协议 (第二十八条)
    referred_to: Mapped[str] = mapped_column(String(100), default="")  # 已移交: to whom
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)  # 矛盾升级
    escalated_note: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MediationParty(Base):
    """A party to a case with the basic details an agreement must carry (姓名、性别、年龄、民族、
    职业、单位或者住所). A resident party's details are copied in when the case is recorded, so the
    agreement stays as signed."""

    __tablename__ = "mediation_party"
    __table_args__ = (CheckConstraint("side in ('申请人', '被申请人', '第三人')", name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    side: Mapped[str] = mapped_column(String(4))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex_code: Mapped[str] = mapped_column(String(1), default="")  # GB/T 2261.1
    age: Mapped[int | None] = mapped_column(Integer)
    ethnicity_code: Mapped[str] = mapped_column(String(2), default="")  # GB/T 3304
    occupation: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")  # 单位或者住所
    id_number: Mapped[str] = mapped_column(String(18), default="")  # masked wherever shown
    phone: Mapped[str] = mapped_column(String(30), default="")


class MediationCaseMediator(Base):
    __tablename__ = "mediation_case_mediator"

    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediation_mediator.id"), primary_key=True, index=True)


class MediationVisit(Base):
    """A follow-up visit (回访) on how an agreement is being performed."""

    __tablename__ = "mediation_visit"
    __table_args__ = (CheckConstraint("performance in ('已履行', '部分履行', '未履行')", name="performance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    performance: Mapped[str] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(String(300), default="")
    visitor: Mapped[str] = mapped_column(String(50), default="")
