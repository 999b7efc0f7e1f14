"""文件 → 导入居民…: a window-modal wizard in five steps — the file (or 下载模板…), the sheet and
its detected header with a preview, the column mapping, the check (counts and every problem with
sheet, row, column and reason; 导出问题清单…; 导入 stays disabled while problems remain), and the
import itself.

Everything that reads the workbook or the database runs on the operations' worker through the
import services, with a progress dialog and a cancel button: ``plan_import`` (reads and checks;
nothing is written) for each of steps 1–4, ``apply_import`` in one transaction once the user has
confirmed. A cancelled or failed import writes nothing.

Keys: Enter 下一步, Alt+← 上一步, Esc 关闭 (not while work runs: 取消 on the progress dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan.progress import Progress
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.fields import FORM_STYLE
from chang_shan.ui.imports import files
from chang_shan.ui.imports.pages import (
    CheckPage, FilePage, MappingPage, ResultPage, SheetPage, changes, counts_text, note,
)
from chang_shan.ui.progress_dialog import run_with_progress

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations

TITLE = "导入居民"
STEPS = ("选择文件", "工作表和表头", "对应列", "检查", "导入")
FILE, SHEET, MAPPING, CHECK, DONE = range(5)
TEMPLATE_NAME = "居民导入模板.xlsx"


class ImportWizard(QDialog):
    def __init__(self, parent: QWidget | None, ops: Operations) -> None:
        super().__init__(parent)
        self.ops = ops
        self.plan: Any = None  # the last plan_import answer
        self.result_value: Any = None  # apply_import's answer once imported
        self.busy = False  # work on the worker: the buttons wait, the dialog stays open
        self.setWindowTitle(TITLE)
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumSize(QSize(900, 580))
        if parent is not None:
            room = parent.window().size()
            self.resize(max(900, int(room.width() * 0.85)), max(580, int(room.height() * 0.85)))

        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setAccessibleName("步骤")
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        row_height = int(self.fontMetrics().height() * 2.2)
        for number, text in enumerate(STEPS, start=1):
            item = QListWidgetItem(f"{number}. {text}")
            item.setSizeHint(QSize(0, row_height))
            self.steps.addItem(item)
        self.steps.setFixedWidth(self.fontMetrics().horizontalAdvance("中") * 10)

        self.file_page = FilePage()
        self.sheet_page = SheetPage()
        self.mapping_page = MappingPage()
        self.check_page = CheckPage()
        self.result_page = ResultPage()
        self.pages = QStackedWidget()
        for widget in (self.file_page, self.sheet_page, self.mapping_page, self.check_page, self.result_page):
            self.pages.addWidget(widget)
        self.file_page.browseRequested.connect(self.browse)
        self.file_page.templateRequested.connect(self.save_template)
        self.file_page.pathChanged.connect(lambda _t: self._update_buttons())
        self.sheet_page.sheetChosen.connect(self.choose_sheet)
        self.mapping_page.changed.connect(self._update_buttons)
        self.check_page.exportRequested.connect(self.export_problems)
        self.check_page.recheckRequested.connect(self.recheck)

        self.status = note(name="status")  # what the last file action did (a path to copy)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back_button = QPushButton("上一步")
        self.back_button.setToolTip("上一步（Alt+←）")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("下一步")
        self.next_button.clicked.connect(self.next)
        self.import_button = QPushButton("导入")
        self.import_button.setToolTip("把检查过的内容写入数据库（一次全部写入）")
        self.import_button.clicked.connect(self.import_now)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        body = QHBoxLayout()
        body.addWidget(self.steps)
        body.addWidget(self.pages, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addLayout(buttons)
        QShortcut(QKeySequence("Alt+Left"), self, self.back)
        self.go(FILE)

    # --- the steps ----------------------------------------------------------------------------

    @property
    def step(self) -> int:
        return self.pages.currentIndex()

    def go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        for row in range(self.steps.count()):
            item = self.steps.item(row)
            font = item.font()
            font.setBold(row == step)
            item.setFont(font)
            item.setForeground(Qt.GlobalColor.black if row <= step else Qt.GlobalColor.gray)
            item.setBackground(Qt.GlobalColor.transparent)
        self.steps.item(step).setBackground(self.palette().highlight().color().lighter(170))
        self.set_status("")
        self._update_buttons()
        focus = {FILE: self.file_page.path, SHEET: self.next_button, MAPPING: self.next_button,
                 CHECK: self.import_button if self.can_import() else self.check_page.table}
        focus.get(step, self.close_button).setFocus()

    def _update_buttons(self) -> None:
        step = self.step
        idle = not self.busy
        self.back_button.setVisible(step in (SHEET, MAPPING, CHECK))
        self.back_button.setEnabled(idle)
        self.next_button.setVisible(step in (FILE, SHEET, MAPPING))
        ready = {FILE: bool(self.file_page.path.text().strip()), SHEET: self.plan is not None,
                 MAPPING: not self.mapping_page.problems()}.get(step, False)
        self.next_button.setEnabled(idle and ready)
        self.next_button.setDefault(step in (FILE, SHEET, MAPPING))
        self.import_button.setVisible(step == CHECK)
        self.import_button.setEnabled(idle and step == CHECK and self.can_import())
        self.import_button.setDefault(step == CHECK)
        self.close_button.setText("完成" if step == DONE else "关闭")
        self.close_button.setEnabled(idle)
        for widget in (self.file_page, self.sheet_page, self.mapping_page, self.check_page):
            widget.setEnabled(idle)

    def can_import(self) -> bool:
        """The plan checked without problems, and it would change something."""
        plan = self.plan
        return plan is not None and not plan.problems and changes(plan.counts) > 0

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def next(self) -> None:
        if self.busy or not self.next_button.isEnabled():
            return
        if self.step == FILE:
            self.read_file()
        elif self.step == SHEET:
            self.mapping_page.show_plan(self.plan)
            self.go(MAPPING)
        elif self.step == MAPPING:
            self.check()

    def back(self) -> None:
        if self.busy or self.step not in (SHEET, MAPPING, CHECK):
            return
        self.go(self.step - 1)

    # --- reading and checking (plan_import on the worker) -------------------------------------

    @property
    def path(self) -> Path:
        return Path(self.file_page.path.text().strip()).expanduser()

    def read_file(self) -> None:
        """1 → 2: read the workbook (the first sheet with a header, automatic mapping)."""
        path = self.path
        if not path.is_file():
            self.set_status(f"找不到文件 {path}。请检查文件名，或按“浏览…”选择。")
            return
        self._plan("正在读取 Excel 文件…", None, None, lambda: self.go(SHEET))

    def choose_sheet(self, sheet: str) -> None:
        """Another sheet: read it (a sheet without a header is refused and the last one stays)."""
        if self.plan is not None and sheet != self.plan.sheet:
            self._plan(f"正在读取工作表“{sheet}”…", sheet, None, lambda: None,
                       failed=lambda: self.sheet_page.show_plan(self.plan))

    def check(self) -> None:
        """3 → 4: the dry run with the user's mapping."""
        if not self.mapping_page.check():
            return
        self._plan("正在检查…", self.plan.sheet, self.mapping_page.chosen(), lambda: self.go(CHECK))

    def recheck(self) -> None:
        """The file was corrected: read it again with the same sheet and mapping."""
        self._plan("正在重新检查…", self.plan.sheet, self.mapping_page.chosen(), lambda: self.go(CHECK))

    def _plan(self, title: str, sheet: str | None, mapping: dict[str, str] | None, then: Callable[[], None], *,
              failed: Callable[[], None] | None = None) -> None:
        from chang_shan.imports import plan_import

        path, db = self.path, self.ops.db

        def work(progress: Progress) -> Any:
            with db.reader() as session:
                return plan_import(session, path, sheet=sheet, mapping=mapping, progress=progress)

        def done(plan: Any) -> None:
            self.plan = plan
            self.sheet_page.show_plan(plan)
            self.check_page.show_plan(plan)
            then()

        self._work(title, work, done, failed=failed)

    def _work(self, title: str, work: Callable[[Progress], Any], done: Callable[[Any], None], *,
              failed: Callable[[], None] | None = None) -> None:
        """``work(progress)`` on the worker with a progress dialog; ``done(result)`` after it. An
        error is shown over the wizard (then ``failed()``); 取消 says so. The wizard waits."""
        self.busy = True
        self._update_buttons()

        def finish() -> None:
            self.busy = False
            self._update_buttons()

        def succeeded(result: Any) -> None:
            finish()
            done(result)

        def refused(exc: BaseException) -> None:
            finish()
            ops_module.show_error(self, exc)
            if failed is not None:
                failed()

        def cancelled() -> None:
            finish()
            self.set_status("已取消。")
            if failed is not None:
                failed()

        self.progress = run_with_progress(self.ops, self, title, work, success=succeeded, failure=refused,
                                          cancelled=cancelled)

    # --- importing (apply_import, one transaction) --------------------------------------------

    def import_now(self) -> None:
        if self.busy or not self.can_import():
            return
        plan = self.plan
        if not ops_module.ask(self, TITLE, f"{counts_text(plan.counts)}\n\n确定导入“{self.path.name}”？"):
            return
        from chang_shan.imports import apply_import

        db, action = self.ops.db, f"导入居民：{self.path.name}"

        def work(progress: Progress) -> Any:
            with db.transaction(action) as session:
                return apply_import(session, plan, progress=progress)

        def done(result: Any) -> None:
            self.result_value = result
            self.result_page.summary.setText(
                f"已从“{self.path.name}”导入：{result.describe()}\n\n"
                f"这次导入是一步完成的：需要时可以用“编辑 → 撤销”（Ctrl+Z）把它整个撤回。")
            self.ops.notify_changed(action)
            self.go(DONE)

        self._work("正在导入…", work, done)

    # --- files --------------------------------------------------------------------------------

    def browse(self) -> None:
        current = self.file_page.path.text().strip()
        chosen = files.choose_workbook(self, str(Path(current).parent) if current else "")
        if chosen:
            self.file_page.path.setText(chosen)
            self.next_button.setFocus()

    def save_template(self) -> None:
        chosen = files.choose_save_path(self, "保存导入模板", TEMPLATE_NAME, files.EXCEL_FILTER)
        if not chosen:
            return
        from chang_shan.exports.output import check_target
        from chang_shan.imports import write_template

        target = Path(chosen)

        def work(_progress: Progress) -> Path:
            write_template(check_target(target, (".xlsx",)))
            return target

        def done(path: Path) -> None:
            self.set_status(f"模板已保存：{path}。填好后选择它导入。")

        self._work("正在保存模板…", work, done)

    def export_problems(self) -> None:
        if self.plan is None or not self.plan.problems:
            return
        chosen = files.choose_save_path(self, "导出问题清单", f"{self.path.stem}-问题清单.csv", files.CSV_FILTER)
        if not chosen:
            return
        problems = list(self.plan.problems)

        def work(progress: Progress) -> tuple[Path, int]:
            return Path(chosen), files.write_problems(Path(chosen), problems, progress)

        def done(result: tuple[Path, int]) -> None:
            path, count = result
            self.set_status(f"已导出 {count:,} 个问题：{path}")

        self._work("正在导出问题清单…", work, done)

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        """关闭 or Esc: not while work runs (its progress dialog has the 取消 button)."""
        if self.busy:
            return
        if self.step == DONE:
            self.accept()
            return
        super().reject()

    def close_without_asking(self) -> None:
        self.busy = False
        self.reject()


def open_import_wizard(parent: QWidget, ops: Operations) -> ImportWizard:
    """The wizard window-modal over ``parent``'s window (kept as its ``import_wizard`` while open);
    one at a time: a second request raises the open one."""
    from chang_shan.ui.dialogs.window_modal import open_once

    return open_once(parent, "import_wizard", lambda window: ImportWizard(window, ops))  # type: ignore[return-value]
