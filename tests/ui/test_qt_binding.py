"""The Qt binding must not leak references to ``None``/``True`` (PySide6 6.12.0 did, and CPython 3.11
then aborts mid-session with "Fatal Python error: bool_dealloc"). Runs in a fresh interpreter so
a leak, or the abort itself, cannot take the test session down."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel

    class Emitter(QObject):
        fired = Signal()

    app = QApplication([])
    emitter, label = Emitter(), QLabel()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(2000):
        emitter.fired.emit()
        label.setText("长山")
    print(sys.getrefcount(True) - true_before, sys.getrefcount(None) - none_before)
    """
)


@pytest.mark.gui
def test_signals_and_void_calls_do_not_leak_singletons() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    true_leak, none_leak = (int(v) for v in result.stdout.split())
    assert true_leak < 50, f"Signal.emit leaks references to True ({true_leak} per 2000)"
    assert none_leak < 50, f"void calls leak references to None ({none_leak} per 2000)"
