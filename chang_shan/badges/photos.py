"""A resident's photo for the 防走失卡: cropped to 3:4, scaled to 360×480, kept as a JPEG file.

The file lives under the data folder's ``files`` folder as ``photos/<sha256[:2]>/<sha256>.jpg``,
named by its content: it is written once (temporary file, fsync, rename) and never overwritten or
deleted, so undoing a change of photo (the change journal restores the row) finds the old file
again. The ``resident_photo`` row says which file is the resident's photo now.

Attaching or removing needs ``Perm.EDIT`` on the resident (a 网格员 for their grids); reading
``Perm.VIEW``. ``photo_rows`` is the bulk read for the badge batch (its caller checked).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.badges.shapes import PhotoRow
from chang_shan.db.base import utcnow
from chang_shan.db.models.badges import ResidentPhoto
from chang_shan.errors import DomainError, ValidationError
from chang_shan.exports.output import AtomicFile
from chang_shan.health.checks import resident, resident_to_write
from chang_shan.population import access

WHAT = "照片"
PHOTO_SIZE = (360, 480)  # width × height of the stored photo (3:4, 300 dpi at 30×40 mm)
MIN_SIZE = (120, 160)  # smaller pictures print as blocks
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 85
ASPECT = PHOTO_SIZE[0] / PHOTO_SIZE[1]
ASPECT_TOLERANCE = 0.02  # a crop box may be this much off 3:4 (the form rounds to pixels)
UPPER_PART = 0.25  # default crop of a tall picture: a quarter of the spare height above the box
FOLDER = "photos"
_BATCH = 500

NOT_AN_IMAGE = "不是可以识别的图片文件，请选择 JPG、PNG、BMP 或 WEBP 格式的照片。"
FIELD = "photo"


def _fail(message: str, field: str = FIELD) -> ValidationError:
    return ValidationError({field: message})


def _open(source: Path | bytes) -> Image.Image:
    """The picture, turned upright (camera EXIF orientation), fully loaded; or ``ValidationError``."""
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise _fail(f"无法读取文件 {source}：{exc.strerror or exc}。") from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _fail(f"图片太大（{width}×{height}，超过 6000 万像素），请先缩小后再选。")
            image.load()
            image = ImageOps.exif_transpose(image) or image
        except Image.DecompressionBombError as exc:
            raise _fail("图片太大（超过 6000 万像素），请先缩小后再选。") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _fail(NOT_AN_IMAGE) from exc
    return image


def default_crop(width: int, height: int) -> tuple[float, float, float, float]:
    """The largest 3:4 portrait box: centred across, in the upper part of a tall picture."""
    if width / height > ASPECT:  # wide: full height, centred
        w = height * ASPECT / width
        return ((1 - w) / 2, 0.0, w, 1.0)
    h = width / ASPECT / height
    return (0.0, (1 - h) * UPPER_PART, 1.0, h)


def _box(crop: tuple[float, float, float, float], width: int, height: int) -> tuple[int, int, int, int]:
    """The crop (fractions of the upright picture) in pixels, checked."""
    try:
        x, y, w, h = (float(v) for v in crop)
    except (TypeError, ValueError) as exc:
        raise _fail("裁剪范围应为四个 0 到 1 之间的数（左、上、宽、高）。", "crop") from exc
    eps = 1e-6
    if not all(math.isfinite(v) for v in (x, y, w, h)) or x < -eps or y < -eps or w <= 0 or h <= 0 \
            or x + w > 1 + eps or y + h > 1 + eps:
        raise _fail("裁剪框超出了图片范围，请重新框选。", "crop")
    left, top = round(max(x, 0.0) * width), round(max(y, 0.0) * height)
    right, bottom = min(round((x + w) * width), width), min(round((y + h) * height), height)
    box_w, box_h = right - left, bottom - top
    if box_w < MIN_SIZE[0] or box_h < MIN_SIZE[1]:
        raise _fail(f"裁剪框太小（{box_w}×{box_h} 像素），至少要 {MIN_SIZE[0]}×{MIN_SIZE[1]} 像素。", "crop")
    if abs(box_w / box_h - ASPECT) > ASPECT * ASPECT_TOLERANCE:
        raise _fail("裁剪框应为竖向 3:4（宽:高）的比例。", "crop")
    return left, top, right, bottom


def _rgb(image: Image.Image) -> Image.Image:
    """RGB on white (transparent parts of a PNG become white, not black)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def make_jpeg(source: Path | bytes, crop: tuple[float, float, float, float] | None = None) -> bytes:
    """The badge photo's JPEG bytes (checked, turned upright, cropped, 360×480); writes nothing."""
    image = _open(source)
    width, height = image.size
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise _fail(f"照片太小（{width}×{height} 像素），至少要 {MIN_SIZE[0]}×{MIN_SIZE[1]} 像素，请换一张更清晰的。")
    box = _box(crop if crop is not None else default_crop(width, height), width, height)
    result = _rgb(image.crop(box)).resize(PHOTO_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    result.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def relative_path(sha256: str) -> str:
    return f"{FOLDER}/{sha256[:2]}/{sha256}.jpg"


def _store(files_root: Path, relative: str, data: bytes) -> Path:
    """Write ``data`` once (temporary file, fsync, rename); an existing file of that name already
    holds these bytes (the name is their hash) and is left alone."""
    target = Path(files_root) / relative
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError(f"无法保存照片到 {target.parent}：{exc.strerror or exc}。") from exc
    with AtomicFile(target) as part:
        assert part.temp is not None
        try:
            with open(part.temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise DomainError(f"无法保存照片到 {target}：{exc.strerror or exc}。") from exc
        part.commit()
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder: the rename is durable enough there
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _row(photo: ResidentPhoto, files_root: Path) -> PhotoRow:
    return PhotoRow(resident_id=photo.resident_id, path=str(Path(files_root) / photo.file), sha256=photo.sha256,
                    width=photo.width, height=photo.height, updated_at=photo.updated_at)


def _stored(session: Session, resident_id: int) -> ResidentPhoto | None:
    return session.scalar(select(ResidentPhoto).where(ResidentPhoto.resident_id == resident_id))


def attach_photo(
    session: Session, files_root: Path, resident_id: int, source: Path | bytes, *,
    crop: tuple[float, float, float, float] | None = None,
) -> PhotoRow:
    """Make ``source`` (a file or its bytes) the resident's badge photo.

    ``crop`` = (x, y, w, h) as fractions of the upright picture (None: the largest 3:4 box,
    centred across, in the upper part). Refused (``ValidationError``, nothing written) when it is
    not a picture, smaller than 120×160 pixels, over 60 megapixels, or the crop is outside it or
    not 3:4. ``Perm.EDIT`` on the resident, who must live here. The previous photo's file stays."""
    resident_to_write(session, resident_id, what=WHAT, health=False)
    data = make_jpeg(source, crop)
    sha = hashlib.sha256(data).hexdigest()
    relative = relative_path(sha)
    photo = _stored(session, resident_id)
    if photo is not None and photo.sha256 == sha and (Path(files_root) / photo.file).is_file():
        return _row(photo, files_root)  # the same picture again: nothing to change
    _store(files_root, relative, data)
    if photo is None:
        photo = ResidentPhoto(resident_id=resident_id)
        session.add(photo)
    photo.file, photo.sha256 = relative, sha
    photo.width, photo.height = PHOTO_SIZE
    photo.updated_at = utcnow()
    session.flush()
    return _row(photo, files_root)


def get_photo(session: Session, files_root: Path, resident_id: int) -> PhotoRow | None:
    """The resident's photo (None without one). ``Perm.VIEW``. The row is returned even when its
    file has gone missing (``Path(row.path).is_file()`` tells)."""
    access.require_resident(session, Perm.VIEW, resident_id)
    resident(session, resident_id)
    photo = _stored(session, resident_id)
    return _row(photo, files_root) if photo is not None else None


def remove_photo(session: Session, resident_id: int) -> None:
    """The resident has no photo any more (undoable: the file is kept). ``Perm.EDIT``."""
    resident_to_write(session, resident_id, what=WHAT, health=False)
    photo = _stored(session, resident_id)
    if photo is not None:
        session.delete(photo)
        session.flush()


def photo_rows(session: Session, files_root: Path, resident_ids: Sequence[int]) -> dict[int, PhotoRow]:
    """The photos of ``resident_ids`` whose file exists, in bulk (the caller checked permissions)."""
    wanted = list(dict.fromkeys(resident_ids))
    rows: dict[int, PhotoRow] = {}
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start:start + _BATCH]
        for photo in session.scalars(select(ResidentPhoto).where(ResidentPhoto.resident_id.in_(chunk))):
            row = _row(photo, files_root)
            if Path(row.path).is_file():
                rows[photo.resident_id] = row
    return rows
