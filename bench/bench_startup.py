"""Start-up benchmark: process start → a usable main window, against an empty Qt window.

    .venv/bin/chang-shan --data-dir /tmp/cs-bench15 demo --scale 15      # once (about 30 s)
    .venv/bin/python bench/bench_startup.py --data-dir /tmp/cs-bench15 --runs 9

Each measurement is a fresh subprocess, timed from just before it is spawned (interpreter start
included) until:

* ``empty``: a bare ``QMainWindow`` (1366×768) has painted for the first time;
* ``app``:   ``chang-shan --data-dir DIR`` (the real entry point, ``chang_shan.cli.main``) has
  shown its main window and painted the resident table with its first fetched rows.

Runs alternate between the two kinds so that disk caches favour neither; the medians and their
ratio are printed (target: app ≤ 1.5 × empty). The platform is ``QT_QPA_PLATFORM`` (offscreen
when unset); under Xvfb pass ``--platform xcb``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 1.5
READY = "READY "
COMPLETE = "COMPLETE "


# --- the children ----------------------------------------------------------------------------

def _report_when_painted(widget, ready) -> None:  # noqa: ANN001 - Qt objects, imported late
    """Call ``ready()`` after the first paint of ``widget`` for which ``ready`` is due."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watcher(QObject):
        def eventFilter(self, obj, event):  # noqa: ANN001, ANN202, N802
            if event.type() == QEvent.Type.Paint and ready.due():
                QTimer.singleShot(0, ready)  # after this paint has finished
                ready.due = lambda: False
            return False

    watcher = Watcher(widget)
    widget.installEventFilter(watcher)


def _finish(app, *, quit: bool = True) -> None:  # noqa: ANN001, A002
    print(f"{READY}{time.time():.6f}", flush=True)
    if quit:
        app.quit()


def child_empty() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("empty")
    window.resize(1366, 768)

    def ready() -> None:
        _finish(app)

    ready.due = lambda: True  # type: ignore[attr-defined]
    _report_when_painted(window, ready)
    window.show()
    app.exec()


def child_app(data_dir: str) -> None:
    os.environ["CHANG_SHAN_NO_DEMO"] = "1"
    from chang_shan.ui import app as app_module

    show_window = app_module.show_window

    def watched(window) -> None:  # noqa: ANN001
        from PySide6.QtWidgets import QApplication

        table = window.population.table
        model = window.population.model
        done = {"painted": False, "complete": False}

        def ready() -> None:
            done["painted"] = True
            _finish(QApplication.instance(), quit=done["complete"])

        def complete(_count: int) -> None:
            print(f"{COMPLETE}{time.time():.6f}", flush=True)
            done["complete"] = True
            if done["painted"]:
                QApplication.instance().quit()

        model.loaded.connect(complete)
        ready.due = lambda: model.rowCount() > 0  # type: ignore[attr-defined]
        _report_when_painted(table.viewport(), ready)
        show_window(window)

    app_module.show_window = watched
    from chang_shan.cli import main

    sys.exit(main(["--data-dir", data_dir]))


# --- where the time goes ----------------------------------------------------------------------

# Each import alone in a fresh interpreter (what it costs on top of Python's own start-up).
BREAKDOWN = (
    ("Python itself", "pass"),
    ("PySide6 (QtWidgets)", "import PySide6.QtWidgets"),
    ("SQLAlchemy (orm)", "import sqlalchemy.orm"),
    ("alembic (migration check)", "import alembic.command, alembic.script"),
    ("pypinyin", "import pypinyin"),
    ("chang_shan.db.database", "import chang_shan.db.database"),
    ("chang_shan.population.query", "import chang_shan.population.query"),
    ("chang_shan.ui.main_window", "import chang_shan.ui.main_window"),
)


def breakdown(runs: int) -> list[tuple[str, float]]:
    figures = []
    for label, statement in BREAKDOWN:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
        figures.append((label, statistics.median(samples)))
    return figures


# --- the parent --------------------------------------------------------------------------------

def measure(kind: str, data_dir: str, env: dict[str, str]) -> tuple[float, float | None]:
    """(seconds to the usable window, seconds until the full id list was loaded — app only)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--data-dir", data_dir]
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    found = {}
    for line in result.stdout.splitlines():
        for tag in (READY, COMPLETE):
            if line.startswith(tag):
                found[tag] = float(line[len(tag):]) - started
    if result.returncode != 0 or READY not in found:
        raise SystemExit(f"{kind} run failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return found[READY], found.get(COMPLETE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="a data folder holding the demo at --scale 15")
    parser.add_argument("--runs", type=int, default=9, help="measurements of each kind (default 9)")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--breakdown", action="store_true", help="also time each big import in a fresh process")
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
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform)
    measure("empty", args.data_dir, env)  # warm-up: load libraries and the database into the cache
    measure("app", args.data_dir, env)
    times: dict[str, list[float]] = {"empty": [], "app": [], "app_full_list": []}
    for _ in range(args.runs):
        times["empty"].append(measure("empty", args.data_dir, env)[0])
        usable, full = measure("app", args.data_dir, env)
        times["app"].append(usable)
        if full is not None:
            times["app_full_list"].append(full)
    empty, app = statistics.median(times["empty"]), statistics.median(times["app"])
    full_list = statistics.median(times["app_full_list"]) if times["app_full_list"] else float("nan")
    ratio = app / empty
    figures = {
        "platform": args.platform, "runs": args.runs,
        "empty_median_s": round(empty, 3), "app_median_s": round(app, 3), "ratio": round(ratio, 2),
        "app_full_list_median_s": round(full_list, 3),
        "target_ratio": TARGET_RATIO, "ok": ratio <= TARGET_RATIO,
        "empty_s": [round(t, 3) for t in times["empty"]], "app_s": [round(t, 3) for t in times["app"]],
    }
    if args.breakdown:
        figures["imports_median_s"] = {label: round(t, 3) for label, t in breakdown(args.runs)}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print(f"platform {args.platform}, {args.runs} runs each, fresh processes")
        print(f"empty QMainWindow shown      median {empty * 1000:7.0f} ms   {sorted(round(t * 1000) for t in times['empty'])}")
        print(f"chang-shan usable window     median {app * 1000:7.0f} ms   {sorted(round(t * 1000) for t in times['app'])}")
        print(f"  … full id list loaded      median {full_list * 1000:7.0f} ms")
        print(f"ratio {ratio:.2f} (target ≤ {TARGET_RATIO})  {'OK' if figures['ok'] else 'MISSED'}")
        for label, seconds in figures.get("imports_median_s", {}).items():
            print(f"  process with only  {label:32s} {seconds * 1000:6.0f} ms")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
