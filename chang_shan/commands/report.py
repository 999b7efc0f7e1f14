"""``chang-shan report NAME --out FILE [--grid CODE …]`` and ``chang-shan report --list``.

Reports run as the user in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD (or a prompt); ID numbers and
phones in them are masked. Bad input exits 2 with one line, before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from chang_shan.paths import DataDir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="生成报表（PDF）；--list 列出报表名称",
        description="生成一个报表。chang-shan report --list 列出所有报表。",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="报表名称（见 --list）")
    parser.add_argument("--list", action="store_true", help="列出报表名称")
    parser.add_argument("--out", metavar="FILE", help="输出文件（.pdf）")
    parser.add_argument("--grid", metavar="CODE", help="网格编号")
    parser.add_argument("--building", metavar="NAME", help="楼栋（如 3 或 3号楼；与 --grid 一起用）")
    parser.add_argument("--unit", metavar="NAME", help="单元（如 2；与 --building 一起用）")
    parser.add_argument("--status", metavar="STATUS", help="遗嘱登记状态（will_book：有效、已撤回、被新遗嘱取代、已启用）")
    parser.add_argument("--resident", metavar="ID", type=int, help="居民编号（health_form）")
    parser.add_argument("--household", metavar="ID", type=int, help="户编号（household_relations）")
    parser.add_argument("--date", metavar="YYYY-MM-DD", type=_day, help="统计或打印日期（默认今天）")
    parser.add_argument("--branch", metavar="ID", type=int, help="党组织编号（party_roster）")
    parser.add_argument("--team", metavar="ID", type=int, help="志愿服务队编号（team_hours）")
    parser.add_argument("--volunteer", metavar="NUMBER", help="志愿者编号（volunteer_certificate，如 CSV-00123）")
    parser.add_argument("--start", metavar="YYYY-MM-DD", type=_day, help="期间起始日期")
    parser.add_argument("--end", metavar="YYYY-MM-DD", type=_day, help="期间截止日期")
    parser.add_argument("--month", metavar="YYYY-MM", type=_month, help="月份（如 2026-10）")
    parser.add_argument("--year", metavar="YYYY", type=_year, help="年度（如 2026）")
    parser.add_argument("--matter", metavar="NUMBER", help="议题编号（如 YS2026-003）")
    parser.add_argument("--case", metavar="NUMBER", help="调解案件编号（如 TJ2026-012）")
    parser.add_argument("--receipt", metavar="NUMBER", help="收据号（如 WY2026-00001）")
    parser.set_defaults(handler=_cmd_report)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD（如 2026-05-01）：{text}") from None


def _month(text: str) -> str:
    try:
        return date.fromisoformat(text.strip() + "-01").isoformat()[:7]
    except ValueError:
        raise argparse.ArgumentTypeError(f"月份应写作 YYYY-MM（如 2026-10）：{text}") from None


def _year(text: str) -> int:
    if not text.strip().isdigit() or not 1949 <= int(text) <= 2200:
        raise argparse.ArgumentTypeError(f"年度应写作四位数字（如 2026）：{text}")
    return int(text)


def _cmd_report(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.errors import DomainError
    from chang_shan.exports.output import check_target
    from chang_shan.reports import registry

    if args.list:
        if args.name:
            raise DomainError("--list 不与报表名称一起使用。")
        for line in registry.listing():
            print(line)
        return 0
    if not args.name:
        raise DomainError("请给出报表名称（chang-shan report --list 列出所有报表）。")
    info = registry.get(args.name)
    if not args.out:
        raise DomainError("请用 --out 给出输出文件。")
    check_target(args.out, info.suffixes)
    options = {"grid": args.grid, "building": args.building, "unit": args.unit, "status": args.status,
               "resident": args.resident, "household": args.household, "date": args.date,
               "branch": args.branch, "team": args.team, "volunteer": args.volunteer, "start": args.start,
               "end": args.end, "month": args.month, "year": args.year, "matter": args.matter, "case": args.case,
               "receipt": args.receipt}
    given = {key for key, value in options.items() if value is not None}
    if given - set(info.options):
        shown = "、".join("--" + key for key in sorted(given - set(info.options)))
        raise DomainError(f"报表 {info.name} 不接受选项 {shown}。")

    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.progress import cli_progress

    # No folder lock, nothing created or migrated: a report may be made beside the open window.
    with Database.open_existing(data_dir) as db:
        sign_in_from_env(db)
        with cli_progress(info.title) as progress:
            result = registry.run(db, info.name, args.out, options=options, progress=progress)
    print(f"已生成{info.title}（{result.scope}，{result.rows} {result.unit}，{result.pages} 页）：{result.path}")
    if result.missing_characters:
        print(f"注意：本机没有能显示这些字的字体，打印为方框：{result.missing_characters}", file=sys.stderr)
    return 0
