"""The .csbak container: every truncation, byte flips (header included), reordered records, a
swapped header, wrong passphrase vs damage, a newer format, not a backup at all."""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

import pytest

from chang_shan.backup import container
from chang_shan.backup.container import DecryptingReader, EncryptingWriter, read_header
from chang_shan.errors import DamagedBackup, NewerBackup, NotABackup, WrongPassphrase

from conftest import PASSPHRASE

pytestmark = pytest.mark.usefixtures("fast_kdf")

HEADER = {"schema": "0006", "created": "2026-11-21T15:30:00+08:00", "app_version": "0.1.0",
          "counts": {"resident": 3}, "summary": {"residents": 3}}
PAYLOAD = ("王𠀀明 " * 40).encode("utf-8")  # 400 bytes: several records of 64


def make(payload: bytes = PAYLOAD, header: dict | None = None, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, header or HEADER, passphrase, chunk_size=64)
    writer.write(payload)
    writer.finish({"note": "test"})
    return out.getvalue()


def read_all(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    reader = DecryptingReader(io.BytesIO(data), passphrase)
    plain = reader.read()
    reader.drain()
    return plain


def head_length(data: bytes) -> int:
    _version, length = struct.unpack(">HI", data[8:14])
    return 14 + length + 32


def records(data: bytes) -> list[bytes]:
    found, at = [], head_length(data)
    while at < len(data):
        _kind, length = struct.unpack(">BI", data[at:at + 5])
        found.append(data[at:at + 5 + length])
        at += 5 + length
    return found


def test_round_trip_and_header_without_passphrase(tmp_path: Path) -> None:
    data = make()
    assert read_all(data) == PAYLOAD
    path = tmp_path / "a.csbak"
    path.write_bytes(data)
    header = read_header(path)
    assert (header.schema, header.app_version, header.summary) == ("0006", "0.1.0", {"residents": 3})
    assert PAYLOAD not in data and "王".encode() not in data[head_length(data):]  # encrypted
    assert len(records(data)) == 8  # 7 data records (400 / 64) and the final one


def test_every_truncation_is_detected() -> None:
    data = make()
    for length in range(len(data)):
        with pytest.raises(DamagedBackup):
            read_all(data[:length])


def test_every_byte_flip_is_detected_header_included() -> None:
    data = make()
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        expected = NotABackup if position < len(container.MAGIC) else DamagedBackup
        with pytest.raises(expected):
            read_all(bytes(damaged))


def test_reordered_dropped_and_duplicated_records_are_detected() -> None:
    data = make()
    head, parts = data[:head_length(data)], records(data)
    swapped = [parts[1], parts[0], *parts[2:]]
    dropped = [parts[0], *parts[2:]]
    doubled = [parts[0], *parts]
    no_end = parts[:-1]
    for variant in (swapped, dropped, doubled, no_end):
        with pytest.raises(DamagedBackup):
            read_all(head + b"".join(variant))
    with pytest.raises(DamagedBackup, match="多余"):
        read_all(data + b"\0")


def test_swapped_header_is_detected() -> None:
    first, second = make(), make(PAYLOAD[::-1])
    mixed = first[:head_length(first)] + second[head_length(second):]
    with pytest.raises(DamagedBackup):
        read_all(mixed)


def test_wrong_passphrase_and_damage_have_different_messages() -> None:
    data = make()
    with pytest.raises(WrongPassphrase) as wrong:
        read_all(data, "not the office passphrase")
    damaged = bytearray(data)
    damaged[-20] ^= 0xFF
    with pytest.raises(DamagedBackup) as broken:
        read_all(bytes(damaged))
    assert "备份密码不正确" in wrong.value.message
    assert "备份文件已损坏或不完整" in broken.value.message and broken.value.where
    assert wrong.value.message != broken.value.message


def _with_version(data: bytes, version: int) -> bytes:
    length = head_length(data) - 32
    head = data[:8] + struct.pack(">H", version) + data[10:length]
    return head + hashlib.sha256(head).digest() + data[length + 32:]


def test_newer_format_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "newer.csbak"
    path.write_bytes(_with_version(make(), container.FORMAT_VERSION + 1))
    with pytest.raises(NewerBackup, match="更新版本"):
        read_header(path)


def test_not_a_backup(tmp_path: Path) -> None:
    text = tmp_path / "notes.csbak"
    text.write_text("这不是备份", encoding="utf-8")
    for path in (text, tmp_path, tmp_path / "missing.csbak"):
        with pytest.raises(NotABackup):
            read_header(path)


def test_kdf_parameters_out_of_range_are_refused() -> None:
    # n above the ceiling would be a memory bomb: refused before deriving anything
    data = make()
    length = head_length(data) - 32
    body = data[14:length].replace(b'"n": 1024', b'"n": 1073741824')
    head = data[:10] + struct.pack(">I", len(body)) + body
    forged = head + hashlib.sha256(head).digest() + data[length + 32:]
    with pytest.raises(DamagedBackup, match="密钥参数"):
        read_all(forged)
