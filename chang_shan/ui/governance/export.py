"""导出… for the governance lists: the rows a tab shows now (its filters applied), written as
they are shown to XLSX or CSV by ``exports.write_audited`` on the worker — the same file format,
permission (导出数据) and audit entry as the other ledgers' exports. Numbers and phones in these
lists are masked already, so there is nothing to reveal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from chang_shan.exports.ledgers import Col
from chang_shan.ui import ops as ops_module
from chang_shan.ui.widgets import export_view as export_module

if TYPE_CHECKING:
    from chang_shan.ui.governance.table import ColumnsModel
    from chang_shan.ui.ops import Operations
    from chang_shan.ui.progress_dialog import ProgressDialog


def export_rows(ops: Operations, parent: QWidget, title: str, label: str, model: ColumnsModel,
                done: Callable[[str], None]) -> ProgressDialog | None:
    """Ask for the file, then write ``model``'s rows; ``label`` says which filters were on
    (“2026年，只看欠费”). None when there is nothing to do (no permission, no file chosen)."""
    if not export_module.may_export(ops):
        return None
    chosen = export_module.choose_export_path(parent, f"导出{title}", f"{title}-{date.today():%Y%m%d}.xlsx")
    if not chosen:
        return None
    from chang_shan.exports import check_target, require_export, write_audited
    from chang_shan.exports.writers import FORMATS
    from chang_shan.progress import Progress
    from chang_shan.ui.progress_dialog import run_with_progress

    columns = tuple(Col(c.title, c.kind, max(8.0, len(c.sample) * 1.8 + 2)) for c in model.columns)
    rows = model.export_rows()
    db = ops.db

    def work(progress: Progress) -> int:
        target = check_target(chosen, FORMATS)
        with db.reader() as session:
            require_export(session, False)
            return write_audited(
                db, session, Path(target), columns, rows, total=len(rows), sheet=title, title=f"{title}（{label}）",
                action=f"导出{title}（{label}，{{rows}} 行，{{format}}）", reveal=False,
                detail={"view": title, "filters": label}, progress=progress,
            )

    def finished(written: int) -> None:
        line = f"已导出{title} {written:,} 行（{label}）：{chosen}"
        done(line)
        ops_module.message_box(parent, "information", "导出完成", line, "")

    return run_with_progress(ops, parent, f"正在导出{title}…", work, success=finished,
                             cancelled=lambda: done(f"已取消导出{title}。"))
