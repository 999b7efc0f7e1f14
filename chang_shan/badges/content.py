"""What a badge's QR code says: plain text a phone scanner shows as it is, and its fitting to the
QR size a layout prints.

The text, one item a line (a phone shows it exactly so, offline, no app)::

    防走失联系卡 长山花园社区
    姓名：李桂兰
    家属：张伟（儿子）13912345678
    家属：张丽（女儿）13812345678
    社区电话：0431-81234567
    健康提示：阿尔茨海默病；糖尿病；青霉素过敏
    住址：3号楼2单元301
    编号：00123-2

Never an ID number: ``BadgeData`` has none to give.

**How small a module may be.** ``MIN_MODULE_MM`` = 0.4 mm. Print guidance for QR codes read by
phone cameras puts the smallest reliable module at about 0.25–0.33 mm on clean, flat paper held
close; a badge is worn on clothing or a cane, laminated or scuffed, possibly curved, and scanned
by a stranger's phone held at arm's length in poor light. 0.4 mm leaves a margin of about 1.3×
over the usual minimum, and still allows version 15 on an ID-1 card (36 mm code) and version 11
on a 50×30 mm label (28 mm code) — enough for name, two contacts, hotline, a short medical note
and the address in most cases. When the text would need a larger version, it is shortened (see
``fit_text``) instead of printing modules too fine to scan.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from chang_shan.badges.qr import QrCode, QrTooLong, encode, encode_all
from chang_shan.badges.shapes import BadgeData, FittedText

MIN_MODULE_MM = 0.4
TITLE = "防走失联系卡"
MEDICAL_SEPARATOR = "；"
MORE = "等"
TOO_BIG_VERSION = 41  # a text no QR version holds


def contact_line(name: str, relation: str, phone: str) -> str:
    """'家属：张伟（儿子）13912345678'; without a relation '家属：张伟 13912345678'."""
    who, relation = name.strip(), relation.strip()
    if relation:
        return f"家属：{who}（{relation}）{phone.strip()}"
    return f"家属：{who} {phone.strip()}" if who else f"家属：{phone.strip()}"


def badge_text(data: BadgeData, *, medical: str | None = None, include_address: bool = True,
               contacts: int | None = None) -> str:
    """The QR text of ``data``. ``medical``: the note to put (None: ``data.medical_note``, '' none);
    ``include_address``: the address line when ``data`` has one; ``contacts``: how many family
    contacts (None: all of ``data.contacts``)."""
    title = f"{TITLE} {data.community.strip()}" if data.community.strip() else TITLE
    lines = [title, f"姓名：{data.name.strip()}"]
    shown = data.contacts if contacts is None else data.contacts[:contacts]
    lines += [contact_line(c.name, c.relation, c.phone) for c in shown]
    if data.hotline.strip():
        lines.append(f"社区电话：{data.hotline.strip()}")
    note = (data.medical_note if medical is None else medical).strip()
    if note:
        lines.append(f"健康提示：{note}")
    if include_address and data.address.strip():
        lines.append(f"住址：{data.address.strip()}")
    lines.append(f"编号：{data.number_text}")
    return "\n".join(lines)


def medical_items(note: str) -> list[str]:
    """The items of a medical note ('阿尔茨海默病；糖尿病' → two), most important first."""
    return [item.strip() for item in note.replace(";", MEDICAL_SEPARATOR).split(MEDICAL_SEPARATOR) if item.strip()]


def _candidates(data: BadgeData) -> list[tuple[dict, tuple[str, ...]]]:
    """The texts to try in order, each with the warnings it carries (the full text first)."""
    steps: list[tuple[dict, tuple[str, ...]]] = [({}, ())]
    items = medical_items(data.medical_note)
    for keep in range(len(items) - 1, 0, -1):
        short = MEDICAL_SEPARATOR.join(items[:keep]) + MORE
        steps.append(({"medical": short}, (f"健康提示已缩短为“{short}”（二维码过大）",)))
    no_medical: tuple[str, ...] = ()
    if items:
        no_medical = ("健康提示未印入二维码（二维码过大）",)
        steps.append(({"medical": ""}, no_medical))
    no_address = no_medical
    if data.address.strip():
        no_address = (*no_medical, "住址未印入二维码（二维码过大）")
        steps.append(({"medical": "", "include_address": False}, no_address))
    if len(data.contacts) > 1:
        steps.append(({"medical": "", "include_address": False, "contacts": 1},
                      (*no_address, f"只印入第一位家属，其余 {len(data.contacts) - 1} 位未印入（二维码过大）")))
    return steps


def fit_code(data: BadgeData, max_version: int) -> tuple[FittedText, QrCode | None]:
    """The longest text (see ``fit_text``) and its code (None only when no version holds it)."""
    last: tuple[str, int, tuple[str, ...], QrCode | None] | None = None
    for options, warnings in _candidates(data):
        text = badge_text(data, **options)
        try:
            code: QrCode | None = encode(text)
            version = code.version  # type: ignore[union-attr]
        except QrTooLong:
            code, version = None, TOO_BIG_VERSION
        last = (text, version, warnings, code)
        if version <= max_version:
            return FittedText(text, version, max_version, warnings), code
    assert last is not None
    text, version, warnings, code = last
    shown = "超过40" if code is None else str(version)
    warnings = (*warnings, f"二维码仍然过大（版本 {shown}，此版式最大 {max_version}），可能难以扫描")
    return FittedText(text, version, max_version, warnings), code


def fit_codes(badges: Sequence[BadgeData], max_version: int, *,
              helpers: int = 1) -> Iterator[tuple[FittedText, QrCode | None]]:
    """``fit_code`` for many badges, in order, yielded as they are ready: the full texts are
    encoded by ``helpers`` processes (``qr.encode_all``); the few too big for ``max_version``
    are shortened here."""
    texts = [badge_text(data) for data in badges]
    for data, text, code in zip(badges, texts, encode_all(texts, helpers=helpers), strict=True):
        if code is not None and code.version <= max_version:
            yield FittedText(text, code.version, max_version, ()), code
        else:
            yield fit_code(data, max_version)


def fit_text(data: BadgeData, max_version: int) -> FittedText:
    """The QR text of ``data`` for a code of at most ``max_version``.

    When the full text is too big, it is shortened step by step, in this order, until it fits:
    medical items dropped from the end (the note then ends in '等'), then the medical note left
    out, then the address, then every contact after the first. Each step says so in a Chinese
    warning. Nothing else is ever left out: name, hotline and number always stay. If even the
    shortest text is too big, it is returned with ``fits`` False and a warning.
    """
    return fit_code(data, max_version)[0]
