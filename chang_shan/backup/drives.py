"""Removable drives (U盘) a backup can go to, for the backup dialog's list. No Qt.

    removable_drives() -> [Drive(path, label, free_bytes, total_bytes, filesystem), …]

- **Linux**: the mounted filesystems (``/proc/self/mounts``) under ``/media``, ``/run/media`` or
  ``/mnt`` whose block device is removable (``/sys/block/<disk>/removable`` is 1) or hangs off a
  USB bus (its ``/sys`` device path passes a ``usb…`` node: USB hard disks report removable = 0).
  The label is the volume label (``/dev/disk/by-label``), else the mount point's name (udisks
  mounts at ``/media/<user>/<LABEL>``).
- **Windows**: ``GetLogicalDrives`` and ``GetDriveTypeW == DRIVE_REMOVABLE``, then
  ``GetVolumeInformationW`` (label, file system; an empty card-reader slot answers no and is left
  out) and ``GetDiskFreeSpaceExW``. A USB hard disk counts as a fixed drive there: 其他文件夹… picks it.

The roots (``/proc`` file, ``/sys``, ``/dev``, the mount roots) and the Windows ``kernel32`` are
parameters so that tests run against a fake tree. A drive that cannot be read (pulled out while
listed) is left out, never an error: the list is a convenience, the backup checks its target again.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chang_shan.backup.target import FAT32_LIMIT, is_fat

MOUNT_ROOTS = ("/media", "/run/media", "/mnt")
DRIVE_REMOVABLE = 2  # GetDriveTypeW
SEM_FAILCRITICALERRORS = 0x0001  # no "插入磁盘" box for an empty card-reader slot
_NAMES = {"vfat": "FAT32", "fat32": "FAT32", "msdos": "FAT", "exfat": "exFAT", "ntfs": "NTFS",
          "ntfs3": "NTFS", "fuseblk": "NTFS", "hfsplus": "HFS+", "iso9660": "光盘"}


@dataclass(frozen=True)
class Drive:
    path: Path  # where a backup goes: the mount point, or 'E:\\'
    label: str  # the volume label ('KINGSTON'), or the mount point's name
    free_bytes: int
    total_bytes: int
    filesystem: str  # as the system names it: 'vfat', 'exfat', 'ntfs', 'FAT32' …

    @property
    def is_fat32(self) -> bool:
        return is_fat(self.filesystem)

    @property
    def filesystem_name(self) -> str:
        """FAT32 / exFAT / NTFS / ext4 …, as a user knows it."""
        return _NAMES.get(self.filesystem.lower(), self.filesystem)

    def describe(self) -> str:
        """'KINGSTON（/media/li/KINGSTON）剩余 3.2 GB，共 14.9 GB，FAT32'"""
        return (f"{self.label}（{self.path}）剩余 {format_bytes(self.free_bytes)}，共 {format_bytes(self.total_bytes)}，"
                f"{self.filesystem_name}")

    def too_small_for(self, size: int) -> str:
        """Why a backup of about ``size`` bytes cannot go here ('' when it can)."""
        if self.is_fat32 and size > FAT32_LIMIT:
            return (f"这个U盘是 FAT32 格式，单个文件不能超过 4 GB，而备份约 {format_bytes(size)}。"
                    "请换一个 exFAT 或 NTFS 格式的U盘。")
        if size > self.free_bytes:
            return f"U盘剩余空间 {format_bytes(self.free_bytes)}，不够存放约 {format_bytes(size)} 的备份。"
        return ""


def format_bytes(size: int) -> str:
    """1536 → '1.5 KB'; 3_435_973_837 → '3.2 GB' (binary units, as Windows' Explorer counts)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    if unit == "B":
        return f"{size} B"
    return f"{value:.1f} {unit}"


def removable_drives(*, platform: str | None = None, mounts: Path = Path("/proc/self/mounts"),
                     sys_root: Path = Path("/sys"), dev_root: Path = Path("/dev"),
                     mount_roots: Sequence[str | Path] = MOUNT_ROOTS, kernel32: Any = None) -> list[Drive]:
    """The mounted removable drives, by path."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return windows_drives(kernel32)
    if platform.startswith("linux"):
        return linux_drives(mounts=mounts, sys_root=sys_root, dev_root=dev_root, mount_roots=mount_roots)
    return []


# --- Linux ------------------------------------------------------------------------------------

def _unescape(field: str) -> str:
    r"""/proc/mounts writes a space in a path as \040 (and tab, newline, backslash likewise)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _under(path: str, roots: Iterable[str | Path]) -> bool:
    return any(Path(path).is_relative_to(Path(root)) and Path(path) != Path(root) for root in roots)


def _device_name(device: str, dev_root: Path) -> str | None:
    """'/dev/sdb1' → 'sdb1'; '/dev/disk/by-uuid/…' → the node it links to; None for 'tmpfs' …"""
    if not device.startswith("/dev/"):
        return None
    node = dev_root / device[len("/dev/"):]
    if node.is_symlink():
        node = node.resolve()
    return node.name


def _disk_path(name: str, sys_root: Path) -> Path | None:
    """The /sys device folder of the whole disk holding block device ``name`` (sdb1 → …/block/sdb)."""
    node = sys_root / "class" / "block" / name
    if not node.exists():
        return None
    real = node.resolve()
    return real.parent if (real / "partition").exists() else real


def _is_removable(disk: Path, sys_root: Path) -> bool:
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    try:
        parts = disk.relative_to(sys_root.resolve()).parts
    except ValueError:
        parts = disk.parts
    return any(part.startswith("usb") for part in parts)


def _labels(dev_root: Path) -> dict[str, str]:
    """Device name → volume label, from /dev/disk/by-label (a label's spaces written as \\x20)."""
    folder = dev_root / "disk" / "by-label"
    labels: dict[str, str] = {}
    try:
        links = list(folder.iterdir())
    except OSError:
        return labels
    for link in links:
        try:
            target = link.resolve().name
        except OSError:
            continue
        labels[target] = _udev_unescape(link.name)
    return labels


def _udev_unescape(name: str) -> str:
    r"""udev writes a label's unsafe bytes as \xNN of its UTF-8: 'My\x20Stick', '\xe5\xa4\x87\xe4\xbb\xbd'."""
    raw = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), os.fsencode(name))
    return raw.decode("utf-8", "replace")


def linux_drives(*, mounts: Path = Path("/proc/self/mounts"), sys_root: Path = Path("/sys"),
                 dev_root: Path = Path("/dev"), mount_roots: Sequence[str | Path] = MOUNT_ROOTS) -> list[Drive]:
    try:
        lines = mounts.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except OSError:
        return []
    labels = _labels(dev_root)
    drives: dict[Path, Drive] = {}
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        device, where, fstype = _unescape(fields[0]), _unescape(fields[1]), fields[2]
        if not _under(where, mount_roots):
            continue
        name = _device_name(device, dev_root)
        disk = _disk_path(name, sys_root) if name else None
        if disk is None or not _is_removable(disk, sys_root):
            continue
        try:
            usage = shutil.disk_usage(where)
        except OSError:  # pulled out since it was mounted
            continue
        path = Path(where)
        drives[path] = Drive(path, labels.get(name or "", "") or path.name, usage.free, usage.total, fstype)
    return sorted(drives.values(), key=lambda d: str(d.path))


# --- Windows ----------------------------------------------------------------------------------

def windows_drives(kernel32: Any = None) -> list[Drive]:
    import ctypes

    if kernel32 is None:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    old_mode = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS)
    try:
        mask = kernel32.GetLogicalDrives()
        drives = []
        for index in range(26):
            if not mask & (1 << index):
                continue
            root = f"{chr(ord('A') + index)}:\\"
            if kernel32.GetDriveTypeW(root) != DRIVE_REMOVABLE:
                continue
            label = ctypes.create_unicode_buffer(261)
            filesystem = ctypes.create_unicode_buffer(261)
            if not kernel32.GetVolumeInformationW(root, label, 261, None, None, None, filesystem, 261):
                continue  # an empty slot of a card reader
            free, total = ctypes.c_ulonglong(0), ctypes.c_ulonglong(0)
            if not kernel32.GetDiskFreeSpaceExW(root, ctypes.byref(free), ctypes.byref(total), None):
                continue
            drives.append(Drive(Path(root), label.value or "可移动磁盘", free.value, total.value, filesystem.value))
        return drives
    finally:
        kernel32.SetErrorMode(old_mode)


def folder_bytes(folder: Path) -> int:
    """The size of every file under ``folder`` (0 when it is missing): for the backup's estimate."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total
