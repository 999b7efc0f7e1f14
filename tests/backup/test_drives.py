"""Removable drives: a fake /proc/self/mounts, /sys and /dev tree (Linux) and a fake kernel32
(Windows), with real folders as the mount points so that free space is measured for real."""

from __future__ import annotations

import ctypes
import shutil
from pathlib import Path

import pytest

from chang_shan.backup.drives import (
    Drive,
    folder_bytes,
    format_bytes,
    linux_drives,
    removable_drives,
    windows_drives,
)
from chang_shan.backup.target import FAT32_LIMIT

PCI = "devices/pci0000:00/0000:00:14.0"


class FakeLinux:
    """A machine's /proc/self/mounts, /sys/class/block, /sys/block and /dev/disk/by-label."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sys = root / "sys"
        self.dev = root / "dev"
        self.media = root / "media"
        self.mounts = root / "mounts"
        self.lines: list[str] = []
        (self.sys / "class" / "block").mkdir(parents=True)
        (self.sys / "block").mkdir(parents=True)
        (self.dev / "disk" / "by-label").mkdir(parents=True)

    def disk(self, name: str, bus: str, *, removable: bool, partitions: tuple[str, ...] = ()) -> None:
        """A whole disk under ``bus`` (e.g. 'usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0' or 'ata1/host0/…')."""
        folder = self.sys / PCI / bus / "block" / name
        folder.mkdir(parents=True)
        (folder / "removable").write_text("1\n" if removable else "0\n")
        (self.sys / "block" / name).symlink_to(folder)
        (self.sys / "class" / "block" / name).symlink_to(folder)
        for part in partitions:
            (folder / part).mkdir()
            (folder / part / "partition").write_text("1\n")
            (self.sys / "class" / "block" / part).symlink_to(folder / part)

    def mount(self, device: str, where: str, fstype: str, *, label: str | None = None) -> Path:
        """Mount ``device`` (a /dev path) at ``where`` below the fake root; a label in by-label."""
        path = self.root / where
        path.mkdir(parents=True, exist_ok=True)
        escaped = str(path).replace(" ", "\\040")
        self.lines.append(f"{device} {escaped} {fstype} rw,nosuid,nodev,relatime 0 0")
        self.mounts.write_text("\n".join(self.lines) + "\n")
        if label is not None:
            (self.dev / "disk" / "by-label" / label).symlink_to(self.dev / device.removeprefix("/dev/"))
        return path

    def drives(self) -> list[Drive]:
        return linux_drives(mounts=self.mounts, sys_root=self.sys, dev_root=self.dev,
                            mount_roots=(self.media, self.root / "run" / "media", self.root / "mnt"))


@pytest.fixture
def machine(tmp_path: Path) -> FakeLinux:
    fake = FakeLinux(tmp_path / "usb-machine")  # 'usb' in the folder's name must not count as a USB bus
    fake.disk("sda", "ata1/host0/target0:0:0/0:0:0:0", removable=False, partitions=("sda1", "sda2"))
    fake.mount("/dev/sda1", "root-fs", "ext4")
    return fake


def test_a_usb_stick_under_media_is_listed_with_label_space_and_filesystem(machine: FakeLinux) -> None:
    machine.disk("sdb", "usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0", removable=True, partitions=("sdb1",))
    where = machine.mount("/dev/sdb1", "media/li/KINGSTON", "vfat", label="KINGSTON")
    (where / "old.csbak").write_bytes(b"x" * 1000)
    [drive] = machine.drives()
    usage = shutil.disk_usage(where)
    assert (drive.path, drive.label, drive.filesystem) == (where, "KINGSTON", "vfat")
    assert drive.total_bytes == usage.total and abs(drive.free_bytes - usage.free) < 64 * 1024**2
    assert drive.is_fat32 and drive.filesystem_name == "FAT32"
    assert drive.describe().startswith(f"KINGSTON（{where}）剩余 ") and drive.describe().endswith("，FAT32")


def test_internal_disks_tmpfs_and_mounts_elsewhere_are_left_out(machine: FakeLinux) -> None:
    machine.mount("/dev/sda2", "mnt/data", "ext4")  # an internal disk mounted under /mnt
    machine.mount("tmpfs", "media/ram", "tmpfs")  # not a block device
    machine.disk("sdc", "usb2/2-1/2-1:1.0/host7/target7:0:0/7:0:0:0", removable=True, partitions=("sdc1",))
    machine.mount("/dev/sdc1", "srv/stick", "vfat")  # a stick mounted outside the mount roots
    machine.mount("/dev/sdz1", "media/gone", "vfat")  # no such device in /sys (pulled out)
    assert machine.drives() == []


def test_a_usb_hard_disk_that_says_not_removable_counts_by_its_bus(machine: FakeLinux) -> None:
    machine.disk("sdd", "usb2/2-3/2-3:1.0/host8/target8:0:0/8:0:0:0", removable=False, partitions=("sdd1",))
    where = machine.mount("/dev/sdd1", "run/media/li/备份 盘", "exfat")
    [drive] = machine.drives()
    assert (drive.path, drive.label, drive.filesystem_name, drive.is_fat32) == (where, "备份 盘", "exFAT", False)


def test_a_removable_card_without_partitions_and_a_label_written_by_udev(machine: FakeLinux) -> None:
    machine.disk("mmcblk0", "mmc_host/mmc0/mmc0:aaaa", removable=True)
    machine.mount("/dev/mmcblk0", "media/li/CARD", "ntfs3")
    link = machine.dev / "disk" / "by-label" / r"\xe5\xa4\x87\xe4\xbb\xbd\x20A"
    link.symlink_to(machine.dev / "mmcblk0")
    [drive] = machine.drives()
    assert (drive.label, drive.filesystem_name) == ("备份 A", "NTFS")


def test_drives_come_sorted_and_a_mount_listed_twice_counts_once(machine: FakeLinux) -> None:
    machine.disk("sdb", "usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0", removable=True, partitions=("sdb1",))
    machine.disk("sdc", "usb1/1-3/1-3:1.0/host7/target7:0:0/7:0:0:0", removable=True, partitions=("sdc1",))
    machine.mount("/dev/sdc1", "media/li/B", "vfat")
    machine.mount("/dev/sdb1", "media/li/A", "vfat")
    machine.mount("/dev/sdb1", "media/li/A", "vfat")
    assert [d.label for d in machine.drives()] == ["A", "B"]


def test_unreadable_mounts_file_gives_no_drives(tmp_path: Path) -> None:
    assert linux_drives(mounts=tmp_path / "missing", sys_root=tmp_path, dev_root=tmp_path) == []
    assert removable_drives(platform="darwin") == []


def test_the_platform_picks_the_linux_reader(machine: FakeLinux) -> None:
    machine.disk("sdb", "usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0", removable=True, partitions=("sdb1",))
    machine.mount("/dev/sdb1", "media/li/STICK", "vfat")
    found = removable_drives(platform="linux", mounts=machine.mounts, sys_root=machine.sys, dev_root=machine.dev,
                             mount_roots=(machine.media,))
    assert [d.label for d in found] == ["STICK"]


class FakeKernel32:
    """GetLogicalDrives & co. as Windows answers them: C: fixed, E: a stick, F: an empty card slot,
    G: a CD drive."""

    def __init__(self) -> None:
        self.types = {"C:\\": 3, "E:\\": 2, "F:\\": 2, "G:\\": 5}
        self.volumes = {"C:\\": ("系统", "NTFS"), "E:\\": ("办公室U盘", "FAT32")}
        self.space = {"C:\\": (100, 200), "E:\\": (3 * 1024**3, 16 * 1024**3)}
        self.error_modes: list[int] = []

    def SetErrorMode(self, mode: int) -> int:  # noqa: N802 - Windows' names
        self.error_modes.append(mode)
        return 0x8000 if len(self.error_modes) == 1 else 0

    def GetLogicalDrives(self) -> int:  # noqa: N802
        return sum(1 << (ord(root[0]) - ord("A")) for root in self.types)

    def GetDriveTypeW(self, root: str) -> int:  # noqa: N802
        return self.types[root]

    def GetVolumeInformationW(self, root, label, label_size, serial, max_len, flags, fs, fs_size):  # noqa: ANN001, ANN201, N802, PLR0913
        if root not in self.volumes:
            return 0
        assert (label_size, fs_size) == (ctypes.sizeof(label) // ctypes.sizeof(ctypes.c_wchar),) * 2
        label.value, fs.value = self.volumes[root]
        return 1

    def GetDiskFreeSpaceExW(self, root, free, total, total_free):  # noqa: ANN001, ANN201, N802
        free._obj.value, total._obj.value = self.space[root]
        return 1


def test_windows_lists_the_removable_drives_with_a_volume() -> None:
    kernel32 = FakeKernel32()
    drives = windows_drives(kernel32)
    assert drives == [Drive(Path("E:\\"), "办公室U盘", 3 * 1024**3, 16 * 1024**3, "FAT32")]
    assert drives[0].is_fat32
    assert kernel32.error_modes == [1, 0x8000]  # no "insert a disk" box, and the old mode put back
    assert removable_drives(platform="win32", kernel32=kernel32) == drives


def test_fat32_limit_and_space_are_told_apart() -> None:
    stick = Drive(Path("/media/li/S"), "S", 10 * 1024**3, 16 * 1024**3, "vfat")
    assert stick.too_small_for(FAT32_LIMIT) == ""
    assert "FAT32" in stick.too_small_for(FAT32_LIMIT + 1) and "4 GB" in stick.too_small_for(FAT32_LIMIT + 1)
    big = Drive(Path("/media/li/B"), "B", 1024**3, 64 * 1024**3, "exfat")
    assert big.too_small_for(5 * 1024**3) == "U盘剩余空间 1.0 GB，不够存放约 5.0 GB 的备份。"
    assert big.too_small_for(1024**3) == ""


def test_sizes_in_words_and_folder_sizes(tmp_path: Path) -> None:
    assert [format_bytes(n) for n in (0, 1023, 1536, 5 * 1024**2, 3_435_973_837, 2 * 1024**4)] == [
        "0 B", "1023 B", "1.5 KB", "5.0 MB", "3.2 GB", "2048.0 GB"]
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.jpg").write_bytes(b"1" * 300)
    (tmp_path / "a" / "b" / "y.png").write_bytes(b"2" * 700)
    assert folder_bytes(tmp_path / "a") == 1000
    assert folder_bytes(tmp_path / "missing") == 0
