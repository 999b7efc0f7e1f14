"""Fonts for PDFs: TrueType CJK fonts found on this machine, embedded, with a fallback per character.

reportlab embeds only fonts with TrueType outlines (Noto CJK, a CFF font, cannot be used), and no
single free font covers every character a register of names holds: 𠀀 (U+20000) and 𪚥 are in CJK
Extension B, which the common fonts lack. So text is drawn in *runs*: each character in the first
font of a chain that has its glyph (``FontChain.runs``).

Where fonts come from, in this order: ``resources/fonts`` (bundled with the program, if any), the
Windows fonts folders (宋体 SimSun, SimSun-ExtB, 仿宋 FangSong, 黑体 SimHei), then the Debian
packages fonts-arphic-uming, fonts-wqy-zenhei, fonts-hanazono and fonts-babelstone-han.

reportlab 5.1 writes a wrong ToUnicode entry for characters above U+FFFF (``<20000>`` instead of
the UTF-16 pair ``<D840DC00>``), so text extraction and search drop them; ``EmbeddedTTFont``
rewrites those CMaps with the right entries.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFError, TTFont

from chang_shan.errors import EnvironmentProblem
from chang_shan.paths import resources_dir

SONG = "song"  # 宋体-style serif: body text
HEI = "hei"  # 黑体-style sans: headings, tables
FANGSONG = "fangsong"  # 仿宋: body of formal documents (GB/T 9704)
EXT = "ext"  # fonts that are there for what the others lack (CJK Extension A/B …)

STYLES = (SONG, HEI, FANGSONG)

# For each style, the order in which groups of fonts are tried.
_FALLBACK_ORDER = {
    SONG: (SONG, HEI, FANGSONG, EXT),
    HEI: (HEI, SONG, FANGSONG, EXT),
    FANGSONG: (FANGSONG, SONG, HEI, EXT),
}


class FontsMissing(EnvironmentProblem):
    """No TrueType Chinese font on this machine: a PDF would show boxes instead of characters."""


@dataclass(frozen=True)
class FontSource:
    """A font the program knows by file name. ``key`` is the name it is registered under."""

    key: str
    label: str
    files: tuple[str, ...]
    group: str
    index: int = 0  # face in a .ttc collection


KNOWN_FONTS: tuple[FontSource, ...] = (
    # Windows (TrueType; the office's own fonts come first when they are there).
    FontSource("CS-SimSun", "宋体", ("simsun.ttc",), SONG),
    FontSource("CS-SimHei", "黑体", ("simhei.ttf",), HEI),
    FontSource("CS-FangSong", "仿宋", ("simfang.ttf",), FANGSONG),
    FontSource("CS-SimSunExtB", "宋体-ExtB", ("simsunb.ttf",), EXT),
    FontSource("CS-SimSunExtG", "宋体-ExtG", ("SimsunExtG.ttf", "simsunextg.ttf"), EXT),
    # Debian: fonts-arphic-uming, fonts-wqy-zenhei (common text).
    FontSource("CS-UMing", "AR PL UMing", ("uming.ttc",), SONG),
    FontSource("CS-WQYZenHei", "文泉驿正黑", ("wqy-zenhei.ttc",), HEI),
    # Debian: fonts-hanazono, fonts-babelstone-han (CJK Extension A and B: 𠀀 U+20000).
    FontSource("CS-HanaMinA", "花園明朝 A", ("HanaMinA.ttf",), EXT),
    FontSource("CS-HanaMinB", "花園明朝 B", ("HanaMinB.ttf",), EXT),
    FontSource("CS-BabelStoneHan", "BabelStone Han", ("BabelStoneHan.ttf",), EXT),
)

INSTALL_HINT = (
    "没有找到可以嵌入 PDF 的中文 TrueType 字体。Windows 请确认已安装宋体（SimSun）；"
    "Debian/Ubuntu 请安装 fonts-wqy-zenhei 或 fonts-arphic-uming（生僻字另需 fonts-hanazono）。"
)


def font_dirs() -> list[Path]:
    """Folders searched for fonts, bundled ones first."""
    dirs = [resources_dir() / "fonts"]
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")  # fonts installed per user
    else:
        base = Path("/usr/share/fonts/truetype")
        dirs += [base / "arphic", base / "wqy", base / "hanazono", base / "babelstone",
                 Path("/usr/local/share/fonts"), Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts"]
    return dirs


@dataclass(frozen=True)
class FoundFont:
    key: str
    label: str
    path: Path
    group: str
    index: int = 0


def discover(dirs: Sequence[Path] | None = None) -> list[FoundFont]:
    """The known fonts present in ``dirs`` (default ``font_dirs()``), plus any other TrueType
    file bundled in ``resources/fonts`` (tried after the known ones). Not yet opened."""
    dirs = list(font_dirs() if dirs is None else dirs)
    found: list[FoundFont] = []
    taken: set[Path] = set()
    for source in KNOWN_FONTS:
        for folder in dirs:
            path = next((folder / name for name in source.files if (folder / name).is_file()), None)
            if path is not None:
                found.append(FoundFont(source.key, source.label, path, source.group, source.index))
                taken.add(path.resolve())
                break
    bundled = resources_dir() / "fonts"
    if bundled in dirs and bundled.is_dir():
        for path in sorted(bundled.iterdir()):
            if path.suffix.lower() in (".ttf", ".ttc") and path.resolve() not in taken:
                found.append(FoundFont(f"CS-{path.stem}", path.stem, path, EXT))
    return found


# --- embedding --------------------------------------------------------------------------------------


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def to_unicode_cmap(font_name: str, subset: Sequence[int]) -> str:
    """A ToUnicode CMap for one 256-glyph subset: code → UTF-16BE, surrogate pairs included."""
    entries = [f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({font_name}) /Ordering ({font_name}) /Supplement 0 >> def",
        f"/CMapName /{font_name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        # bfchar blocks hold at most 100 entries (PDF 32000-1 9.10.3)
        *(part for start in range(0, len(entries), 100) for part in (
            f"{len(entries[start:start + 100])} beginbfchar", *entries[start:start + 100], "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


class EmbeddedTTFont(TTFont):
    """reportlab's TTFont with correct ToUnicode entries for characters above U+FFFF."""

    def addObjects(self, doc) -> None:  # noqa: ANN001, N802 - reportlab's name
        state = self._assignState(doc)
        face = self.face
        wide = [
            ((SUBSETN(n) + b"+" + face.name + face.subfontNameX).decode("pdfdoc"), list(subset))
            for n, subset in enumerate(state.subsets) if any(code > 0xFFFF for code in subset)
        ]
        super().addObjects(doc)
        for base_name, subset in wide:
            stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
            if stream is not None:
                stream.content = to_unicode_cmap(base_name, subset)


_lock = threading.Lock()
_loaded: dict[tuple[str, int], EmbeddedTTFont | None] = {}


def load(found: FoundFont) -> EmbeddedTTFont | None:
    """The font opened and registered with reportlab (once per process); None when reportlab
    cannot embed it (CFF outlines, a damaged file, embedding forbidden)."""
    cache_key = (str(found.path), found.index)
    with _lock:
        if cache_key in _loaded:
            return _loaded[cache_key]
        name = found.key if found.index == 0 else f"{found.key}-{found.index}"
        try:
            existing = pdfmetrics.getRegisteredFontNames()
            if name in existing:  # same name, another file (a test's fonts folder): keep both apart
                name = f"{name}-{len(_loaded)}"
            font: EmbeddedTTFont | None = EmbeddedTTFont(name, str(found.path), subfontIndex=found.index)
            pdfmetrics.registerFont(font)
        except (TTFError, OSError, ValueError, KeyError, IndexError):
            font = None
        _loaded[cache_key] = font
        return font


# --- the chain -----------------------------------------------------------------------------------

_SPACE_LIKE = {"\t": " ", "\n": " ", "\r": " ", "\u00a0": " "}


class FontChain:
    """Fonts tried in order for each character; opened only when an earlier one lacks a glyph."""

    def __init__(self, fonts: Sequence[FoundFont]) -> None:
        self._found = list(fonts)
        self._open: list[EmbeddedTTFont | None | bool] = [False] * len(self._found)  # False: not tried
        self._choice: dict[str, str] = {}
        self.missing: set[str] = set()  # characters no font has (drawn as the first font's box)
        if self.primary is None:
            raise FontsMissing(INSTALL_HINT)

    def _font(self, i: int) -> EmbeddedTTFont | None:
        font = self._open[i]
        if font is False:
            font = self._open[i] = load(self._found[i])
        return font  # type: ignore[return-value]

    @property
    def primary(self) -> str | None:
        """The name of the first usable font (the one text is drawn in when it can be)."""
        for i in range(len(self._found)):
            font = self._font(i)
            if font is not None:
                return font.fontName
        return None

    @property
    def labels(self) -> list[str]:
        return [f.label for f in self._found]

    def font_for(self, char: str) -> str:
        name = self._choice.get(char)
        if name is not None:
            return name
        code = ord(char)
        for i in range(len(self._found)):
            font = self._font(i)
            if font is not None and code in font.face.charToGlyph:
                name = font.fontName
                break
        else:
            name = self.primary  # type: ignore[assignment]
            if not char.isspace():
                self.missing.add(char)
        self._choice[char] = name  # type: ignore[assignment]
        return name  # type: ignore[return-value]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``[(font name, text), …]``: consecutive characters drawn in the same font."""
        runs: list[tuple[str, str]] = []
        for char in text:
            char = _SPACE_LIKE.get(char, char)
            if char == " ":
                name = runs[-1][0] if runs else self.font_for(char)  # a space never starts a new run
            else:
                name = self.font_for(char)
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(part, name, size) for name, part in self.runs(text))

    def has_all(self, text: str) -> bool:
        self.runs(text)
        return not any(char in self.missing for char in text)


def chain(style: str = SONG, *, dirs: Iterable[Path] | None = None) -> FontChain:
    """The fallback chain for a style (``SONG``, ``HEI``, ``FANGSONG``); ``FontsMissing`` when
    this machine has no usable Chinese TrueType font at all."""
    if style not in _FALLBACK_ORDER:
        raise ValueError(f"unknown font style {style!r}")
    found = discover(None if dirs is None else list(dirs))
    order = {group: rank for rank, group in enumerate(_FALLBACK_ORDER[style])}
    found.sort(key=lambda f: order.get(f.group, len(order)))  # stable: the KNOWN_FONTS order within a group
    return FontChain(found)
