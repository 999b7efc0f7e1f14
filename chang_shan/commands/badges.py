"""``chang-shan badges --out FILE.pdf [--all-60plus] [--grid CODE] [--building NAME]
[--changed-since] [--not-printed] [--resident ID …] [--layout sheet|card|label] [--date D]``.

Runs as the user in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD (or a prompt), who needs the right to
edit the residents chosen (a badge carries full phone numbers; a 网格员 only their grids). The
criteria combine (AND). The badge numbers become permanent and every badge's print is registered
with the file. Bad input exits 2 with one line, before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from chang_shan.paths import DataDir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "badges", help="打印防走失二维码卡（PDF）",
        description="把选定居民的防走失联系卡生成一个 PDF（条件同时满足）。",
    )
    parser.add_argument("--out", metavar="FILE", required=True, help="输出文件（.pdf）")
    parser.add_argument("--all-60plus", action="store_true", help="全部60岁以上的在册居民")
    parser.add_argument("--grid", metavar="CODE", help="网格编号")
    parser.add_argument("--building", metavar="NAME", help="楼栋（如 3 或 3号楼）")
    parser.add_argument("--changed-since", action="store_true", help="只打印内容已变动、需重印的卡")
    parser.add_argument("--not-printed", action="store_true", help="只打印从未打印过的卡")
    parser.add_argument("--resident", metavar="ID", type=int, nargs="+", action="extend",
                        help="居民编号（可给多个）")
    parser.add_argument("--layout", choices=("sheet", "card", "label"), default="sheet",
                        help="版式：sheet 多枚A4（带裁切线，默认），card 证卡 85.6×54 mm，label 标签 50×30 mm")
    parser.add_argument("--date", metavar="YYYY-MM-DD", type=_day, help="按这一天计算年龄（默认今天）")
    parser.set_defaults(handler=_cmd_badges)


def warning_lines(warnings: Sequence[tuple[str, str]], *, names: int = 10) -> list[str]:
    """One line per kind of warning, with the first ``names`` names and how many in all."""
    by_message: dict[str, list[str]] = {}
    for name, message in warnings:
        by_message.setdefault(message, []).append(name)
    lines = []
    for message, who in by_message.items():
        named = [n for n in who if n]
        if not named:
            lines.append(f"注意：{message}")
            continue
        shown = "、".join(named[:names]) + ("等" if len(named) > names else "")
        lines.append(f"注意：{message.rstrip('。')}：{shown}（共 {len(named)} 人）")
    return lines


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


def _cmd_badges(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.badges.shapes import BadgeChoice
    from chang_shan.errors import DomainError
    from chang_shan.exports.output import check_target

    check_target(args.out, (".pdf",))
    choice = BadgeChoice(
        all_60plus=args.all_60plus, grid=args.grid, building=args.building,
        resident_ids=tuple(args.resident) if args.resident else None,
        changed_since=args.changed_since, not_printed=args.not_printed,
    )
    if choice.empty:
        raise DomainError("请选择要打印哪些人的防走失卡（--all-60plus、--grid、--building、--resident、"
                          "--changed-since 或 --not-printed）。")

    from chang_shan.badges import job
    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.progress import cli_progress

    with Database.open_existing(data_dir) as db:
        sign_in_from_env(db)
        with cli_progress("防走失联系卡") as progress:
            result = job.write_pdf(db, args.out, choice, args.layout, progress=progress, today=args.date)
    print(f"已生成防走失联系卡：{result.badges} 人，{result.pages} 页：{result.path}")
    for line in warning_lines(result.warnings):
        print(line, file=sys.stderr)
    if result.missing_characters:
        print(f"注意：本机没有能显示这些字的字体，打印为方框：{result.missing_characters}", file=sys.stderr)
    return 0
