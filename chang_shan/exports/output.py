"""Writing an output file so that a failure leaves nothing behind.

The file is written under a temporary name in the folder it is meant for, then renamed over the
final name in one step (``os.replace``): a cancelled or failed export never leaves half a file,
and never destroys an older file of the same name. The folder is checked before any work.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from chang_shan.errors import DomainError


def _suffix_list(suffixes: Iterable[str]) -> str:
    return "、".join(suffixes)


def check_target(path: str | os.PathLike[str], suffixes: Iterable[str]) -> Path:
    """The absolute output path, or ``DomainError`` (a one-line reason) when its suffix is not
    one of ``suffixes`` (like ``.xlsx``), its folder does not exist or it is a folder."""
    suffixes = tuple(suffixes)
    target = Path(path).expanduser()
    if target.suffix.lower() not in suffixes:
        shown = target.suffix or "（无扩展名）"
        raise DomainError(f"不支持的文件类型 {shown}：输出文件应以 {_suffix_list(suffixes)} 结尾。")
    target = target.absolute()
    if target.is_dir():
        raise DomainError(f"{target} 是一个文件夹，请给出文件名。")
    if not target.parent.is_dir():
        raise DomainError(f"无法写入 {target}：文件夹 {target.parent} 不存在。")
    return target


class AtomicFile:
    """``with AtomicFile(target) as part: write to part.temp; part.commit()``.

    Without ``commit()`` (an exception, a cancel) the temporary file is removed. ``commit`` may
    be called inside a database transaction, so that the rename and the audit entry succeed or
    fail together (``undo_commit`` takes the file back when the transaction then fails).
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temp: Path | None = None
        self.committed = False

    def __enter__(self) -> "AtomicFile":
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.target.stem[:40]}.", suffix=".part",
                                            dir=self.target.parent)
        except OSError as exc:
            raise DomainError(f"无法写入 {self.target}：{exc.strerror or exc}。") from exc
        os.close(handle)
        self.temp = Path(name)
        return self

    def commit(self) -> None:
        assert self.temp is not None
        try:
            os.replace(self.temp, self.target)
        except OSError as exc:
            raise DomainError(f"无法写入 {self.target}：{exc.strerror or exc}。") from exc
        self.committed = True

    def undo_commit(self) -> None:
        if self.committed:
            self.target.unlink(missing_ok=True)
            self.committed = False

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None:
            self.undo_commit()
        if not self.committed and self.temp is not None:
            self.temp.unlink(missing_ok=True)
