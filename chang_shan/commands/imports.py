"""``chang-shan import FILE.xlsx [--dry-run] [--sheet NAME] [--map 列名=字段 …] [--template]``:
residents and households in from Excel.

Runs as the user in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD. The whole workbook is checked first;
every problem is printed with its sheet, row and column, and when there is one the command exits
2 with nothing written. Otherwise (and without ``--dry-run``) everything is written in one
transaction. ``--template`` writes the template workbook to FILE instead.
"""

from __future__ import annotations

import argparse
import sys

from chang_shan.paths import DataDir

MAX_SHOWN = 200  # problems printed; the rest are counted


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="从 Excel 导入居民和户（先检查，有问题时不写入）",
        description="从 Excel 工作簿（.xlsx）导入居民和户。先检查整张表，列出每个问题的工作表、行、列和原因；"
                    "有问题时不写入任何数据（退出码 2）。",
    )
    parser.add_argument("file", metavar="FILE.xlsx", help="要导入的工作簿（--template 时为模板的保存位置）")
    parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    parser.add_argument("--sheet", metavar="NAME", help="工作表名称（默认：自动找含表头的工作表）")
    parser.add_argument("--map", action="append", default=[], metavar="列名=字段",
                        help="指定某列对应的字段（列名或列号，如 B=身份证号码；字段为空或“不导入”表示不导入），可重复")
    parser.add_argument("--template", action="store_true", help="把导入模板写到 FILE")
    parser.set_defaults(handler=_cmd_import)


def _mapping(pairs: list[str]) -> dict[str, str]:
    from chang_shan.errors import DomainError

    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip():
            raise DomainError(f"--map 应写成 列名=字段，如 手机=联系电话；现在是“{pair}”。")
        mapping[column.strip()] = target.strip()
    return mapping


def _cmd_import(args: argparse.Namespace, data_dir: DataDir) -> int:
    if args.template:
        from chang_shan.imports.template import write_template

        print(f"已写出导入模板：{write_template(args.file)}")
        return 0
    mapping = _mapping(args.map)

    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.imports import apply_import, plan_import
    from chang_shan.progress import cli_progress

    with Database.open(data_dir) as db:
        sign_in_from_env(db)
        with db.reader() as session, cli_progress("检查") as progress:
            plan = plan_import(session, args.file, sheet=args.sheet, mapping=mapping, progress=progress)
        counts = plan.counts
        summary = (f"工作表“{plan.sheet}”，表头在第 {plan.header_row} 行：新登记 {counts['new']} 人，"
                   f"更正 {counts['update']} 人，无变化 {counts['same']} 人，新建户 {counts['households_new']} 户。")
        if plan.problems:
            for problem in plan.problems[:MAX_SHOWN]:
                column = f"{problem.column} 列" if problem.column else "—"
                field = f"（{problem.field_label}）" if problem.field_label else ""
                print(f"{problem.sheet}\t第 {problem.row} 行\t{column}{field}\t{problem.message}")
            if len(plan.problems) > MAX_SHOWN:
                print(f"……另有 {len(plan.problems) - MAX_SHOWN} 个问题未列出。")
            print(f"发现 {len(plan.problems)} 个问题，未导入任何数据。请改正表格后重试。", file=sys.stderr)
            return 2
        if args.dry_run:
            print(f"检查通过（未写入）。{summary}")
            return 0
        with db.transaction(f"导入居民（{plan.path.name}）") as session, cli_progress("导入") as progress:
            result = apply_import(session, plan, progress=progress)
    print(f"已导入：{result.describe()}")
    return 0
