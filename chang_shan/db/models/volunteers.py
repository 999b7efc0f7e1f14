"""Volunteers (红马甲): teams with leaders, registered volunteers (residents or from outside, e.g.
university students), service records kept as 志愿服务记录与证明出具办法 asks (date, place, content,
hours without travel time, who confirmed), and the points bank: rules turning confirmed service into
points, a ledger per volunteer with a running balance that never goes negative, goods with stock,
redemptions at the office counter.

Points are whole numbers. Hours are ``Decimal`` with one decimal place. The balance lives on the
volunteer row (``points_balance``, CHECK ≥ 0) and is changed only by one conditional UPDATE per
entry, so two counters redeeming at once can never overdraw it; every ledger entry keeps the
balance after it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

VOLUNTEER_KINDS = ("居民", "大学生", "驻区单位", "其他")
TEAM_ROLES = ("队长", "副队长", "队员")
SERVICE_STATUSES = ("待确认", "已确认", "已退回")
ENTRY_KINDS = ("服务积分", "兑换", "调整", "冲正")


class VolunteerTeam(Base):
    """A 红马甲 team: 法律援助, 纠纷调解, 家政服务, 医疗保健, 家电维修, 义务巡逻 …"""

    __tablename__ = "volunteer_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)  # also service_request.assignee_team
    service: Mapped[str] = mapped_column(String(100), default="")  # what it does
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    founded_on: Mapped[date | None] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Volunteer(Base):
    """A registered volunteer. A resident volunteer's name, ID and phone are the resident's
    (``resident_id`` set, the copies here empty); someone from outside has them here. The
    大学生志愿服务信息档案 fields (school …) are filled for students."""

    __tablename__ = "volunteer"
    __table_args__ = (
        CheckConstraint("kind in ('居民', '大学生', '驻区单位', '其他')", name="kind"),
        CheckConstraint("points_balance >= 0", name="balance_not_negative"),
        CheckConstraint("(resident_id is not null) or (name <> '')", name="has_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 志愿者编号, e.g. CSV-00123
    kind: Mapped[str] = mapped_column(String(4), default="居民")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), unique=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    sex_code: Mapped[str] = mapped_column(String(1), default="")  # GB/T 2261.1
    id_number: Mapped[str] = mapped_column(String(18), default="")  # masked wherever shown
    phone: Mapped[str] = mapped_column(String(30), default="")
    organisation: Mapped[str] = mapped_column(String(100), default="")  # 工作单位 / 驻区单位
    school: Mapped[str] = mapped_column(String(100), default="")  # 大学生: 学校
    major: Mapped[str] = mapped_column(String(100), default="")  # 院系专业
    student_number: Mapped[str] = mapped_column(String(30), default="")
    enrolment_year: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[str] = mapped_column(String(200), default="")
    registered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    points_balance: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class VolunteerTeamMember(Base):
    """A volunteer belongs to a team (as 队长, 副队长 or 队员) from ``joined_on``."""

    __tablename__ = "volunteer_team_member"
    __table_args__ = (CheckConstraint("role in ('队长', '副队长', '队员')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    role: Mapped[str] = mapped_column(String(4), default="队员")
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


class VolunteerService(Base):
    """One record of service (志愿服务记录): who, when, where, what, how many hours (travel time
    excluded), entered by a worker or reported by a team leader, and counted only once confirmed
    (``status`` 已确认, with who confirmed and when). ``kind`` picks the points rule."""

    __tablename__ = "volunteer_service"
    __table_args__ = (
        CheckConstraint("status in ('待确认', '已确认', '已退回')", name="status"),
        CheckConstraint("hours > 0 and hours <= 24", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    service_request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    served_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))  # 关爱老人, 代购, 清雪, 巡逻 … (volunteer_point_rule.kind)
    content: Mapped[str] = mapped_column(String(300))
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1, asdecimal=True))
    entered_by: Mapped[str] = mapped_column(String(50))  # the account that typed it in
    reported_by: Mapped[str] = mapped_column(String(50), default="")  # a team leader who reported it
    status: Mapped[str] = mapped_column(String(4), default="待确认", index=True)
    confirmed_by: Mapped[str] = mapped_column(String(50), default="")
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    return_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class VolunteerPointRule(Base):
    """Points for a kind of service from ``start_on`` (``end_on`` closes the rule): per hour,
    and/or a fixed number per service. The rule in force on the day of the service applies."""

    __tablename__ = "volunteer_point_rule"
    __table_args__ = (
        CheckConstraint("points_per_hour >= 0 and points_per_service >= 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    points_per_hour: Mapped[int] = mapped_column(Integer, default=0)
    points_per_service: Mapped[int] = mapped_column(Integer, default=0)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")


class VolunteerPointEntry(Base):
    """One line of a volunteer's points ledger: points earned by a confirmed service (one entry per
    service), spent in a redemption, adjusted or reversed; ``balance_after`` is the balance after
    this entry (never negative)."""

    __tablename__ = "volunteer_point_entry"
    __table_args__ = (
        CheckConstraint("kind in ('服务积分', '兑换', '调整', '冲正')", name="kind"),
        CheckConstraint("balance_after >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(4))
    points: Mapped[int] = mapped_column(Integer)  # + earned, − spent
    balance_after: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_service.id"), unique=True)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_redemption.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class VolunteerRewardItem(Base):
    """A good in the points catalogue (米, 油, 洗衣液 …): its price in points and the stock left."""

    __tablename__ = "volunteer_reward_item"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    unit: Mapped[str] = mapped_column(String(6), default="件")
    points: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class VolunteerRedemption(Base):
    """A redemption at the office counter: one receipt (``number`` DH2026-0001) of one or more goods."""

    __tablename__ = "volunteer_redemption"
    __table_args__ = (CheckConstraint("total_points > 0", name="total_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    total_points: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class VolunteerRedemptionLine(Base):
    __tablename__ = "volunteer_redemption_line"
    __table_args__ = (
        UniqueConstraint("redemption_id", "item_id", name="one_line_per_item"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("volunteer_redemption.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("volunteer_reward_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    points_each: Mapped[int] = mapped_column(Integer)  # the price on that day
