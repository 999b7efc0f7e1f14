"""One running program per data folder: a second instance is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from chang_shan.errors import AlreadyRunning


class DataFolderLock:
    def __init__(self, path: Path) -> None:
        self._lock = FileLock(str(path), timeout=0, is_singleton=False, thread_local=False)

    def acquire(self) -> "DataFolderLock":
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise AlreadyRunning(
                "长山已经在使用这个数据文件夹（可能在另一个窗口中打开）。请先关闭另一个窗口再试。"
            ) from exc
        return self

    def release(self) -> None:
        self._lock.release(force=True)

    def __enter__(self) -> "DataFolderLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
