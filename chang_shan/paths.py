"""Where the program keeps its data: the one place that decides it.

Order: an explicit ``--data-dir``, then ``CHANG_SHAN_HOME``, then the platform's user data folder
(``~/.local/share/chang-shan`` on Linux, ``%LOCALAPPDATA%\\chang-shan`` on Windows).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from chang_shan import APP_NAME

ENV_HOME = "CHANG_SHAN_HOME"


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "chang-shan.sqlite3"

    @property
    def lock_file(self) -> Path:
        return self.root / "chang-shan.lock"

    @property
    def safety_copies(self) -> Path:
        return self.root / "safety-copies"

    @property
    def files(self) -> Path:
        """Photos and scans referenced from the database."""
        return self.root / "files"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.safety_copies, self.files, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    if explicit:
        return DataDir(Path(explicit).expanduser().resolve())
    env = os.environ.get(ENV_HOME)
    if env:
        return DataDir(Path(env).expanduser().resolve())
    return DataDir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, in ``_MEIPASS`` when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
