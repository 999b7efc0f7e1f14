"""Start the window: the Qt application (CJK fonts, readable size), the database (lock, migrate),
the first start (demo community or the first administrator) and the login
(``chang_shan.ui.login.flow``), then the signed-in user's main window.

``run_gui(data_dir)`` is what ``chang-shan`` with no arguments calls. A second instance on the same
data folder, or a database from a newer version, is refused with a Chinese message box and a
non-zero exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

# Start-up order (docs/benchmarks.md, Start-up): this module imports no Qt at module level.
# ``run_gui`` opens the database first and starts the login dialog's demo-hint check (Argon2,
# about 0.1 s, which releases the GIL) on a background thread; only then does it import PySide6
# (about 0.1 s of its own) and create the application, so the two overlap.
# The data layer is imported here, before PySide6, on purpose: importing PySide6 installs an import
# hook (PYSIDE-2029, shibokensupport.feature) that reads the whole source file of every module
# imported after it, looking for the word "PySide6". Everything below is needed before the first
# rows anyway: the database, the login's account and demo checks, the table's query, the place
# tree and the undo state.
import sqlalchemy.dialects.sqlite  # noqa: F401, I001 - loaded by create_engine on the first open

import chang_shan.db.database  # noqa: F401
import chang_shan.demo.builder  # noqa: F401 - the login dialog's demo hint
import chang_shan.population.places  # noqa: F401
import chang_shan.population.query  # noqa: F401
import chang_shan.population.undo  # noqa: F401
from chang_shan import APP_NAME, APP_TITLE
from chang_shan.errors import AlreadyRunning, EnvironmentProblem, NewerDatabase
from chang_shan.ui.login import store as login_store

if TYPE_CHECKING:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from chang_shan.accounts.permissions import Actor
    from chang_shan.db.database import Database
    from chang_shan.paths import DataDir
    from chang_shan.ui.login.flow import SignInFlow
    from chang_shan.ui.main_window import MainWindow
    from chang_shan.ui.ops import Operations

# Common text first, then families that cover CJK Extension B (𠀀 U+20000 …), so rare
# characters in names render instead of showing boxes. Missing families are skipped by Qt.
FONT_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "微软雅黑",
    "PingFang SC", "WenQuanYi Micro Hei", "SimSun",
    "HanaMinA", "HanaMinB", "BabelStone Han", "SimSun-ExtB", "MingLiU-ExtB",
)
BASE_POINT_SIZE = 12  # readable for elderly eyes; 查看 → 放大字号 goes further
NO_DEMO_ENV = "CHANG_SHAN_NO_DEMO"
DEMO_DECLINED_KEY = "ui.demo_declined"
FONT_SIZE_KEY = "ui.font_size"
EXIT_REFUSED = 2
current_window: MainWindow | None = None  # the open window (tests drive it with exec_loop=False)
current_flow: SignInFlow | None = None  # login, idle lock, 切换用户 (tests drive its dialogs)

STYLE_SHEET = """
QListWidget#sidebar { background: #f3f5f8; border: none; border-right: 1px solid #d0d5dc; padding-top: 6px; }
QListWidget#sidebar::item { padding-left: 10px; }
QListWidget#sidebar::item:selected { background: #1f5fa8; color: white; }
QLabel#panelTitle { font-weight: bold; }
QToolBar { spacing: 4px; }
QToolButton { padding: 3px 8px; }
QTableView { gridline-color: #e1e4e8; }
QTableView::item:selected, QTreeView::item:selected { background: #1f5fa8; color: white; }
"""


def ui_font(point_size: int = BASE_POINT_SIZE) -> QFont:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPointSize(point_size)
    return font


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setApplicationName(APP_NAME)
        QGuiApplication.setApplicationDisplayName(APP_TITLE)
        QGuiApplication.setDesktopFileName(APP_NAME)
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setFont(ui_font())
    app.setStyleSheet(STYLE_SHEET)
    return app  # type: ignore[return-value]


def refusal_message(exc: BaseException) -> tuple[str, str]:
    """Title and text of the box shown when the data folder cannot be opened."""
    if isinstance(exc, AlreadyRunning):
        return "长山已在运行", exc.message
    if isinstance(exc, NewerDatabase):
        return "需要更新版本的程序", exc.message
    if isinstance(exc, EnvironmentProblem):
        return "无法打开数据", exc.message
    if isinstance(exc, OSError):
        return "无法打开数据文件夹", f"读写数据文件夹时出错：{exc.strerror or exc}（{exc.filename or ''}）。"
    return "无法打开数据", str(exc)


def open_database(data_dir: DataDir) -> Database:
    """Lock the data folder and bring the database to the current schema (or raise); a restore
    that was killed is finished or discarded there (``Database.open``)."""
    from chang_shan.db.database import Database

    return Database.open(data_dir)


def wants_demo(db: Database) -> bool:
    """First start: nothing entered yet, and the user has not cancelled the demo before."""
    if os.environ.get(NO_DEMO_ENV, "") not in ("", "0"):
        return False
    from sqlalchemy import exists, select

    from chang_shan.db.models import AppMeta, Grid, Resident

    with db.reader() as session:
        if session.scalar(select(exists().where(Resident.id.is_not(None)))):
            return False
        if session.scalar(select(exists().where(Grid.id.is_not(None)))):
            return False
        return session.get(AppMeta, DEMO_DECLINED_KEY) is None


def mark_demo_declined(db: Database) -> None:
    from datetime import datetime

    from chang_shan.db.models import AppMeta

    with db.sessions() as session, session.begin():
        session.merge(AppMeta(key=DEMO_DECLINED_KEY, value=datetime.now().isoformat(timespec="seconds")))


def saved_font_size(db: Database) -> int | None:
    """The font size chosen in 查看 → 放大/缩小字号 last time, if any."""
    from chang_shan.db.models import AppMeta

    with db.reader() as session:
        meta = session.get(AppMeta, FONT_SIZE_KEY)
    try:
        return int(meta.value) if meta is not None else None
    except ValueError:
        return None


def save_font_size(db: Database, size: int) -> None:
    from chang_shan.db.models import AppMeta

    with db.sessions() as session, session.begin():
        session.merge(AppMeta(key=FONT_SIZE_KEY, value=str(size)))


def build_demo_in_window(window: MainWindow, ops: Operations) -> None:
    """The demo community, built on the worker under a progress dialog; cancel = declined."""
    from chang_shan.ui.progress_dialog import run_with_progress

    def work(progress):  # noqa: ANN001, ANN202 - a chang_shan.progress.Progress
        from chang_shan.demo.builder import build_demo

        return build_demo(ops.db, scale=1, progress=progress)

    def done(summary: object) -> None:
        ops.notify_changed("")
        people, homes = getattr(summary, "residents", None), getattr(summary, "households", None)
        detail = f"：{people:,} 位虚构居民，{homes:,} 户" if people and homes else ""
        window.statusBar().showMessage(f"已生成演示社区{detail}（数据均为虚构，可放心练习）。", 20000)

    def cancelled() -> None:
        mark_demo_declined(ops.db)
        ops.notify_changed("")
        window.statusBar().showMessage("已取消生成演示社区；以后也不会再自动生成。", 15000)

    run_with_progress(ops, window, "第一次使用：正在生成演示社区（约 7,000 位虚构居民）…", work,
                      success=done, cancelled=cancelled)


def show_window(window: MainWindow) -> None:
    """Maximised on an office screen (1366×768 and the like), a comfortable size on larger ones."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (available.width() < 1500 or available.height() < 900):
        window.resize(available.size())
        window.showMaximized()
    else:
        window.resize(1440, 900)
        window.show()


def open_window(db: Database, ops: Operations, demo: bool = False) -> MainWindow:
    """The main window for the signed-in user (``db.actor``), shown; ``demo`` builds the demo
    community in it first (a test's injected user on an empty folder)."""
    from chang_shan.ui.main_window import MainWindow

    window = MainWindow(ops)
    window.fontSizeChanged.connect(lambda chosen: ops.run(lambda: save_font_size(db, chosen), parent=window))
    window.start()
    show_window(window)
    if demo:
        build_demo_in_window(window, ops)
    global current_window
    current_window = window
    return window


def run_gui(data_dir: DataDir, *, argv: Sequence[str] | None = None, exec_loop: bool = True,
            actor: Actor | None = None) -> int:
    """Open the program on ``data_dir``: first start or login, then the window; returns the exit code.

    ``exec_loop=False`` (tests) returns 0 once the first dialog (or, with ``actor``, the window)
    is up, leaving it open; the caller closes everything with ``close_gui``. ``actor`` signs that
    user in without a dialog (tests only; the command line never passes it).
    """
    try:
        db = open_database(data_dir)
    except (EnvironmentProblem, OSError) as exc:
        make_application(argv)
        from chang_shan.ui import ops as ops_module

        title, text = refusal_message(exc)
        ops_module.message_box(None, "critical", title, text, "")
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001 - a damaged file or a bug: shown, with details for bugs
        make_application(argv)
        from chang_shan.ui import ops as ops_module

        ops_module.show_error(None, exc)
        return EXIT_REFUSED

    if actor is None:  # the login dialog comes next: its demo hint's password check starts now
        login_store.prefetch_demo_hint(db)
    try:
        app = make_application(argv)  # imports PySide6 while that check runs
        from chang_shan.ui.login.flow import SignInFlow
    except BaseException:
        db.close()
        raise

    global current_flow, current_window
    current_flow = current_window = None
    try:
        size = saved_font_size(db)
        if size is not None:
            from chang_shan.ui.main_window import MAX_FONT, MIN_FONT

            app.setFont(ui_font(max(MIN_FONT, min(MAX_FONT, size))))
        flow = current_flow = SignInFlow(db, lambda ops, demo: open_window(db, ops, demo))
        flow.begin(actor)
    except BaseException:
        close_gui()  # never leave the folder locked behind a failed start
        db.close()
        raise
    if not exec_loop:
        return 0
    _quit_on_ctrl_c(app)
    from chang_shan.ui.gc_guard import GarbageCollector
    from chang_shan.ui.ops import Operations

    collector = GarbageCollector(Operations.all_idle, app)
    try:
        return app.exec()
    finally:
        close_gui(current_window)
        collector.stop()


def _quit_on_ctrl_c(app: QApplication) -> None:
    """Ctrl+C in the terminal closes the window properly (the worker finishes, the lock is
    released). Qt's event loop runs in C++, so a timer lets Python see the signal."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_args: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(300)


def close_gui(window: MainWindow | None = None) -> None:
    """Close the window, the worker and the database (and any login dialog still open)."""
    global current_flow
    flow, current_flow = current_flow, None
    if flow is not None:
        flow.close()
    elif window is not None:
        window.close()
        window.ops.shutdown()
        window.ops.db.close()
