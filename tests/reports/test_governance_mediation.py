"""人民调解协议书 (every 第二十九条 item, 一式 N 份 with N = parties + 1, signature and 捺印 lines,
masked IDs, rare names; refused with agreement_problems' messages, no file) and the year's
人民调解案件登记簿 — rendered and read back with pdftotext."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.db.models.mediation import MediationParty
from chang_shan.mediation.agreements import agreement_problems
from chang_shan.reports import mediation_agreement, mediation_register, registry
from tests.exports.people import RARE_ID, RARE_NAME, Town, as_user, events, masked_id, masked_phone
from tests.population.community import LI_ID, ZHANG_ID
from tests.reports.governance_data import add_case, add_mediators, flat, lines, out, town  # noqa: F401 - fixtures
from tests.reports.test_roster import pdffonts, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_agreement_carries_every_article_29_item(db: Database, town: Town, out: Path) -> None:
    add_case(db, town, mediators=add_mediators(db))
    target = out / "agreement.pdf"
    result = mediation_agreement.build(db, target, case="TJ2026-012")
    assert result.pages == 1 and result.scope == "TJ2026-012" and result.missing_characters == ""
    text = flat(target)
    assert "长山社区人民调解委员会" in text and "人民调解协议书" in text and "编号：TJ2026-012" in text
    # (一) the parties' basic details: 姓名、性别、年龄、民族、职业、单位或者住所
    for value in ("申请人", "张立春", "男", "76岁", "汉族", "退休", "长山花园3号楼1单元101",
                  "被申请人", "女", "78岁", "回族", "无业", "平房区长山路12号"):
        assert value in text, value
    assert RARE_NAME in pdftotext(target)
    # (二) facts, disputed matters, responsibilities; (三) terms, how and by when
    assert "申请人家卫生间漏水，致被申请人家顶棚受损。" in text and "维修费用及赔偿数额。" in text
    assert "申请人对漏水负主要责任，被申请人未及时告知负次要责任。" in text
    assert "一、申请人于2026年4月30日前修复卫生间防水；" in text and "二、申请人赔偿被申请人维修费人民币800元。" in text
    assert "现金一次性支付，社区调解委员会见证。" in text and "2026年4月30日前履行完毕" in text
    assert "本协议一式三份（当事人各一份、人民调解委员会留存一份）。" in text
    # signatures: a line and a 捺印 box per party, the mediators, the seal and the day agreed
    assert "申请人（签名）：" in text and "被申请人（签名）：" in text and text.count("捺印") == 2
    assert "人民调解员（签名）：" in text and "（赵调解、钱委员）" in text
    assert "长山社区人民调解委员会（印章）" in text and text.count("2026年4月10日") == 2  # 调解日期 and the seal's date
    # masked: region code and the last four of each ID, phones 3 + 4
    raw = pdftotext(target)
    for number in (ZHANG_ID, RARE_ID):
        assert masked_id(number) in raw and number not in raw
    assert masked_phone("13804310001") in raw and "13804310001" not in raw
    for row in pdffonts(target):
        assert row[-5] == "yes", row
    [event] = events(db, "print")
    assert event.detail["case"] == "TJ2026-012" and event.detail["copies"] == 3


def test_three_parties_make_four_copies(db: Database, town: Town, out: Path) -> None:
    add_case(db, town, parties=3, mediators=add_mediators(db))
    target = out / "agreement.pdf"
    mediation_agreement.build(db, target, case="tj2026-012")
    text = flat(target)
    assert "本协议一式四份（当事人各一份、人民调解委员会留存一份）。" in text
    assert "第三人（签名）：" in text and text.count("捺印") == 3 and masked_id(LI_ID) in pdftotext(target)


def test_agreement_refused_with_the_problems_and_no_file(db: Database, town: Town, out: Path) -> None:
    case_id = add_case(db, town, complete=False)  # no facts, no mediator
    with db.reader() as s:
        problems = agreement_problems(s, case_id)
    assert problems == ["缺少纠纷的主要事实。", "没有登记参加调解的人民调解员（协议书须由人民调解员签名）。"]
    target = out / "agreement.pdf"
    with pytest.raises(DomainError) as refused:
        mediation_agreement.build(db, target, case="TJ2026-012")
    assert refused.value.message == "调解案件 TJ2026-012 还不能打印人民调解协议书：" + "".join(problems)
    add_case(db, town, number="TJ2026-013", status="未达成协议", mediators=add_mediators(db))
    with pytest.raises(DomainError, match="只有达成协议的案件才能制作调解协议书"):
        mediation_agreement.build(db, target, case="TJ2026-013")
    with pytest.raises(NotFound, match="没有编号为 TJ2026-999 的调解案件"):
        mediation_agreement.build(db, target, case="TJ2026-999")
    with pytest.raises(NotFound, match="请指定调解案件编号"):
        registry.run(db, "mediation_agreement", target)
    assert list(out.iterdir()) == [] and events(db, "print") == []


def test_gridder_prints_only_cases_of_their_grids(db: Database, town: Town, out: Path) -> None:
    meds = add_mediators(db)
    add_case(db, town, mediators=meds)  # 张立春 lives in the first grid
    case_id = add_case(db, town, number="TJ2026-014", mediators=meds)
    with db.transaction("只留第二网格的当事人") as s:
        s.query(MediationParty).filter_by(case_id=case_id, side="申请人").delete()
        s.add(MediationParty(case_id=case_id, position=0, side="申请人", name="外来人", sex_code="1", age=40,
                             ethnicity_code="01", occupation="个体", address="宽城区某街1号"))
    as_user(db, "gridder")
    mediation_agreement.build(db, out / "mine.pdf", case="TJ2026-012")
    with pytest.raises(PermissionDenied):
        mediation_agreement.build(db, out / "theirs.pdf", case="TJ2026-014")
    assert sorted(p.name for p in out.iterdir()) == ["mine.pdf"]


def test_register_lists_the_year_in_order_received(db: Database, town: Town, out: Path) -> None:
    meds = add_mediators(db)
    add_case(db, town, number="TJ2026-013", received=date(2026, 5, 3), status="调解中", kind="物业纠纷")
    add_case(db, town, number="TJ2026-012", mediators=meds, escalated=True)
    add_case(db, town, number="TJ2025-030", received=date(2025, 12, 30), mediators=meds)
    target = out / "register.pdf"
    result = mediation_register.build(db, target, year=2026, on_date=date(2026, 6, 1))
    assert result.rows == 2 and result.scope == "2026年" and result.unit == "件"
    text = flat(target)
    assert "长山社区人民调解委员会人民调解案件登记簿（2026年）" in text
    assert "共受理2件：调解中1件，达成协议1件；矛盾升级1件" in text
    assert text.index("TJ2026-012") < text.index("TJ2026-013") and "TJ2025-030" not in text
    rows = lines(target)
    first = next(line for line in rows if line.startswith("1TJ2026-012"))
    assert first.startswith("1TJ2026-0122026-04-02邻里纠纷张立春与") and "达成协议2026-04-10" in first
    assert "2026-04-30前；未回访" in first and first.endswith("矛盾升级")
    assert RARE_NAME in pdftotext(target)
    assert ZHANG_ID not in pdftotext(target) and "第 1 页 共 1 页" in pdftotext(target)
    empty = mediation_register.build(db, out / "none.pdf", year=2024, on_date=date(2026, 6, 1))
    assert empty.rows == 0 and "（2024年没有受理调解案件）" in flat(out / "none.pdf")
