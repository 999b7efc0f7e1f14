"""Start-up benchmark: process start → the login window and → the signed-in window's first rows,
against an empty Qt window.

    .venv/bin/chang-shan --data-dir /tmp/cs-bench15 demo --scale 15      # once (about 30 s)
    .venv/bin/python bench/bench_startup.py --data-dir /tmp/cs-bench15 --runs 9

Each measurement is a fresh subprocess, timed from just before it is spawned (interpreter start
included) until:

* ``empty``: a bare ``QMainWindow`` (1366×768) has painted for the first time;
* ``login``: ``chang-shan --data-dir DIR`` (the real entry point, ``chang_shan.cli.main``) has
  opened the database and painted the login dialog — the first window a user can work in;
* ``rows``: the bench then signs in at once (the demo administrator, or ``--user``/``--password``;
  no typing time) and the main window has painted the resident table with its first rows;
  ``full list`` is when the complete sorted id list has arrived too.

Runs alternate between the two kinds so that disk caches favour neither; the medians and the
ratio login / empty are printed (target: ≤ 1.5), with rows / empty beside it. The platform is
``QT_QPA_PLATFORM`` (offscreen when unset); under Xvfb pass ``--platform xcb``.

The children start from compiled bytecode, as an installed program does (pip compiles on install,
the frozen build ships ``.pyc``): when ``PYTHONDONTWRITEBYTECODE`` is set, it is dropped for them
and ``PYTHONPYCACHEPREFIX`` points at a temporary folder, which the warm-up runs fill (nothing is
written into the checkout). ``--compile-each-run`` keeps the old behaviour (every start compiles
the package from source when bytecode writing is off).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.5
MARK = "MARK "  # MARK <name> <time.time()>: printed by the children
DEMO_USER, DEMO_PASSWORD = "admin", "chang-shan-demo"  # chang_shan.demo.builder's administrator
USER_ENV, PASSWORD_ENV = "BENCH_STARTUP_USER", "BENCH_STARTUP_PASSWORD"


# --- the children ----------------------------------------------------------------------------

def _report_when_painted(widget, ready) -> None:  # noqa: ANN001 - Qt objects, imported late
    """Call ``ready()`` after the first paint of ``widget`` for which ``ready.due()`` is true."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watcher(QObject):
        def eventFilter(self, obj, event):  # noqa: ANN001, ANN202, N802
            if event.type() == QEvent.Type.Paint and ready.due():
                QTimer.singleShot(0, ready)  # after this paint has finished
                ready.due = lambda: False
            return False

    watcher = Watcher(widget)
    widget.installEventFilter(watcher)


def _mark(name: str) -> None:
    print(f"{MARK}{name} {time.time():.6f}", flush=True)


def child_empty() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("empty")
    window.resize(1366, 768)

    def ready() -> None:
        _mark("empty")
        app.quit()

    ready.due = lambda: True  # type: ignore[attr-defined]
    _report_when_painted(window, ready)
    window.show()
    app.exec()


def child_app(data_dir: str) -> None:
    """The real entry point; the login dialog is filled in and accepted as soon as it has painted.

    Modules are imported in the program's own order: ``chang_shan.cli`` first (as the console
    script does), the window's modules only when ``run_gui`` itself imports them (the hooks are
    installed once the application exists), so the bench moves no import earlier: the order of
    opening the database, starting the demo-hint check and importing Qt stays the program's.
    """
    os.environ["CHANG_SHAN_NO_DEMO"] = "1"
    from chang_shan import cli

    user, password = os.environ.get(USER_ENV, DEMO_USER), os.environ.get(PASSWORD_ENV, DEMO_PASSWORD)
    cmd_gui = cli._cmd_gui

    def hooked_cmd_gui(args, folder):  # noqa: ANN001, ANN202
        from chang_shan.ui import app as app_module  # as cli._cmd_gui does (it imports no Qt)

        make_application = app_module.make_application

        def hooked_make_application(*a, **k):  # noqa: ANN002, ANN003, ANN202
            app = make_application(*a, **k)
            from chang_shan.ui.login import flow as flow_module  # run_gui's next import

            _install_hooks(app_module, flow_module, data_dir, user, password)
            return app

        app_module.make_application = hooked_make_application
        return cmd_gui(args, folder)

    cli._cmd_gui = hooked_cmd_gui
    sys.exit(cli.main(["--data-dir", data_dir]))


def _install_hooks(app_module, flow_module, data_dir: str, user: str, password: str) -> None:  # noqa: ANN001
    show_dialog = flow_module.SignInFlow._show_dialog
    show_window = app_module.show_window

    def watched_dialog(flow, dialog) -> None:  # noqa: ANN001
        from chang_shan.ui.login.dialogs import LoginDialog

        if not isinstance(dialog, LoginDialog) or flow.window is not None:
            print(f"unexpected dialog {type(dialog).__name__}: is {data_dir} the demo with its administrator?",
                  file=sys.stderr, flush=True)
            os._exit(3)

        def ready() -> None:
            _mark("login")
            dialog.username.setText(user)
            dialog.password.setText(password)
            if not dialog.try_login():
                print(f"sign-in as {user} failed: {dialog.message.text()}", file=sys.stderr, flush=True)
                os._exit(3)

        ready.due = lambda: True  # type: ignore[attr-defined]
        _report_when_painted(dialog, ready)
        show_dialog(flow, dialog)

    def watched_window(window) -> None:  # noqa: ANN001
        from PySide6.QtWidgets import QApplication

        model = window.population.model
        done = {"painted": False, "complete": False}

        def ready() -> None:
            _mark("rows")
            done["painted"] = True
            if done["complete"]:
                QApplication.instance().quit()

        def complete(_count: int) -> None:
            _mark("full_list")
            done["complete"] = True
            if done["painted"]:
                QApplication.instance().quit()

        model.loaded.connect(complete)
        ready.due = lambda: model.rowCount() > 0  # type: ignore[attr-defined]
        _report_when_painted(window.population.table.viewport(), ready)
        show_window(window)

    flow_module.SignInFlow._show_dialog = watched_dialog
    app_module.show_window = watched_window


# --- where the time goes ----------------------------------------------------------------------

# Each import alone in a fresh interpreter (what it costs on top of Python's own start-up).
BREAKDOWN = (
    ("Python itself", "pass"),
    ("PySide6 (QtWidgets)", "import PySide6.QtWidgets"),
    ("SQLAlchemy (orm)", "import sqlalchemy.orm"),
    ("SQLAlchemy (orm), then PySide6", "import sqlalchemy.orm; import PySide6.QtWidgets"),
    ("PySide6, then SQLAlchemy (orm)", "import PySide6.QtWidgets; import sqlalchemy.orm"),
    ("alembic", "import alembic.command, alembic.script"),
    ("argon2", "import argon2"),
    ("chang_shan.db.database", "import chang_shan.db.database"),
    ("chang_shan.population.query", "import chang_shan.population.query"),
    ("chang_shan.ui.app (start path)", "import chang_shan.ui.app"),
    ("chang_shan.ui.main_window", "import chang_shan.ui.app, chang_shan.ui.main_window"),
)


def breakdown(runs: int, env: dict[str, str]) -> list[tuple[str, float]]:
    figures = []
    for label, statement in BREAKDOWN:
        samples = []
        subprocess.run([sys.executable, "-c", statement], check=True, capture_output=True, env=env)  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True, capture_output=True, env=env)
            samples.append(time.perf_counter() - started)
        figures.append((label, statistics.median(samples)))
    return figures


# --- the parent --------------------------------------------------------------------------------

def measure(kind: str, data_dir: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning the child to each of its marks."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--data-dir", data_dir]
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    marks = {}
    for line in result.stdout.splitlines():
        if line.startswith(MARK):
            name, stamp = line[len(MARK):].split()
            marks[name] = float(stamp) - started
    wanted = ("empty",) if kind == "empty" else ("login", "rows", "full_list")
    if result.returncode != 0 or any(name not in marks for name in wanted):
        raise SystemExit(f"{kind} run failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="a data folder holding the demo at --scale 15")
    parser.add_argument("--runs", type=int, default=9, help="measurements of each kind (default 9)")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    parser.add_argument("--user", default=DEMO_USER, help=f"account to sign in as (default: the demo's {DEMO_USER})")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="its password (default: the demo's)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--breakdown", action="store_true", help="also time each big import in a fresh process")
    parser.add_argument("--compile-each-run", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (each start may compile the package)")
    parser.add_argument("--child", choices=("empty", "app"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "empty":
        child_empty()
        return 0
    if args.child == "app":
        child_app(args.data_dir)
        return 0

    if not Path(args.data_dir, "chang-shan.sqlite3").exists():
        raise SystemExit(f"no database in {args.data_dir}: run  chang-shan --data-dir {args.data_dir} demo --scale 15")
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform, **{USER_ENV: args.user, PASSWORD_ENV: args.password})
    with tempfile.TemporaryDirectory(prefix="chang-shan-bench-pyc-") as cache:
        bytecode = "as the environment says"
        if env.get("PYTHONDONTWRITEBYTECODE") and not args.compile_each_run:
            del env["PYTHONDONTWRITEBYTECODE"]
            env["PYTHONPYCACHEPREFIX"] = cache
            bytecode = "cached (private PYTHONPYCACHEPREFIX, filled by the warm-up)"
        elif env.get("PYTHONDONTWRITEBYTECODE"):
            bytecode = "not written: every start compiles modules without .pyc"
        return _run(args, env, bytecode)


def _run(args: argparse.Namespace, env: dict[str, str], bytecode: str) -> int:
    measure("empty", args.data_dir, env)  # warm-up: load libraries and the database into the cache
    measure("app", args.data_dir, env)
    times: dict[str, list[float]] = {"empty": [], "login": [], "rows": [], "full_list": [], "sign_in_to_rows": []}
    for _ in range(args.runs):
        times["empty"].append(measure("empty", args.data_dir, env)["empty"])
        marks = measure("app", args.data_dir, env)
        for name in ("login", "rows", "full_list"):
            times[name].append(marks[name])
        times["sign_in_to_rows"].append(marks["rows"] - marks["login"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["login"] / medians["empty"]
    figures = {
        "platform": args.platform, "runs": args.runs, "bytecode": bytecode,
        **{f"{name}_median_s": round(value, 3) for name, value in medians.items()},
        "ratio_login": round(ratio, 2), "ratio_rows": round(medians["rows"] / medians["empty"], 2),
        "target_ratio": TARGET_RATIO, "ok": ratio <= TARGET_RATIO,
        **{f"{name}_s": [round(t, 3) for t in values] for name, values in times.items()},
    }
    if args.breakdown:
        figures["imports_median_s"] = {label: round(t, 3) for label, t in breakdown(args.runs, env)}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        def line(label: str, name: str) -> str:
            spread = sorted(round(t * 1000) for t in times[name])
            return f"{label:34s} median {medians[name] * 1000:6.0f} ms   {spread}"

        print(f"platform {args.platform}, {args.runs} runs each, fresh processes; bytecode {bytecode}")
        print(line("empty QMainWindow shown", "empty"))
        print(line("chang-shan: login dialog shown", "login"))
        print(line("  signed in at once: first rows", "rows"))
        print(line("  … full id list loaded", "full_list"))
        print(line("  sign-in → first rows", "sign_in_to_rows"))
        print(f"ratio login / empty {ratio:.2f} (target ≤ {TARGET_RATIO})  {'OK' if figures['ok'] else 'MISSED'};"
              f"  rows / empty {figures['ratio_rows']:.2f}")
        for label, seconds in figures.get("imports_median_s", {}).items():
            print(f"  process with only  {label:32s} {seconds * 1000:6.0f} ms")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
