"""The data the health services exchange with forms, the today list and the command line.

Inputs are mutable dataclasses holding what a form gives (cleaned and checked by the services);
details and rows are frozen. Dates are ``datetime.date``; blood sugar is a ``Decimal`` in mmol/L
with one decimal (stored as tenths), never a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass
class ConditionInput:
    """One line of 既往史: category 疾病 (with a health-disease ``code``), 手术, 外伤 or 输血."""

    category: str = "疾病"
    code: str = ""  # health-disease code for 疾病 ('6' 恶性肿瘤 needs ``name``: the site; '13' 其他 too)
    name: str = ""  # the operation, injury, transfusion reason, tumour site, other disease
    on_date: date | None = None  # 确诊/手术/外伤/输血 时间 (the form asks year and month: day 1)
    note: str = ""


@dataclass
class ProfileInput:
    """Everything on a resident's 个人基本信息表 page that is not already in the 万家数据库."""

    blood_type: str = "5"
    rh: str = "3"
    payment: list[str] = field(default_factory=list)
    payment_other: str = ""
    allergies: list[str] = field(default_factory=list)  # ['1'] = 无
    allergy_other: str = ""  # required when '5' 其他 is chosen
    exposures: list[str] = field(default_factory=list)  # ['1'] = 无
    exposure_note: str = ""
    genetic_disease: str = ""  # '' = 无
    disabilities: list[str] = field(default_factory=list)  # ['1'] = 无残疾
    disability_other: str = ""  # required when '8' 其他残疾 is chosen
    marital_code: str = ""
    education_code: str = ""
    kitchen_code: str = ""
    fuel_code: str = ""
    water_code: str = ""
    toilet_code: str = ""
    livestock_code: str = ""
    family_doctor: str = ""
    family_doctor_phone: str = ""
    medication: str = ""
    wandering_risk: bool = False
    note: str = ""
    conditions: list[ConditionInput] = field(default_factory=list)
    # 家族史: relative (父亲/母亲/兄弟姐妹/子女) → health-family-disease codes.
    family_history: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class SelfCareInput:
    """老年人生活自理能力评估: one score per item (see ``health.codes.SELF_CARE_ITEMS``)."""

    assessed_on: date | None = None  # None = today
    eating: int = 0
    grooming: int = 0
    dressing: int = 0
    toileting: int = 0
    activity: int = 0
    assessor: str = ""
    note: str = ""


@dataclass(frozen=True)
class SelfCareDetail:
    id: int
    resident_id: int
    assessed_on: date
    eating: int
    grooming: int
    dressing: int
    toileting: int
    activity: int
    total: int
    level: str  # 可自理 / 轻度依赖 / 中度依赖 / 不能自理
    assessor: str
    note: str


@dataclass(frozen=True)
class ProfileDetail:
    """A resident's health page as stored. ``exists`` is False before the first save (``data`` then
    holds the defaults and ``version`` is None)."""

    resident_id: int
    resident_name: str
    age: int | None
    exists: bool
    data: ProfileInput
    version: int | None
    updated_at: datetime | None
    self_care: SelfCareDetail | None  # the latest assessment


@dataclass
class VisitInput:
    visited_on: date | None = None  # None = today
    kind: str = "上门"  # 上门 / 电话
    purpose: str = "随访"  # 随访 / 年度体检 / 关怀
    visitor: str = ""  # who visited (default: the signed-in user's name)
    systolic: int | None = None  # mmHg, 60–260
    diastolic: int | None = None  # mmHg, 30–160, below systolic
    glucose: Decimal | None = None  # mmol/L, 1.0–33.3, one decimal
    notes: str = ""
    next_due_on: date | None = None  # None = no further visit planned


@dataclass(frozen=True)
class VisitRow:
    id: int
    resident_id: int
    resident_name: str
    visited_on: date
    kind: str
    purpose: str
    visitor: str
    systolic: int | None
    diastolic: int | None
    glucose: Decimal | None
    notes: str
    next_due_on: date | None

    @property
    def blood_pressure(self) -> str:
        """'135/85' or '' when not measured."""
        if self.systolic is None or self.diastolic is None:
            return ""
        return f"{self.systolic}/{self.diastolic}"


@dataclass(frozen=True)
class DueRow:
    """One resident with something due: a follow-up, a yearly check, a care visit."""

    resident_id: int
    name: str
    age: int | None
    address: str
    reason: str  # 高血压随访 / 年度体检 / 独居老人走访 …
    due_on: date | None  # None: never visited at all
    days_overdue: int  # 0 when due today; days since due (or since the last visit for not_visited)
    last_visit_on: date | None
