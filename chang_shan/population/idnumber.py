"""GB 11643 citizen identity numbers: normalise, validate, upgrade 15 → 18 digits, derive facts.

Built on ``stdnum.cn.ric`` (check digit, birth date, GB/T 2260 region); this module adds what a
data-entry form needs: full-width digits and a lowercase x accepted, the legacy 15-digit form
upgraded, and messages in Chinese that say what exactly is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

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
    try:
        ric.validate(number)
    except StdnumError as exc:  # pragma: no cover - our checks above are stricter
        raise _fail("身份证号码无效。") from exc
    region = ""
    try:
        place = ric.get_birth_place(number)
        region = "".join(v for v in (place.get("province"), place.get("city"), place.get("county")) if v)
    except StdnumError:
        region = ""
    sex_code = "1" if int(number[16]) % 2 == 1 else "2"
    return IdFacts(number, birth, sex_code, number[:6], region, upgraded)


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
