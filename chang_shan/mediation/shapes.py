"""What the 人民调解 services exchange with the screen and the prints.

Inputs are mutable dataclasses; rows and details are frozen, with ID numbers and phones masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class PartyInput:
    """A party (当事人). For a resident (``resident_id``) the blank details are copied from the
    万家数据库 when the case is saved (name, sex, age on the day received, ethnicity, occupation,
    address); values given here win."""

    side: str = "申请人"  # 申请人 / 被申请人 / 第三人
    resident_id: int | None = None
    name: str = ""
    sex_code: str = ""  # GB/T 2261.1
    age: int | None = None
    ethnicity_code: str = ""  # GB/T 3304
    occupation: str = ""
    address: str = ""  # 单位或者住所
    id_number: str = ""
    phone: str = ""


@dataclass
class CaseInput:
    kind: str = "邻里纠纷"
    received_on: date | None = None
    source: str = "当事人申请"  # 当事人申请 / 主动调解 / 移送
    facts: str = ""  # 纠纷的主要事实
    disputed_matters: str = ""  # 争议事项
    note: str = ""
    parties: list[PartyInput] = field(default_factory=list)
    mediator_ids: list[int] = field(default_factory=list)


@dataclass
class OutcomeInput:
    """The outcome of the mediation. 达成协议: the article-29 content (``responsibilities``,
    ``agreement_terms``, ``performance_method``, ``performance_due``), or ``oral_agreement``
    (第二十八条: the terms recorded, no agreement document); 已移交: ``referred_to``."""

    status: str = "达成协议"  # 达成协议 / 未达成协议 / 已移交 / 已终止
    mediated_on: date | None = None
    responsibilities: str = ""
    agreement_terms: str = ""
    performance_method: str = ""
    performance_due: date | None = None
    referred_to: str = ""
    oral_agreement: bool = False


@dataclass(frozen=True)
class MediatorRow:
    id: int
    name: str
    role: str
    resident_id: int | None
    phone: str  # masked
    start_on: date
    end_on: date | None
    active: bool
    cases: int  # cases this mediator took part in


@dataclass(frozen=True)
class PartyRow:
    position: int
    side: str
    resident_id: int | None
    name: str
    sex_code: str
    sex: str  # 男 / 女
    age: int | None
    ethnicity_code: str
    ethnicity: str  # 汉族 …
    occupation: str
    address: str
    id_number: str  # masked
    phone: str  # masked


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_on: date
    performance: str
    note: str
    visitor: str


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str  # TJ2026-012
    kind: str
    received_on: date
    source: str
    parties: str  # '张三 与 李四'
    status: str
    mediated_on: date | None
    mediators: str  # '王秀英、李建国'
    performance_due: date | None
    performance: str  # the last visit's 已履行 / 部分履行 / 未履行 ('' before any visit)
    oral_agreement: bool
    escalated: bool
    version: int


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    facts: str
    disputed_matters: str
    responsibilities: str
    agreement_terms: str
    performance_method: str
    performance_due: date | None
    oral_agreement: bool
    referred_to: str
    escalated_note: str
    note: str
    created_by: str
    parties: tuple[PartyRow, ...]
    mediators: tuple[MediatorRow, ...]
    visits: tuple[VisitRow, ...]
    problems: tuple[str, ...]  # agreement_problems: empty when the 协议书 can be printed

    @property
    def version(self) -> int:
        return self.row.version

    @property
    def copies(self) -> int:
        """当事人各执一份，人民调解委员会留存一份 (第二十九条)."""
        return len(self.parties) + 1
