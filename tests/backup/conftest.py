"""Fixtures of the backup tests: a cheap scrypt (the format keeps n in the header, so a file
written with it is read with it), a data folder with a photo, a USB stick that is just a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from chang_shan.backup import container

PASSPHRASE = "长山 office 𠀀 2026"
RARE = "𠀀𠀁𪚥 王𠀀明"


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "SCRYPT_N", container.SCRYPT_MIN_N)


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def put_meta(db, key: str, value: str) -> None:  # noqa: ANN001 - Database
    from chang_shan.db.models import AppMeta

    with db.transaction("test") as session:
        session.merge(AppMeta(key=key, value=value))


def get_meta(db, key: str) -> str | None:  # noqa: ANN001
    from chang_shan.db.models import AppMeta

    with db.reader() as session:
        meta = session.get(AppMeta, key)
        return meta.value if meta is not None else None


@pytest.fixture
def filled(db):  # noqa: ANN001, ANN201 - Database
    """The ``db`` with a rare-character value and two photos (one with a rare-character name)."""
    put_meta(db, "test.name", RARE)
    photos = db.data_dir.files / "photos" / "𠀀"
    photos.mkdir(parents=True)
    (photos / "王𠀀明.jpg").write_bytes(bytes(range(256)) * 40)
    (db.data_dir.files / "scan.pdf").write_bytes(b"%PDF-1.4 " + "𠀀".encode() * 100)
    return db
