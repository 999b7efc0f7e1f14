"""The folder a backup goes to: free space, its file system (FAT32's 4 GiB limit), and what a
failed write means in plain words.

``free_bytes`` and ``filesystem_of`` are module functions so tests can stand in for a full or a
FAT32 stick.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from pathlib import Path

from chang_shan.errors import BackupTargetProblem

FAT32_LIMIT = (1 << 32) - 1  # the largest file FAT32 can hold
FAT_NAMES = {"vfat", "msdos", "fat", "fat32", "fat16"}  # exFAT has no such limit
SPACE_MARGIN = 4 << 20


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def filesystem_of(folder: Path) -> str:
    """The file system type holding ``folder`` ('vfat', 'ext4', 'NTFS', 'FAT32' …; '' unknown)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        root = os.path.splitdrive(str(folder.resolve()))[0] + "\\"
        name = ctypes.create_unicode_buffer(64)
        if ctypes.windll.kernel32.GetVolumeInformationW(root, None, 0, None, None, None, name, 64):
            return name.value
        return ""
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    resolved, best, kind = str(folder.resolve()), "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = fields[1].replace("\\040", " ")
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, fields[2]
    return kind


def is_fat(filesystem: str) -> bool:
    return filesystem.lower() in FAT_NAMES


def _size(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{size / (1 << 20):.1f} MB"


def check_room(folder: Path, needed: int) -> None:
    """Refuse before writing when ``needed`` bytes (an upper bound) will not fit."""
    filesystem = filesystem_of(folder)
    if is_fat(filesystem) and needed > FAT32_LIMIT:
        raise BackupTargetProblem(
            f"备份约需 {_size(needed)}，而这个U盘是 FAT32 格式，单个文件不能超过 4 GB。"
            "请换一个 exFAT 或 NTFS 格式的U盘（或把U盘格式化为 exFAT）。没有写入任何文件。"
        )
    free = free_bytes(folder)
    if free < needed + SPACE_MARGIN:
        raise BackupTargetProblem(
            f"{folder} 的剩余空间不足：备份最多需要 {_size(needed + SPACE_MARGIN)}，只剩 {_size(free)}。"
            "请清理U盘或换一个。没有写入任何文件，已有的备份未受影响。"
        )


def write_failure(exc: OSError, folder: Path) -> BackupTargetProblem:
    """What a failed write to the target means, in one sentence per cause."""
    kept = "没有留下不完整的备份文件，已有的备份未受影响。"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return BackupTargetProblem(f"写入时 {folder} 的空间用完了，备份未完成。{kept}请清理U盘或换一个再试。")
    if exc.errno == errno.EFBIG:
        return BackupTargetProblem(f"备份文件超过了 {folder} 的单个文件大小上限（FAT32 为 4 GB），备份未完成。{kept}")
    if exc.errno == errno.EROFS or exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return BackupTargetProblem(f"无法写入 {folder}（只读或没有权限），备份未完成。{kept}")
    return BackupTargetProblem(
        f"写入 {folder} 时出错（{exc.strerror or exc}），U盘可能已被拔出或损坏，备份未完成。"
        "请重新插好U盘再试。"
    )
