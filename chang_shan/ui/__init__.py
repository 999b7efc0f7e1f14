"""The window: Qt widgets, models and dialogs. The only package that imports PySide6.

``app.run_gui`` starts it; ``main_window`` is a thin frame holding one screen per ledger
(``screens/``); list models live in ``models/``, reusable pieces in ``widgets/``, forms in
``dialogs/``. All database work goes through ``ops.Operations`` (one worker thread).

A guard against a PySide6 refcount bug runs on import (below), before any widget exists.
"""

from __future__ import annotations

import sys

# PySide6 6.12.0 under CPython 3.11 (measured, PySide6-Essentials 6.12.0, Python 3.11.7): every call
# of a ``void`` C++ method (``setText``, ``update``, ``QTimer.singleShot`` …) takes one reference
# from ``None`` without having given it, and every ``Signal.emit`` takes one from ``True``. ``True``
# starts with about 600 references, ``None`` with about 5,500: after a few hundred signals or a few
# thousand calls the interpreter aborts ("Fatal Python error: bool_dealloc / none_dealloc") — in a
# long session, mid-work. Python 3.12 made these objects immortal (PEP 683), so the bug is harmless
# there; on 3.11 we give them the same treatment: a reference count no session can exhaust. The
# real fix is a PySide6 without the bug or Python ≥ 3.12; this guard then does nothing harmful.
_IMMORTAL_REFS = 1 << 40


def _make_singletons_immortal() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import ctypes

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (release builds).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _IMMORTAL_REFS
    return True


SINGLETONS_GUARDED = _make_singletons_immortal()
