"""``chang-shan today [--json] [--date YYYY-MM-DD]``: the today list (今日待办) for a day, the same
sections the start screen shows (overdue visits, elders not visited for a while, birthdays of the
very old this month, elders with no caretaker), limited to what the signed-in user may see.

Runs as the user in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD (or a prompt), beside the open window
(no folder lock). A bad date exits 2 with one line before anything is opened.
"""

from __future__ import annotations

import argparse
from datetime import date

from chang_shan.paths import DataDir


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD（如 2026-11-21）：{text}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "today", help="今日待办：逾期随访、久未走访、本月高龄生日、无包保人的老人",
        description="列出某一天的今日待办（默认今天），只含当前账户有权查看的内容。",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    parser.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="日期（默认今天）")
    parser.set_defaults(handler=_cmd_today)


def _cmd_today(args: argparse.Namespace, data_dir: DataDir) -> int:
    import json

    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.today import build_today

    on = args.date or date.today()
    with Database.open_existing(data_dir) as db:
        sign_in_from_env(db)
        with db.reader() as session:
            today = build_today(session, on)
    if args.json:
        print(json.dumps(today.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"今日待办 {on.isoformat()}：共 {today.total} 项")
    for section in today.sections:
        print(f"\n{section.title}（{section.count}）" + (f"　{section.note}" if section.note else ""))
        for item in section.items:
            print(f"  {item.name}　{item.text}")
        if not section.items:
            print("  无")
    return 0
