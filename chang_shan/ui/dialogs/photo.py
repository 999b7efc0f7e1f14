"""照片: a resident's photo for the badge — open an image file (a phone or camera picture is turned
upright by its EXIF orientation), choose the head and shoulders with a 3:4 box (drag it; drag a
corner to make it larger or smaller; arrow keys move it, + and − resize it; it never leaves the
image), see the result, 保存. The service (``badges.photos.attach_photo``) crops by the box's
fractions, scales to 360×480 and stores the file under the data folder, as one undoable action.
删除照片 takes the photo off the resident (the file stays, so 撤销 can bring it back).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from chang_shan.badges import photos
from chang_shan.badges.shapes import PhotoRow
from chang_shan.errors import ChangShanError
from chang_shan.population import residents
from chang_shan.ui import ops as ops_module
from chang_shan.ui.forms.form_dialog import FormDialog

if TYPE_CHECKING:
    from chang_shan.db.database import Database

RATIO = 3 / 4  # width / height of the badge photo
SHOWN_MAX = 1600  # the image is shown at most this many pixels along its long side (the file is kept)
HANDLE = 10  # corner handle, screen pixels
MIN_SHARE = 0.1  # the box is at least a tenth of the largest box that fits
PREVIEW = QSize(150, 200)
FILE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.webp *.JPG *.JPEG *.PNG *.BMP *.WEBP);;所有文件 (*)"


def largest_box(width: float, height: float) -> QRectF:
    """The largest 3:4 box in a ``width``×``height`` image: centred across, in the upper part
    (where the head usually is) when the image is taller than 3:4."""
    if width / height > RATIO:
        w, h = height * RATIO, height
        return QRectF((width - w) / 2, 0, w, h)
    w, h = width, width / RATIO
    return QRectF(0, (height - h) / 4, w, h)


def read_image(path: Path) -> tuple[QImage, float]:
    """The image turned upright (EXIF), at most SHOWN_MAX pixels along its long side, and how
    many pixels of the file one shown pixel stands for; a null image when the file is not a
    readable image."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    factor = 1.0
    if size.isValid() and max(size.width(), size.height()) > SHOWN_MAX:
        scale = SHOWN_MAX / max(size.width(), size.height())
        reader.setScaledSize(QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale))))
        factor = 1 / scale
    return reader.read(), factor


class CropView(QWidget):
    """The image, scaled to fit, with a 3:4 box over it; outside the box is dimmed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cropView")
        self.setAccessibleName("照片裁切框")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(360, 300)
        self.image = QImage()
        self.factor = 1.0  # pixels of the file per pixel of ``image``
        self.box = QRectF()  # in image pixels
        self._drag: str | None = None  # 'move' or the fixed corner's name while resizing
        self._anchor = QPointF()  # resizing: the fixed corner (image pixels)
        self._grab = QPointF()  # where the mouse took the box (image pixels; moving: from its corner)
        self._signs = (True, True)  # resizing: the box grows right, down from the anchor
        self._start_width = 0.0
        self.placeholder = "请先选择图片"

    # -- the box --------------------------------------------------------------------------------
    def set_image(self, image: QImage, factor: float = 1.0) -> None:
        self.image = image
        self.factor = factor
        self.box = largest_box(image.width(), image.height()) if not image.isNull() else QRectF()
        self.update()
        self.changed.emit()

    def has_image(self) -> bool:
        return not self.image.isNull()

    def fractions(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the box as fractions of the image, for the service."""
        width, height = self.image.width(), self.image.height()
        box = self.box
        return (box.x() / width, box.y() / height, box.width() / width, box.height() / height)

    def set_fractions(self, x: float, y: float, w: float, h: float) -> None:
        width, height = self.image.width(), self.image.height()
        self.box = self._kept_inside(QRectF(x * width, y * height, w * width, w * width / RATIO))
        self.update()
        self.changed.emit()

    def cropped(self) -> QImage:
        return self.image.copy(self.box.toAlignedRect()) if self.has_image() else QImage()

    def _min_width(self) -> float:
        """A tenth of the largest box, and never fewer of the file's pixels than a photo needs."""
        largest = largest_box(self.image.width(), self.image.height()).width()
        return min(largest, max(largest * MIN_SHARE, photos.MIN_SIZE[0] / self.factor))

    def _kept_inside(self, box: QRectF) -> QRectF:
        """The same size (no larger than fits, no smaller than the minimum), moved inside the image."""
        width, height = self.image.width(), self.image.height()
        w = min(max(box.width(), self._min_width()), largest_box(width, height).width())
        h = w / RATIO
        x = min(max(box.x(), 0.0), width - w)
        y = min(max(box.y(), 0.0), height - h)
        return QRectF(x, y, w, h)

    def move_by(self, dx: float, dy: float) -> None:
        self.box = self._kept_inside(self.box.translated(dx, dy))
        self.update()
        self.changed.emit()

    def resize_by(self, factor: float) -> None:
        """Larger or smaller about the box's centre (kept inside the image)."""
        centre = self.box.center()
        w = self.box.width() * factor
        self.box = self._kept_inside(QRectF(centre.x() - w / 2, centre.y() - w / RATIO / 2, w, w / RATIO))
        self.update()
        self.changed.emit()

    def resize_from(self, anchor: QPointF, wanted: float, *, right: bool, down: bool) -> None:
        """The box ``wanted`` wide with one corner fixed at ``anchor``, growing right/left and
        down/up from it (3:4 kept; never past the image's edge, never below the minimum)."""
        width, height = self.image.width(), self.image.height()
        room_x = width - anchor.x() if right else anchor.x()
        room_y = height - anchor.y() if down else anchor.y()
        most = min(room_x, room_y * RATIO)
        w = max(min(wanted, most), min(self._min_width(), most))
        h = w / RATIO
        self.box = QRectF(anchor.x() if right else anchor.x() - w, anchor.y() if down else anchor.y() - h, w, h)
        self.update()
        self.changed.emit()

    def _drag_corner(self, point: QPointF) -> None:
        """Resizing: the corner follows the mouse along the axis it moved more."""
        right, down = self._signs
        dx = (point.x() - self._grab.x()) * (1 if right else -1)
        dy = (point.y() - self._grab.y()) * (1 if down else -1)
        change = dx if abs(dx) >= abs(dy * RATIO) else dy * RATIO
        self.resize_from(self._anchor, self._start_width + change, right=right, down=down)

    # -- screen ↔ image ---------------------------------------------------------------------------
    def _scale(self) -> tuple[float, QPointF]:
        """Image pixels → widget pixels: the factor and where the image's corner is drawn."""
        width, height = self.image.width(), self.image.height()
        room_w, room_h = max(1, self.width() - 2 * HANDLE), max(1, self.height() - 2 * HANDLE)  # handles in sight
        scale = min(room_w / width, room_h / height)
        return scale, QPointF((self.width() - width * scale) / 2, (self.height() - height * scale) / 2)

    def to_screen(self, rect: QRectF) -> QRectF:
        scale, origin = self._scale()
        return QRectF(origin.x() + rect.x() * scale, origin.y() + rect.y() * scale, rect.width() * scale,
                      rect.height() * scale)

    def to_image(self, point: QPointF) -> QPointF:
        scale, origin = self._scale()
        return QPointF((point.x() - origin.x()) / scale, (point.y() - origin.y()) / scale)

    def corners(self) -> dict[str, QPointF]:
        shown = self.to_screen(self.box)
        return {"tl": shown.topLeft(), "tr": shown.topRight(), "bl": shown.bottomLeft(), "br": shown.bottomRight()}

    def _corner_at(self, point: QPointF) -> str | None:
        return next((name for name, corner in self.corners().items()
                     if abs(corner.x() - point.x()) <= HANDLE and abs(corner.y() - point.y()) <= HANDLE), None)

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#3a3a3a"))
        if not self.has_image():
            painter.setPen(QColor("#dddddd"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self.to_screen(QRectF(self.image.rect())), self.image)
        shown = self.to_screen(self.box)
        whole = self.to_screen(QRectF(self.image.rect()))
        shade = QColor(0, 0, 0, 130)
        for part in (QRectF(whole.left(), whole.top(), whole.width(), shown.top() - whole.top()),
                     QRectF(whole.left(), shown.bottom(), whole.width(), whole.bottom() - shown.bottom()),
                     QRectF(whole.left(), shown.top(), shown.left() - whole.left(), shown.height()),
                     QRectF(shown.right(), shown.top(), whole.right() - shown.right(), shown.height())):
            if part.width() > 0 and part.height() > 0:
                painter.fillRect(part, shade)
        painter.setPen(QPen(QColor(255, 255, 255, 110), 1, Qt.PenStyle.DashLine))
        for i in (1, 2):  # thirds: the eyes about the upper line
            y = shown.top() + shown.height() * i / 3
            x = shown.left() + shown.width() * i / 3
            painter.drawLine(QPointF(shown.left(), y), QPointF(shown.right(), y))
            painter.drawLine(QPointF(x, shown.top()), QPointF(x, shown.bottom()))
        painter.setPen(QPen(QColor("#ffd54f"), 2))
        painter.drawRect(shown)
        painter.setBrush(QColor("#ffd54f"))
        for corner in self.corners().values():
            painter.drawRect(QRectF(corner.x() - HANDLE / 2, corner.y() - HANDLE / 2, HANDLE, HANDLE))

    # -- mouse and keys ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if not self.has_image() or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        point = event.position()
        corner = self._corner_at(point)
        if corner is not None:
            opposite = {"tl": "br", "tr": "bl", "bl": "tr", "br": "tl"}[corner]
            edges = {"tl": self.box.topLeft(), "tr": self.box.topRight(), "bl": self.box.bottomLeft(),
                     "br": self.box.bottomRight()}
            self._drag, self._anchor = "resize", edges[opposite]
            self._grab, self._start_width = self.to_image(point), self.box.width()
            self._signs = (corner in ("tr", "br"), corner in ("bl", "br"))
        elif self.to_screen(self.box).contains(point):
            self._drag, self._grab = "move", self.to_image(point) - self.box.topLeft()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if not self.has_image():
            return
        point = event.position()
        if self._drag == "move":
            top_left = self.to_image(point) - self._grab
            self.box = self._kept_inside(QRectF(top_left, self.box.size()))
            self.update()
            self.changed.emit()
        elif self._drag == "resize":
            self._drag_corner(self.to_image(point))
        else:
            corner = self._corner_at(point)
            if corner in ("tl", "br"):
                self.setCursor(Qt.CursorShape.SizeFDiagCursor)
            elif corner in ("tr", "bl"):
                self.setCursor(Qt.CursorShape.SizeBDiagCursor)
            elif self.to_screen(self.box).contains(point):
                self.setCursor(Qt.CursorShape.SizeAllCursor)
            else:
                self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._drag = None
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if not self.has_image():
            return super().keyPressEvent(event)
        step = self.box.width() * (0.1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.02)
        moves = {Qt.Key.Key_Left: (-step, 0), Qt.Key.Key_Right: (step, 0), Qt.Key.Key_Up: (0, -step),
                 Qt.Key.Key_Down: (0, step)}
        key = event.key()
        if key in moves:
            self.move_by(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.resize_by(1.05)
        elif key == Qt.Key.Key_Minus:
            self.resize_by(1 / 1.05)
        else:
            return super().keyPressEvent(event)
        event.accept()
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(520, 420)


class PhotoDialog(FormDialog):
    """``PhotoDialog(db, resident_id)``: ends Accepted once a photo was saved or deleted."""

    enter_saves = False

    def __init__(self, db: Database, resident_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, title="照片", parent=parent)
        self.resident_id = resident_id
        self.files_root = db.data_dir.files
        with db.reader() as session:
            self.detail = residents.resident_detail(session, resident_id)
            self.current: PhotoRow | None = photos.get_photo(session, self.files_root, resident_id)
        self.path: Path | None = None  # the image file chosen in this dialog
        self._build()
        self._show_current()
        self._update()
        self.open_button.setFocus()

    def _build(self) -> None:
        d = self.detail
        header = QLabel("　".join(p for p in (d.name, f"{d.age} 岁" if d.age is not None else "", d.address) if p))
        header.setObjectName("header")
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        header.setFont(font)
        self.body.addWidget(header)
        hint = QLabel("选一张正面、光线好的照片，把方框拖到头和肩膀上（拖动角可放大缩小；方向键移动，+/− 缩放）。")
        hint.setProperty("formRole", "hint")
        hint.setWordWrap(True)
        self.body.addWidget(hint)

        self.open_button = QPushButton("选择图片…")
        self.open_button.setObjectName("openImage")
        self.open_button.setAutoDefault(False)
        self.open_button.setToolTip("打开照片文件：jpg、png、bmp、webp（Ctrl+O）")
        self.open_button.setShortcut("Ctrl+O")
        self.open_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("")
        self.file_label.setObjectName("fileName")
        self.file_label.setStyleSheet("color: #555555;")
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        self.body.addLayout(top)

        self.crop = CropView(self)
        self.crop.changed.connect(self._show_preview)
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #999999; background: #f4f4f4; color: #777777;")
        self.preview_title = QLabel("")
        self.preview_title.setObjectName("previewTitle")
        side = QVBoxLayout()
        side.addWidget(self.preview_title)
        side.addWidget(self.preview)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.crop, 1)
        row.addLayout(side)
        self.body.addLayout(row, 1)

        self.delete_button = self.buttons.addButton("删除照片", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_photo)
        self.resize(760, 560)

    # -- showing ----------------------------------------------------------------------------------
    def _show_current(self) -> None:
        pixmap = QPixmap(self.current.path) if self.current is not None else QPixmap()
        if pixmap.isNull():
            self.preview_title.setText("现在没有照片")
            self.preview.setPixmap(QPixmap())
            self.preview.setText("无照片")
        else:
            self.preview_title.setText("现在的照片")
            self.preview.setPixmap(self._fit(pixmap))

    def _fit(self, pixmap: QPixmap) -> QPixmap:
        return pixmap.scaled(PREVIEW.width() - 2, PREVIEW.height() - 2, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)

    def _show_preview(self) -> None:
        if self.crop.has_image():
            self.preview_title.setText("卡上的照片")
            self.preview.setPixmap(self._fit(QPixmap.fromImage(self.crop.cropped())))

    def _update(self) -> None:
        self.save_button.setEnabled(self.path is not None)
        self.delete_button.setVisible(self.current is not None)

    # -- actions ----------------------------------------------------------------------------------
    def choose_file(self) -> bool:
        name, _filter = QFileDialog.getOpenFileName(self, "选择照片", str(Path.home()), FILE_FILTER)
        return bool(name) and self.load_file(Path(name))

    def load_file(self, path: Path) -> bool:
        """Show ``path`` with the box at its default place; False (and a message) when it is not an image."""
        self.hide_banner()
        image, factor = read_image(path)
        if image.isNull():
            self.show_banner(f"无法打开“{path.name}”：{photos.NOT_AN_IMAGE}")
            return False
        self.path = path
        self.file_label.setText(path.name)
        self.crop.set_image(image, factor)
        self._update()
        self.crop.setFocus()
        return True

    def is_dirty(self) -> bool:
        return self.path is not None

    def collect_errors(self) -> dict[str, str]:
        return {}  # the service checks the image (size, crop) when saving, before it writes anything

    def write(self) -> int | None:
        assert self.path is not None
        self.hide_banner()
        action = f"{'更换' if self.current is not None else '添加'}照片 {self.detail.name}"
        with self.db.transaction(action) as session:
            photos.attach_photo(session, self.files_root, self.resident_id, self.path, crop=self.crop.fractions())
        return self.resident_id

    def show_all_errors(self, errors: dict[str, str]) -> None:
        self.show_banner("\n".join(errors.values()))

    def delete_photo(self) -> bool:
        if self.current is None:
            return False
        if not ops_module.ask(self, "删除照片", f"删除{self.detail.name}的照片？\n防走失卡上将不再印照片；可用“编辑→撤销”恢复。"):
            return False
        try:
            with self.db.transaction(f"删除照片 {self.detail.name}") as session:
                photos.remove_photo(session, self.resident_id)
        except ChangShanError as exc:
            self.show_banner(exc.message)
            return False
        self.saved_id = self.resident_id
        self._closing = True
        self.accept()
        return True
