"""The party network (四级网络): 社区党委 → 网格/楼栋党支部 → 楼栋/单元党小组 → 党员家庭户, its members
(residents), their posts, status changes with dates, and the monthly study day (主题党日, the 15th)
with attendance per member.

The 党员家庭户 tag on a household is *derived* from this ledger: a household carries it while at
least one of its residents is a party member in good standing (``party.households`` keeps it so).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

ORG_LEVELS = ("党委", "党支部", "党小组")  # 社区党委 → 网格/楼栋党支部 → 楼栋/单元党小组
POSTS = ("书记", "副书记", "委员", "组长")  # 党委/支部: 书记 副书记 委员; 党小组: 组长
MEMBER_KINDS = ("正式党员", "预备党员")
# Where the member's organisation relationship (组织关系) is: here; elsewhere (a 流动党员 who lives
# here); or a "pocket" member (口袋党员) whose letter of introduction was never handed in anywhere.
ORG_RELATIONS = ("在本社区", "在社区外", "口袋党员")
MEMBER_STATUSES = ("在册", "已转出", "已故", "已出党")
EVENT_KINDS = ("入党", "转正", "转入", "转出", "找回口袋党员", "组织关系转入本社区", "组织关系转出", "去世",
               "出党", "调整党组织", "其他")


class PartyOrg(Base):
    """One organisation of the network. The 党委 has no parent; a 党支部's parent is the 党委 and it
    usually covers a grid (``grid_id``) or a building; a 党小组's parent is a 党支部 and it covers a
    building or a unit. ``dissolved_on`` closes an organisation; history stays."""

    __tablename__ = "party_org"
    __table_args__ = (
        CheckConstraint("level in ('党委', '党支部', '党小组')", name="level"),
        CheckConstraint("(level = '党委') = (parent_id is null)", name="parent_matches_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    level: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(60))  # 长山花园社区党委, 第三网格党支部, 3号楼1单元党小组
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    founded_on: Mapped[date | None] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PartyMember(Base):
    """A resident who is a party member, in one organisation (usually a 党小组; a member directly
    under a 党支部 is allowed). ``joined_on`` is the 政治生日 (入党日期); ``full_on`` the day a
    probationary member became a full member (转正)."""

    __tablename__ = "party_member"
    __table_args__ = (
        CheckConstraint("kind in ('正式党员', '预备党员')", name="kind"),
        CheckConstraint("org_relation in ('在本社区', '在社区外', '口袋党员')", name="org_relation"),
        CheckConstraint("status in ('在册', '已转出', '已故', '已出党')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("party_org.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)  # 入党日期 = 政治生日
    kind: Mapped[str] = mapped_column(String(4), default="正式党员")
    full_on: Mapped[date | None] = mapped_column(Date)  # 转正日期
    org_relation: Mapped[str] = mapped_column(String(4), default="在本社区")
    relation_place: Mapped[str] = mapped_column(String(100), default="")  # where the relation is, if elsewhere
    status: Mapped[str] = mapped_column(String(4), default="在册", index=True)
    status_on: Mapped[date | None] = mapped_column(Date)  # the date of the current status (转出, 去世 …)
    phone: Mapped[str] = mapped_column(String(30), default="")  # if different from the resident's
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PartyMemberEvent(Base):
    """A dated change of a member: 入党, 转正, 转入, 转出, 找回口袋党员, … (the member's history)."""

    __tablename__ = "party_member_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_member.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    on_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PartyPost(Base):
    """A member holds a post in an organisation from ``start_on`` (``end_on`` closes it)."""

    __tablename__ = "party_post"
    __table_args__ = (CheckConstraint("post in ('书记', '副书记', '委员', '组长')", name="post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("party_org.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_member.id"), index=True)
    post: Mapped[str] = mapped_column(String(4))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)


class PartyStudyDay(Base):
    """A monthly study day (主题党日, on the 15th by default) held by an organisation (a 党支部, or
    the 党委 for everyone)."""

    __tablename__ = "party_study_day"
    __table_args__ = (UniqueConstraint("org_id", "held_on", name="one_per_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("party_org.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[str] = mapped_column(String(50), default="")


class PartyStudyAttendance(Base):
    """Whether one member attended one study day; an absence is followed up (谈心谈话, 补学)."""

    __tablename__ = "party_study_attendance"

    study_day_id: Mapped[int] = mapped_column(ForeignKey("party_study_day.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_member.id"), primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    absence_reason: Mapped[str] = mapped_column(String(100), default="")  # 请假: 外出, 生病 …
    followed_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_note: Mapped[str] = mapped_column(String(200), default="")
