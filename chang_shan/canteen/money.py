"""Money in the canteen: integer fen inside, ``Decimal`` yuan outside, and the amount in Chinese
capital numerals (大写金额) as receipts write it.

Never a float: ``0.10 + 0.20`` is not ``0.30`` in binary floating point. Sums are taken in fen
(integers, exact) and turned into yuan once, quantized to ``0.01``.

The capitals follow 中国人民银行《正确填写票据和结算凭证的基本规定》: ``壹拾`` keeps its ``壹``; a
zero inside the number is written once (``壹仟肆佰零玖元``); ``零`` before the fen when the jiao is
zero (``叁佰贰拾伍元零肆分``); ``整`` after an amount that ends at the yuan. Where the rules leave a
zero optional (the yuan digit is zero but the jiao is not), none is written.
"""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
_GROUPS = ("", "万", "亿", "万亿")


def yuan(fen: int) -> Decimal:
    """``700`` → ``Decimal('7.00')`` (exact: a shift of the decimal point)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, not {type(fen).__name__}")
    return Decimal(fen).scaleb(-2).quantize(CENT)


def to_fen(amount: Decimal) -> int:
    """``Decimal('7.00')`` → ``700``. A float is refused outright; so is a fraction of a fen."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money is a Decimal, never {type(amount).__name__}")
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValueError(f"not a sum of whole fen: {amount}")
    return int(amount.scaleb(2))


def _group(number: int) -> str:
    """0 < ``number`` < 10000 in capitals, zeros inside written once, leading zeros dropped."""
    text = ""
    zero = False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += DIGITS[0]
            zero = False
        text += DIGITS[digit] + _PLACES[place]
    return text


def _integer(number: int) -> str:
    """0 < ``number`` < 10**16 in capitals: ``壹拾万零壹拾``."""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large")
    text = ""
    zero = False  # a zero group, or a gap of zeros, since the last digit written
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            zero = bool(text)
            continue
        if text and (zero or value < 1000):
            text += DIGITS[0]
        text += _group(value) + _GROUPS[index]
        zero = False
    return text


def in_capitals(amount: Decimal) -> str:
    """``Decimal('427.00')`` → ``肆佰贰拾柒元整``; ``Decimal('0.30')`` → ``叁角``; ``0`` → ``零元整``."""
    fen = to_fen(amount)
    if fen < 0:
        raise ValueError("a negative amount has no capitals here")
    whole, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    text = _integer(whole) + "元" if whole else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif cents and whole:
        text += DIGITS[0]
    if cents:
        text += DIGITS[cents] + "分"
    if not jiao and not cents:
        text += "整"
    return text
