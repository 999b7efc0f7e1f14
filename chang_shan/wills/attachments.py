"""Scans and recordings of a will (扫描件, 录音, 录像), kept as files under the data folder.

A file is stored as ``wills/<sha256[:2]>/<sha256><suffix>`` under ``DataDir.files``, named by its
content: written once (temporary file, fsync, rename) and never overwritten or deleted, so undoing
an attachment (the change journal removes the row) loses nothing, and the same scan added twice is
one file. Adding needs ``Perm.WILLS`` and ``Perm.EDIT`` for the testator; opening
(``attachment_path``) needs ``Perm.WILLS`` and records a 'view' event in the audit trail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.audit.events import record_event
from chang_shan.db.models.wills import ATTACHMENT_KINDS, WillAttachment
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.exports.output import AtomicFile
from chang_shan.wills.queries import _attachment_row, will_to_read
from chang_shan.wills.registry import _will_to_write
from chang_shan.wills.shapes import AttachmentRow

FOLDER = "wills"
SUFFIXES = {
    "扫描件": (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"),
    "录音": (".mp3", ".m4a", ".wav", ".amr", ".aac", ".ogg", ".wma"),
    "录像": (".mp4", ".mov", ".avi", ".mkv", ".3gp", ".wmv", ".m4v"),
}
_CHUNK = 1 << 20
_NAME_LIMIT = WillAttachment.__table__.c["original_name"].type.length  # type: ignore[attr-defined]


def _digest(source: Path) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with open(source, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def relative_path(sha256: str, suffix: str) -> str:
    return f"{FOLDER}/{sha256[:2]}/{sha256}{suffix}"


def _store(files_root: Path, relative: str, source: Path) -> None:
    """Copy ``source`` once (temporary file, fsync, rename); a file of that name already holds
    these bytes (the name is their hash) and is left alone."""
    target = Path(files_root) / relative
    if target.is_file():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError(f"无法保存附件到 {target.parent}：{exc.strerror or exc}。") from exc
    with AtomicFile(target) as part:
        assert part.temp is not None
        try:
            with open(source, "rb") as src, open(part.temp, "wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
                dst.flush()
                os.fsync(dst.fileno())
        except OSError as exc:
            raise DomainError(f"无法保存附件到 {target}：{exc.strerror or exc}。") from exc
        part.commit()


def add_attachment(session: Session, files_root: Path, will_id: int, source: Path, kind: str) -> AttachmentRow:
    """Attach a scan or recording to a will (the file is copied into the data folder)."""
    will = _will_to_write(session, will_id)
    source = Path(source)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError({"kind": "附件类别只能是：" + "、".join(ATTACHMENT_KINDS) + "。"})
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES[kind]:
        raise ValidationError({"source": f"{kind}应为 {'、'.join(SUFFIXES[kind])} 文件，{source.name} 不是。"})
    if not source.is_file():
        raise ValidationError({"source": f"找不到文件 {source}。"})
    try:
        sha256, size = _digest(source)
    except OSError as exc:
        raise DomainError(f"无法读取 {source}：{exc.strerror or exc}。") from exc
    if size == 0:
        raise ValidationError({"source": f"{source.name} 是空文件。"})
    relative = relative_path(sha256, suffix)
    _store(files_root, relative, source)
    attachment = WillAttachment(will_id=will.id, kind=kind, file=relative, sha256=sha256,
                                original_name=source.name[-_NAME_LIMIT:], size=size)
    session.add(attachment)
    session.flush()
    return _attachment_row(attachment)


def attachment_path(session: Session, files_root: Path, attachment_id: int) -> Path:
    """The file of an attachment, to open; records a 'view' event ("查看遗嘱附件 YZ2026-0007 扫描件")."""
    attachment = session.get(WillAttachment, attachment_id)
    if attachment is None:
        raise NotFound("该附件不存在。")
    will = will_to_read(session, attachment.will_id)
    path = Path(files_root) / attachment.file
    if not path.is_file():
        raise DomainError(f"附件文件不见了：{path}。请从备份中恢复数据文件夹的 files 文件夹。")
    record_event(session, "view", f"查看遗嘱附件 {will.number} {attachment.kind}", resident_id=will.testator_id,
                 detail={"will": will.number, "attachment": attachment.id, "kind": attachment.kind})
    return path
