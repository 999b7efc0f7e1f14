"""Reading one cell of an import row: text as people typed it, ID numbers that Excel may already
have spoiled, dates in the many forms spreadsheets hold them, and labels of the national code
tables (GB/T 2261.1 sex, GB/T 3304 ethnicity, GB/T 4761 relation) or their codes.

Each reader returns ``(value, problem)``: the problem is a Chinese sentence for the user, or None.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import cache

from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from chang_shan import codes
from chang_shan.db.models.people import RESIDENCE_TYPES
from chang_shan.errors import ValidationError
from chang_shan.population import idnumber

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # Excel's date serials: 1900-01-01 … 9999-12-31
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
NUMBER_ID = "身份证号码存成了数字，Excel 已丢失末几位，无法确定原号码。请把这一列设为“文本”格式，重新录入完整号码后再导入。"


def text(value: object) -> str:
    """A cell as the text a person sees: numbers without a trailing ``.0``, dates as 1949-12-31."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def id_number(value: object) -> tuple[idnumber.IdFacts | None, str | None]:
    """An ID number cell: None when empty; refused when stored as a number or shown by Excel in
    scientific form (digits lost: never guessed), masked, or invalid (check digit, date, region)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None, NUMBER_ID
    raw = text(value)
    normal = idnumber.normalise(raw)
    if not normal:
        return None, None
    if _SCIENTIFIC.match(normal) or re.fullmatch(r"\d+\.0+", normal):
        return None, NUMBER_ID
    if "*" in normal:
        return None, "身份证号码已遮盖（导出时未显示完整号码），无法导入。请用含完整号码的表格。"
    try:
        return idnumber.parse(normal), None
    except ValidationError as exc:
        return None, exc.first_message


def birth_date(value: object, *, epoch: datetime = CALENDAR_WINDOWS_1900) -> tuple[date | None, str | None]:
    """A date cell: an Excel date, a serial number (a date cell formatted as 常规), or text such as
    1949-12-31, 1949/12/31, 1949.12.31, 1949年12月31日, 19491231."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, epoch)
    raw = unicodedata.normalize("NFKC", text(value))
    match = _DATE_TEXT.match(raw)
    if match:
        return _date(*(int(part) for part in match.groups()), raw)
    if re.fullmatch(r"\d{8}", raw):
        return _date(int(raw[:4]), int(raw[4:6]), int(raw[6:]), raw)
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _serial(float(raw), epoch)
    return None, f"无法识别的日期“{raw}”：请写成 1949-12-31 这样的形式。"


def _serial(number: float, epoch: datetime) -> tuple[date | None, str | None]:
    if not _SERIAL_MIN <= number <= _SERIAL_MAX:
        return None, f"日期“{text(number)}”不是有效的 Excel 日期。"
    converted = from_excel(number, epoch=epoch)
    return (converted.date() if isinstance(converted, datetime) else converted), None  # type: ignore[return-value]


def _date(year: int, month: int, day: int, raw: str) -> tuple[date | None, str | None]:
    try:
        return date(year, month, day), None
    except ValueError:
        return None, f"日期“{raw}”不存在。"


@cache
def _lookup(table_name: str) -> dict[str, str]:
    """Every way a value of the table may be written → its code: codes (``1`` and ``01``),
    labels, and the words offices use (which win over a label)."""
    table, extra = _TABLES[table_name]()
    words = {code: code for code in table.codes()}
    words.update({code.lstrip("0"): code for code in table.codes() if code.lstrip("0")})
    words.update({label: code for code, label in table.entries})
    words.update(extra)  # 与户主关系“本人” is the head himself (户主), not GB/T 4761's 01
    return words


def _code_or_label(value: object, table_name: str, what: str, hint: str) -> tuple[str | None, str | None]:
    raw = unicodedata.normalize("NFKC", text(value)).replace(" ", "")
    if not raw:
        return None, None
    code = _lookup(table_name).get(raw)
    if code is None:
        return None, f"未知的{what}“{raw}”：{hint}"
    return code, None


_SEX_WORDS = {"男性": "1", "女性": "2", "M": "1", "F": "2", "未知": "0", "未说明": "9"}


def sex(value: object) -> tuple[str | None, str | None]:
    return _code_or_label(value, "sex", "性别", "应为 男 或 女（代码 1 或 2）。")


def ethnicity(value: object) -> tuple[str | None, str | None]:
    return _code_or_label(value, "ethnicity", "民族", "应为 GB/T 3304 中的民族名称，如 汉族、满族、朝鲜族。")


_RELATION_WORDS = {"本人": "02", "户主本人": "02", "丈夫": "11", "妻子": "12", "儿子": "20", "女儿": "30",
                   "孙子女": "40", "外孙": "43", "外孙女": "44", "父": "51", "母": "52", "兄弟": "70", "姐妹": "70"}


def relation(value: object) -> tuple[str | None, str | None]:
    return _code_or_label(value, "relation", "与户主关系",
                          "应为 GB/T 4761 中的关系，如 户主、配偶、子、女、父亲、母亲、非亲属。")


def _ethnicity_words() -> dict[str, str]:
    return {label.removesuffix("族"): code for code, label in codes.ethnicity().entries if label.endswith("族")}


_TABLES = {
    "sex": lambda: (codes.sex(), _SEX_WORDS),
    "ethnicity": lambda: (codes.ethnicity(), _ethnicity_words()),
    "relation": lambda: (codes.relation(), _RELATION_WORDS),
}


def residence_type(value: object) -> tuple[str | None, str | None]:
    raw = text(value).replace(" ", "")
    if not raw:
        return None, None
    word = raw.removesuffix("人口").removesuffix("人员")
    if word in RESIDENCE_TYPES:
        return word, None
    return None, f"未知的居住类型“{raw}”：应为 " + "、".join(RESIDENCE_TYPES) + "。"


def groups(value: object) -> tuple[list[str] | None, str | None]:
    raw = text(value)
    if not raw:
        return None, None
    names = [part for part in re.split(r"[、,，;；/\s]+", raw) if part]
    unknown = [name for name in names if name not in codes.special_groups()]
    if unknown:
        return None, "未知的人群类别：" + "、".join(unknown) + "（可用：" + "、".join(codes.special_groups()) + "）。"
    return sorted(set(names)), None


def place_key(value: object, suffixes: tuple[str, ...]) -> str:
    """A building or unit as compared: ``3号楼``, ``3栋``, ``３`` and ``3`` are one building."""
    raw = unicodedata.normalize("NFKC", text(value)).replace(" ", "")
    match = re.fullmatch(r"0*(\d+)(" + "|".join(suffixes) + ")?", raw)
    return match.group(1) if match else raw


BUILDING_SUFFIXES = ("号楼", "号", "栋", "幢", "楼")
UNIT_SUFFIXES = ("单元", "门")


def room(value: object) -> str:
    raw = unicodedata.normalize("NFKC", text(value)).strip()
    return re.sub(r"^(\d+)室$", r"\1", raw)
