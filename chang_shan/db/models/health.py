"""居民健康库: the health profile of a resident (the fields of the national 居民健康档案
个人基本信息表, 国家基本公共卫生服务规范 第三版, plus what the community needs), past diseases and
operations, family history, self-care assessments and follow-up visits.

Every table here starts with ``health_``: the audit trail hides their values from anyone without
the health permission (``audit.trail.RESTRICTED_PREFIXES``). Codes are the form's numbers, stored as
text (``resources/codes/health-*.csv``); multi-choice answers are JSON lists of codes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

CONDITION_CATEGORIES = ("疾病", "手术", "外伤", "输血")
RELATIVES = ("父亲", "母亲", "兄弟姐妹", "子女")
VISIT_KINDS = ("上门", "电话")
VISIT_PURPOSES = ("随访", "年度体检", "关怀")


class HealthProfile(Base):
    """One resident's health archive page (个人基本信息表). One row per resident, created on first save."""

    __tablename__ = "health_profile"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), primary_key=True)
    blood_type: Mapped[str] = mapped_column(String(1), default="5")  # 1 A 2 B 3 O 4 AB 5 不详
    rh: Mapped[str] = mapped_column(String(1), default="3")  # 1 阴性 2 阳性 3 不详
    payment: Mapped[list[str]] = mapped_column(JSON, default=list)  # 医疗费用支付方式 (codes)
    payment_other: Mapped[str] = mapped_column(String(50), default="")
    allergies: Mapped[list[str]] = mapped_column(JSON, default=list)  # 药物过敏史 (codes, '1' = 无)
    allergy_other: Mapped[str] = mapped_column(String(100), default="")
    exposures: Mapped[list[str]] = mapped_column(JSON, default=list)  # 暴露史 (codes, '1' = 无)
    exposure_note: Mapped[str] = mapped_column(String(100), default="")
    genetic_disease: Mapped[str] = mapped_column(String(100), default="")  # 遗传病史 ('' = 无)
    disabilities: Mapped[list[str]] = mapped_column(JSON, default=list)  # 残疾情况 (codes, '1' = 无残疾)
    disability_other: Mapped[str] = mapped_column(String(50), default="")
    marital_code: Mapped[str] = mapped_column(String(1), default="")  # 婚姻状况
    education_code: Mapped[str] = mapped_column(String(2), default="")  # 文化程度
    # 生活环境 (one code each; '' = not asked yet)
    kitchen_code: Mapped[str] = mapped_column(String(1), default="")
    fuel_code: Mapped[str] = mapped_column(String(1), default="")
    water_code: Mapped[str] = mapped_column(String(1), default="")
    toilet_code: Mapped[str] = mapped_column(String(1), default="")
    livestock_code: Mapped[str] = mapped_column(String(1), default="")
    # What the community adds.
    family_doctor: Mapped[str] = mapped_column(String(50), default="")
    family_doctor_phone: Mapped[str] = mapped_column(String(30), default="")
    medication: Mapped[str] = mapped_column(String(500), default="")
    wandering_risk: Mapped[bool] = mapped_column(default=False)  # 走失风险 (dementia)
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class HealthCondition(Base):
    """既往史: a disease (with its code and 确诊时间), an operation, an injury or a transfusion."""

    __tablename__ = "health_condition"
    __table_args__ = (
        CheckConstraint("category in ('疾病', '手术', '外伤', '输血')", name="category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    category: Mapped[str] = mapped_column(String(4))
    code: Mapped[str] = mapped_column(String(2), default="", index=True)  # health-disease code (疾病 only)
    name: Mapped[str] = mapped_column(String(100), default="")  # 恶性肿瘤 site, operation name, 其他 …
    on_date: Mapped[date | None] = mapped_column(Date)  # 确诊/手术/外伤/输血 时间 (month precision: day 1)
    note: Mapped[str] = mapped_column(String(200), default="")


class HealthFamilyHistory(Base):
    """家族史: a disease of the father, mother, siblings or children (health-family code)."""

    __tablename__ = "health_family_history"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), primary_key=True)
    relative: Mapped[str] = mapped_column(String(4), primary_key=True)
    code: Mapped[str] = mapped_column(String(2), primary_key=True)


class HealthSelfCare(Base):
    """老年人生活自理能力评估: five item scores and their total (0–3 可自理 … ≥19 不能自理)."""

    __tablename__ = "health_self_care"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date, index=True)
    eating: Mapped[int] = mapped_column(Integer, default=0)  # 进餐 0/3/5
    grooming: Mapped[int] = mapped_column(Integer, default=0)  # 梳洗 0/1/3/7
    dressing: Mapped[int] = mapped_column(Integer, default=0)  # 穿衣 0/3/5
    toileting: Mapped[int] = mapped_column(Integer, default=0)  # 如厕 0/1/5/10
    activity: Mapped[int] = mapped_column(Integer, default=0)  # 活动 0/1/5/10
    total: Mapped[int] = mapped_column(Integer, default=0, index=True)
    assessor: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class HealthVisit(Base):
    """A follow-up visit (随访), the yearly check (年度体检, for people 65+) or a care call (关怀)."""

    __tablename__ = "health_visit"
    __table_args__ = (
        CheckConstraint("kind in ('上门', '电话')", name="kind"),
        CheckConstraint("purpose in ('随访', '年度体检', '关怀')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(2), default="上门")
    purpose: Mapped[str] = mapped_column(String(4), default="随访")
    visitor: Mapped[str] = mapped_column(String(50), default="")
    systolic: Mapped[int | None] = mapped_column(Integer)  # mmHg
    diastolic: Mapped[int | None] = mapped_column(Integer)  # mmHg
    # Blood sugar in tenths of mmol/L (7.2 mmol/L is 72): exact, no float, no Decimal-in-SQLite warning.
    glucose_tenths: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(500), default="")
    next_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
