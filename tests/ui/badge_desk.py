"""The 防走失卡 screen's and dialogs' test office: the badge office (tests/badges/office.py: people
60+ with contacts, a rare-character name, a health record for the medical note), the operations
worker on a fresh copy signed in as a role of that office, prints recorded and phones changed
through the real services (as the program itself, then back to the signed-in user), and pictures
made with Pillow."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from chang_shan.db.database import Database
from tests.badges.office import BadgeOffice, badge_db, badge_office  # noqa: F401 - fixtures
from tests.badges.test_register import change_phone
from tests.badges.test_selection import print_badges

ADMIN = "admin_h"  # 管理员 with the 居民健康库 permission


@pytest.fixture
def badge_ops(qapp, badge_db: Database, badge_office: BadgeOffice) -> Iterator:  # noqa: ANN001, F811
    """The worker over a fresh copy of the badge office, signed in as the office's administrator."""
    from chang_shan.ui.ops import Operations

    badge_db.actor = badge_office.actors[ADMIN]
    ops = Operations(badge_db)
    try:
        yield ops
    finally:
        ops.shutdown()
        qapp.processEvents()


def as_program(db: Database, work: Callable[[Database], Any]) -> Any:
    """Run a test helper that works as the program itself, then give the user back."""
    actor = db.actor
    try:
        return work(db)
    finally:
        db.actor = actor


def printed(db: Database, ids: list[int]) -> dict[int, int]:
    """Badges printed (numbers given, prints recorded) for ``ids``, in that order."""
    return as_program(db, lambda d: print_badges(d, ids))


def phone_changed(db: Database, resident_id: int) -> None:
    """张立春's first contact gets a new phone (his badge becomes 需重印, 家属联系人)."""
    as_program(db, lambda d: change_phone(d, resident_id))


def picture(path: Path, size: tuple[int, int], *, left: str = "#1f4e9c", right: str = "#c62828",
            exif_orientation: int | None = None, fmt: str = "JPEG") -> Path:
    """A picture whose left half is ``left`` and right half ``right`` (so a crop can be told by its
    colour), with a camera's EXIF orientation tag when given."""
    width, height = size
    image = Image.new("RGB", size, left)
    image.paste(Image.new("RGB", (width - width // 2, height), right), (width // 2, 0))
    extra: dict[str, Any] = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        extra["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, fmt, **extra)
    path.write_bytes(buffer.getvalue())
    return path


def mean_colour(path: Path) -> tuple[int, int, int]:
    with Image.open(path) as image:
        small = image.convert("RGB").resize((1, 1), Image.Resampling.BOX)
        return small.getpixel((0, 0))  # type: ignore[return-value]
