"""The window: Qt widgets, models and dialogs. The only package that imports PySide6.

``app.run_gui`` starts it; ``main_window`` is a thin frame holding one screen per ledger
(``screens/``); list models live in ``models/``, reusable pieces in ``widgets/``, forms in
``dialogs/``. All database work goes through ``ops.Operations`` (one worker thread).

PySide6 is pinned to 6.11.3: 6.12.0 leaks a reference to ``None`` on every void call and to ``True``
on every ``Signal.emit``, and on CPython 3.11 the interpreter aborts after a few hundred signals
("Fatal Python error: bool_dealloc"). tests/ui/test_qt_binding.py guards the pin.
"""
