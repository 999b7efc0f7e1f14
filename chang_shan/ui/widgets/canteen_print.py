"""What the 乐龄食堂 tab shares: money as text, and printing a PDF (choose where to save it, write
it on the worker through the reports module, then open it in the system's PDF viewer).

``choose_pdf_path`` and ``open_file`` are module attributes so tests can replace them (a file
dialog or a PDF viewer would block an offscreen run).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.reports.registry import ReportResult
    from chang_shan.ui.ops import Operations


def money(value: Decimal) -> str:
    """¥1,234.50: always two decimals, straight from the Decimal (never through a float)."""
    return f"¥{value:,.2f}"


def _choose_pdf_path(parent: QWidget, title: str, suggested: str) -> str:
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), "PDF 文件 (*.pdf)")
    if path and Path(path).suffix.lower() != ".pdf":
        path += ".pdf"
    return path


def _open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# Replaced in tests.
choose_pdf_path: Callable[[QWidget, str, str], str] = _choose_pdf_path
open_file: Callable[[Path], None] = _open_file


def print_pdf(ops: Operations, parent: QWidget, title: str, suggested: str,
              make: Callable[[Database, Path], ReportResult], done: Callable[[str], None]) -> bool:
    """Ask where to save ``title``, then ``make(db, path)`` on the worker; the PDF opens when
    written and ``done`` gets a line for the status. False when the user chose no file."""
    chosen = choose_pdf_path(parent, title, suggested)
    if not chosen:
        return False
    path = Path(chosen)

    def written(result: ReportResult) -> None:
        open_file(result.path)
        missing = f"；有 {len(result.missing_characters)} 个字没有可用的字体，印成了方框" \
            if result.missing_characters else ""
        done(f"已生成{title}（{result.pages} 页）：{result.path}{missing}")

    ops.run(lambda: make(ops.db, path), success=written, parent=parent)
    return True
