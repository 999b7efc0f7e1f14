"""``chang-shan backup --to DIR``, ``chang-shan verify-backup FILE``, ``chang-shan restore FILE [--yes]``.

The backup passphrase comes from ``CHANG_SHAN_BACKUP_PASSPHRASE`` or a prompt (asked twice for a
new backup), never from the command line (it would stay in the shell history and the process
list). Without either, in a script, the command stops with one line.

- ``backup`` may run beside the open window (the snapshot is SQLite's backup API); it runs as the
  account in CHANG_SHAN_USER / CHANG_SHAN_PASSWORD once the folder has accounts (管理员 or
  社区工作者: ``backup.create.require_backup``).
- ``verify-backup`` reads any backup file; no data folder needed (recorded in its audit trail when
  there is one).
- ``restore`` shows what the backup holds and asks before replacing anything (``--yes`` skips the
  question); the window must be closed; 管理员 only once the folder has accounts. With
  ``--data-dir`` it restores into an empty folder on another machine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from chang_shan.paths import DataDir

ENV_PASSPHRASE = "CHANG_SHAN_BACKUP_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup", help="加密备份数据库和照片到U盘或文件夹（写入后核对）",
        description=f"加密备份数据库和照片。备份密码取自环境变量 {ENV_PASSPHRASE}，或在终端中输入两次。",
    )
    backup.add_argument("--to", required=True, metavar="DIR", help="备份到这个文件夹（U盘）")
    backup.add_argument("--no-thin", action="store_true", help="不清理旧备份")
    backup.set_defaults(handler=_cmd_backup)

    verify = subparsers.add_parser("verify-backup", help="检查一个备份文件是否完整、能否恢复",
                                   description="完整读出并核对一个备份文件，不做任何恢复。")
    verify.add_argument("file", metavar="FILE", help="备份文件（.csbak）")
    verify.set_defaults(handler=_cmd_verify)

    restore = subparsers.add_parser("restore", help="从备份恢复（替换当前数据库，原数据另存）",
                                    description="从备份恢复。先显示备份内容并确认；原来的数据库和照片保存在 "
                                                "safety-copies/before-restore-… 中。需要管理员账户。")
    restore.add_argument("file", metavar="FILE", help="备份文件（.csbak）")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    restore.set_defaults(handler=_cmd_restore)


def passphrase(*, confirm: bool) -> str:
    from chang_shan.commands.auth import ask_secret, interactive
    from chang_shan.errors import DomainError

    value = os.environ.get(ENV_PASSPHRASE)
    if value:
        return value
    if not interactive():
        raise DomainError(f"需要备份密码：请设置环境变量 {ENV_PASSPHRASE}（不能写在命令行上）。")
    value = ask_secret("备份密码：")
    if not value:
        raise DomainError("未输入备份密码。")
    if confirm and ask_secret("再输入一次备份密码：") != value:
        raise DomainError("两次输入的备份密码不一致。")
    return value


def _cmd_backup(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.errors import DomainError

    target = Path(args.to).expanduser()
    if not target.is_dir():
        raise DomainError(f"备份位置 {target} 不存在或不是文件夹。请确认U盘已插好。")
    secret = passphrase(confirm=True)

    from chang_shan.accounts.users import has_accounts
    from chang_shan.backup.create import create_backup
    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database
    from chang_shan.progress import cli_progress

    # No folder lock: a backup may run beside the open window.
    with Database.open_existing(data_dir) as db:
        with db.reader() as session:
            protected = has_accounts(session)
        if protected:
            sign_in_from_env(db)
        with cli_progress("备份") as progress:
            result = create_backup(db, target, secret, progress=progress, thin=not args.no_thin)
    print(f"备份已完成并已核对：{result.path}（{result.size / (1 << 20):.1f} MB）。可以拔出U盘。")
    if result.removed:
        print(f"已清理 {len(result.removed)} 个较早的备份。")
    return 0


def _cmd_verify(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.backup.container import read_header

    read_header(args.file)  # not a backup, damaged header, newer: said before the passphrase
    secret = passphrase(confirm=False)

    from chang_shan.backup.verify import verify_backup
    from chang_shan.progress import cli_progress

    with cli_progress("检查备份") as progress:
        info = verify_backup(args.file, secret, progress=progress)
    _record_verify(data_dir, info)
    print(f"备份完好，可以恢复：{info.path}")
    from chang_shan.backup.describe import header_lines

    for line in header_lines(info.header):
        print(line)
    return 0


def _record_verify(data_dir: DataDir, info) -> None:  # noqa: ANN001 - BackupInfo
    if not data_dir.database.exists():
        return
    from chang_shan.audit.events import record_event
    from chang_shan.db.database import Database
    from chang_shan.errors import EnvironmentProblem

    try:
        db = Database.open_existing(data_dir)
    except EnvironmentProblem:
        return  # a folder of another version: the check itself still stands
    with db:
        action = f"检查备份 {info.path.name}：完好"
        with db.transaction(action) as session:
            record_event(session, "verify_backup", action, detail={
                "file": info.path.name, "created": info.header.created, "size": info.size})


def _cmd_restore(args: argparse.Namespace, data_dir: DataDir) -> int:
    from chang_shan.backup.container import read_header
    from chang_shan.backup.describe import header_lines
    from chang_shan.backup.verify import refuse_newer_schema
    from chang_shan.commands.auth import ask, interactive
    from chang_shan.errors import DomainError

    header = read_header(args.file)
    refuse_newer_schema(header)
    print(f"备份文件：{Path(args.file).absolute()}")
    for line in header_lines(header):
        print(line)
    if not args.yes:
        if not interactive():
            raise DomainError("恢复会替换当前数据库：请在终端中确认，或加 --yes。")
        if ask(f"用这个备份替换 {data_dir.root} 中的数据？原来的数据会另存。输入 yes 确认：").strip().lower() not in ("yes", "y", "是"):
            print("已取消，没有做任何改动。")
            return 1
    secret = passphrase(confirm=False)
    actor = _restore_actor(data_dir)

    from chang_shan.backup.restore import restore_backup
    from chang_shan.progress import cli_progress

    with cli_progress("恢复") as progress:
        result = restore_backup(data_dir, args.file, secret, progress=progress, actor=actor)
    print(f"已从备份恢复到 {data_dir.root}（{result.files} 个照片和扫描件）。")
    if result.migrated:
        print(f"备份来自较早的版本（结构版本 {result.header.schema}），已升级到本程序的版本。")
    if result.aside is not None:
        print(f"原来的数据保存在 {result.aside}")
    return 0


def _restore_actor(data_dir: DataDir):  # noqa: ANN202 - Actor | None
    """The signed-in administrator when the folder's database has accounts, else None."""
    from chang_shan.backup.restore import has_accounts_in

    if not has_accounts_in(data_dir.database):
        return None
    from chang_shan.accounts.permissions import Perm
    from chang_shan.commands.auth import sign_in_from_env
    from chang_shan.db.database import Database

    with Database.open(data_dir) as db:
        return sign_in_from_env(db, require=Perm.RESTORE)
