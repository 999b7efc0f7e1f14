"""The photo dialog on a real database and real pictures (made with Pillow): the 3:4 box starts
where the service would put it, follows the mouse (moved, resized from a corner, never out of the
picture, never off 3:4) and the arrow keys; the saved photo is what the box showed (told by colour);
a camera picture's EXIF turn; refusals (not an image, too small) with nothing written; 删除照片
keeps the file for undo; the window-modal open from the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDialog

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.badges import photos
from chang_shan.badges.shapes import PhotoRow
from chang_shan.db.database import Database
from chang_shan.population import undo
from chang_shan.ui.dialogs.photo import RATIO, PhotoDialog
from tests.badges.office import BadgeOffice
from tests.ui.badge_desk import ADMIN, as_program, badge_db, badge_office, mean_colour, picture  # noqa: F401
from tests.ui.conftest import shown

pytestmark = pytest.mark.gui

BLUE, RED = (0x1F, 0x4E, 0x9C), (0xC6, 0x28, 0x28)


def stored(db: Database, resident_id: int) -> PhotoRow | None:
    def read(d: Database) -> PhotoRow | None:
        d.actor = SYSTEM
        with d.reader() as s:
            return photos.get_photo(s, d.data_dir.files, resident_id)
    return as_program(db, read)


def open_dialog(qtbot, db: Database, office: BadgeOffice, resident_id: int) -> PhotoDialog:  # noqa: ANN001
    db.actor = office.actors[ADMIN]
    dialog = PhotoDialog(db, resident_id)
    dialog.resize(900, 640)
    return shown(qtbot, dialog)


def near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(colour, wanted, strict=True))


def assert_box_fits(dialog: PhotoDialog) -> None:
    view = dialog.crop
    box = view.box
    assert box.left() >= -1e-6 and box.top() >= -1e-6
    assert box.right() <= view.image.width() + 1e-6 and box.bottom() <= view.image.height() + 1e-6
    assert box.width() / box.height() == pytest.approx(RATIO)


def drag(qtbot, widget, start: QPointF, end: QPointF) -> None:  # noqa: ANN001
    a, b = start.toPoint(), end.toPoint()
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=a)
    for step in range(1, 5):
        qtbot.mouseMove(widget, a + (b - a) * step / 4)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=b)


def test_the_box_starts_where_the_service_would_put_it(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                                       tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, badge_db, badge_office, badge_office.zhang)
    assert not dialog.save_button.isEnabled() and not dialog.delete_button.isVisible()
    assert dialog.preview_title.text() == "现在没有照片"
    for size in ((1200, 800), (600, 1000)):
        assert dialog.load_file(picture(tmp_path / f"p{size[0]}.jpg", size))
        assert dialog.crop.fractions() == pytest.approx(photos.default_crop(*size))
        assert_box_fits(dialog)
    assert dialog.save_button.isEnabled() and dialog.preview_title.text() == "卡上的照片"


def test_drag_the_box_and_save_what_it_shows(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                             tmp_path: Path) -> None:
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.zhang)
    source = picture(tmp_path / "wide.jpg", (1600, 800))  # blue left half, red right half
    dialog.load_file(source)
    view = dialog.crop
    assert view.box.width() == pytest.approx(600)  # the largest 3:4 box, in the middle: both colours
    # smaller, from the bottom-right corner
    corner = view.corners()["br"]
    drag(qtbot, view, corner, corner - QPointF(view.to_screen(view.box).width() / 2, 0))
    assert view.box.width() == pytest.approx(300, abs=8)
    assert_box_fits(dialog)
    # a corner pulled far out stops at the picture's edge (the opposite corner stays), still 3:4
    bottom = view.box.bottom()
    corner = view.corners()["tl"]
    drag(qtbot, view, corner, corner - QPointF(50, 2000))
    assert (view.box.top(), view.box.bottom()) == (pytest.approx(0), pytest.approx(bottom))
    assert_box_fits(dialog)
    drag(qtbot, view, view.corners()["tl"], view.corners()["tl"] + QPointF(0, 40))  # a little smaller again
    assert view.box.height() < bottom
    assert_box_fits(dialog)
    # then far to the right: it stops at the picture's edge
    centre = view.to_screen(view.box).center()
    drag(qtbot, view, centre, centre + QPointF(2000, 400))
    assert view.box.right() == pytest.approx(1600) and view.box.bottom() == pytest.approx(800)
    assert_box_fits(dialog)
    # the arrow keys move it back a little (still on the red half)
    view.setFocus()
    right = view.box.right()
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.box.right() < right
    # the preview shows the red half
    preview = dialog.preview.pixmap().toImage()
    colour = preview.pixelColor(preview.width() // 2, preview.height() // 2)
    assert near((colour.red(), colour.green(), colour.blue()), RED)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = stored(badge_db, o.zhang)
    assert row is not None and (row.width, row.height) == (360, 480)
    assert near(mean_colour(Path(row.path)), RED)  # what the box showed, not the picture's middle
    assert Path(row.path).is_relative_to(badge_db.data_dir.files)


def test_a_camera_picture_is_turned_upright(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                            tmp_path: Path) -> None:
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.li)
    # stored 1000×600 (blue left, red right), EXIF 6: shown turned 90° clockwise, 600×1000 with blue on top
    dialog.load_file(picture(tmp_path / "camera.jpg", (1000, 600), exif_orientation=6))
    assert (dialog.crop.image.width(), dialog.crop.image.height()) == (600, 1000)
    dialog.crop.set_fractions(0.0, 0.0, 0.5, 0.5 * 600 / 1000 / RATIO)  # the top-left: blue
    assert dialog.save()
    row = stored(badge_db, o.li)
    assert row is not None and near(mean_colour(Path(row.path)), BLUE)


def test_refusals_write_nothing(qtbot, badge_db: Database, badge_office: BadgeOffice, tmp_path: Path) -> None:  # noqa: ANN001, F811
    o = badge_office
    dialog = open_dialog(qtbot, badge_db, o, o.wang)
    text = tmp_path / "notes.jpg"
    text.write_text("这不是照片", encoding="utf-8")
    assert not dialog.load_file(text)
    assert "不是可以识别的图片文件" in dialog.banner_text() and "notes.jpg" in dialog.banner_text()
    assert not dialog.save_button.isEnabled()
    assert dialog.load_file(picture(tmp_path / "tiny.png", (100, 140), fmt="PNG"))  # Qt shows it …
    assert dialog.banner_text() == ""
    assert not dialog.save()  # … the service refuses it
    assert "照片太小" in dialog.banner_text()
    assert stored(badge_db, o.wang) is None and dialog.isVisible()


def test_delete_keeps_the_file_and_undo_brings_the_photo_back(qtbot, badge_db: Database,  # noqa: ANN001, F811
                                                             badge_office: BadgeOffice, tmp_path: Path, boxes) -> None:  # noqa: ANN001
    o = badge_office
    badge_db.actor = o.actors[ADMIN]
    with badge_db.transaction("添加照片") as s:
        photos.attach_photo(s, badge_db.data_dir.files, o.zhang, picture(tmp_path / "a.jpg", (600, 800)))
    before = stored(badge_db, o.zhang)
    assert before is not None
    dialog = open_dialog(qtbot, badge_db, o, o.zhang)
    assert dialog.preview_title.text() == "现在的照片" and not dialog.preview.pixmap().isNull()
    assert dialog.delete_button.isVisible()
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "删除张立春的照片" in boxes.asked[-1]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(badge_db, o.zhang) is None and Path(before.path).exists()
    badge_db.actor = o.actors[ADMIN]
    with badge_db.transaction("撤销") as s:
        assert undo.undo_last(s) == "删除照片 张立春"
    after = stored(badge_db, o.zhang)
    assert after is not None and after.sha256 == before.sha256


def test_escape_with_a_chosen_picture_asks_first(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                                 tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, badge_db, badge_office, badge_office.li)
    dialog.load_file(picture(tmp_path / "p.jpg", (600, 800)))
    asked: list[bool] = []
    monkeypatch.setattr(dialog, "ask_discard", lambda: asked.append(True) or False)
    dialog.crop.setFocus()
    qtbot.keyClick(dialog.crop, Qt.Key.Key_Escape)
    assert asked == [True] and dialog.isVisible()


def test_the_largest_picture_is_shown_small(qtbot, badge_db: Database, badge_office: BadgeOffice,  # noqa: ANN001, F811
                                           tmp_path: Path) -> None:
    """A 4000×3000 camera picture is shown at 1600 pixels; the box still goes by fractions, so
    the service crops the full picture."""
    dialog = open_dialog(qtbot, badge_db, badge_office, badge_office.li)
    path = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), "#c62828").save(path, "JPEG")
    dialog.load_file(path)
    assert (dialog.crop.image.width(), dialog.crop.image.height()) == (1600, 1200)
    assert dialog.crop.factor == pytest.approx(2.5)
    assert dialog.save()
    row = stored(badge_db, badge_office.li)
    assert row is not None and near(mean_colour(Path(row.path)), RED)
