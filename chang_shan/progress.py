"""Progress reporting shared by the CLI (a rich bar) and the GUI (a progress dialog).

Long work takes a ``Progress`` callable: ``progress(done, total, text)``; it may raise
``Cancelled`` when the user pressed cancel. Services never know which front end is listening.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Cancelled(Exception):
    """The user cancelled long work; whatever it was writing has been rolled back."""


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> None: ...


def no_progress(done: int, total: int, text: str = "") -> None:  # noqa: ARG001
    return None


@contextmanager
def cli_progress(title: str) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; silence otherwise (scripts, CI)."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

    with RichProgress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)

        def report(done: int, total: int, text: str = "") -> None:
            bar.update(task, completed=done, total=total, description=f"{title} {text}".strip())

        yield report
