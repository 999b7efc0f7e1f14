"""GB 11643 citizen identity numbers: normalise, validate, upgrade 15 → 18 digits, derive facts.

Uses python-stdnum's GB/T 2260 region table (``cn/loc``) for the address code; this module adds
what a data-entry form needs: full-width digits and a lowercase x accepted, the legacy 15-digit
form upgraded, and messages in Chinese that say what exactly is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

from stdnum import numdb

from chang_shan.errors import ValidationError

FIELD = "id_number"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdFacts:
    number: str  # the canonical 18-character form
    birth_date: date
    sex_code: str  # GB/T 2261.1: '1' male, '2' female
    region_code: str
    region_name: str  # '' when the code is not in the region table
    upgraded_from_15: bool


def normalise(raw: str) -> str:
    """Full-width to half-width, spaces and separators out, x upper-cased."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s\-－—_]", "", text)
    return text.upper()


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def upgrade_15(number15: str) -> str:
    """The legacy 15-digit number (born 19xx, no check digit) in its 18-digit form."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_digit(first17)


def _fail(message: str) -> ValidationError:
    return ValidationError({FIELD: message})


def parse(raw: str, *, today: date | None = None) -> IdFacts:
    """Validate an ID number and return its facts, or raise ``ValidationError`` in Chinese."""
    today = today or date.today()
    number = normalise(raw)
    if not number:
        raise _fail("请填写身份证号码。")
    upgraded = False
    if len(number) == 15:
        if not number.isdigit():
            raise _fail("15 位身份证号码只能由数字组成。")
        _birth(number[:6] + "19" + number[6:12], today)
        number = upgrade_15(number)
        upgraded = True
    elif len(number) != 18:
        raise _fail(f"身份证号码应为 18 位（或旧式 15 位），现在是 {len(number)} 位。")
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise _fail("身份证号码前 17 位应为数字，最后一位为数字或 X。")
    birth = _birth(number, today)
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise _fail(f"身份证号码校验位不正确（最后一位应为 {expected}），请核对是否输错。")
    region = region_name(number[:6], birth.year)
    if region is None:
        raise _fail(f"身份证号码前 6 位 {number[:6]} 不是行政区划代码，请核对是否输错。")
    sex_code = "1" if int(number[16]) % 2 == 1 else "2"
    return IdFacts(number, birth, sex_code, number[:6], region, upgraded)


_NOT_A_PLACE = ("市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划")


def _names(code: str) -> dict[str, str]:
    return {key: value for _, props in numdb.get("cn/loc").info(code) for key, value in props.items()}


def _name_in(variants: str, year: int) -> str:
    """``[1983-1994]二道河子区,[1995-]二道区`` → the name in use in ``year``, else the current one."""
    named: list[tuple[int, int, str]] = []
    for variant in variants.split(","):
        match = re.fullmatch(r"\[(\d*)-(\d*)\](.*)", variant.strip())
        if match is None:
            return variant.strip()
        start, end, name = match.groups()
        named.append((int(start or 0), int(end or 9999), name))
    for start, end, name in named:
        if start <= year <= end:
            return name
    return max(named)[2] if named else ""


@lru_cache(maxsize=4096)
def region_name(code: str, year: int) -> str | None:
    """``吉林省长春市宽城区`` for 220103; None when the code is no GB/T 2260 region at all.

    The address code of an ID number is where the holder's household was registered when the
    number was issued (from 1984 on), so it may be younger than its holder: 宽城区 got 220103 in
    1983 and the residents born before that carry it. ``stdnum.cn.ric`` refuses such numbers
    (it checks the code against the birth year), so the region table is read directly here.
    """
    if len(code) != 6 or not code.isdigit():
        return None
    place = _names(code)
    province = place.get("province")
    if not province or (code[2:] != "0000" and "county" not in place):
        return None
    parts = [province]
    if code[4:] != "00":
        city = _names(code[:4] + "00").get("county")
        city_name = _name_in(city, year) if city else ""
        if city_name and city_name not in _NOT_A_PLACE:
            parts.append(city_name)
    if code[2:] != "0000":
        county = _name_in(place["county"], year)
        if county not in _NOT_A_PLACE and county != parts[-1]:
            parts.append(county)
    return "".join(parts)


def _birth(number18ish: str, today: date) -> date:
    digits = number18ish[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise _fail(f"身份证号码中的出生日期 {digits} 不存在。") from exc
    if born > today:
        raise _fail(f"身份证号码中的出生日期 {born:%Y年%m月%d日} 晚于今天。")
    if born.year < 1890:
        raise _fail(f"身份证号码中的出生年份 {born.year} 不可能。")
    return born


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except ValidationError:
        return False
    return True


def mask(number: str | None) -> str:
    """``220102********1234``: region code and the last four stay visible."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """``138****5678`` for mobiles; shorter numbers keep only their last four digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits
