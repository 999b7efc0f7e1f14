"""遗嘱库: registrations of wills — the facts of each will (not necessarily its content), checked
against the Civil Code (民法典 第1134–1142条), the original's custody, the witnesses, the people who
may view or collect it after the testator's death, and the chain of wills that supersede or revoke
one another.

Every table here starts with ``will``: reading, undoing and seeing their values in the audit trail
need ``Perm.WILLS`` (``accounts.permissions.RESTRICTED_PREFIXES``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chang_shan.db.base import Base, utcnow

# Form of will → the article of the Civil Code that governs it.
WILL_FORMS: dict[str, int] = {"自书": 1134, "代书": 1135, "打印": 1136, "录音录像": 1137, "口头": 1138, "公证": 1139}
WILL_STATUSES = ("有效", "已撤回", "被新遗嘱取代", "已启用")
CUSTODY_KINDS = ("档案柜", "家属保管", "公证处")
WILL_PERSON_ROLES = ("查看人", "提取人", "继承人", "受遗赠人")
ATTACHMENT_KINDS = ("扫描件", "录音", "录像")


class WillRegistration(Base):
    """One registered will of one testator (a resident). ``number`` is the registration number on
    the receipt (遗嘱登记号, e.g. 'YZ2026-0007'). A newer will of the same testator supersedes the
    earlier one (第1142条): the earlier row gets status 被新遗嘱取代 and ``superseded_by_id``."""

    __tablename__ = "will_registration"
    __table_args__ = (
        CheckConstraint("form in ('自书', '代书', '打印', '录音录像', '口头', '公证')", name="form"),
        CheckConstraint("status in ('有效', '已撤回', '被新遗嘱取代', '已启用')", name="status"),
        CheckConstraint("custody_kind in ('档案柜', '家属保管', '公证处')", name="custody_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    testator_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    form: Mapped[str] = mapped_column(String(8))
    made_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(String(50))  # the worker's account user name
    executor_name: Mapped[str] = mapped_column(String(50), default="")  # 遗嘱执行人
    executor_phone: Mapped[str] = mapped_column(String(30), default="")
    custody_kind: Mapped[str] = mapped_column(String(8), default="档案柜")
    cabinet: Mapped[str] = mapped_column(String(30), default="")  # 档案柜 (custody 档案柜)
    file_number: Mapped[str] = mapped_column(String(30), default="")  # 卷宗号
    custody_note: Mapped[str] = mapped_column(String(200), default="")  # who in the family holds it …
    notary_office: Mapped[str] = mapped_column(String(100), default="")  # 公证 or custody 公证处
    notary_certificate: Mapped[str] = mapped_column(String(50), default="")  # 公证书编号
    capacity_note: Mapped[str] = mapped_column(String(500), default="")  # 立遗嘱人登记时的精神状态、行为能力
    emergency_note: Mapped[str] = mapped_column(String(200), default="")  # 口头: the emergency (危急情况)
    # 口头 (第1138条): from this date the emergency is over and the testator could make another
    # form; the oral will is then flagged 无效 (shown with its status, which stays as it was).
    emergency_over_on: Mapped[date | None] = mapped_column(Date)
    # The worker's confirmations asked by the registration checks (witness interest, capacity …).
    checks_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="有效", index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("will_registration.id"))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_note: Mapped[str] = mapped_column(String(200), default="")
    activated_on: Mapped[date | None] = mapped_column(Date)  # 已启用: after the testator's death
    viewers_notified_on: Mapped[date | None] = mapped_column(Date)  # step "notify the named viewers"
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WillWitness(Base):
    """A witness (见证人) of a will, with the worker's confirmations that they are not an heir or
    legatee, have no interest in one, and have full civil capacity (第1140条)."""

    __tablename__ = "will_witness"

    id: Mapped[int] = mapped_column(primary_key=True)
    will_id: Mapped[int] = mapped_column(ForeignKey("will_registration.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18), default="")  # masked everywhere it is shown
    relation: Mapped[str] = mapped_column(String(20), default="")  # to the testator: 邻居 / 社区工作者 …
    phone: Mapped[str] = mapped_column(String(30), default="")
    not_heir_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # 非继承人、受遗赠人
    no_interest_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # 与继承人、受遗赠人无利害关系
    capacity_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # 具有完全民事行为能力


class WillPerson(Base):
    """Someone the will names for after the testator's death: may view (遗嘱查看人) or collect
    (遗嘱提取人) the will. Also the heirs and legatees the office was told of (``role`` 继承人 /
    受遗赠人), so a witness who is one of them is refused."""

    __tablename__ = "will_person"
    __table_args__ = (
        CheckConstraint("role in ('查看人', '提取人', '继承人', '受遗赠人')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    will_id: Mapped[int] = mapped_column(ForeignKey("will_registration.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(20), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")


class WillAttachment(Base):
    """A scan or recording of a will, stored as a file under the data folder (``files/wills/…``,
    named by content, never overwritten)."""

    __tablename__ = "will_attachment"
    __table_args__ = (CheckConstraint("kind in ('扫描件', '录音', '录像')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    will_id: Mapped[int] = mapped_column(ForeignKey("will_registration.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    file: Mapped[str] = mapped_column(String(200))  # relative to DataDir.files
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
