"""A ledger screen made of tabs (便民档案库, 党建与志愿者, 议事调解与物业): the tab on view loads the
first time it is shown and afterwards tells its status line again; F5 reloads it; the screen
passes on the status line of the tab on view as "<screen>·<tab's line>".

The class using it (a QWidget with ``title`` and ``statusChanged``) calls ``build_tabs(name,
[(tab, title), …])`` in its ``__init__``: that makes ``self.tabs`` (a QTabWidget filling the
screen) and connects each tab's ``statusChanged``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout


class TabbedScreen:
    title = ""
    _started = False
    tabs: Any
    statusChanged: Any

    def build_tabs(self, name: str, pairs: Sequence[tuple[Any, str]]) -> QTabWidget:
        self._started = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName(name)
        for tab, title in pairs:
            self.tabs.addTab(tab, title)
            tab.statusChanged.connect(lambda text, tab=tab: self._tab_status(tab, text))
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        layout = QVBoxLayout(self)  # type: ignore[arg-type] - the class using this is a QWidget
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)
        return self.tabs

    def current_tab(self) -> Any:
        return self.tabs.currentWidget()

    def start(self) -> None:
        """The tab on view loads the first time; afterwards its status line comes back."""
        self._started = True
        self.current_tab().start()

    def refresh(self) -> None:
        """F5: the tab on view reads everything again."""
        self._started = True
        self.current_tab().refresh()

    def _tab_changed(self) -> None:
        if self._started:
            self.current_tab().start()

    def _tab_status(self, tab: Any, text: str) -> None:
        if tab is self.current_tab():
            self.statusChanged.emit(f"{self.title}·{text}" if text else self.title)
