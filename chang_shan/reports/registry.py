"""The named reports (``chang-shan report NAME --out FILE``, ``report --list``).

A new report is one module with ``build(db, out, *, <options>, progress) -> ReportResult`` and a
line in ``REPORTS``. Its PDF is written with ``audited_pdf``: to a temporary file beside the
target, renamed into place in the transaction that records the print in the audit trail.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.audit.events import record_event
from chang_shan.db.database import Database
from chang_shan.errors import DomainError
from chang_shan.exports.output import AtomicFile, check_target
from chang_shan.progress import Progress, no_progress


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: str
    description: str
    module: str
    options: tuple[str, ...] = ()  # keyword options of build() the command line may pass
    suffixes: tuple[str, ...] = (".pdf",)


@dataclass(frozen=True)
class ReportResult:
    name: str
    path: Path
    pages: int
    rows: int
    missing_characters: str = ""  # characters no installed font has: printed as boxes
    scope: str = ""
    unit: str = "人"  # what ``rows`` counts: 人, or 份 for wills


REPORTS: dict[str, ReportInfo] = {
    "roster": ReportInfo("roster", "居民花名册", "网格、楼栋或单元的在册居民（身份证号和电话遮盖）",
                         "chang_shan.reports.roster", options=("grid", "building", "unit")),
    "canteen_delivery": ReportInfo("canteen_delivery", "乐龄食堂送餐单",
                                   "当天午餐、晚餐的送餐名单（按线路，每条线路一页）和堂食名单",
                                   "chang_shan.reports.canteen"),
    "will_book": ReportInfo("will_book", "遗嘱库登记簿", "遗嘱库的全部登记，每份遗嘱一行，供档案柜存档（需要遗嘱库权限）",
                            "chang_shan.reports.will_forms", options=("status",)),
    "health_form": ReportInfo("health_form", "个人基本信息表", "一位居民的居民健康档案个人基本信息表（国家基本公共卫生服务规范"
                              "第三版格式，需要健康档案权限）", "chang_shan.reports.health_form", options=("resident", "date")),
    "household_relations": ReportInfo("household_relations", "居民社会关系信息档案",
                                      "一户的家庭成员、与户主关系（GB/T 4761）、紧急联系人、包保责任人和三长",
                                      "chang_shan.reports.household_relations", options=("household", "date")),
    "population_stats": ReportInfo("population_stats", "人口统计表",
                                   "按网格、楼栋统计户数、人数、年龄段、60岁以上占比、特殊人群和党员家庭户，附统计图",
                                   "chang_shan.reports.population_stats", options=("grid", "building", "date")),
    "population_report": ReportInfo("population_report", "人口统计情况报告",
                                    "报街道办事处的公文（GB/T 9704-2012 版式）：人口、年龄结构、各网格情况、特殊人群",
                                    "chang_shan.reports.formal", options=("grid", "date")),
    "party_roster": ReportInfo("party_roster", "党员名册", "一个党支部或党小组（或全部）的党员：入党日期、党员类别、组织关系、党内职务",
                               "chang_shan.reports.party_roster", options=("branch", "date")),
    "party_placards": ReportInfo("party_placards", "党员家庭户门牌", "党员家庭户的门牌（A4 每页多张，带裁切线），按网格或楼栋",
                                 "chang_shan.reports.party_placards", options=("grid", "building")),
    "volunteer_certificate": ReportInfo("volunteer_certificate", "志愿服务证明",
                                        "一位志愿者一段期间内已确认的服务时长和内容（志愿服务记录与证明出具办法）",
                                        "chang_shan.reports.volunteer_certificate",
                                        options=("volunteer", "start", "end", "date")),
    "team_hours": ReportInfo("team_hours", "服务队月度服务时长表", "一个服务队（或全部）一个月内每位队员已确认的服务时长",
                             "chang_shan.reports.team_hours", options=("team", "month")),
    "redemption_receipt": ReportInfo("redemption_receipt", "积分兑换凭单", "一次积分兑换的凭单（兑换单号 DH…）",
                                     "chang_shan.reports.redemption_receipt", options=("receipt",)),
    "deliberation_notice": ReportInfo("deliberation_notice", "议事决议公示", "一个议题的决议公示（GB/T 9704 版式，含公示期）",
                                      "chang_shan.reports.deliberation_notice", options=("matter", "date")),
    "deliberation_record": ReportInfo("deliberation_record", "四步议事记录", "一个议题四个步骤的全部记录：时间、参加人员、会议记录、表决和结果",
                                      "chang_shan.reports.deliberation_record", options=("matter",)),
    "mediation_agreement": ReportInfo("mediation_agreement", "人民调解协议书",
                                      "一件达成协议的调解案件的协议书（每方当事人一份、调解委员会留存一份）",
                                      "chang_shan.reports.mediation_agreement", options=("case",)),
    "mediation_register": ReportInfo("mediation_register", "人民调解案件登记簿", "一年受理的调解案件，每件一行",
                                     "chang_shan.reports.mediation_register", options=("year",)),
    "fee_receipt": ReportInfo("fee_receipt", "物业费收据", "一笔物业费缴费的收据（收据号 WY…）",
                              "chang_shan.reports.fee_receipt", options=("receipt",)),
    "fee_arrears": ReportInfo("fee_arrears", "物业费欠费清单", "一年未缴清物业费的住户：面积、应缴、已缴、欠缴",
                              "chang_shan.reports.fee_arrears", options=("year", "grid", "building")),
    "eight_zero": ReportInfo("eight_zero", "“八零”指标统计表", "八项“零”指标，近几年并列，注明数据来源",
                             "chang_shan.reports.eight_zero", options=("year",)),
}


def get(name: str) -> ReportInfo:
    try:
        return REPORTS[name]
    except KeyError:
        raise DomainError(f"没有名为 {name} 的报表；可用的报表：{'、'.join(REPORTS)}（report --list）。") from None


def listing() -> list[str]:
    return [f"{info.name}\t{info.title}：{info.description}" for info in REPORTS.values()]


def run(db: Database, name: str, out: str | os.PathLike[str], *, options: dict[str, object] | None = None,
        progress: Progress = no_progress) -> ReportResult:
    """Build the report ``name`` into ``out``. Options it does not take are refused."""
    info = get(name)
    given = {key: value for key, value in (options or {}).items() if value is not None}
    unknown = sorted(set(given) - set(info.options))
    if unknown:
        shown = "、".join("--" + key.replace("_", "-") for key in unknown)
        raise DomainError(f"报表 {name} 不接受选项 {shown}。")
    check_target(out, info.suffixes)
    module = importlib.import_module(info.module)
    return module.build(db, out, progress=progress, **given)


def audited_pdf(
    db: Database, out: str | os.PathLike[str], title: str,
    make: Callable[[Session, Path], tuple[ReportResult, dict]],
) -> ReportResult:
    """Run ``make(session, temp_path)`` in one read session, then record a "print" event and put
    the file in place together. ``make`` returns the result and extra audit detail (no values)."""
    target = check_target(out, (".pdf",))
    with db.reader() as session, AtomicFile(target) as part:
        assert part.temp is not None
        result, detail = make(session, part.temp)
        session.rollback()  # end the read transaction before writing
        action = f"打印{title}（{result.scope or '全部'}，{result.rows} {result.unit}，{result.pages} 页）"
        with db.transaction(action) as tx:
            record_event(tx, "print", action, detail={
                "report": result.name, "rows": result.rows, "pages": result.pages, "file": str(target), **detail,
            })
            part.commit()
    return replace(result, path=target)
