"""The data the request services exchange with forms, the today list and the statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RequestInput:
    """What the intake form gives. ``resident_id`` or ``household_id`` (or both) is required."""

    resident_id: int | None = None
    household_id: int | None = None  # None with a resident: the resident's household
    category_id: int | None = None
    channel: str = "电话"  # 电话 / 上门 / 百姓说事点 / 网格员
    content: str = ""  # what is needed
    received_on: date | None = None  # None = today
    due_on: date | None = None  # None = received_on + setting services.default_due_days


@dataclass(frozen=True)
class Assignee:
    """Who takes a request: an account (``kind`` 'worker'), a volunteer team ('team', by name until
    the volunteer ledger exists) or a resident ('person')."""

    kind: str
    user_id: int | None = None
    team: str = ""
    resident_id: int | None = None


@dataclass(frozen=True)
class CategoryRow:
    id: int
    name: str
    builtin: bool
    active: bool
    in_use: int  # how many requests use it


@dataclass(frozen=True)
class WorkerOption:
    user_id: int
    label: str  # '王芳（社区工作者）'


@dataclass(frozen=True)
class RequestEvent:
    on_date: date
    kind: str  # 受理 / 接单 / 转派 / 完成 / 回访 / 重新打开 / 修改
    user_name: str
    text: str


@dataclass(frozen=True)
class RequestRow:
    id: int
    category_id: int
    category: str
    channel: str
    content: str
    resident_id: int | None
    household_id: int | None
    for_name: str  # the resident's name, or '3号楼2单元301（户）'
    address: str
    grid_id: int | None
    received_on: date
    due_on: date
    status: str
    assignee_kind: str | None
    assignee_user_id: int | None
    assignee_label: str  # '王芳（社区工作者）' / '家政服务队' / '张立春' / '' when unassigned
    completed_on: date | None
    revisited_on: date | None
    satisfaction: str | None
    reopened: int
    version: int
    days_overdue: int | None  # as of the listing day; None when not open or not late


@dataclass(frozen=True)
class RequestDetail:
    row: RequestRow
    result: str
    revisit_note: str
    created_by: str
    events: tuple[RequestEvent, ...]


@dataclass
class RequestFilter:
    statuses: tuple[str, ...] | None = None  # None = every status
    category_id: int | None = None
    assignee_user_id: int | None = None
    resident_id: int | None = None
    household_id: int | None = None
    grid_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue_on: date | None = None  # only open requests past due on that day
    text: str = ""  # in content, result, the person's name


@dataclass(frozen=True)
class CategoryMonth:
    category: str
    counts: tuple[int, ...]  # 12 months
    total: int


@dataclass(frozen=True)
class RequestStatistics:
    year: int
    by_category: tuple[CategoryMonth, ...]
    per_month: tuple[int, ...]  # 12
    received: int
    closed: int  # 已完成 or 已回访
    open: int
    overdue: int  # open and past due at the end of the year (or today, in the current year)
    median_days_to_close: float | None
    average_days_to_close: float | None
    satisfaction: dict[str, int] = field(default_factory=dict)  # 满意 / 基本满意 / 不满意 / 未回访
