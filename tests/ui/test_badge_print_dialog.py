"""The 防走失卡 print flow in the window: the Qt painter (preview and system printing) and the
print dialog (choose people and layout, preview, print, save a PDF).

The QR codes are decoded from the painted pixels with zbar (pyzbar), rare characters included."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from pyzbar import pyzbar

from chang_shan.badges import qr
from chang_shan.badges.drawing import HEI, LEFT, PageDrawing, QrItem, RectItem, TextItem

RARE_TEXT = "防走失联系卡 长山社区\n姓名：赵𠀀𪚥\n家属：赵建国（儿子）13604310021\n社区电话：0431-81234567\n编号：00007-2"


def decoded(image: QImage) -> list[str]:
    """Every QR zbar finds in ``image``, as text."""
    from PIL import Image

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = grey.width(), grey.height()
    raw = bytes(grey.constBits())[: grey.bytesPerLine() * height]
    pil = Image.frombytes("L", (width, height), raw, "raw", "L", grey.bytesPerLine())
    return [symbol.data.decode("utf-8") for symbol in pyzbar.decode(pil, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def dark_columns(image: QImage, top: int, bottom: int) -> list[int]:
    """The x of every column with a dark pixel between rows ``top`` and ``bottom``."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return [x for x in range(grey.width()) if any(grey.pixelColor(x, y).value() < 128 for y in range(top, bottom))]


def grey_levels(image: QImage, rect: tuple[int, int, int, int]) -> set[int]:
    x0, y0, x1, y1 = rect
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return {grey.pixelColor(x, y).value() for x in range(x0, x1) for y in range(y0, y1)}


# --- the painter -----------------------------------------------------------------------------------


def test_a_painted_qr_decodes_to_its_text_rare_characters_included(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import page_image

    code = qr.encode(RARE_TEXT)
    page = PageDrawing(85.6, 54.0, [RectItem(0, 0, 85.6, 54.0), TextItem(4, 20, "赵𠀀𪚥", 20),
                                    QrItem(50.0, 14.0, 34.0, code)])
    for dpi in (300, 150):  # the printer's resolution and a preview's
        assert decoded(page_image(page, dpi)) == [RARE_TEXT], dpi


def test_the_qr_is_drawn_without_smoothing(qapp) -> None:  # noqa: ANN001
    """At a resolution where a module is not a whole number of pixels, every pixel of the code is
    still black or white: a blurred (interpolated) code scans badly."""
    from chang_shan.ui.badges.painter import MM_PER_INCH, page_image

    code = qr.encode(RARE_TEXT)
    page = PageDrawing(60.0, 60.0, [QrItem(10.0, 10.0, 34.0, code)])
    dpi = 173  # 34 mm → 231.6 px for 57 modules: about 4.06 px a module
    image = page_image(page, dpi)
    px = dpi / MM_PER_INCH
    inside = (round(11 * px), round(11 * px), round(43 * px), round(43 * px))
    assert grey_levels(image, inside) == {0, 255}


def test_page_image_has_the_page_size_at_the_resolution(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import page_image

    image = page_image(PageDrawing(210.0, 297.0, []), 100)
    assert (image.width(), image.height()) == (827, 1169)
    assert round(image.dotsPerMeterX() * 0.0254) == 100


def test_a_name_too_wide_for_its_room_is_made_smaller(qapp) -> None:  # noqa: ANN001
    from chang_shan.ui.badges.painter import MM_PER_INCH, page_image, text_width_mm

    name = "欧阳诸葛长山春花秋月"
    assert text_width_mm(name, 26) > 40  # far wider than the room it gets
    page = PageDrawing(100.0, 30.0, [TextItem(10.0, 20.0, name, 26, HEI, LEFT, max_width=40.0)])
    dpi = 200
    image = page_image(page, dpi)
    columns = dark_columns(image, 0, image.height())
    px = dpi / MM_PER_INCH
    assert columns, "nothing drawn"
    assert columns[0] >= int(10 * px) - 1
    assert columns[-1] <= round(50 * px) + 1
    assert columns[-1] - columns[0] > 30 * px  # shrunk, not cut off after a few characters


def test_rare_characters_are_drawn_with_their_own_glyphs(qapp) -> None:  # noqa: ANN001
    """𠀀 (U+20000) and 𪚥 come from a font with CJK Extension B: two different glyphs, not the same
    empty box twice."""
    from chang_shan.ui.badges.painter import page_image

    def one(char: str) -> QImage:
        return page_image(PageDrawing(20.0, 20.0, [TextItem(2.0, 15.0, char, 36)]), 150)

    first, second, box = one("𠀀"), one("𪚥"), one("\U000F0000")  # a private-use character: no glyph
    assert first != second
    assert first != box and second != box


def test_paint_page_keeps_the_proportions_in_a_wider_target(qapp) -> None:  # noqa: ANN001
    """The page is centred in the target and not stretched (a stretched QR would still scan, a
    stretched name would look wrong)."""
    from chang_shan.ui.badges.painter import paint_page

    code = qr.encode("编号：00001-1")
    page = PageDrawing(40.0, 40.0, [QrItem(0.0, 0.0, 40.0, code)])
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(0xFF808080)
    painter = QPainter(image)
    paint_page(painter, page, QRectF(0, 0, 400, 200))
    painter.end()
    assert image.pixelColor(50, 100).value() == 0x80  # left of the page: untouched
    assert image.pixelColor(101, 2).value() == 255  # the page (quiet zone) starts at x = 100
    assert decoded(image) == ["编号：00001-1"]
