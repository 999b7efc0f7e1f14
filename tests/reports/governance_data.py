"""Records for the governance print tests (议事, 调解, 物业费, 八零), written with the ORM models in
one transaction each, on top of the small town of tests/exports/people.py (rare-character resident
𠀀𪚥 in the 平房区 house, accounts of every role)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.db.models import Household
from chang_shan.db.models.deliberation import DeliberationMatter, DeliberationStep
from chang_shan.db.models.fees import PropertyFeePayment, PropertyFeeRate
from chang_shan.db.models.indicators import EightZeroEntry
from chang_shan.db.models.mediation import MediationCase, MediationCaseMediator, MediationParty, Mediator
from chang_shan.settings import set_setting
from tests.exports.people import RARE_ID, RARE_NAME, Town, build_town
from tests.population.community import LI_ID, ZHANG_ID
from tests.reports.test_roster import pdftotext

HOTLINE = "0431-85550110"


@pytest.fixture
def town(db: Database) -> Town:
    """The small town, its community named 长山社区 with a hotline."""
    town = build_town(db)
    with db.transaction("社区设置") as s:
        set_setting(s, "office.community_name", "长山社区")
        set_setting(s, "office.hotline", HOTLINE)
    return town


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the prints (so a test can see that nothing else was written)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def flat(path: Path) -> str:
    """The PDF's text without any white space."""
    return "".join(pdftotext(path).split())


def lines(path: Path) -> list[str]:
    """The PDF's lines as laid out, each without white space (a table row is one line)."""
    return ["".join(line.split()) for line in pdftotext(path, layout=True).splitlines() if line.strip()]


RESOLUTION = "对小区3号楼、5号楼的老旧燃气管道进行整体更新，费用由燃气公司和维修基金共同承担，居民不另行出资。"
MINUTES_3 = "与会代表逐条讨论了施工方案和安全措施。" * 12  # long enough to wrap many lines


def add_matter(db: Database, *, number: str = "YS2026-003", title: str = "燃气管道更新", published: bool = True,
               sent_back: bool = True) -> int:
    """A matter through the four steps (step 3 sent back once, then passed), in 公示 when ``published``."""
    with db.transaction("议题") as s:
        m = DeliberationMatter(number=number, title=title, background="3号楼燃气管道使用已超过25年，多处锈蚀。",
                               category="基础设施", proposed_on=date(2026, 3, 2), step=4, status="议事中")
        s.add(m)
        s.flush()
        rows = [
            dict(step=1, held_on=date(2026, 3, 2), place="社区会议室", host="张书记", participants="社区党委委员7人",
                 outcome="通过", minutes="党委会研究提出议题。"),
            dict(step=2, held_on=date(2026, 3, 9), place="社区会议室", host="张书记", participants="社区“两委”成员9人",
                 outcome="通过", minutes="两委会商议形成初步方案。"),
            dict(step=3, held_on=date(2026, 3, 16), place="社区活动中心", host="李主任",
                 participants="党员代表12人、居民代表28人", expected=40, present=30, votes_for=14, votes_against=10,
                 votes_abstain=6, outcome="退回", back_to=2, reason="费用分担方案需细化", minutes="代表对费用分担有异议。"),
            dict(step=2, held_on=date(2026, 3, 23), place="社区会议室", host="张书记", participants="社区“两委”成员9人",
                 outcome="通过", minutes="细化费用分担方案。"),
            dict(step=3, held_on=date(2026, 3, 30), place="社区活动中心", host="李主任",
                 participants=f"党员代表12人、居民代表28人（含{RARE_NAME}）", expected=40, present=35, votes_for=30,
                 votes_against=3, votes_abstain=2, outcome="通过", minutes=MINUTES_3),
        ]
        if not sent_back:
            rows = [rows[0], rows[1], rows[4]]
        if published:
            rows.append(dict(step=4, held_on=date(2026, 4, 1), place="社区公示栏", host="李主任",
                             participants="社区居委会", outcome="通过", minutes="决议张榜公示。"))
            m.step, m.status, m.resolution = 5, "公示中", RESOLUTION
            m.notice_from, m.notice_to = date(2026, 4, 1), date(2026, 4, 7)
        for seq, row in enumerate(rows, start=1):
            s.add(DeliberationStep(matter_id=m.id, seq=seq, **row))
        return m.id


def add_mediators(db: Database) -> list[int]:
    with db.transaction("调解员") as s:
        people = [Mediator(name="赵调解", role="主任", start_on=date(2020, 1, 1)),
                  Mediator(name="钱委员", role="委员", start_on=date(2020, 1, 1))]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def add_case(db: Database, town: Town, *, number: str = "TJ2026-012", parties: int = 2, complete: bool = True,
             mediators: list[int] | None = None, status: str = "达成协议", received: date = date(2026, 4, 2),
             kind: str = "邻里纠纷", escalated: bool = False) -> int:
    """A case between 张立春 and the rare-named resident (and a third party when ``parties`` is 3)."""
    with db.transaction("调解案件") as s:
        case = MediationCase(
            number=number, kind=kind, received_on=received, source="当事人申请",
            facts="申请人家卫生间漏水，致被申请人家顶棚受损。" if complete else "",
            disputed_matters="维修费用及赔偿数额。", responsibilities="申请人对漏水负主要责任，被申请人未及时告知负次要责任。",
            status=status, mediated_on=date(2026, 4, 10) if status == "达成协议" else None,
            agreement_terms="一、申请人于2026年4月30日前修复卫生间防水；\n二、申请人赔偿被申请人维修费人民币800元。",
            performance_method="现金一次性支付，社区调解委员会见证。", performance_due=date(2026, 4, 30),
            escalated=escalated,
        )
        s.add(case)
        s.flush()
        who = [
            dict(side="申请人", resident_id=town.community.zhang, name="张立春", sex_code="1", age=76,
                 ethnicity_code="01", occupation="退休", address="长山花园3号楼1单元101", id_number=ZHANG_ID,
                 phone="13804310001"),
            dict(side="被申请人", resident_id=town.rare, name=RARE_NAME, sex_code="2", age=78, ethnicity_code="03",
                 occupation="无业", address="平房区 长山路12号", id_number=RARE_ID, phone="13912345678"),
            dict(side="第三人", resident_id=town.community.li, name="李桂兰", sex_code="2", age=73, ethnicity_code="01",
                 occupation="退休", address="长山花园3号楼1单元101", id_number=LI_ID, phone=""),
        ]
        for position, party in enumerate(who[:parties]):
            s.add(MediationParty(case_id=case.id, position=position, **party))
        for mediator in mediators or []:
            s.add(MediationCaseMediator(case_id=case.id, mediator_id=mediator))
        return case.id


def set_area(db: Database, household_id: int, area: str) -> None:
    with db.transaction("面积") as s:
        s.get(Household, household_id).area_m2 = Decimal(area)


def add_payment(db: Database, household_id: int, *, number: str, year: int = 2026, fen: int = 1560,
                area: str = "52.00", rate: str = "0.30", payer: str = "张立春", method: str = "现金",
                paid_on: date = date(2026, 3, 5), voided: bool = False) -> None:
    with db.transaction("收费") as s:
        s.add(PropertyFeePayment(household_id=household_id, year=year, amount_fen=fen, paid_on=paid_on,
                                 receipt_number=number, payer=payer, method=method, area_m2=Decimal(area),
                                 rate=Decimal(rate), recorded_by="王会计",
                                 voided_on=date(2026, 3, 6) if voided else None,
                                 void_reason="录入错误" if voided else ""))


def set_rate(db: Database, year: int, rate: str) -> None:
    with db.transaction("单价") as s:
        s.add(PropertyFeeRate(year=year, rate=Decimal(rate)))


def enter_indicator(db: Database, year: int, key: str, count: int, source: str) -> None:
    with db.transaction("八零") as s:
        s.add(EightZeroEntry(year=year, indicator=key, count=count, source=source, entered_on=date(year, 12, 20)))
