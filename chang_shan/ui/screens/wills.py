"""遗嘱库: the registered wills (newest registration first), filtered by status, form and text
(立遗嘱人, 登记号); below, the selected will — its facts, flags and warnings, witnesses and named
people with masked numbers, the chain of the testator's wills and the scans or recordings.

Only accounts with the 遗嘱库 permission see anything here; anyone else gets a note and no query
is made. Reading a will's detail is recorded in the audit trail (the service does it), so the
detail loads only once the selection has rested a moment — arrowing through the list does not log
every will passed. Users who may edit get 登记遗嘱 (Ctrl+N), 修改 (Ctrl+E), 撤回… (Ctrl+R),
紧急情况已消除 (口头 wills), 启用 (after the testator's death) and 已通知查看人; everyone with the
permission may print (登记表 Ctrl+P, 回执, 登记簿), audited by the reports, and export the list
(导出… Ctrl+Shift+E; 紧急情况已消除 is Ctrl+Shift+X). The dialogs open
window-modal; after any change (``ops.changed``) the list reloads and keeps the will selected.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models.wills import WILL_FORMS, WILL_STATUSES
from chang_shan.ui import ops as ops_module
from chang_shan.ui.dialogs.window_modal import open_window_modal
from chang_shan.ui.models.will_table import FLAGS_COLUMN, SAMPLES, WillTableModel
from chang_shan.ui.widgets import canteen_print
from chang_shan.ui.widgets.export_view import export_action
from chang_shan.ui.widgets.facts import no_permission_note
from chang_shan.ui.widgets.lazy_load import LoadsWhenShown
from chang_shan.ui.widgets.resident_table_view import ResidentTableView
from chang_shan.ui.widgets.screen_actions import sample_widths, screen_action
from chang_shan.ui.widgets.will_detail import WillDetailPanel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.wills.shapes import WillDetail, WillRow
    from chang_shan.ui.ops import Operations

NO_PERMISSION = "需要遗嘱库权限。\n您的账户没有“遗嘱库”权限，遗嘱登记不对您显示；如需查阅，请联系管理员。"
DEBOUNCE_MS = 150
DETAIL_DELAY_MS = 250  # the selection rests this long before the (audited) detail is read
AUDIO = {".mp3", ".m4a", ".wav", ".amr", ".aac", ".ogg", ".wma"}
VIDEO = {".mp4", ".mov", ".avi", ".mkv", ".3gp", ".wmv"}
FILE_FILTER = "扫描件、录音、录像 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.mp3 *.m4a *.wav *.amr *.aac " \
              "*.mp4 *.mov *.avi *.mkv *.3gp);;所有文件 (*)"


def attachment_kind(path: Path) -> str:
    """录音 / 录像 by the file's suffix, else 扫描件."""
    suffix = path.suffix.lower()
    return "录音" if suffix in AUDIO else "录像" if suffix in VIDEO else "扫描件"


def _choose_attachment(parent: QWidget) -> str:
    path, _chosen = QFileDialog.getOpenFileName(parent, "添加遗嘱的扫描件、录音或录像", str(Path.home()), FILE_FILTER)
    return path


# Replaced in tests (a file dialog would block an offscreen run).
choose_attachment: Callable[[QWidget], str] = _choose_attachment


class WillsScreen(LoadsWhenShown, QWidget):
    title = "遗嘱库"
    statusChanged = Signal(str)
    OWNS_CTRL_N = True  # 登记遗嘱 (the window's 新增居民 steps aside)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        actor = ops.db.actor
        self.allowed = actor is not None and actor.can(Perm.WILLS)
        self.can_edit = self.allowed and actor is not None and actor.can(Perm.EDIT)
        self._list_request = 0
        self._detail_request = 0
        self._select_after: int | None = None
        self._status = ""
        self.dialog: QDialog | None = None  # the dialog open now (window-modal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        if not self.allowed:
            self.OWNS_CTRL_N = False
            self.note = no_permission_note(NO_PERMISSION)
            layout.addWidget(self.note)
            return
        self.model = WillTableModel(self)
        self.table = ResidentTableView()
        self.table.setObjectName("wills")
        self.table.setAccessibleName("遗嘱登记")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self._widths()
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._selected())
        self.table.openRequested.connect(lambda _row: self.edit())
        self.detail_panel = WillDetailPanel(can_edit=self.can_edit)
        self.detail_panel.chainChosen.connect(self.open_will)
        self.detail_panel.addAttachment.connect(self.add_attachment)
        self.detail_panel.openAttachment.connect(self.open_attachment)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._load_detail)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_panel)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        line = self.fontMetrics().height()
        splitter.setSizes([22 * line, 13 * line])

        layout.addLayout(self._filters())
        layout.addWidget(self._toolbar())
        layout.addWidget(splitter, 1)
        ops.changed.connect(self._on_data_changed)
        self._update_actions()

    # --- building -------------------------------------------------------------------------------
    def _filters(self) -> QHBoxLayout:
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("状态")
        self.status_filter.addItem("全部状态", None)
        for status in WILL_STATUSES:
            self.status_filter.addItem(status, status)
        self.form_filter = QComboBox()
        self.form_filter.setObjectName("formFilter")
        self.form_filter.setAccessibleName("遗嘱形式")
        self.form_filter.addItem("全部形式", None)
        for form, article in WILL_FORMS.items():
            self.form_filter.addItem(f"{form}遗嘱（第{article}条）", form)
        for combo in (self.status_filter, self.form_filter):
            combo.currentIndexChanged.connect(lambda _i: self._apply_now())
        self.search = QLineEdit()
        self.search.setObjectName("willSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("查找：立遗嘱人姓名、拼音首字母、登记号")
        self.search.setAccessibleName("查找遗嘱登记")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_now)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._apply_now)
        self.count = QLabel("")
        self.count.setObjectName("count")
        row = QHBoxLayout()
        row.addWidget(QLabel("状态："))
        row.addWidget(self.status_filter)
        row.addWidget(QLabel("形式："))
        row.addWidget(self.form_filter)
        row.addWidget(self.search, 1)
        row.addWidget(self.count)
        return row

    def _toolbar(self) -> QToolBar:
        self.new_action = self._action("登记遗嘱", self.new_will, "Ctrl+N", "登记一份新的遗嘱")
        self.edit_action = self._action("修改", self.edit, "Ctrl+E", "修改选中的遗嘱登记")
        self.revoke_action = self._action("撤回…", self.revoke, "Ctrl+R", "立遗嘱人撤回了这份遗嘱（民法典第1142条）")
        self.emergency_action = self._action("紧急情况已消除", self.emergency_over, "Ctrl+Shift+X",
                                             "危急情况消除后，立遗嘱人能够以其他形式立遗嘱的，口头遗嘱无效（第1138条）")
        self.activate_action = self._action("启用", self.activate, "Ctrl+Shift+A", "立遗嘱人去世后启用这份遗嘱")
        self.notified_action = self._action("已通知查看人", self.notified, "Ctrl+Shift+N",
                                            "登记已通知遗嘱指定的查看人、提取人")
        self.form_print_action = self._action("打印登记表", self.print_form, "Ctrl+P", "打印选中遗嘱的遗嘱登记表")
        self.receipt_action = self._action("打印回执", self.print_receipt, "Ctrl+Shift+P",
                                           "打印交给立遗嘱人保存的登记回执")
        self.book_action = self._action("打印登记簿", self.print_book, "Ctrl+B",
                                        "打印遗嘱库登记簿（按上面选的状态，每份遗嘱一行）")
        self.edit_actions = [self.new_action, self.edit_action, self.revoke_action, self.emergency_action,
                             self.activate_action, self.notified_action]
        self.print_actions = [self.form_print_action, self.receipt_action, self.book_action]
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("willActions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions(self.edit_actions[:3])
        self.toolbar.addSeparator()
        self.toolbar.addActions(self.edit_actions[3:])
        self.toolbar.addSeparator()
        self.toolbar.addActions(self.print_actions)
        self.export_action = export_action(self, self.ops, self.export_view, "列表中的遗嘱登记")
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        for act in self.edit_actions:
            act.setVisible(self.can_edit)
        return self.toolbar

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str, tip: str) -> QAction:
        return screen_action(self, text, slot, shortcut, tip)

    def _widths(self) -> None:
        sample_widths(self.table, SAMPLES, FLAGS_COLUMN)

    # --- loading --------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.allowed:
            self.statusChanged.emit(f"{self.title}：需要遗嘱库权限")
            return
        super().start()

    def refresh(self) -> None:
        if self.allowed:
            super().refresh()

    def show_status(self) -> None:
        self.statusChanged.emit(self._status)

    def _apply_now(self) -> None:
        self._debounce.stop()
        if self._started:
            self.reload()

    def reload(self) -> None:
        from chang_shan.wills import registry

        self._debounce.stop()
        self._list_request += 1
        request = self._list_request
        if self._select_after is None:
            self._select_after = self.current_will_id()
        status, form, text = self.status_filter.currentData(), self.form_filter.currentData(), self.search.text().strip()

        def load(session: Session) -> list[WillRow]:
            return registry.list_wills(session, status=status, form=form, text=text)

        self.count.setText("正在读取…")
        self.ops.query(load, success=partial(self._loaded, request), failure=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("读取失败。")
        ops_module.show_error(self, exc)

    def _loaded(self, request: int, rows: list[WillRow]) -> None:
        if request != self._list_request:
            return  # the filter changed meanwhile
        keep, self._select_after = self._select_after, None
        self.model.set_rows(rows)
        valid = sum(1 for row in rows if row.status == "有效")
        flagged = sum(1 for row in rows if row.flags)
        self.count.setText(f"共 {len(rows):,} 份，有效 {valid:,} 份" + (f"，需处理 {flagged:,} 份" if flagged else ""))
        self._status = f"{self.title}：{self.count.text()}"
        self.statusChanged.emit(self._status)
        row = self.model.row_of(keep)
        if row is not None:
            self.table.select_row(row)
        else:
            self.table.clear_current()
            self._selected()

    def _on_data_changed(self, _action: str) -> None:
        if self._started:
            self.reload()

    # --- selection ------------------------------------------------------------------------------
    def current_row(self) -> WillRow | None:
        row = self.table.current_row()
        return self.model.rows[row] if row is not None and row < len(self.model.rows) else None

    def current_will_id(self) -> int | None:
        row = self.current_row()
        return row.id if row is not None else None

    def current_detail(self) -> WillDetail | None:
        """The selected will once its detail has been read (the actions work on it)."""
        detail = self.detail_panel.detail
        return detail if detail is not None and detail.id == self.current_will_id() else None

    def _selected(self) -> None:
        self._detail_request += 1
        if self.current_will_id() is None:
            self._detail_timer.stop()
            self.detail_panel.show_nothing("请在上面选择一份遗嘱登记。" if self.model.rows else "没有符合条件的遗嘱登记。")
        elif self.detail_panel.detail is None or self.detail_panel.detail.id != self.current_will_id():
            self._detail_timer.start()
        self._update_actions()

    def _load_detail(self, *, quiet: bool = False) -> None:
        """Read the selected will (the service records the view in the audit trail)."""
        from chang_shan.wills import registry

        will_id = self.current_will_id()
        if will_id is None:
            return
        self._detail_request += 1
        request = self._detail_request
        db = self.ops.db

        def read() -> WillDetail:
            with db.transaction("查看遗嘱登记") as session:
                return registry.get_will(session, will_id)

        def shown(detail: WillDetail) -> None:
            if request == self._detail_request:
                self.detail_panel.show_will(detail)
                self._update_actions()

        def failed(exc: BaseException) -> None:
            if request == self._detail_request:
                kind, _title, text = ops_module.describe_error(exc)
                if kind == "warning":
                    self.detail_panel.show_nothing(text)
                else:
                    ops_module.show_error(self, exc)
                self._update_actions()

        self.ops.run(read, success=shown, failure=failed, parent=self)

    def load_detail_now(self) -> None:
        """Read the selected will without waiting for the selection to rest (Enter, a test)."""
        self._detail_timer.stop()
        self._load_detail()

    def _update_actions(self) -> None:
        detail = self.current_detail()
        row = detail.row if detail is not None else None
        status = row.status if row is not None else None
        dead = detail is not None and detail.testator_died_on is not None
        self.new_action.setEnabled(self.can_edit)
        for act, allowed in (
            (self.edit_action, status in ("有效", "被新遗嘱取代")),
            (self.revoke_action, status in ("有效", "被新遗嘱取代")),
            (self.emergency_action, status == "有效" and row is not None and row.form == "口头"
             and detail is not None and detail.emergency_over_on is None),
            (self.activate_action, status == "有效" and dead),
            (self.notified_action, status in ("有效", "已启用") and dead and detail is not None
             and detail.viewers_notified_on is None),
        ):
            act.setEnabled(self.can_edit and allowed)
        for act in (self.form_print_action, self.receipt_action):
            act.setEnabled(detail is not None)
        self.book_action.setEnabled(True)

    def open_will(self, will_id: int) -> None:
        """Show this will selected (from the today list or the chain): the filters are cleared so
        that it is listed."""
        if not self.allowed:
            return
        self._started = True
        for widget in (self.status_filter, self.form_filter, self.search):
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.form_filter.setCurrentIndex(0)
        self.search.clear()
        for widget in (self.status_filter, self.form_filter, self.search):
            widget.blockSignals(False)
        self._select_after = will_id
        if self.model.row_of(will_id) is not None:
            self.table.select_row(self.model.row_of(will_id))  # type: ignore[arg-type]
        self.reload()
        self.table.setFocus()

    def focus_search(self) -> None:
        if self.allowed:
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()

    # --- dialogs --------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not blocking: the list reloads when it saved, the will selected."""
        def saved(done: QDialog) -> None:
            self._select_after = getattr(done, "saved_id", None) or self.current_will_id()
            self.detail_panel.detail = None  # read again (it changed)
            self.ops.notify_changed(done.windowTitle())
            detail = getattr(done, "saved", None)
            if detail is not None:
                self.statusChanged.emit(f"已保存：{detail.number} {detail.row.testator_name} {detail.row.status}")
                if detail.warnings:  # e.g. registered after a later-made will: superseded at once
                    ops_module.message_box(self, "information", done.windowTitle(), "\n\n".join(detail.warnings), "")

        return open_window_modal(self, dialog, saved)

    def _step(self, act: QAction, name: str) -> QDialog | None:
        """Open dialog ``name`` (of dialogs/will_steps.py, or the registration dialog) on the
        selected will, when the action allows it."""
        from chang_shan.ui.dialogs import will, will_steps

        detail = self.current_detail()
        if not self.can_edit or self.dialog is not None or detail is None or not act.isEnabled():
            return None
        dialog_class = getattr(will_steps, name, None) or getattr(will, name)
        return self._open(dialog_class(self.ops.db, detail, parent=self))

    def new_will(self) -> QDialog | None:
        if not self.can_edit or self.dialog is not None:
            return None
        from chang_shan.ui.dialogs.will import WillDialog

        return self._open(WillDialog(self.ops.db, parent=self))

    def edit(self) -> QDialog | None:
        return self._step(self.edit_action, "WillDialog")

    def revoke(self) -> QDialog | None:
        return self._step(self.revoke_action, "RevokeDialog")

    def emergency_over(self) -> QDialog | None:
        return self._step(self.emergency_action, "EmergencyOverDialog")

    def activate(self) -> QDialog | None:
        return self._step(self.activate_action, "ActivateDialog")

    def notified(self) -> QDialog | None:
        return self._step(self.notified_action, "NotifiedDialog")

    # --- attachments ----------------------------------------------------------------------------
    def add_attachment(self) -> bool:
        from chang_shan.wills import attachments

        detail = self.current_detail()
        if not self.can_edit or detail is None:
            return False
        chosen = choose_attachment(self)
        if not chosen:
            return False
        source, root, will_id = Path(chosen), self.ops.db.data_dir.files, detail.id
        kind = attachment_kind(source)
        self._select_after = will_id
        self.detail_panel.detail = None  # read again with the new file
        self.ops.change(f"添加遗嘱附件 {detail.number}",
                        lambda s: attachments.add_attachment(s, root, will_id, source, kind),
                        success=lambda row: self.statusChanged.emit(f"已添加{row.kind}：{row.original_name}"),
                        parent=self)
        return True

    def open_attachment(self, attachment_id: int) -> None:
        from chang_shan.wills import attachments

        db, root = self.ops.db, self.ops.db.data_dir.files

        def find() -> Path:
            with db.transaction("打开遗嘱附件") as session:
                return attachments.attachment_path(session, root, attachment_id)

        self.ops.run(find, success=canteen_print.open_file, parent=self)

    def export_view(self) -> Any:
        """导出… (Ctrl+Shift+E): the registrations the filters pick, to XLSX or CSV."""
        if not self.allowed:
            return None
        from chang_shan.ui.widgets.export_view import export_view

        filters = {"status": self.status_filter.currentData(), "form": self.form_filter.currentData(),
                   "text": self.search.text().strip()}
        return export_view(self.ops, self, "wills", self.title, filters, self._export_done)

    def _export_done(self, line: str) -> None:
        self._status = line
        self.statusChanged.emit(line)

    # --- prints ---------------------------------------------------------------------------------
    def _print(self, title: str, suggested: str, make: Callable[..., Any]) -> bool:
        return canteen_print.print_pdf(self.ops, self, title, suggested, make, self.statusChanged.emit)

    def _print_will(self, title: str, prefix: str, report: str) -> bool:
        """登记表 or 回执 (``will_forms.<report>``) of the selected will."""
        from chang_shan.reports import will_forms

        detail = self.current_detail()
        if detail is None:
            return False
        make, will_id = getattr(will_forms, report), detail.id
        return self._print(title, f"{prefix}-{detail.number}.pdf", lambda db, path: make(db, will_id, path))

    def print_form(self) -> bool:
        return self._print_will("遗嘱登记表", "遗嘱登记表", "registration_form")

    def print_receipt(self) -> bool:
        return self._print_will("遗嘱登记回执", "登记回执", "receipt")

    def print_book(self) -> bool:
        from chang_shan.reports import will_forms

        status = self.status_filter.currentData()
        return self._print("遗嘱库登记簿", f"遗嘱库登记簿{'-' + status if status else ''}.pdf",
                           lambda db, path: will_forms.registry_book(db, path, status=status))
