"""The window: Qt widgets, models and dialogs. The only package that imports PySide6.

``app.run_gui`` starts it; ``main_window`` is a thin frame holding one screen per ledger
(``screens/``); list models live in ``models/``, reusable pieces in ``widgets/``, forms in
``dialogs/``. All database work goes through ``ops.Operations`` (one worker thread).
"""
