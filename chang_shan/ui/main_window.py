"""The main window: a sidebar of ledgers, one screen per ledger, menus and a status bar. Thin:
the screens do the work; this frame only routes menu commands to the current screen and the
today list's "open this record" to the screen that shows it.

It opens on 今日待办. Ctrl+1 … Ctrl+9 switch to the sidebar's entries; F5 refreshes the screen
on view.

It shows what the signed-in user (``ops.db.actor``) may use: someone who may only read gets no
新增/编辑 actions, an administrator also gets 账户管理 and 审计记录 (sidebar and 工具 menu) and
设置. The services enforce the same rules; this only spares people buttons that would refuse.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from chang_shan import APP_TITLE, __version__
from chang_shan.accounts.permissions import Perm
from chang_shan.ui import ops as ops_module
from chang_shan.ui.screens.badges import BadgesScreen
from chang_shan.ui.screens.care import CareScreen
from chang_shan.ui.screens.health import HealthScreen
from chang_shan.ui.screens.governance import GovernanceScreen
from chang_shan.ui.screens.party import PartyScreen
from chang_shan.ui.screens.population import PopulationScreen
from chang_shan.ui.screens.services import ServicesScreen
from chang_shan.ui.screens.today import TodayScreen
from chang_shan.ui.screens.wills import WillsScreen

if TYPE_CHECKING:
    from chang_shan.population.undo import PendingUndo
    from chang_shan.ui.ops import Operations

MIN_FONT, MAX_FONT = 10, 22


class MainWindow(QMainWindow):
    fontSizeChanged = Signal(int)  # 查看 → 放大/缩小字号: the app remembers it for the next start
    signOutRequested = Signal()  # 文件 → 切换用户/退出登录 (the sign-in flow takes over)
    idleMinutesChanged = Signal(int)  # 工具 → 设置 saved a new idle-lock time
    closed = Signal()

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.actor = ops.db.actor
        self._started = False  # the first queries go out in start(), not while the window is built
        self._status: dict[Any, str] = {}  # each screen's last status line
        self.setWindowTitle(APP_TITLE)
        self.setMinimumSize(QSize(1000, 600))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("台账")
        self.stack = QStackedWidget()
        self.today = TodayScreen(ops)
        self.today.openRequested.connect(self.open_record)
        self.population = PopulationScreen(ops)
        self.health = HealthScreen(ops)
        self.care = CareScreen(ops)
        self.services = ServicesScreen(ops)
        self.badges = BadgesScreen(ops)
        self.screens: list[Any] = [self.today, self.population, self.health, self.care, self.services, self.badges]
        self.wills = WillsScreen(ops)  # 需要遗嘱库权限: without it the screen says so and reads nothing
        self.screens.append(self.wills)
        self.party = PartyScreen(ops)
        self.governance = GovernanceScreen(ops)
        self.screens += [self.party, self.governance]
        self.accounts_screen: Any = None
        self.audit_screen: Any = None
        if self.can(Perm.ACCOUNTS):
            from chang_shan.ui.screens.accounts import AccountsScreen

            self.accounts_screen = AccountsScreen(ops)
            self.screens.append(self.accounts_screen)
        if self.can(Perm.AUDIT):
            from chang_shan.ui.screens.audit import AuditScreen

            self.audit_screen = AuditScreen(ops)
            self.screens.append(self.audit_screen)
        row_height = int(self.fontMetrics().height() * 2.2)
        for screen in self.screens:
            item = QListWidgetItem(screen.title)
            item.setSizeHint(QSize(0, row_height))
            self.sidebar.addItem(item)
            self.stack.addWidget(screen)
            screen.statusChanged.connect(self._screen_status)
        em = self.fontMetrics().horizontalAdvance("中")
        self.sidebar.setFixedWidth(int(8.5 * em))
        self.sidebar.currentRowChanged.connect(self._show_screen)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.status_text = QLabel("")
        self.user_text = QLabel(f"当前用户：{self.user_label()}" if self.user_label() else "")
        self.user_text.setObjectName("userText")
        self.folder_text = QLabel(f"数据文件夹：{ops.db.data_dir.root}")
        self.folder_text.setStyleSheet("color: #555555;")
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.user_text)
        self.statusBar().addPermanentWidget(self.folder_text)
        if self.user_label():
            self.setWindowTitle(f"{APP_TITLE} — {self.user_label()}")

        self._build_menus()
        self._build_screen_shortcuts()
        self._apply_permissions()
        ops.changed.connect(lambda _action: self.update_undo())
        self.sidebar.setCurrentRow(0)

    # --- the signed-in user -------------------------------------------------------------------

    def can(self, perm: Perm) -> bool:
        return self.actor is not None and self.actor.can(perm)

    def user_label(self) -> str:
        """张三（社区工作者） for a signed-in account; "" for the program itself (tests, tools)."""
        actor = self.actor
        if actor is None or getattr(actor, "user_id", None) is None:
            return ""
        name = actor.display_name or actor.username
        return f"{name}（{actor.role}）"

    def _apply_permissions(self) -> None:
        """Hide what the user may not use (the services would refuse it anyway)."""
        if not self.can(Perm.EDIT):
            actions = self.population.actions
            for act in (actions.new_resident, actions.move, actions.move_out, actions.death,
                        actions.change_head, actions.new_household, self.new_action, self.undo_action):
                act.setVisible(False)
            actions.edit.setText("查看")  # the form opens read-only
            actions.edit.setToolTip("查看选中居民的信息（回车或双击也可以）")

    # --- menus -------------------------------------------------------------------------------

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.password_action = self._action("修改密码", self.change_password)
        self.sign_out_action = self._action("切换用户/退出登录", self.signOutRequested.emit)
        self.quit_action = self._action("退出", self.close, QKeySequence("Ctrl+Q"))
        self.import_action = self._action("导入居民…", self.import_residents, QKeySequence("Ctrl+Shift+I"))
        self.import_action.setVisible(self.can(Perm.EDIT))  # the import needs 修改台账
        self.import_action.setEnabled(self.can(Perm.EDIT))
        self.reports_action = self._action("报表…", lambda: self.open_reports(), QKeySequence("Ctrl+Shift+R"))
        file_menu.addActions([self.import_action, self.reports_action])
        file_menu.addSeparator()
        # 备份: accounts that may export and see every grid (chang_shan.backup.create.require_backup);
        # 恢复: administrators (Perm.RESTORE). The services check the same.
        self.backup_action = self._action("备份到U盘…", self.back_up, QKeySequence("Ctrl+Shift+B"))
        self.verify_backup_action = self._action("检查备份文件…", self.verify_backup)
        self.restore_action = self._action("从备份恢复…", self.restore_backup)
        for act, allowed in ((self.backup_action, self.may_back_up()), (self.verify_backup_action, self.may_back_up()),
                             (self.restore_action, self.can(Perm.RESTORE))):
            act.setVisible(allowed)
            act.setEnabled(allowed)
        file_menu.addActions([self.backup_action, self.verify_backup_action, self.restore_action])
        file_menu.addSeparator()
        if self.user_label():  # a real account: it has a password and can sign out
            file_menu.addActions([self.password_action, self.sign_out_action])
            file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit = bar.addMenu("编辑(&E)")
        self.undo_action = self._action("撤销", self.undo, QKeySequence("Ctrl+Z"))
        self.undo_action.setEnabled(False)
        edit.addAction(self.undo_action)
        edit.addSeparator()
        self.find_action = self._action("查找居民", self.focus_search, QKeySequence("Ctrl+F"))
        self.new_action = self._action("新增居民", self.new_record, QKeySequence("Ctrl+N"))
        self.open_action = self._action("打开所选记录", self.open_current, QKeySequence("Ctrl+O"))
        edit.addActions([self.find_action, self.new_action, self.open_action])

        view = bar.addMenu("查看(&V)")
        self.bigger_action = self._action("放大字号", lambda: self.change_font(+1))
        self.bigger_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self.smaller_action = self._action("缩小字号", lambda: self.change_font(-1))
        self.smaller_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomOut)])
        self.refresh_action = self._action("刷新", self.refresh, QKeySequence("F5"))
        view.addActions([self.bigger_action, self.smaller_action])
        view.addSeparator()
        view.addAction(self.refresh_action)

        self.accounts_action = self._action("账户管理", lambda: self.show_screen(self.accounts_screen))
        self.audit_action = self._action("审计记录", lambda: self.show_screen(self.audit_screen))
        self.settings_action = self._action("设置", self.edit_settings)
        tools = [act for act, allowed in ((self.accounts_action, self.accounts_screen is not None),
                                          (self.audit_action, self.audit_screen is not None),
                                          (self.settings_action, self.can(Perm.SETTINGS))) if allowed]
        if tools:
            bar.addMenu("工具(&T)").addActions(tools)

        help_menu = bar.addMenu("帮助(&H)")
        self.about_action = self._action("关于长山", self.about)
        help_menu.addAction(self.about_action)

    def _build_screen_shortcuts(self) -> None:
        """Ctrl+1 … Ctrl+9: the sidebar's entries in order."""
        self.screen_actions: list[QAction] = []
        for row, screen in enumerate(self.screens[:9]):
            act = self._action(screen.title, partial(self.sidebar.setCurrentRow, row), QKeySequence(f"Ctrl+{row + 1}"))
            self.addAction(act)
            self.screen_actions.append(act)

    # --- screens -----------------------------------------------------------------------------

    def start(self) -> None:
        """Submit the first queries: the today list on view, then the resident table and tree
        (ready when the user switches), then the undo state; then the day's local snapshot."""
        self._started = True
        self.today.start()
        self.population.start()
        self.update_undo()
        self.ops.run(self._snapshot, failure=lambda exc: self.statusBar().showMessage(
            f"今天的自动快照没有保存：{ops_module.describe_error(exc)[2]}", 15000), parent=self)

    def _snapshot(self) -> object:
        """At most one local snapshot a day in the data folder (``chang_shan.backup.snapshot``),
        after the first queries; not a backup (that leaves the building on a USB stick)."""
        from chang_shan.backup.snapshot import local_snapshot

        return local_snapshot(self.ops.db)

    def _show_screen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        screen = self.screens[row]
        self.status_text.setText(self._status.get(screen, ""))
        if self._started and screen is not self.population:
            screen.start()
        # 查找 and 新增居民 work from any ledger (they switch to 万家数据库); 打开 needs its table. A
        # screen with its own Ctrl+N (居民健康库: 新增随访) takes it over: two actions on one shortcut
        # would both stay silent (Qt's "ambiguous shortcut").
        self.open_action.setEnabled(screen is self.population)
        self.new_action.setEnabled(not getattr(screen, "OWNS_CTRL_N", False))

    @property
    def current_screen(self) -> Any:
        return self.stack.currentWidget()

    def _screen_status(self, text: str) -> None:
        self._status[self.sender()] = text  # shown again when the user comes back to that screen
        if self.sender() is self.current_screen:
            self.status_text.setText(text)

    def show_screen(self, screen: Any) -> None:
        if screen in self.screens:
            self.sidebar.setCurrentRow(self.screens.index(screen))

    def focus_search(self) -> None:
        """Ctrl+F: the 居民健康库's and the 遗嘱库's own search there, the 万家数据库's anywhere else."""
        if self.current_screen is self.health and self.health.allowed:
            self.health.focus_search()
            return
        if self.current_screen is self.wills and self.wills.allowed:
            self.wills.focus_search()
            return
        self.show_screen(self.population)
        self.population.focus_search()

    def new_record(self) -> None:
        self.show_screen(self.population)
        self.population.new_record()

    def open_record(self, kind: str, record_id: int) -> None:
        """Open what a today-list item points at: ('resident', id) the resident's record,
        ('health', id) the health record (the resident's record for users without 居民健康库),
        ('care', id) the elder selected on 包保关怀, ('request', id) / ('device', id) the service
        request / safety device selected on 便民档案库, ('badge', id) the person selected on 防走失卡,
        ('will', id) the will selected on 遗嘱库, ('matter' | 'case' | 'loan', id) the 议题, 调解案件 or
        诚信借款 selected on 议事调解与物业, ('party_member' | 'volunteer_service', id) the member or the
        service record selected on 党建与志愿者."""
        if kind == "health" and self.can(Perm.HEALTH):
            self.show_screen(self.health)
            self.health.open_resident(record_id)
        elif kind == "care":
            self.show_screen(self.care)
            self.care.open_resident(record_id)
        elif kind in ("request", "device"):  # the tab first: showing the screen then loads nothing twice
            (self.services.open_request if kind == "request" else self.services.open_device)(record_id)
            self.show_screen(self.services)
        elif kind == "badge":  # selected first: showing the screen then loads nothing twice
            self.badges.open_resident(record_id)
            self.show_screen(self.badges)
        elif kind == "will" and self.can(Perm.WILLS):
            self.wills.open_will(record_id)
            self.show_screen(self.wills)
        elif kind in ("matter", "case", "loan"):  # 议事公示期满, 调解协议回访, 诚信借款逾期
            {"matter": self.governance.open_matter, "case": self.governance.open_case,
             "loan": self.governance.open_loan}[kind](record_id)
            self.show_screen(self.governance)
        elif kind in ("party_member", "volunteer_service"):  # 政治生日, 主题党日缺席, 服务记录待确认
            (self.party.open_member if kind == "party_member" else self.party.open_service)(record_id)
            self.show_screen(self.party)
        elif kind == "backup":  # 备份提醒
            self.back_up()
        elif kind in ("resident", "health"):
            self.show_screen(self.population)
            self.population.open_resident(record_id)
        else:
            self.statusBar().showMessage("这类记录还不能从今日待办打开。", 5000)

    def open_current(self) -> None:
        if self.current_screen is self.population:
            self.population.open_current()

    def refresh(self) -> None:
        """F5: the screen on view reloads itself if it can; otherwise everything refreshes."""
        refresh = getattr(self.current_screen, "refresh", None)
        if callable(refresh):
            refresh()
        else:
            self.ops.notify_changed("")

    # --- undo --------------------------------------------------------------------------------

    def update_undo(self) -> None:
        from chang_shan.population.undo import last_action

        self.ops.query(last_action, success=self._set_undo, parent=self)

    def _set_undo(self, pending: PendingUndo | None) -> None:
        self.undo_action.setEnabled(pending is not None)
        self.undo_action.setText(f"撤销：{pending.action}" if pending else "撤销")
        self._pending_undo = pending

    def undo(self) -> None:
        pending = getattr(self, "_pending_undo", None)
        if pending is None:
            return
        action = pending.action
        if not ops_module.ask(self, "撤销", f"撤销“{action}”？\n撤销后不能恢复。"):
            return
        from chang_shan.population.undo import undo_last

        self.undo_action.setEnabled(False)  # no second undo while this one runs
        self.ops.change(f"撤销：{action}", partial(undo_last, expected_id=pending.id), success=lambda undone: self.statusBar().showMessage(
            f"已撤销：{undone}", 8000), failure=self._undo_failed, parent=self)

    def _undo_failed(self, exc: BaseException) -> None:
        self.update_undo()
        ops_module.show_error(self, exc)

    # --- import ------------------------------------------------------------------------------

    def import_residents(self) -> None:
        """文件 → 导入居民… (Ctrl+Shift+I): the import wizard, window-modal (``import_wizard``)."""
        from chang_shan.ui.imports.wizard import open_import_wizard

        open_import_wizard(self, self.ops)

    # --- reports -----------------------------------------------------------------------------

    def open_reports(self, report: str | None = None, options: dict[str, Any] | None = None) -> None:
        """文件 → 报表… (Ctrl+Shift+R), window-modal (kept as ``reports_dialog`` while open); from a
        record: ``report`` with ``options`` chosen and previewed at once."""
        from chang_shan.ui.reports.dialog import open_reports

        open_reports(self, self.ops, report, options)

    # --- backup ------------------------------------------------------------------------------

    def may_back_up(self) -> bool:
        return self.can(Perm.EXPORT) and getattr(self.actor, "grid_ids", None) is None

    def back_up(self) -> None:
        """文件 → 备份到U盘… (Ctrl+Shift+B), window-modal (``backup_dialog`` while open)."""
        from chang_shan.ui.backup.backup_dialog import open_backup_dialog

        if self.may_back_up():
            open_backup_dialog(self, self.ops)

    def verify_backup(self) -> None:
        from chang_shan.ui.backup.restore_dialog import open_verify_dialog

        open_verify_dialog(self, self.ops)

    def restore_backup(self) -> None:
        """文件 → 从备份恢复… (管理员): the program closes after a restore (see the dialog)."""
        from chang_shan.ui.backup.restore_dialog import open_restore_dialog

        if self.can(Perm.RESTORE):
            open_restore_dialog(self, self.ops)

    # --- view --------------------------------------------------------------------------------

    def change_font(self, step: int) -> None:
        app = QApplication.instance()
        font = app.font()  # type: ignore[union-attr]
        size = max(MIN_FONT, min(MAX_FONT, round(font.pointSizeF()) + step))
        font.setPointSize(size)
        app.setFont(font)  # type: ignore[union-attr]
        self.population.table.apply_widths()
        self.today.tree.apply_widths()
        self.statusBar().showMessage(f"字号：{size}", 3000)
        self.fontSizeChanged.emit(size)

    def about(self) -> None:
        ops_module.message_box(
            self, "information", "关于长山",
            f"{APP_TITLE}  版本 {__version__}\n\n社区居委会的离线台账程序。\n数据文件夹：{self.ops.db.data_dir.root}", "",
        )

    # --- account ------------------------------------------------------------------------------

    def change_password(self) -> None:
        from chang_shan.ui.login.dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.ops.db, self)
        if dialog.exec() == ChangePasswordDialog.DialogCode.Accepted:
            self.statusBar().showMessage("密码已修改，下次登录请使用新密码。", 10000)
        dialog.deleteLater()

    def edit_settings(self) -> None:
        from chang_shan.ui.login.dialogs import IdleSettingsDialog

        dialog = IdleSettingsDialog(self.ops.db, self)
        if dialog.exec() == IdleSettingsDialog.DialogCode.Accepted:
            self.idleMinutesChanged.emit(dialog.value())
            self.ops.notify_changed("修改设置")  # the today list counts with the new number of days
            self.statusBar().showMessage(f"已保存：无人操作 {dialog.value()} 分钟后锁定，"
                                         f"{dialog.not_visited_days()} 天未走访提醒。", 8000)
        dialog.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closed.emit()
