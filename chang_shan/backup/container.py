"""The ``.csbak`` file: a header anyone can read, then the payload encrypted in authenticated chunks.

Layout (all integers big-endian)::

    MAGIC (8 bytes)  b"CSBAK\\r\\n\\x1a"   (a text-mode copy or a wrong file shows at once)
    version (u16)    FORMAT_VERSION
    length (u32)     of the header JSON (at most MAX_HEADER bytes)
    header (JSON, UTF-8)
    SHA-256 of everything above (32 bytes): a plain checksum, so that a damaged header is told
                     apart from a wrong passphrase
    records:         kind (u8: 0 data, 1 final) · length (u32) · AES-256-GCM ciphertext + tag

The preamble, the header and its checksum keep this layout in every format version, so a newer
file is always recognised and refused by name (``NewerBackup``).

Key: scrypt (the header's salt, n, r, p) gives 64 bytes: the first 32 are the AES-256 key, the
SHA-256 of the last 32 is stored in the header as ``key_check`` — a wrong passphrase is recognised
without touching the data (and says nothing about the AES key).

Record ``i``: nonce = i (8 bytes) · kind (1 byte) · 3 zero bytes; associated data = SHA-256 of the
header bytes · i · kind. Every file has its own random salt and so its own key, so a counter nonce
never repeats under one key. Reordered, dropped, duplicated or altered records fail their tag; a
file cut after any record lacks its final record; bytes after the final record are refused; a
header from another file changes the associated data (and the key). The final record holds the
trailer: the payload's length and SHA-256, checked once the whole payload has been read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
from base64 import b64decode, b64encode
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from chang_shan.errors import DamagedBackup, NewerBackup, NotABackup, WrongPassphrase

MAGIC = b"CSBAK\r\n\x1a"
FORMAT_VERSION = 1
MAX_HEADER = 1 << 20
CHUNK_SIZE = 1 << 20  # plaintext bytes per data record
TAG = 16
_PREAMBLE = struct.Struct(">HI")
_RECORD = struct.Struct(">BI")
DATA, FINAL = 0, 1

# scrypt cost: n = 2**15, r = 8 (32 MiB, about 0.1 s here). Kept in the header so it can rise later;
# a file asking for more than SCRYPT_MAX_N is refused as damaged (never a memory bomb).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
SCRYPT_MIN_N, SCRYPT_MAX_N = 1 << 10, 1 << 20


@dataclass(frozen=True)
class BackupHeader:
    """What a backup says about itself, readable without the passphrase (shown before a restore)."""

    format_version: int
    schema: str  # Alembic revision of the database inside
    created: str  # ISO 8601 with the UTC offset
    app_version: str
    counts: dict[str, int]  # rows per table
    summary: dict[str, int]  # the figures shown to people (residents, households, files …)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)


def _damaged(where: str) -> DamagedBackup:
    return DamagedBackup(f"备份文件已损坏或不完整：{where}。请换一份备份，或重新备份。", where=where)


def derive_keys(passphrase: str, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    """(AES key, key check) from the passphrase and the header's KDF parameters."""
    salt = b64decode(kdf["salt"])
    material = Scrypt(salt=salt, length=64, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(
        passphrase.encode("utf-8"))
    return material[:32], hashlib.sha256(material[32:]).digest()


def new_kdf() -> dict[str, Any]:
    return {"name": "scrypt", "salt": b64encode(os.urandom(16)).decode("ascii"),
            "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}


def _nonce(index: int, kind: int) -> bytes:
    return struct.pack(">QB", index, kind) + b"\0\0\0"


def _aad(header_digest: bytes, index: int, kind: int) -> bytes:
    return header_digest + struct.pack(">QB", index, kind)


def write_all(handle: BinaryIO, data: bytes) -> None:
    """Every byte written to a backup file goes through here (tests make it fail midway)."""
    handle.write(data)


class EncryptingWriter(io.RawIOBase):
    """A write-only stream: plaintext in, header and encrypted records out to ``handle``."""

    def __init__(self, handle: BinaryIO, header: dict[str, Any], passphrase: str, *,
                 chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        kdf = new_kdf()
        key, check = derive_keys(passphrase, kdf)
        header = {**header, "format": FORMAT_VERSION, "kdf": kdf, "cipher": "AES-256-GCM",
                  "chunk_size": chunk_size, "key_check": b64encode(check).decode("ascii")}
        body = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if len(body) > MAX_HEADER:
            raise ValueError("backup header too large")
        head = MAGIC + _PREAMBLE.pack(FORMAT_VERSION, len(body)) + body
        self._digest = hashlib.sha256(head).digest()  # the header's checksum, bound to every record
        head += self._digest
        self._handle = handle
        self._aead = AESGCM(key)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._payload = hashlib.sha256()
        self.payload_bytes = 0
        self.bytes_out = 0
        self._emit(head)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        self._payload.update(data)
        self.payload_bytes += len(data)
        while len(self._buffer) >= self._chunk_size:
            self._record(DATA, bytes(self._buffer[: self._chunk_size]))
            del self._buffer[: self._chunk_size]
        return len(data)

    def finish(self, trailer: dict[str, Any] | None = None) -> dict[str, Any]:
        """Write the rest and the final record (the trailer); returns the trailer."""
        if self._buffer:
            self._record(DATA, bytes(self._buffer))
            self._buffer.clear()
        trailer = {**(trailer or {}), "payload_bytes": self.payload_bytes,
                   "payload_sha256": self._payload.hexdigest(), "records": self._index}
        self._record(FINAL, json.dumps(trailer, sort_keys=True).encode("utf-8"))
        return trailer

    def _record(self, kind: int, plaintext: bytes) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, kind), plaintext, _aad(self._digest, self._index, kind))
        self._emit(_RECORD.pack(kind, len(sealed)) + sealed)
        self._index += 1

    def _emit(self, data: bytes) -> None:
        write_all(self._handle, data)
        self.bytes_out += len(data)


def _read_exact(handle: BinaryIO, size: int, where: str) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise _damaged(where)
    return data


def _read_head(handle: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """The header JSON and the SHA-256 of the header bytes; ``NotABackup``, ``DamagedBackup`` or
    ``NewerBackup`` otherwise."""
    magic = handle.read(len(MAGIC))
    if magic != MAGIC:
        if MAGIC.startswith(magic):
            raise _damaged("文件在开头就中断了" if magic else "文件是空的")
        raise NotABackup("这不是长山备份文件（文件开头不对）。请选择扩展名为 .csbak 的备份文件。")
    preamble = _read_exact(handle, _PREAMBLE.size, "文件头不完整")
    version, length = _PREAMBLE.unpack(preamble)
    if length > MAX_HEADER:
        raise _damaged("文件头长度不对")
    body = _read_exact(handle, length, "文件头不完整")
    checksum = _read_exact(handle, 32, "文件头不完整")
    head = magic + preamble + body
    if hashlib.sha256(head).digest() != checksum:
        raise _damaged("文件头校验失败")
    try:
        header = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged("文件头无法读取") from None
    if not isinstance(header, dict):
        raise _damaged("文件头无法读取")
    if version > FORMAT_VERSION:
        raise NewerBackup(
            f"这个备份由更新版本的长山程序（{header.get('app_version', '?')}）生成（格式版本 {version}），"
            "本程序无法读取。请安装最新版本的长山后再试。"
        )
    if version != header.get("format"):
        raise _damaged("文件头版本不一致")
    return header, checksum


def _header_of(raw: dict[str, Any]) -> BackupHeader:
    try:
        return BackupHeader(
            format_version=int(raw["format"]), schema=str(raw["schema"]), created=str(raw["created"]),
            app_version=str(raw["app_version"]),
            counts={str(k): int(v) for k, v in raw["counts"].items()},
            summary={str(k): int(v) for k, v in raw.get("summary", {}).items()}, raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _damaged("文件头内容不全") from None


def read_header(path: str | os.PathLike[str]) -> BackupHeader:
    """The header of a backup file, without the passphrase (what a restore shows first)."""
    with _open(path) as handle:
        raw, _ = _read_head(handle)
    return _header_of(raw)


def _open(path: str | os.PathLike[str]) -> BinaryIO:
    target = Path(path)
    if target.is_dir():
        raise NotABackup(f"{target} 是一个文件夹，不是长山备份文件。")
    try:
        return open(target, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise NotABackup(f"找不到备份文件 {target}。") from None


class DecryptingReader(io.RawIOBase):
    """A read-only stream of the payload; the trailer is checked when the end is reached.

    ``open_backup(path, passphrase)`` makes one; read it to the end (``drain``) before trusting it.
    """

    def __init__(self, handle: BinaryIO, passphrase: str) -> None:
        super().__init__()
        raw, digest = _read_head(handle)
        self.header = _header_of(raw)
        kdf = raw.get("kdf")
        try:
            if not (isinstance(kdf, dict) and kdf.get("name") == "scrypt"
                    and SCRYPT_MIN_N <= int(kdf["n"]) <= SCRYPT_MAX_N and 1 <= int(kdf["r"]) <= 32
                    and 1 <= int(kdf["p"]) <= 16):
                raise _damaged("文件头中的密钥参数不对")
            key, check = derive_keys(passphrase, kdf)
            expected = b64decode(raw["key_check"])
            self._max_record = int(raw["chunk_size"]) + TAG
        except (KeyError, TypeError, ValueError):
            raise _damaged("文件头中的密钥参数不对") from None
        if check != expected:
            raise WrongPassphrase("备份密码不正确。请输入备份时设置的密码。")
        self._handle = handle
        self._aead = AESGCM(key)
        self._digest = digest
        self._index = 0
        self._pending = b""
        self._payload = hashlib.sha256()
        self.payload_bytes = 0
        self.trailer: dict[str, Any] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # type: ignore[override]
        while not self._pending and self.trailer is None:
            self._next_record()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _next_record(self) -> None:
        head = self._handle.read(_RECORD.size)
        if len(head) != _RECORD.size:
            raise _damaged(f"文件不完整，在第 {self._index + 1} 块处中断（可能U盘被过早拔出）")
        kind, length = _RECORD.unpack(head)
        if kind not in (DATA, FINAL) or length > max(self._max_record, 64 * 1024) or length < TAG:
            raise _damaged(f"第 {self._index + 1} 块的长度或类型不对")
        sealed = _read_exact(self._handle, length, f"文件不完整，在第 {self._index + 1} 块处中断（可能U盘被过早拔出）")
        try:
            plain = self._aead.decrypt(_nonce(self._index, kind), sealed, _aad(self._digest, self._index, kind))
        except InvalidTag:
            raise _damaged(f"第 {self._index + 1} 块数据校验失败") from None
        self._index += 1
        if kind == DATA:
            self._payload.update(plain)
            self.payload_bytes += len(plain)
            self._pending = plain
            return
        try:
            trailer = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _damaged("结尾信息无法读取") from None
        if (trailer.get("payload_bytes") != self.payload_bytes
                or trailer.get("payload_sha256") != self._payload.hexdigest()
                or trailer.get("records") != self._index - 1):
            raise _damaged("内容校验和不一致")
        if self._handle.read(1):
            raise _damaged("文件结尾有多余的数据")
        self.trailer = trailer

    def drain(self) -> dict[str, Any]:
        """Read whatever is left (checking it) and return the trailer."""
        while self.trailer is None:
            self._pending = b""
            self._next_record()
        self._pending = b""
        return self.trailer
