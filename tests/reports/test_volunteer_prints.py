"""志愿服务证明, 服务队月度服务时长表 and 积分兑换凭单, on volunteers of the test town written through
the volunteer services, read back with poppler: names (𠀀𪚥 too), masked IDs, only confirmed hours
in the totals, the certificate number kept for a reprint, page counts, refusals, the command line."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.reports import redemption_receipt, registry, team_hours, volunteer_certificate
from chang_shan.settings import set_setting
from chang_shan.volunteers import points, registry as volunteer_registry, service_records
from chang_shan.volunteers.queries import catalogue, services
from chang_shan.volunteers.shapes import ServiceInput, VolunteerInput
from tests.exports.people import RARE_ID, RARE_NAME, Town, as_user, build_town, events, masked_id
from tests.population.community import KUANCHENG, ZHANG_ID, id_number
from tests.reports.test_party_prints import cli_user
from tests.reports.test_roster import pdffonts, pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 10)
COMMUNITY = "长山花园社区"
STUDENT_ID = id_number(KUANCHENG, date(2005, 9, 1), 62)


@dataclass(frozen=True)
class Volunteers:
    town: Town
    patrol: int  # 义务巡逻队
    care: int  # 关爱老人服务队
    zhang: int  # CSV-00001, 队长 of the care team
    rare: int  # CSV-00002 𠀀𪚥, patrol
    student: int  # CSV-00003 陈晓雨, 大学生, care and patrol
    redemption: str  # DH2026-0001 of 张立春


def _service(s, volunteer: int, team: int | None, served: date, kind: str, content: str, hours: str, *,  # noqa: ANN001
             confirm: bool = True, give_back: bool = False) -> int:
    sid = service_records.record_service(s, ServiceInput(volunteer, team, served, "长山花园社区", kind, content, hours),
                                         today=ON)
    if confirm:
        service_records.confirm(s, sid, None, today=ON)
    elif give_back:
        service_records.return_service(s, sid, None, "时长有误")
    return sid


def build_volunteers(db: Database, town: Town | None = None) -> Volunteers:
    """Teams, volunteers, records, rules and a redemption written through the volunteer services
    (on ``town``, else a new test town)."""
    town = town or build_town(db)
    c = town.community
    with db.transaction("志愿者") as s:
        set_setting(s, "office.community_name", COMMUNITY)
        set_setting(s, "office.hotline", "0431-85550000")
        points.set_rule(s, "关爱老人", 20, 0, date(2025, 1, 1))
        points.set_rule(s, "巡逻", 10, 2, date(2025, 1, 1))
        patrol = volunteer_registry.create_team(s, "义务巡逻队", service="夜间和节假日巡逻")
        care = volunteer_registry.create_team(s, "关爱老人服务队", service="探访、代购、陪同就医")
        zhang = volunteer_registry.register_volunteer(
            s, VolunteerInput(resident_id=c.zhang, registered_on=date(2025, 3, 1)), today=ON)
        rare = volunteer_registry.register_volunteer(
            s, VolunteerInput(resident_id=town.rare, registered_on=date(2025, 3, 1)), today=ON)
        student = volunteer_registry.register_volunteer(s, VolunteerInput(
            kind="大学生", name="陈晓雨", sex_code="2", id_number=STUDENT_ID, phone="13700001111",
            school="吉林大学", major="社会工作", student_number="2023123", enrolment_year=2023,
            registered_on=date(2025, 9, 1)), today=ON)
        volunteer_registry.add_to_team(s, care, zhang, "队长", date(2025, 3, 1), today=ON)
        volunteer_registry.add_to_team(s, patrol, rare, "队员", date(2025, 3, 1), today=ON)
        volunteer_registry.add_to_team(s, care, student, "队员", date(2025, 9, 1), today=ON)
        volunteer_registry.add_to_team(s, patrol, student, "副队长", date(2025, 9, 1), today=ON)
        # 张立春: March 2.0, April 2.5 + 3.0 + 1.5 confirmed; one pending (4.0) and one returned (2.0)
        _service(s, zhang, care, date(2026, 3, 20), "关爱老人", "陪同王淑芬到医院复查", "2.0")
        _service(s, zhang, care, date(2026, 4, 3), "关爱老人", "为独居老人代购米面", "2.5")
        _service(s, zhang, care, date(2026, 4, 15), "关爱老人", "探访独居老人王淑芬", "3.0")
        _service(s, zhang, care, date(2026, 4, 28), "关爱老人", "清理楼道杂物", "1.5")
        _service(s, zhang, care, date(2026, 4, 29), "关爱老人", "陪同就医（待确认）", "4.0", confirm=False)
        _service(s, zhang, care, date(2026, 4, 30), "关爱老人", "代购药品（已退回）", "2.0", confirm=False,
                 give_back=True)
        # 𠀀𪚥 and the student on patrol in April
        _service(s, rare, patrol, date(2026, 4, 3), "巡逻", "平房区夜间巡逻", "3.0")
        _service(s, rare, patrol, date(2026, 4, 4), "巡逻", "平房区夜间巡逻", "2.0")
        _service(s, student, patrol, date(2026, 4, 3), "巡逻", "平房区夜间巡逻", "3.0")
        _service(s, student, care, date(2026, 4, 18), "关爱老人", "陪老人聊天读报", "1.5")
        rice = points.add_item(s, "大米（5公斤）", "袋", 50, 10)
        soap = points.add_item(s, "洗衣液", "瓶", 20, 5)
        result = points.redeem(s, zhang, [(rice, 1), (soap, 2)], today=ON)
    return Volunteers(town, patrol, care, zhang, rare, student, result.number)


@pytest.fixture
def vols(db: Database) -> Volunteers:
    return build_volunteers(db)


def squeezed(path: Path) -> str:
    return "".join(pdftotext(path).split())


# --- 志愿服务证明 -------------------------------------------------------------------------------------


def test_certificate_counts_only_confirmed_hours(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    out = tmp_path / "cert.pdf"
    result = volunteer_certificate.build(db, out, volunteer="CSV-00001", start=date(2026, 4, 1),
                                         end=date(2026, 4, 30), date=ON)
    assert (result.rows, result.pages, result.unit, result.missing_characters) == (3, 1, "次", "")
    text = squeezed(out)
    assert "长山花园社区志愿服务证明" in text or ("长山花园社区" in text and "志愿服务证明" in text)
    assert "证明编号：ZM2026-0001" in text and "出具日期：2026年5月10日" in text
    assert "兹证明张立春（志愿者编号CSV-00001）于2026年4月1日至2026年4月30日期间" in text
    assert "志愿服务活动3次" in text and "累计志愿服务时长7.0小时" in text
    assert "7.0小时（3次）" in text and "合计" in text and "共3次" in text
    for content in ("为独居老人代购米面", "探访独居老人王淑芬", "清理楼道杂物", "2026-04-03", "2026-04-28"):
        assert content in text, content
    for left_out in ("陪同就医（待确认）", "代购药品（已退回）", "陪同王淑芬到医院复查"):  # pending, returned, March
        assert left_out not in text, left_out
    assert ZHANG_ID not in text and masked_id(ZHANG_ID) in text and "居民身份证" in text
    for part in ("志愿者身份信息", "志愿服务信息", "出具单位信息", "其他需要说明的事项", "负责人（签字）",
                 "经办人（签字）", "0431-85550000", "出具单位（盖章）：长山花园社区", "不含往返路途时间"):
        assert part in text, part
    info = pdfinfo(out)
    assert info["Title"].strip() == "志愿服务证明（ZM2026-0001 张立春）"
    assert info["Page size"].split()[:3] == ["595.276", "x", "841.89"]
    assert all(row[-5] == "yes" for row in pdffonts(out))
    [event] = events(db, "print")
    assert event.detail["certificate"] == "ZM2026-0001" and event.detail["hours"] == "7.0"
    assert event.detail["volunteer"] == "CSV-00001" and ZHANG_ID not in str(event.detail) + event.action


def test_certificate_number_is_kept_for_a_reprint_and_counts_on_for_another(db: Database, vols: Volunteers,
                                                                           tmp_path: Path) -> None:
    def number(**options: object) -> str:
        volunteer_certificate.build(db, tmp_path / "c.pdf", date=ON, **options)  # type: ignore[arg-type]
        return events(db, "print")[-1].detail["certificate"]

    april = {"volunteer": "CSV-00001", "start": date(2026, 4, 1), "end": date(2026, 4, 30)}
    assert number(**april) == "ZM2026-0001"
    assert number(**april) == "ZM2026-0001"  # the same certificate printed again
    assert number(volunteer="CSV-00001") == "ZM2026-0002"  # since registration: another period
    assert "累计志愿服务时长9.0小时" in squeezed(tmp_path / "c.pdf")  # March too
    with db.transaction("确认") as s:  # the pending record confirmed: April's hours change, so a new certificate
        [pending] = services(s, status="待确认", volunteer_id=vols.zhang, start=date(2026, 4, 1), end=date(2026, 4, 30))
        service_records.confirm(s, pending.id, pending.version, today=ON)
    assert number(**april) == "ZM2026-0003"
    assert "累计志愿服务时长11.0小时" in squeezed(tmp_path / "c.pdf")


def test_certificate_of_a_student_and_of_a_rare_name(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    out = tmp_path / "student.pdf"
    volunteer_certificate.build(db, out, volunteer="csv-00003", date=ON)
    text = squeezed(out)
    assert "陈晓雨" in text and "学校、院系" in text and "吉林大学社会工作" in text
    assert STUDENT_ID not in text and masked_id(STUDENT_ID) in text and "13700001111" not in text
    assert "义务巡逻队" in text and "关爱老人服务队" in text and "累计志愿服务时长4.5小时" in text
    rare = registry.run(db, "volunteer_certificate", tmp_path / "rare.pdf",
                        options={"volunteer": "CSV-00002", "date": ON})
    text = squeezed(tmp_path / "rare.pdf")
    assert rare.missing_characters == "" and RARE_NAME in text and masked_id(RARE_ID) in text and RARE_ID not in text
    assert "累计志愿服务时长5.0小时" in text


def test_certificate_refusals_write_nothing(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(NotFound, match="没有编号为 CSV-09999 的志愿者"):
        volunteer_certificate.build(db, out, volunteer="CSV-09999", date=ON)
    with pytest.raises(DomainError, match="请指定志愿者"):
        volunteer_certificate.build(db, out, date=ON)
    with pytest.raises(DomainError, match="没有已确认的志愿服务记录"):
        volunteer_certificate.build(db, out, volunteer="CSV-00001", start=date(2026, 1, 1), end=date(2026, 2, 28),
                                    date=ON)
    with pytest.raises(DomainError, match="不能晚于截止日期"):
        volunteer_certificate.build(db, out, volunteer="CSV-00001", start=date(2026, 4, 30), end=date(2026, 4, 1),
                                    date=ON)
    with pytest.raises(DomainError, match="不能晚于出具日期"):
        volunteer_certificate.build(db, out, volunteer="CSV-00001", end=date(2026, 6, 1), date=ON)
    as_user(db, "gridder")  # grid 1: 𠀀𪚥 lives in grid 2
    with pytest.raises(PermissionDenied):
        volunteer_certificate.build(db, out, volunteer="CSV-00002", date=ON)
    assert not out.exists() and events(db, "print") == []
    assert volunteer_certificate.build(db, out, volunteer="CSV-00003", date=ON).rows == 2  # from outside: anyone's


def test_a_long_certificate_runs_onto_numbered_pages(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    with db.transaction("一年巡逻") as s:
        for i in range(60):
            _service(s, vols.rare, vols.patrol, date(2025, 4, 1 + i % 28).replace(month=4 + i // 28), "巡逻",
                     f"第{i + 1}次夜间巡逻", "1.0")
    out = tmp_path / "long.pdf"
    result = volunteer_certificate.build(db, out, volunteer="CSV-00002", date=ON)
    pages = int(pdfinfo(out)["Pages"])
    assert result.pages == pages >= 2 and result.rows == 62
    text = pdftotext(out)
    for n in range(1, pages + 1):
        assert f"第 {n} 页 共 {pages} 页" in text
    flat = "".join(text.split())
    assert "第60次夜间巡逻" in flat and "累计志愿服务时长65.0小时" in flat and "共62次" in flat
    assert flat.count("服务内容") == pages  # the table's header repeats on every page


def test_certificate_command_line(db: Database, vols: Volunteers, data_dir, tmp_path: Path) -> None:  # noqa: ANN001
    from tests.cli.process import chang_shan

    user = cli_user(db)
    out = tmp_path / "证明.pdf"
    done = chang_shan(data_dir.root, "report", "volunteer_certificate", "--volunteer", "CSV-00001", "--start",
                      "2026-04-01", "--end", "2026-04-30", "--date", "2026-05-10", "--out", str(out), user=user)
    assert done.returncode == 0, done.stderr
    assert "已生成志愿服务证明（CSV-00001 张立春，2026-04-01至2026-04-30，7.0 小时，3 次，1 页）" in done.stdout
    assert "累计志愿服务时长7.0小时" in squeezed(out)
    bad = chang_shan(data_dir.root, "report", "volunteer_certificate", "--volunteer", "CSV-09999", "--out",
                     str(tmp_path / "x.pdf"), user=user)
    assert bad.returncode != 0 and "没有编号为 CSV-09999 的志愿者" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()


# --- 服务队月度服务时长表 --------------------------------------------------------------------------------


def test_team_month_sheet_counts_confirmed_hours_per_day(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    out = tmp_path / "care.pdf"
    result = team_hours.build(db, out, team=vols.care, month="2026-04", today=ON)
    assert (result.rows, result.pages, result.scope) == (2, 1, "关爱老人服务队 2026年4月")
    text = pdftotext(out, layout=True)
    flat = "".join(text.split())
    assert "服务队：关爱老人服务队" in flat and "月份：2026年4月" in flat
    assert "本月服务时长合计：8.5小时（2人）" in flat  # 7.0 + 1.5; pending and returned not counted
    assert "另有待确认记录1条、4.0小时未计入" in flat
    [zhang] = [line for line in text.splitlines() if "张立春" in line]
    assert zhang.split()[-4:] == ["2.5", "3.0", "1.5", "7.0"] and "队长" in zhang
    [student] = [line for line in text.splitlines() if "陈晓雨" in line]
    assert student.split()[-2:] == ["1.5", "1.5"]
    [totals] = [line for line in text.splitlines() if "每日合计" in line]
    assert totals.split()[-5:] == ["2.5", "3.0", "1.5", "1.5", "8.5"]
    assert "30" in text and "31" not in text.split("每日合计")[0].split("合计")[0]  # April has 30 day columns
    assert "第 1 页 共 1 页" in text


def test_all_teams_one_per_page_and_rare_names(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    result = registry.run(db, "team_hours", out, options={"month": "2026-04"})
    pages = pdftotext(out).split("\f")
    assert result.pages == 2 and result.rows == 4 and result.missing_characters == ""
    assert "义务巡逻队" in pages[0] and "关爱老人服务队" in pages[1]
    patrol = "".join(pages[0].split())
    assert RARE_NAME in patrol and "本月服务时长合计：8.0小时（2人）" in patrol
    assert patrol.index("陈晓雨") < patrol.index(RARE_NAME)  # the 副队长 first
    march = team_hours.build(db, tmp_path / "march.pdf", team=vols.care, month="2026-03", today=ON)
    assert march.rows == 2 and "本月服务时长合计：2.0小时" in squeezed(tmp_path / "march.pdf")


def test_team_hours_refusals(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="没有编号为 99 的志愿服务队"):
        team_hours.build(db, tmp_path / "x.pdf", team=99, month="2026-04")
    with pytest.raises(DomainError, match="月份应写作 YYYY-MM"):
        team_hours.build(db, tmp_path / "x.pdf", month="四月")
    assert not (tmp_path / "x.pdf").exists()
    as_user(db, "gridder")  # grid 1: 𠀀𪚥 (grid 2) left out, the student (from outside) stays
    team_hours.build(db, tmp_path / "mine.pdf", team=vols.patrol, month="2026-04", today=ON)
    text = squeezed(tmp_path / "mine.pdf")
    assert RARE_NAME not in text and "陈晓雨" in text


# --- 积分兑换凭单 ------------------------------------------------------------------------------------


def test_redemption_receipt(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    assert vols.redemption == "DH2026-0001"
    out = tmp_path / "receipt.pdf"
    result = redemption_receipt.build(db, out, receipt="dh2026-0001")
    assert (result.rows, result.pages, result.scope, result.unit) == (1, 1, "DH2026-0001", "份")
    text = pdftotext(out, layout=True)
    flat = "".join(text.split())
    assert "长山花园社区积分兑换凭单" in flat and "单号：DH2026-0001" in flat and "兑换日期：2026年5月10日" in flat
    assert "张立春" in flat and "CSV-00001" in flat
    [rice] = [line for line in text.splitlines() if "大米" in line]
    assert rice.split()[-4:] == ["袋", "1", "50", "50"]
    [soap] = [line for line in text.splitlines() if "洗衣液" in line]
    assert soap.split()[-4:] == ["瓶", "2", "20", "40"]
    # earned 9.0 confirmed hours × 20 = 180, spent 90
    assert "兑换前积分180" in flat and "本次使用90" in flat and "兑换后余额90" in flat
    assert "志愿者（签名）" in flat and "经办人" in flat
    info = pdfinfo(out)
    width, height = (float(v) for v in info["Page size"].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (595, 420)  # A5 landscape
    [event] = events(db, "print")
    assert event.detail["receipt"] == "DH2026-0001" and event.action == "打印积分兑换凭单（DH2026-0001，1 份，1 页）"


def test_redemption_receipt_refusals(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="没有编号为 DH2026-0099 的兑换记录"):
        redemption_receipt.build(db, tmp_path / "x.pdf", receipt="DH2026-0099")
    with pytest.raises(DomainError, match="物业费收据"):
        redemption_receipt.build(db, tmp_path / "x.pdf", receipt="WY2026-00001")
    with pytest.raises(DomainError, match="请指定兑换单号"):
        redemption_receipt.build(db, tmp_path / "x.pdf", receipt=" ")
    assert not (tmp_path / "x.pdf").exists() and events(db, "print") == []


def test_receipt_for_a_rare_name(db: Database, vols: Volunteers, tmp_path: Path) -> None:
    with db.transaction("兑换") as s:
        [soap] = [item for item in catalogue(s) if item.name == "洗衣液"]
        number = points.redeem(s, vols.rare, [(soap.id, 1)], today=ON).number
    assert number == "DH2026-0002"
    result = registry.run(db, "redemption_receipt", tmp_path / "r.pdf", options={"receipt": number})
    text = pdftotext(tmp_path / "r.pdf", layout=True)
    # patrol: 10 a hour and 2 a service: 3.0 h + 2.0 h in two services = 54, one 洗衣液 20
    assert result.missing_characters == "" and RARE_NAME in text
    [balances] = [line.split() for line in text.splitlines() if "兑换前积分" in line]
    assert balances == ["兑换前积分", "54", "本次使用", "20", "兑换后余额", "34"]
