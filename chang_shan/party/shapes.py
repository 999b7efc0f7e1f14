"""What the party services give out (frozen rows the screens and prints consume) and take in
(``MemberInput``). Phones come out masked; ID numbers never appear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class OrgNode:
    """One organisation of the tree with its children. ``member_count`` and ``household_count``
    cover the organisation and everything under it (members 在册 living in the community)."""

    id: int
    level: str  # 党委 / 党支部 / 党小组
    name: str
    parent_id: int | None
    secretary: str  # the current 书记 (组长 of a 党小组), '' when vacant
    member_count: int
    household_count: int
    children: tuple[OrgNode, ...] = ()
    grid_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    founded_on: date | None = None
    dissolved_on: date | None = None
    note: str = ""
    version: int = 1


@dataclass(frozen=True)
class MemberRow:
    id: int
    resident_id: int
    name: str
    sex: str
    age: int | None
    address: str
    org_id: int
    org_name: str
    joined_on: date  # 政治生日
    kind: str  # 正式党员 / 预备党员
    org_relation: str  # 在本社区 / 在社区外 / 口袋党员
    status: str  # 在册 / 已转出 / 已故 / 已出党
    posts: str  # '书记（第一网格党支部）、组长（3号楼1单元党小组）'
    phone: str  # masked
    full_on: date | None = None
    relation_place: str = ""
    status_on: date | None = None
    household_id: int | None = None
    resident_status: str = "在册"  # the resident's own status (已迁出 while still 在册 here: 待转出)


@dataclass(frozen=True)
class MemberEventRow:
    id: int
    kind: str
    on_date: date
    note: str
    recorded_by: str


@dataclass(frozen=True)
class PostRow:
    id: int
    org_id: int
    org_name: str
    member_id: int
    name: str
    post: str
    start_on: date
    end_on: date | None


@dataclass(frozen=True)
class MemberAttendance:
    """One study day in a member's history."""

    study_day_id: int
    held_on: date
    org_name: str
    topic: str
    present: bool
    absence_reason: str
    followed_up_on: date | None
    follow_up_note: str


@dataclass(frozen=True)
class MemberDetail:
    row: MemberRow
    version: int
    note: str
    events: tuple[MemberEventRow, ...]
    posts: tuple[PostRow, ...]
    attendance: tuple[MemberAttendance, ...]


class PartyHousehold(NamedTuple):
    """A 党员家庭户 of an organisation: (household id, address, member names '张三、李四')."""

    household_id: int
    address: str
    members: str


@dataclass(frozen=True)
class StudyDayRow:
    id: int
    org_id: int
    org_name: str
    held_on: date
    topic: str
    place: str
    present: int
    absent: int
    pending: int  # absences not followed up yet
    note: str = ""


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    resident_id: int
    name: str
    org_name: str
    present: bool
    absence_reason: str
    followed_up_on: date | None
    follow_up_note: str


@dataclass
class MemberInput:
    """What the member form gives. ``full_on`` only for a 正式党员 (the day of 转正, if known);
    ``relation_place`` where the organisation relationship is when it is not here; ``phone`` when
    it differs from the resident's."""

    resident_id: int | None = None
    org_id: int | None = None
    joined_on: date | None = None
    kind: str = "正式党员"
    full_on: date | None = None
    org_relation: str = "在本社区"
    relation_place: str = ""
    phone: str = ""
    note: str = ""
