"""Scans and recordings: copied into the data folder named by their content, never overwritten,
opening one is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.wills import attachments, registry
from tests.wills.office import will


def test_attach_open_and_refuse(wills_db, wills_office, tmp_path: Path) -> None:  # noqa: ANN001
    files = wills_db.data_dir.files
    with wills_db.transaction("登记遗嘱") as s:
        will_id = registry.register_will(s, will(wills_office.town.zhang), today=date(2025, 6, 1)).id
    scan = tmp_path / "遗嘱扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of the will")
    with wills_db.transaction("添加附件") as s:
        first = attachments.add_attachment(s, files, will_id, scan, "扫描件")
        again = attachments.add_attachment(s, files, will_id, scan, "扫描件")
    stored = files / attachments.relative_path(first.sha256, ".pdf")
    assert stored.read_bytes() == scan.read_bytes() and first.size == scan.stat().st_size
    assert again.id != first.id and again.sha256 == first.sha256
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # one file, no temporary left
    scan.write_bytes(b"%PDF-1.4 another page")
    with wills_db.transaction("添加附件") as s:
        other = attachments.add_attachment(s, files, will_id, scan, "扫描件")
    assert other.sha256 != first.sha256 and stored.read_bytes() == b"%PDF-1.4 scan of the will"
    with wills_db.transaction("添加附件") as s, pytest.raises(ValidationError, match="录音应为"):
        attachments.add_attachment(s, files, will_id, scan, "录音")
    with wills_db.transaction("打开附件") as s:
        assert attachments.attachment_path(s, files, first.id) == stored
        assert [a.original_name for a in registry.load_detail(s, will_id).attachments] == ["遗嘱扫描.pdf"] * 3
    with wills_db.reader() as s:
        actions = s.scalars(select(ChangeSet.action).where(ChangeSet.kind == "view")).all()
    assert actions == [f"查看遗嘱附件 YZ2024-0001 扫描件"]
    wills_db.actor = wills_office.actors["worker"]
    with wills_db.transaction("打开附件") as s, pytest.raises(PermissionDenied):
        attachments.attachment_path(s, files, first.id)
