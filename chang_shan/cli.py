"""The headless entry point: ``chang-shan`` opens the window; subcommands do the same work without one.

Command names and options are stable (../shared/DESIGN.md): administrators and tests script them.
Every command exits non-zero with a one-line reason on bad input, and writes nothing then.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from chang_shan import APP_NAME, __version__
from chang_shan.errors import ChangShanError
from chang_shan.paths import DataDir, resolve_data_dir

Handler = Callable[[argparse.Namespace, DataDir], int]

# Subcommands that live in their own modules (chang_shan/commands/*.py): each module has
# ``register(subparsers)`` adding its parsers with ``set_defaults(handler=...)``.
COMMAND_MODULES: tuple[str, ...] = (
    "chang_shan.commands.user", "chang_shan.commands.export", "chang_shan.commands.report",
    "chang_shan.commands.today", "chang_shan.commands.badges", "chang_shan.commands.imports",
    "chang_shan.commands.backup",
)


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS if suppress else None,
        help="数据文件夹（默认：系统用户数据目录，或环境变量 CHANG_SHAN_HOME）",
    )


class _Parser(argparse.ArgumentParser):
    """Bad input is one line on stderr (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{APP_NAME}: {_translate(message)}（用 --help 查看用法）\n")


_ARGPARSE_PHRASES = (
    ("unrecognized arguments:", "无法识别的参数："),
    ("invalid choice:", "无效的选择："),
    ("the following arguments are required:", "缺少参数："),
    ("expected one argument", "需要一个值"),
    ("argument ", "参数 "),
    ("choose from", "可选"),
)


def _translate(message: str) -> str:
    for english, chinese in _ARGPARSE_PHRASES:
        message = message.replace(english, chinese)
    return message


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=APP_NAME, description="长山社区台账")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _add_common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="在数据文件夹中建立演示社区")
    demo.add_argument("--scale", type=_positive_int, default=1, help="规模倍数（1 = 真实社区规模）")
    demo.add_argument("--seed", type=int, default=20261121, help="随机种子（同一种子得到同样的数据）")
    demo.add_argument("--force", action="store_true", help="数据文件夹已有数据时也重建（先备份）")
    demo.set_defaults(handler=_cmd_demo)

    stats = sub.add_parser("stats", help="各台账记录数")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")
    stats.set_defaults(handler=_cmd_stats)

    check = sub.add_parser("check", help="检查数据库完整性和一致性")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=_cmd_check)

    gui = sub.add_parser("gui", help="打开窗口（与不带参数相同）")
    gui.set_defaults(handler=_cmd_gui)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)

    for child in sub.choices.values():
        _add_common(child, suppress=True)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def _cmd_demo(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.db.database import Database
    from chang_shan.demo.builder import build_demo
    from chang_shan.progress import cli_progress

    with Database.open(data_dir) as db:
        if args.force:
            # Rebuilding wipes every ledger and the audit trail: only an administrator may, once
            # the folder has accounts (a safety copy is still taken first).
            from chang_shan.accounts.permissions import Perm
            from chang_shan.accounts.users import has_accounts
            from chang_shan.commands.auth import sign_in_from_env

            with db.reader() as session:
                protected = has_accounts(session)
            if protected:
                sign_in_from_env(db, require=Perm.RESTORE)
        with cli_progress("生成演示社区") as progress:
            summary = build_demo(db, scale=args.scale, seed=args.seed, force=args.force, progress=progress)
    print(summary.describe())
    return 0


def _cmd_stats(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.db.database import Database
    from chang_shan.maintenance.stats import ledger_counts

    with Database.open_existing(data_dir) as db, db.reader() as session:
        counts = ledger_counts(session)
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        for key, value in counts.items():
            print(f"{key}\t{value}")
    return 0


def _cmd_check(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.db.database import Database
    from chang_shan.maintenance.check import run_checks

    with Database.open_existing(data_dir) as db:
        report = run_checks(db)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.describe())
    return 0 if report.ok else 1


def _cmd_gui(_args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.ui.app import run_gui

    return run_gui(data_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", _cmd_gui)
    try:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        _start_logging(data_dir, args)
        return handler(args, data_dir)
    except ChangShanError as exc:
        logging.getLogger("chang_shan.cli").warning(
            "%s 未执行：%s", getattr(args, "command", None) or "gui", exc.message
        )
        print(f"{APP_NAME}: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{APP_NAME}: 已取消", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"{APP_NAME}: 文件或磁盘错误：{exc.strerror or exc}（{exc.filename or ''}）", file=sys.stderr)
        return 2
    except Exception:
        logging.getLogger("chang_shan.cli").exception("%s 意外出错", getattr(args, "command", None) or "gui")
        raise


def _start_logging(data_dir: DataDir, args: argparse.Namespace) -> None:
    """The log file in the data folder (personal data masked: chang_shan.logs)."""
    from chang_shan.logs import setup_logging

    setup_logging(data_dir)
    command = getattr(args, "command", None) or "gui"
    logging.getLogger("chang_shan.cli").info("chang-shan %s %s", command, __version__)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
