"""The data the care services exchange with forms, the today list and the badges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CareRow:
    """One care assignment (包保): ``caretaker`` looks after ``elder`` from ``start_on``."""

    id: int
    elder_id: int
    elder_name: str
    elder_age: int | None
    elder_address: str
    caretaker_id: int
    caretaker_name: str
    caretaker_roles: str  # '楼栋长（3号楼）' / '单元长（3号楼2单元）' / '' when the caretaker holds no post
    caretaker_phone: str  # masked unless the user may edit the caretaker
    start_on: date
    end_on: date | None
    note: str

    @property
    def active(self) -> bool:
        return self.end_on is None


@dataclass(frozen=True)
class CareTarget:
    """An elder who should have a caretaker: 60 or older and living alone (special group 独居), or
    dependent (latest self-care total 4 or more: the reason then reads 需照护, without the score)."""

    resident_id: int
    name: str
    age: int | None
    address: str
    grid_id: int | None
    reasons: tuple[str, ...]  # ('独居',), ('需照护',) or both
    caretaker_id: int | None
    caretaker_name: str  # '' when nobody is assigned
    last_visit_on: date | None  # the latest visit of any kind (date only: no health values)


@dataclass(frozen=True)
class CaretakerOption:
    """A resident suggested as caretaker: the 单元长 of the elder's unit, the 楼栋长 of the building,
    the 网格长 of the grid (in that order), with how many elders they already look after."""

    resident_id: int
    name: str
    role: str  # '单元长（3号楼2单元）' …
    caring_for: int


@dataclass
class ContactInput:
    name: str = ""
    relation: str = ""  # 儿子 / 女儿 / 配偶 / 邻居 … (free text, up to 20 characters)
    phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class ContactRow:
    id: int
    resident_id: int
    position: int  # calling order, 1 first
    name: str
    relation: str
    phone: str  # full when the user may edit the resident, else masked
    phone_masked: str
    note: str
