"""``chang-shan export LEDGER --out FILE.xlsx|FILE.csv [--reveal] [--grid CODE]``: a ledger out to
Excel or CSV, ID numbers and phones masked unless ``--reveal`` (a permission; audited).

Runs as the user in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD (or a prompt). Bad input (an unknown
ledger, another file type, a folder that does not exist) exits 2 with one line, before anything
is opened or written.
"""

from __future__ import annotations

import argparse

from chang_shan.paths import DataDir


LEDGER_NAMES = ("residents", "households")  # exports.ledgers.LEDGERS (not imported: start-up stays light)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="把台账导出为 XLSX 或 CSV（身份证号和电话默认遮盖）",
        description="把台账导出为 XLSX 或 CSV。身份证号和电话默认遮盖；--reveal 写出完整号码（需要权限，记入审计）。",
    )
    parser.add_argument("ledger", metavar="LEDGER", help="台账：" + "、".join(LEDGER_NAMES))
    parser.add_argument("--out", required=True, metavar="FILE", help="输出文件（.xlsx 或 .csv）")
    parser.add_argument("--reveal", action="store_true", help="写出完整的身份证号和电话（需要相应权限）")
    parser.add_argument("--grid", metavar="CODE", help="只导出这个网格（网格编号）")
    parser.add_argument("--include-inactive", action="store_true", help="也导出已迁出、已故的居民和已撤销的户")
    parser.set_defaults(handler=_cmd_export)


def _cmd_export(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.exports import FORMATS
    from chang_shan.exports.ledgers import ledger
    from chang_shan.exports.output import check_target

    ledger(args.ledger)  # bad input first: nothing is opened or written
    check_target(args.out, FORMATS)

    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.exports import export_ledger
    from chang_shan.progress import cli_progress

    # No folder lock, nothing created or migrated: an export may run beside the open window.
    with Database.open_existing(data_dir) as db:
        sign_in_from_env(db)
        with cli_progress("导出") as progress:
            result = export_ledger(db, args.ledger, args.out, reveal=args.reveal, grid=args.grid,
                                   include_inactive=args.include_inactive, progress=progress)
    shown = "，含完整身份证号和电话" if result.revealed else "，身份证号和电话已遮盖"
    print(f"已导出 {result.rows} 行（{result.scope}{shown}）：{result.path}")
    return 0
