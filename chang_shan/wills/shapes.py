"""The data the will registry services exchange with the dialogs, the screen and the prints.

Inputs are mutable dataclasses holding what the registration dialog gives (cleaned and checked by
``wills.registry``); rows and details are frozen. ID numbers and phones in rows and details are
already masked (``population.idnumber``); the full values never leave the services except through
an audited reveal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class WitnessInput:
    """One witness (见证人) and the worker's three confirmations (第1140条)."""

    name: str = ""
    id_number: str = ""  # optional; checked (GB 11643) when given
    relation: str = ""  # to the testator: 邻居 / 朋友 / 社区工作者 …
    phone: str = ""
    not_heir_confirmed: bool = False  # 不是继承人、受遗赠人
    no_interest_confirmed: bool = False  # 与继承人、受遗赠人没有利害关系
    capacity_confirmed: bool = False  # 具有完全民事行为能力


@dataclass
class PersonInput:
    """Someone the will names: 查看人, 提取人 (after death), or a 继承人 / 受遗赠人 the office was told
    of (so a witness who is one of them is refused)."""

    role: str = "查看人"
    name: str = ""
    relation: str = ""
    id_number: str = ""
    phone: str = ""


@dataclass
class WillInput:
    """Everything on the registration dialog. ``registered_on`` None means today."""

    testator_id: int | None = None
    form: str = "自书"
    made_on: date | None = None
    registered_on: date | None = None
    executor_name: str = ""
    executor_phone: str = ""
    custody_kind: str = "档案柜"
    cabinet: str = ""
    file_number: str = ""
    custody_note: str = ""
    notary_office: str = ""
    notary_certificate: str = ""
    capacity_note: str = ""
    emergency_note: str = ""
    note: str = ""
    witnesses: list[WitnessInput] = field(default_factory=list)
    persons: list[PersonInput] = field(default_factory=list)
    checks_confirmed: bool = False


@dataclass(frozen=True)
class WillRow:
    """One line of the registry list (and of a testator's chain of wills)."""

    id: int
    number: str  # 'YZ2026-0007'
    testator_id: int
    testator_name: str
    testator_age: int | None  # today's age, or the age at death
    testator_alive: bool
    form: str
    article: int  # 1134 … 1139
    made_on: date
    registered_on: date
    status: str  # 有效 / 已撤回 / 被新遗嘱取代 / 已启用
    flags: tuple[str, ...]  # '口头遗嘱已无效', '立遗嘱人已故，待通知查看人' …
    custody: str  # '档案柜 A-3 卷宗 0012' / '家属保管（长子李强）' / '公证处：长沙市…'
    superseded_by_number: str = ""

    @property
    def form_text(self) -> str:
        """'代书遗嘱（第1135条）'."""
        return f"{self.form}遗嘱（第{self.article}条）"


@dataclass(frozen=True)
class WitnessRow:
    position: int
    name: str
    id_number: str  # masked
    relation: str
    phone: str  # masked
    not_heir_confirmed: bool
    no_interest_confirmed: bool
    capacity_confirmed: bool


@dataclass(frozen=True)
class PersonRow:
    role: str
    position: int
    name: str
    relation: str
    id_number: str  # masked
    phone: str  # masked


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    will_id: int
    kind: str  # 扫描件 / 录音 / 录像
    original_name: str
    size: int
    sha256: str
    added_at: datetime


@dataclass(frozen=True)
class WillDetail:
    """Everything about one will, for the detail panel and the prints."""

    row: WillRow
    version: int
    testator_gender: str
    testator_address: str  # household address ('' when none)
    registered_by: str  # account user name
    registered_by_name: str  # the worker's display name ('' when the account is gone)
    executor_name: str
    executor_phone: str  # masked
    custody_kind: str
    cabinet: str
    file_number: str
    custody_note: str
    notary_office: str
    notary_certificate: str
    capacity_note: str
    emergency_note: str
    emergency_over_on: date | None
    checks_confirmed: bool
    revoked_on: date | None
    revocation_note: str
    activated_on: date | None
    viewers_notified_on: date | None
    testator_died_on: date | None
    note: str
    witnesses: tuple[WitnessRow, ...]
    persons: tuple[PersonRow, ...]
    attachments: tuple[AttachmentRow, ...]
    chain: tuple[WillRow, ...]  # the testator's wills, oldest made first (this one included)
    warnings: tuple[str, ...]  # e.g. registered after a later-made will: superseded at once

    # Shortcuts the screen and the prints use.
    @property
    def id(self) -> int:
        return self.row.id

    @property
    def number(self) -> str:
        return self.row.number

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def form(self) -> str:
        return self.row.form

    def persons_in(self, role: str) -> tuple[PersonRow, ...]:
        return tuple(p for p in self.persons if p.role == role)
