"""The wizard's files: which workbook to read, where to save the template and the problem list
(file dialogs; module attributes so tests can replace them), and the problem list as CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from chang_shan.progress import Progress, no_progress

EXCEL_FILTER = "Excel 工作簿 (*.xlsx)"
CSV_FILTER = "CSV 文件 (*.csv)"


def _choose_workbook(parent: QWidget, start: str) -> str:
    path, _chosen = QFileDialog.getOpenFileName(parent, "选择要导入的 Excel 文件", start or str(Path.home()),
                                                f"{EXCEL_FILTER};;所有文件 (*)")
    return path


def _choose_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    suffix = Path(suggested).suffix
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), file_filter)
    if path and Path(path).suffix.lower() != suffix:
        path += suffix
    return path


# Replaced in tests (a file dialog would block an offscreen run).
choose_workbook: Callable[[QWidget, str], str] = _choose_workbook
choose_save_path: Callable[[QWidget, str, str, str], str] = _choose_save_path


def write_problems(path: Path, problems: Sequence[Any], progress: Progress = no_progress) -> int:
    """The problem list as CSV (UTF-8 with a BOM for Excel; a cell that would start a formula is
    neutralised), written whole or not at all. Returns the number of problems written."""
    from chang_shan.exports.ledgers import INT, Col
    from chang_shan.exports.output import AtomicFile, check_target
    from chang_shan.exports.writers import write_csv
    from chang_shan.ui.imports.models import ProblemsModel, problem_cells

    target = check_target(path, (".csv",))
    columns = [Col(title, INT if title == "行" else "text") for title in ProblemsModel.COLUMNS]
    with AtomicFile(target) as part:
        assert part.temp is not None
        written = write_csv(part.temp, columns, (problem_cells(p) for p in problems), total=len(problems),
                            progress=progress)
        part.commit()
    return written
