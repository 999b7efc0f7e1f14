"""便民档案库 — home services and requests (上门服务, 百姓说事点): what a resident or household
needs, who takes it, and how it went (待办 → 处理中 → 已完成 → 已回访), with its history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chang_shan.db.base import Base, utcnow

BUILTIN_CATEGORIES = ("理发", "洗澡", "配餐", "医药", "家政", "代办", "维修")
CHANNELS = ("电话", "上门", "百姓说事点", "网格员")
STATUSES = ("待办", "处理中", "已完成", "已回访")
ASSIGNEE_KINDS = ("worker", "team", "person")  # an account, a volunteer team, a resident
SATISFACTION = ("满意", "基本满意", "不满意")
EVENT_KINDS = ("受理", "接单", "转派", "完成", "回访", "重新打开", "修改")


class ServiceCategory(Base):
    """A kind of service. The seven built-in ones come with the schema; the office adds its own.
    A category in use is never deleted, only retired (``active`` False)."""

    __tablename__ = "service_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    builtin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class ServiceRequest(Base):
    """One request. ``resident_id`` or ``household_id`` (or both) says whom it is for. The assignee
    is an account (``assignee_user_id``), a volunteer team (``assignee_team``, a name until the
    volunteer ledger exists) or a resident (``assignee_resident_id``), as ``assignee_kind`` says;
    none while 待办 and unassigned."""

    __tablename__ = "service_request"
    __table_args__ = (
        CheckConstraint("status in ('待办', '处理中', '已完成', '已回访')", name="status"),
        CheckConstraint("channel in ('电话', '上门', '百姓说事点', '网格员')", name="channel"),
        CheckConstraint("resident_id is not null or household_id is not null", name="for_someone"),
        CheckConstraint(
            "assignee_kind is null or assignee_kind in ('worker', 'team', 'person')", name="assignee_kind"
        ),
        CheckConstraint(
            "satisfaction is null or satisfaction in ('满意', '基本满意', '不满意')", name="satisfaction"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("service_category.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8), default="电话")
    content: Mapped[str] = mapped_column(String(500))  # what is needed
    received_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)  # promised by
    status: Mapped[str] = mapped_column(String(4), default="待办", index=True)
    assignee_kind: Mapped[str | None] = mapped_column(String(6))
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    assignee_team: Mapped[str] = mapped_column(String(50), default="")
    assignee_resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date, index=True)
    result: Mapped[str] = mapped_column(String(500), default="")
    revisited_on: Mapped[date | None] = mapped_column(Date)  # 回访
    satisfaction: Mapped[str | None] = mapped_column(String(4))
    revisit_note: Mapped[str] = mapped_column(String(500), default="")
    reopened: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was reopened
    created_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[ServiceRequestEvent]] = relationship(
        order_by="ServiceRequestEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class ServiceRequestEvent(Base):
    """One step in a request's life, shown as its history: 受理, 接单, 转派, 完成, 回访, 重新打开, 修改."""

    __tablename__ = "service_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(4))
    user_name: Mapped[str] = mapped_column(String(32), default="")
    text: Mapped[str] = mapped_column(String(500), default="")  # '转派给 王芳（社区工作者）' …
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
