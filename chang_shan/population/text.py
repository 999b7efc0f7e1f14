"""Cleaning what people type: full-width forms, stray spaces, the many look-alikes of "·"."""

from __future__ import annotations

import re
import unicodedata

# Middle dots people type in minority names (买买提·艾力): all become U+00B7.
_DOTS = "\u2022\u2027\u30fb\uff65\u00b7\u2219\u22c5\uff0e\u318d"


def clean_text(value: str | None) -> str:
    """Trim, fold runs of white space, drop control characters. CJK text is left as it is."""
    if not value:
        return ""
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    return re.sub(r"\s+", " ", value).strip()


def clean_name(value: str | None) -> str:
    """A person's name: no spaces inside Chinese names, every middle-dot look-alike as "·"."""
    text = clean_text(value)
    text = "".join("·" if ch in _DOTS else ch for ch in text)
    if not re.search(r"[A-Za-z]", text):
        text = text.replace(" ", "")
    return text


def clean_digits(value: str | None) -> str:
    """Phone numbers and the like: full-width digits to ASCII, spaces out."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s", "", text)


def clean_note(value: str | None) -> str:
    """A free-text note: like ``clean_text`` but the line breaks the user typed stay (at most one
    blank line in a row); spaces are folded within each line."""
    if not value:
        return ""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(clean_text(line) for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
