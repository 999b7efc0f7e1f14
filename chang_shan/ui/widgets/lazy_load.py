"""A screen or tab that loads the first time it is shown: ``start()`` loads once and afterwards
only tells its status again (the status bar follows the screen on view); ``refresh()`` (F5)
reloads. The class provides ``reload()`` and ``show_status()``."""

from __future__ import annotations


class LoadsWhenShown:
    _started = False

    def reload(self) -> None:
        raise NotImplementedError

    def show_status(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.reload()
        else:
            self.show_status()

    def refresh(self) -> None:
        """F5."""
        self._started = True
        self.reload()
