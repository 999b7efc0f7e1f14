"""QR codes for badges: plain UTF-8 text in byte mode (no ECI header, so every phone scanner and
WeChat shows it as text), error correction level M, the smallest version that holds it.

Encoding is zxing-cpp's (C++, about 0.7 ms a code against 3.5 ms for the ``qrcode`` package with a
fixed mask), so a batch of 4,400 badges spends about 3 s here. zxing-cpp (its writer is zint) puts
UTF-8 text in byte mode without an ECI header, exactly as the ``qrcode`` package does, unless the
whole text could be written in Shift JIS: it then uses Kanji mode, which some phone scanners show
wrongly. A badge's text always has simplified characters Shift JIS lacks (联系); any other text
that could be Shift JIS is encoded with the ``qrcode`` package instead (byte mode, always).
Passing zxing-cpp bytes instead of text is no way out: it then marks the code as binary data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import zxingcpp
from PIL import Image

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)
EC_LEVEL = "M"
MAX_VERSION = 40


class QrTooLong(ValueError):
    """The text does not fit any QR version at level M."""


@dataclass(frozen=True)
class QrCode:
    """One code: ``modules`` is ``size`` rows of ``size`` bytes, 0 for dark and 255 for light (an
    8-bit grey bitmap, quiet zone not included)."""

    text: str
    version: int
    size: int  # modules per side: 17 + 4 × version
    modules: bytes

    def dark(self, row: int, column: int) -> bool:
        return self.modules[row * self.size + column] == 0

    def image(self, *, quiet_zone: bool = True) -> Image.Image:
        """A greyscale image, one pixel a module (scale it with nearest-neighbour only)."""
        core = Image.frombytes("L", (self.size, self.size), self.modules)
        if not quiet_zone:
            return core
        side = self.size + 2 * QUIET_ZONE
        framed = Image.new("L", (side, side), 255)
        framed.paste(core, (QUIET_ZONE, QUIET_ZONE))
        return framed

    @property
    def side_modules(self) -> int:
        """Modules per side including the quiet zone on both sides."""
        return self.size + 2 * QUIET_ZONE


def version_for_size(size: int) -> int:
    return (size - 17) // 4


def _shift_jis_possible(text: str) -> bool:
    try:
        text.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return not text.isascii()


def _encode_bytes_mode(text: str) -> QrCode:
    import qrcode
    from qrcode.exceptions import DataOverflowError

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"), optimize=0)
    try:
        code.make(fit=True)
    except DataOverflowError as exc:
        raise QrTooLong(str(exc)) from exc
    rows = code.get_matrix()
    modules = bytes(0 if dark else 255 for row in rows for dark in row)
    return QrCode(text=text, version=code.version, size=len(rows), modules=modules)


# A print dialog prepares its batch for the preview, again when the layout changes, and once more
# when the PDF is written: the codes of the last few thousand texts are kept (a code is immutable;
# 6,000 codes of version 10–15 hold about 25 MB).
ENCODE_CACHE_SIZE = 6000
_cache: OrderedDict[str, QrCode] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(text: str) -> QrCode | None:
    with _cache_lock:
        code = _cache.get(text)
        if code is not None:
            _cache.move_to_end(text)
        return code


def _remember(code: QrCode) -> QrCode:
    with _cache_lock:
        _cache[code.text] = code
        _cache.move_to_end(code.text)
        while len(_cache) > ENCODE_CACHE_SIZE:
            _cache.popitem(last=False)
    return code


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _encode_uncached(text: str) -> QrCode:
    if _shift_jis_possible(text):
        return _encode_bytes_mode(text)
    try:
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=EC_LEVEL)
    except ValueError as exc:  # zxing-cpp: "data too big for any version"
        raise QrTooLong(str(exc)) from exc
    bitmap = barcode.to_image(scale=1, add_quiet_zones=False)
    view = memoryview(bitmap)
    size = view.shape[0]
    return QrCode(text=text, version=version_for_size(size), size=size, modules=bytes(view))


def encode(text: str) -> QrCode:
    """The QR code for ``text``; ``QrTooLong`` past version 40 (cached per text)."""
    return _cached(text) or _remember(_encode_uncached(text))


def version_of(text: str) -> int:
    """The version ``encode(text)`` makes."""
    return encode(text).version


def largest_version(printed_mm: float, module_mm: float) -> int:
    """The largest version whose modules are at least ``module_mm`` when the code, quiet zone
    included, is printed ``printed_mm`` wide."""
    modules = int(printed_mm / module_mm + 1e-9) - 2 * QUIET_ZONE
    return max(0, min(MAX_VERSION, version_for_size(modules)))


# --- many codes at once --------------------------------------------------------------------------
# zxing-cpp holds Python's lock while it encodes (about 0.7 ms a code), so threads cannot share the
# work. For a big batch, helper processes encode chunks while this process goes on (drawing the
# pages of the codes already made, for a PDF). "spawn" processes: forking a process that runs Qt
# and a worker thread is unsafe. Anything wrong with the helpers (cannot start, killed, frozen
# program without multiprocessing support) and the rest is encoded here: slower, never different.
PARALLEL_MIN = 400  # fewer codes than this: starting a helper process costs more than it saves
CHUNK = 200


def _encode_chunk(texts: list[str]) -> list[tuple[int, int, bytes] | None]:
    """In a helper process: (version, size, modules) per text, None when too long."""
    out: list[tuple[int, int, bytes] | None] = []
    for text in texts:
        try:
            code = _encode_uncached(text)
        except QrTooLong:
            out.append(None)
        else:
            out.append((code.version, code.size, code.modules))
    return out


def encode_all(texts: Sequence[str], *, helpers: int = 1) -> Iterator[QrCode | None]:
    """The codes of ``texts`` in order (None for a text no version holds), made by ``helpers``
    processes when there are many; yielded as soon as each is ready."""
    missing = [text for text in dict.fromkeys(texts) if _cached(text) is None]
    chunks: list[tuple[list[str], Future]] = []
    owner: dict[str, int] = {}  # text → its chunk
    pool: ProcessPoolExecutor | None = None
    if helpers > 0 and len(missing) >= PARALLEL_MIN:
        try:
            import multiprocessing

            pool = ProcessPoolExecutor(max_workers=helpers, mp_context=multiprocessing.get_context("spawn"))
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start:start + CHUNK]
                owner.update(dict.fromkeys(chunk, len(chunks)))
                chunks.append((chunk, pool.submit(_encode_chunk, chunk)))
        except Exception:  # noqa: BLE001 - no helpers: everything is encoded here
            owner.clear()
    collected: set[int] = set()
    try:
        for text in texts:
            code = _cached(text)
            index = owner.get(text)
            if code is None and index is not None and index not in collected:
                collected.add(index)
                _collect(*chunks[index])
                code = _cached(text)
            if code is None:
                try:
                    code = encode(text)
                except QrTooLong:
                    code = None
            yield code
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _collect(chunk: list[str], future: Future) -> None:
    """Remember the codes a helper made for ``chunk`` (nothing when it failed: they are then
    encoded here, one by one, as they are needed)."""
    try:
        results = future.result()
    except Exception:  # noqa: BLE001 - a broken or killed helper
        return
    for text, result in zip(chunk, results, strict=True):
        if result is not None:
            version, size, modules = result
            _remember(QrCode(text=text, version=version, size=size, modules=modules))
