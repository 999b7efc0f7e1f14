"""What an import row may hold: the fields, their Chinese labels, and the header names that map
to them automatically (the office's usual spellings and the exports' own headers, so an export
re-imports as it is)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldInfo:
    label: str  # 中文, for the wizard's mapping combos and the problem list
    required: bool  # the column must be mapped for an import
    aliases: tuple[str, ...] = ()  # header texts mapped to this field without asking


FIELDS: dict[str, FieldInfo] = {
    "name": FieldInfo("姓名", True, ("姓名", "名字", "居民姓名", "户主姓名及成员")),
    "id_number": FieldInfo("身份证号码", True, (
        "身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码", "身份证件号码")),
    "sex": FieldInfo("性别", False, ("性别",)),
    "sex_code": FieldInfo("性别代码", False, ("性别代码",)),
    "birth_date": FieldInfo("出生日期", False, ("出生日期", "出生年月日", "出生年月", "生日")),
    "ethnicity": FieldInfo("民族", False, ("民族",)),
    "ethnicity_code": FieldInfo("民族代码", False, ("民族代码",)),
    "relation": FieldInfo("与户主关系", False, ("与户主关系", "与户主的关系", "关系", "家庭关系")),
    "relation_code": FieldInfo("与户主关系代码", False, ("与户主关系代码",)),
    "phone": FieldInfo("联系电话", False, ("联系电话", "手机号", "手机号码", "电话", "手机", "电话号码", "联系方式")),
    "building": FieldInfo("楼栋", True, ("楼栋", "楼号", "楼栋号", "栋号", "楼")),
    "unit": FieldInfo("单元", False, ("单元", "单元号")),
    "room": FieldInfo("房号", True, ("房号", "门牌号", "门牌", "室号", "房间号", "户号")),
    "residence_type": FieldInfo("居住类型", False, ("居住类型", "人员类型", "户籍类型", "人口类型")),
    "employment": FieldInfo("就业状况", False, ("就业状况", "工作单位", "职业")),
    "groups": FieldInfo("特殊人群", False, ("特殊人群", "人群类别", "特殊人群类别")),
    "note": FieldInfo("备注", False, ("备注", "说明")),
}

NOT_IMPORTED = "不导入"


def header_key(text: object) -> str:
    """A header as compared: full-width folded, spaces, colons and stars out (``*姓名：`` → ``姓名``)."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s:：*＊()（）\[\]【】]", "", value)


_BY_ALIAS = {header_key(alias): key for key, info in FIELDS.items() for alias in info.aliases}


def field_for_header(header: object) -> str | None:
    """The field a header maps to automatically, or None."""
    return _BY_ALIAS.get(header_key(header))


def field_key(text: str) -> str | None:
    """A field named by its key (``id_number``) or its label (``身份证号码``); '' or 不导入 → None.
    Raises ``KeyError`` for anything else."""
    text = (text or "").strip()
    if not text or text == NOT_IMPORTED:
        return None
    if text in FIELDS:
        return text
    for key, info in FIELDS.items():
        if text == info.label or header_key(text) in map(header_key, info.aliases):
            return key
    raise KeyError(text)


def label(key: str | None) -> str:
    return FIELDS[key].label if key in FIELDS else ""
