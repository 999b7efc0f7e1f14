"""Residents' photos for the 防走失卡: real pictures made with Pillow, turned upright, cropped to
3:4, stored as 360×480 JPEG files named by their hash (never overwritten), refusals in Chinese with
nothing written, permissions, undo finding the old file, the bulk read and the audit labels."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from chang_shan.audit import trail
from chang_shan.badges import photos
from chang_shan.db.base import Base
from chang_shan.db.database import Database
from chang_shan.db.models.badges import ResidentPhoto
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import DomainError, NotFound, PermissionDenied, ValidationError
from chang_shan.population import undo
from tests.badges.office import BadgeOffice, badge_files

RED, GREEN, BLUE, WHITE = (220, 30, 30), (30, 200, 40), (30, 40, 220), (255, 255, 255)


def _picture(size: tuple[int, int], bands: list[tuple[int, tuple[int, int, int]]], *, across: bool = False,
             fmt: str = "JPEG", mode: str = "RGB", exif_orientation: int | None = None) -> bytes:
    """Colour bands: (up to which row — or column when ``across`` — , colour)."""
    image = Image.new(mode, size, bands[-1][1] if mode == "RGB" else (*bands[-1][1], 255))
    start = 0
    for end, colour in bands:
        box = (start, 0, end, size[1]) if across else (0, start, size[0], end)
        image.paste(colour if mode == "RGB" else (*colour, 255), box)
        start = end
    out = io.BytesIO()
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, fmt, exif=exif, quality=95)
    elif fmt == "JPEG":
        image.save(out, fmt, quality=95)
    else:
        image.save(out, fmt)
    return out.getvalue()


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _attach(db: Database, office: BadgeOffice, who: str, resident_id: int, source: Path | bytes, **kw):  # noqa: ANN003, ANN202
    db.actor = office.actors[who]
    with db.transaction("修改居民照片") as s:
        return photos.attach_photo(s, badge_files(db), resident_id, source, **kw)


def _state(db: Database) -> tuple[list[tuple], int, list[str]]:
    """The photo rows, the number of journal entries and the files under photos/."""
    with db.sessions() as s:
        rows = sorted(tuple(r) for r in s.execute(select(ResidentPhoto.resident_id, ResidentPhoto.sha256)))
        entries = s.scalar(select(func.count()).select_from(ChangeSet)) or 0
    folder = badge_files(db) / photos.FOLDER
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []
    return rows, entries, files


def _load(path: str) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


# --- storing --------------------------------------------------------------------------------------


def test_a_photo_is_cropped_scaled_and_stored_under_its_hash(
    badge_db: Database, badge_office: BadgeOffice, tmp_path: Path,
) -> None:
    source = tmp_path / "张立春.jpg"
    source.write_bytes(_picture((600, 800), [(800, GREEN)]))
    row = _attach(badge_db, badge_office, "worker", badge_office.zhang, source)
    data = Path(row.path).read_bytes()
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert Path(row.path) == badge_files(badge_db) / "photos" / row.sha256[:2] / f"{row.sha256}.jpg"
    image = _load(row.path)
    assert (image.format, image.size, (row.width, row.height)) == ("JPEG", (360, 480), (360, 480))
    assert _near(image.getpixel((180, 240)), GREEN)
    badge_db.actor = badge_office.actors["reader"]
    with badge_db.reader() as s:
        assert photos.get_photo(s, badge_files(badge_db), badge_office.zhang) == row
        assert photos.get_photo(s, badge_files(badge_db), badge_office.li) is None
    assert not list(Path(row.path).parent.glob("*.part"))  # no temporary file left


def test_the_default_crop_of_a_tall_picture_is_the_upper_part(badge_db: Database, badge_office: BadgeOffice) -> None:
    # 300×800: the 3:4 box is 300×400, a quarter of the spare 400 rows above it: rows 100–500.
    picture = _picture((300, 800), [(100, RED), (500, GREEN), (800, BLUE)])
    image = _load(_attach(badge_db, badge_office, "worker", badge_office.zhang, picture).path)
    for y in (3, 240, 476):
        assert _near(image.getpixel((180, y)), GREEN), y
    assert photos.default_crop(300, 800) == (0.0, 0.125, 1.0, 0.5)


def test_the_default_crop_of_a_wide_picture_is_centred(badge_db: Database, badge_office: BadgeOffice) -> None:
    # 1000×400: the 3:4 box is 300×400, columns 350–650.
    picture = _picture((1000, 400), [(350, RED), (650, GREEN), (1000, BLUE)], across=True)
    image = _load(_attach(badge_db, badge_office, "worker", badge_office.zhang, picture).path)
    for x in (3, 180, 356):
        assert _near(image.getpixel((x, 240)), GREEN), x


def test_a_chosen_crop_is_used(badge_db: Database, badge_office: BadgeOffice) -> None:
    # 800×800, the right half blue: the box x 0.5–0.875 (300 px), y 0.25–0.75 (400 px) is all blue.
    picture = _picture((800, 800), [(400, RED), (800, BLUE)], across=True)
    image = _load(_attach(badge_db, badge_office, "worker", badge_office.zhang, picture,
                          crop=(0.5, 0.25, 0.375, 0.5)).path)
    assert all(_near(image.getpixel((x, y)), BLUE) for x in (3, 180, 356) for y in (3, 240, 476))


def test_a_camera_picture_is_turned_upright_first(badge_db: Database, badge_office: BadgeOffice) -> None:
    # Stored 800×600 landscape, EXIF orientation 6 (turn 90° clockwise to view): the left half (red)
    # is the top when upright, the right half (blue) the bottom.
    picture = _picture((800, 600), [(400, RED), (800, BLUE)], across=True, exif_orientation=6)
    image = _load(_attach(badge_db, badge_office, "worker", badge_office.zhang, picture).path)
    assert _near(image.getpixel((180, 20)), RED) and _near(image.getpixel((180, 460)), BLUE)


def test_transparent_parts_become_white_and_other_formats_are_read(badge_db: Database, badge_office: BadgeOffice) -> None:
    image = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 300, 300, 400))
    out = io.BytesIO()
    image.save(out, "PNG")
    stored = _load(_attach(badge_db, badge_office, "worker", badge_office.zhang, out.getvalue()).path)
    assert _near(stored.getpixel((180, 100)), WHITE) and _near(stored.getpixel((180, 460)), RED)
    for fmt in ("BMP", "WEBP"):
        picture = _picture((300, 400), [(400, BLUE if fmt == "BMP" else GREEN)], fmt=fmt)
        stored = _load(_attach(badge_db, badge_office, "worker", badge_office.li, picture).path)
        assert _near(stored.getpixel((180, 240)), BLUE if fmt == "BMP" else GREEN)


# --- refusals: nothing written ----------------------------------------------------------------------


def _big_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 8000), 1).save(out, "PNG")  # 64 megapixels, a few kB
    return out.getvalue()


@pytest.mark.parametrize(("source", "crop", "field", "message"), [
    (b"%PDF-1.4 not a picture", None, "photo", "不是可以识别的图片文件"),
    (b"", None, "photo", "不是可以识别的图片文件"),
    ("truncated", None, "photo", "不是可以识别的图片文件"),
    ("small", None, "photo", "照片太小（119×400 像素），至少要 120×160 像素"),
    ("wide_small", None, "photo", "照片太小（400×150 像素）"),
    ("big", None, "photo", "超过 6000 万像素"),
    ("ok", (0.5, 0.0, 0.6, 1.0), "crop", "裁剪框超出了图片范围"),
    ("ok", (-0.1, 0.0, 0.5, 0.5), "crop", "裁剪框超出了图片范围"),
    ("ok", (0.0, 0.0, 0.0, 0.5), "crop", "裁剪框超出了图片范围"),
    ("ok", (0.0, 0.0, float("nan"), 0.5), "crop", "裁剪框超出了图片范围"),
    ("ok", (0.0, 0.0, 0.1, 0.1), "crop", "裁剪框太小"),
    ("ok", (0.0, 0.0, 1.0, 1.0), "crop", "3:4"),
    ("ok", ("a", 0, 1, 1), "crop", "四个 0 到 1 之间的数"),
])
def test_a_bad_picture_or_crop_is_refused_in_chinese_and_nothing_is_written(
    badge_db: Database, badge_office: BadgeOffice, source: object, crop: object, field: str, message: str,
) -> None:
    sources = {
        "truncated": _picture((600, 800), [(800, GREEN)])[:300],
        "small": _picture((119, 400), [(400, GREEN)]),
        "wide_small": _picture((400, 150), [(150, GREEN)]),
        "big": _big_png(),
        "ok": _picture((600, 600), [(600, GREEN)]),
    }
    raw = sources.get(source, source) if isinstance(source, str) else source
    before = _state(badge_db)
    with pytest.raises(ValidationError) as exc:
        _attach(badge_db, badge_office, "worker", badge_office.zhang, raw, crop=crop)  # type: ignore[arg-type]
    assert list(exc.value.errors) == [field]
    assert message in exc.value.errors[field]
    assert _state(badge_db) == before


def test_a_missing_file_is_refused(badge_db: Database, badge_office: BadgeOffice, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="无法读取文件"):
        _attach(badge_db, badge_office, "worker", badge_office.zhang, tmp_path / "没有这个文件.jpg")


# --- replacing, removing, undo ------------------------------------------------------------------------


def test_a_new_photo_replaces_the_row_keeps_the_old_file_and_undo_brings_it_back(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    o = badge_office
    first = _attach(badge_db, o, "worker", o.zhang, _picture((300, 400), [(400, RED)]))
    second = _attach(badge_db, o, "worker", o.zhang, _picture((300, 400), [(400, BLUE)]))
    assert first.sha256 != second.sha256 and Path(first.path).is_file() and Path(second.path).is_file()
    rows, entries, files = _state(badge_db)
    assert rows == [(o.zhang, second.sha256)] and len(files) == 4  # two folders, two files
    # The same picture again changes nothing (no journal entry).
    _attach(badge_db, o, "worker", o.zhang, _picture((300, 400), [(400, BLUE)]))
    assert _state(badge_db) == (rows, entries, files)

    def undo_one() -> None:
        with badge_db.transaction("撤销") as s:
            undo.undo_last(s)

    undo_one()
    with badge_db.reader() as s:
        back = photos.get_photo(s, badge_files(badge_db), o.zhang)
    assert back is not None and back.sha256 == first.sha256 and Path(back.path).is_file()
    assert _near(_load(back.path).getpixel((180, 240)), RED)
    undo_one()
    with badge_db.reader() as s:
        assert photos.get_photo(s, badge_files(badge_db), o.zhang) is None


def test_removing_keeps_the_file_and_is_undoable(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    row = _attach(badge_db, o, "worker", o.li, _picture((300, 400), [(400, GREEN)]))
    badge_db.actor = o.actors["worker"]
    with badge_db.transaction("删除居民照片") as s:
        photos.remove_photo(s, o.li)
    with badge_db.reader() as s:
        assert photos.get_photo(s, badge_files(badge_db), o.li) is None
    assert Path(row.path).is_file()
    with badge_db.transaction("撤销") as s:
        undo.undo_last(s)
    with badge_db.reader() as s:
        assert photos.get_photo(s, badge_files(badge_db), o.li) == row


# --- permissions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "outcome"), [
    ("admin", "yes"), ("worker", "yes"), ("grid_own", "yes"), ("grid_other", "no"), ("reader", "no"),
    ("reader_h", "no"), ("nobody", "no"),
])
def test_who_may_attach_and_remove_a_photo(badge_db: Database, badge_office: BadgeOffice, role: str, outcome: str) -> None:
    o = badge_office
    picture = _picture((300, 400), [(400, GREEN)])
    if outcome == "no":
        before = _state(badge_db)
        with pytest.raises(PermissionDenied):
            _attach(badge_db, o, role, o.wang, picture)
        assert _state(badge_db) == before
        _attach(badge_db, o, "admin", o.wang, picture)
        before = _state(badge_db)
        badge_db.actor = o.actors[role]
        with pytest.raises(PermissionDenied), badge_db.transaction("删除居民照片") as s:
            photos.remove_photo(s, o.wang)
        assert _state(badge_db) == before
        return
    row = _attach(badge_db, o, role, o.wang, picture)
    with badge_db.sessions() as s:
        newest = s.scalars(select(ChangeSet).order_by(ChangeSet.id.desc()).limit(1)).one()
    assert newest.user_name == o.actors[role].username  # type: ignore[union-attr]
    badge_db.actor = o.actors[role]
    with badge_db.transaction("删除居民照片") as s:
        photos.remove_photo(s, o.wang)
    assert Path(row.path).is_file()


def test_reading_a_photo_follows_the_grids(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    _attach(badge_db, o, "worker", o.zhang, _picture((300, 400), [(400, GREEN)]))
    for role, sees in (("reader", True), ("grid_own", True), ("grid_other", False), ("nobody", False)):
        badge_db.actor = o.actors[role]
        with badge_db.reader() as s:
            if sees:
                assert photos.get_photo(s, badge_files(badge_db), o.zhang) is not None
            else:
                with pytest.raises(PermissionDenied):
                    photos.get_photo(s, badge_files(badge_db), o.zhang)
    badge_db.actor = o.actors["reader"]
    with badge_db.reader() as s, pytest.raises(NotFound):
        photos.get_photo(s, badge_files(badge_db), 999_999)


def test_people_who_died_keep_their_photo_read_only(badge_db: Database, badge_office: BadgeOffice) -> None:
    with pytest.raises(DomainError, match="已故的居民不能修改照片"):
        _attach(badge_db, badge_office, "worker", badge_office.sun, _picture((300, 400), [(400, GREEN)]))


# --- the bulk read --------------------------------------------------------------------------------------


def test_photo_rows_gives_only_photos_whose_file_exists(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    zhang = _attach(badge_db, o, "worker", o.zhang, _picture((300, 400), [(400, GREEN)]))
    li = _attach(badge_db, o, "worker", o.li, _picture((300, 400), [(400, RED)]))
    zhao = _attach(badge_db, o, "worker", o.zhao, _picture((300, 400), [(400, BLUE)]))
    Path(li.path).unlink()  # lost (a folder copied without its files)
    badge_db.actor = o.actors["reader"]
    with badge_db.reader() as s:
        rows = photos.photo_rows(s, badge_files(badge_db), [o.zhao, o.li, o.zhang, o.wang, *range(50_000, 50_600)])
    assert rows == {o.zhao: zhao, o.zhang: zhang}


# --- the audit trail -------------------------------------------------------------------------------------


def test_every_badge_column_has_a_chinese_label() -> None:
    for table, label in (("badge", "防走失卡"), ("badge_print", "防走失卡打印记录"),
                         ("badge_consent", "防走失卡同意书"), ("resident_photo", "居民照片")):
        assert trail.TABLE_LABELS[table] == label
        assert set(trail.FIELD_LABELS[table]) == set(Base.metadata.tables[table].c.keys()), table
        assert trail.RESTRICTED_PREFIXES.get(table) is None  # ledger data: others may undo them


def test_the_trail_shows_a_photo_change_by_name(badge_db: Database, badge_office: BadgeOffice) -> None:
    o = badge_office
    row = _attach(badge_db, o, "worker", o.zhao, _picture((300, 400), [(400, GREEN)]))
    badge_db.actor = o.actors["admin"]
    with badge_db.reader() as s:
        entry = trail.list_entries(s, resident_id=o.zhao, limit=1)[0]
    assert entry.action == "修改居民照片" and entry.resident_name == "赵𠀀𪚥"
    assert "居民照片" in entry.summary and "照片文件" in entry.summary and row.sha256[:12] in entry.summary
