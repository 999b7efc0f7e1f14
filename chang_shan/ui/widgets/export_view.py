"""导出… (Ctrl+Shift+E) on a ledger screen: what the screen shows now, with its filters, out to an
Excel (.xlsx) or CSV file through ``exports.views.export_view`` on the worker, with a progress
dialog and a cancel button (a cancelled export leaves no file and no audit entry).

Only for accounts with the 导出数据 permission. Someone who may see full ID numbers and phones is
asked whether the file should hold them (the answer is audited with the export); the default is
masked. ``choose_export_path`` is a module attribute so tests can replace it (a file dialog would
block an offscreen run); the question goes through ``ui.ops.ask``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.widgets.screen_actions import screen_action

if TYPE_CHECKING:
    from chang_shan.exports import ExportResult
    from chang_shan.ui.ops import Operations
    from chang_shan.ui.progress_dialog import ProgressDialog

SHORTCUT = "Ctrl+Shift+E"
FILE_FILTERS = "Excel 文件 (*.xlsx);;CSV 文件（UTF-8）(*.csv)"
SECRET_VIEWS = ("residents", "health")  # views with ID numbers and phones


def _choose_export_path(parent: QWidget, title: str, suggested: str) -> str:
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), FILE_FILTERS)
    if path and Path(path).suffix.lower() not in (".xlsx", ".csv"):
        path += ".csv" if "csv" in chosen.lower() else ".xlsx"
    return path


# Replaced in tests.
choose_export_path: Callable[[QWidget, str, str], str] = _choose_export_path


def may_export(ops: Operations) -> bool:
    actor = ops.db.actor
    return actor is not None and actor.can(Perm.EXPORT)


def export_action(owner: QWidget, ops: Operations, slot: Callable[[], Any], what: str) -> QAction:
    """The screen's 导出… action (its shortcut works anywhere on ``owner``); hidden without 导出数据."""
    act = screen_action(owner, "导出…", slot, SHORTCUT, f"把{what}（按当前的筛选条件）导出为 Excel 或 CSV 文件")
    act.setObjectName("exportView")
    act.setVisible(may_export(ops))
    return act


def export_view(ops: Operations, parent: QWidget, view: str, title: str, filters: dict[str, Any],
                done: Callable[[str], None]) -> ProgressDialog | None:
    """Ask for the file, then export ``view`` with ``filters`` on the worker; ``done`` gets a line
    for the status bar. None when there is nothing to do (no permission, no file chosen)."""
    if not may_export(ops):
        return None
    path = choose_export_path(parent, f"导出{title}", f"{title}-{date.today():%Y%m%d}.xlsx")
    if not path:
        return None
    actor = ops.db.actor
    reveal = view in SECRET_VIEWS and actor is not None and actor.can(Perm.REVEAL) and ops_module.ask(
        parent, "导出完整号码", "文件里写完整的身份证号和电话吗？\n选“取消”则按平常一样遮住中间几位。导出会记入审计记录。")
    from chang_shan.exports.views import export_view as export
    from chang_shan.ui.progress_dialog import run_with_progress

    db = ops.db

    def finished(result: ExportResult) -> None:
        line = f"已导出{title} {result.rows:,} 行（{result.scope}）：{result.path}"
        done(line)
        ops_module.message_box(parent, "information", "导出完成", line, "")

    return run_with_progress(ops, parent, f"正在导出{title}…",
                             lambda progress: export(db, view, path, filters=filters, reveal=reveal, progress=progress),
                             success=finished, cancelled=lambda: done(f"已取消导出{title}。"))
