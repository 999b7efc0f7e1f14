"""Running ``chang-shan`` in a real process as an account of the test offices."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.accounts.office import PASSWORD


def chang_shan(data_dir: Path, command: str, *args: str, user: str | None) -> subprocess.CompletedProcess[str]:
    """``chang-shan --data-dir DATA_DIR COMMAND ARGS…`` signed in as ``user`` (None: no credentials),
    no terminal, nothing of the caller's CHANG_SHAN_* environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    env.update(PYTHONIOENCODING="utf-8", CHANG_SHAN_HOME=str(data_dir.parent / "home"))
    if user is not None:
        env.update(CHANG_SHAN_USER=user, CHANG_SHAN_PASSWORD=PASSWORD)
    return subprocess.run(
        [sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), command, *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
