"""A ledger screen made of tabs (便民档案库, 党建与志愿者, 议事调解与物业): the tab on view loads the
first time it is shown and afterwards tells its status line again; F5 reloads it; the screen
passes on the status line of the tab on view as "<screen>·<tab's line>".

The class using it has ``title``, ``statusChanged`` and ``self.tabs`` (a QTabWidget), sets
``self._started = False``, connects ``tabs.currentChanged`` to ``_tab_changed`` and each tab's
``statusChanged`` to ``_tab_status(tab, text)``."""

from __future__ import annotations

from typing import Any


class TabbedScreen:
    title = ""
    _started = False
    tabs: Any
    statusChanged: Any

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
