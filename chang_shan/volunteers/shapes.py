"""What the volunteer services take and give: inputs (plain, mutable) and rows (frozen) for the
lists, the detail, the ledger, the catalogue and the counter's receipt.

Hours are ``Decimal`` with one decimal place; points are whole numbers. ID numbers and phones
come out masked (a worker who may edit the volunteer sees the phone in full)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class VolunteerInput:
    """A volunteer as the register form fills it. A resident (``resident_id``) brings their own
    name, sex, ID number and phone; someone from outside gives them here. Students fill the
    大学生志愿服务信息档案 fields (school, major, student number, year of enrolment)."""

    kind: str = "居民"  # 居民 / 大学生 / 驻区单位 / 其他
    resident_id: int | None = None
    name: str = ""
    sex_code: str = ""
    id_number: str = ""
    phone: str = ""
    organisation: str = ""  # 工作单位 / 驻区单位
    school: str = ""
    major: str = ""
    student_number: str = ""
    enrolment_year: int | None = None
    skills: str = ""
    registered_on: date | None = None  # None = today
    note: str = ""


@dataclass
class ServiceInput:
    """One record of service (志愿服务记录): hours without travel time, one decimal ('1.5')."""

    volunteer_id: int
    team_id: int | None
    served_on: date
    place: str
    kind: str  # the points rule's kind: 关爱老人, 代购, 清雪, 巡逻 …
    content: str
    hours: Decimal | str
    reported_by: str = ""  # the team leader who reported it, when not entered by them
    service_request_id: int | None = None


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    service: str
    leaders: str  # '王建国（队长）、李芳（副队长）'
    member_count: int
    hours_this_year: Decimal  # confirmed hours of the calendar year
    founded_on: date | None
    dissolved_on: date | None
    note: str
    version: int


@dataclass(frozen=True)
class VolunteerRow:
    id: int
    number: str  # CSV-00123
    name: str
    kind: str
    sex: str  # 男 / 女 / ''
    age: int | None
    phone: str  # masked unless the actor may edit the volunteer
    organisation: str  # 工作单位, or the school for a student
    teams: str  # '义务巡逻队、清雪除冰服务队'
    hours: Decimal  # confirmed hours, all time
    points_balance: int
    resident_id: int | None
    registered_on: date
    left_on: date | None
    version: int


@dataclass(frozen=True)
class MembershipRow:
    id: int
    team_id: int
    team_name: str
    role: str
    joined_on: date
    left_on: date | None


@dataclass(frozen=True)
class VolunteerDetail:
    row: VolunteerRow
    id_number: str  # masked
    address: str  # a resident's household, else ''
    organisation: str
    school: str
    major: str
    student_number: str
    enrolment_year: int | None
    skills: str
    note: str
    memberships: tuple[MembershipRow, ...]
    pending_services: int
    redeemed_points: int


@dataclass(frozen=True)
class ServiceRow:
    id: int
    volunteer_id: int
    volunteer_number: str
    volunteer_name: str
    team_id: int | None
    team_name: str
    served_on: date
    place: str
    kind: str
    content: str
    hours: Decimal
    status: str
    entered_by: str
    reported_by: str
    confirmed_by: str
    confirmed_on: date | None
    return_reason: str
    points: int | None  # the ledger entry's points once confirmed
    service_request_id: int | None
    version: int


@dataclass(frozen=True)
class EntryRow:
    id: int
    on_date: date
    kind: str  # 服务积分 / 兑换 / 调整 / 冲正
    points: int  # + earned, − spent
    balance_after: int
    note: str
    service_id: int | None
    redemption_id: int | None
    recorded_by: str


@dataclass(frozen=True)
class ItemRow:
    id: int
    name: str
    unit: str
    points: int
    stock: int
    active: bool
    note: str
    version: int


@dataclass(frozen=True)
class RuleRow:
    id: int
    kind: str
    points_per_hour: int
    points_per_service: int
    start_on: date
    end_on: date | None
    note: str

    @property
    def text(self) -> str:
        """'每小时 10 分' / '每次 5 分' / '每小时 8 分 + 每次 2 分'."""
        parts = []
        if self.points_per_hour:
            parts.append(f"每小时 {self.points_per_hour} 分")
        if self.points_per_service:
            parts.append(f"每次 {self.points_per_service} 分")
        return " + ".join(parts) or "不计积分"


@dataclass(frozen=True)
class RedemptionLine:
    item_id: int
    name: str
    unit: str
    quantity: int
    points_each: int

    @property
    def points(self) -> int:
        return self.quantity * self.points_each


@dataclass(frozen=True)
class RedemptionResult:
    """A redemption at the counter (and the receipt's contents)."""

    id: int
    number: str  # DH2026-0001
    volunteer_id: int
    volunteer_number: str
    volunteer_name: str
    on_date: date
    total: int
    balance_after: int
    recorded_by: str
    note: str
    lines: tuple[RedemptionLine, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TopVolunteer:
    row: VolunteerRow
    hours: Decimal  # confirmed hours served in the year
    points: int  # points earned by them

    def __iter__(self):  # noqa: ANN204 - unpacks as (row, hours, points)
        return iter((self.row, self.hours, self.points))
