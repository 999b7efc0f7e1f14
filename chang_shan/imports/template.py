"""The template workbook offered to the office: the headers the import maps by itself, one
example row, the ID number and phone columns formatted as text (so Excel keeps every digit), and
a 说明 sheet saying how to fill it in."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chang_shan import __version__, codes
from chang_shan.db.models.people import RESIDENCE_TYPES
from chang_shan.exports.output import AtomicFile, check_target
from chang_shan.imports.fields import FIELDS

SHEET = "居民"
TEMPLATE_FIELDS = ("name", "id_number", "sex", "birth_date", "ethnicity", "relation", "phone", "building",
                   "unit", "room", "residence_type", "groups", "note")
TEXT_FIELDS = ("id_number", "phone", "room", "unit", "building")
EXAMPLE = {"name": "张立春", "id_number": "220103195003120111", "sex": "男", "birth_date": "1950-03-12",
           "ethnicity": "汉族", "relation": "户主", "phone": "13804310001", "building": "3号楼", "unit": "1单元",
           "room": "101", "residence_type": "户籍", "groups": "", "note": "示例行，导入前请删除"}
WIDTHS = {"name": 12, "id_number": 22, "phone": 15, "note": 24, "relation": 12, "residence_type": 10}
ROWS_FORMATTED = 2000  # the text format reaches this far down the ID and phone columns


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the template to ``path`` (.xlsx), atomically; returns the path."""
    target = check_target(path, (".xlsx",))
    book = Workbook()
    book.properties.creator = f"长山 chang-shan {__version__}"
    book.properties.title = "居民导入模板"
    sheet = book.active
    sheet.title = SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for col, key in enumerate(TEMPLATE_FIELDS, start=1):
        info = FIELDS[key]
        cell = sheet.cell(row=1, column=col, value=info.label)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 10)
        example = sheet.cell(row=2, column=col, value=EXAMPLE[key] or None)
        if key in TEXT_FIELDS:
            example.data_type = "s"
            for row in range(2, ROWS_FORMATTED + 2):
                sheet.cell(row=row, column=col).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    notes.column_dimensions["A"].width = 100
    for row, line in enumerate(_instructions(), start=1):
        notes.cell(row=row, column=1, value=line)
    notes.cell(row=1, column=1).font = Font(bold=True, size=14)
    with AtomicFile(target) as part:
        assert part.temp is not None
        book.save(part.temp)
        part.commit()
    return target


def _instructions() -> list[str]:
    required = "、".join(info.label for info in FIELDS.values() if info.required)
    return [
        "居民导入模板 使用说明",
        "",
        "1. 在“居民”工作表中每行填一位居民；第 2 行是示例，导入前请删除。",
        f"2. 必填：{required}；楼房还须填单元。新登记的居民还须填与户主关系。",
        "3. 身份证号码和电话两列已设为“文本”格式，请直接输入或粘贴为文本：存成数字时 Excel 会丢掉末几位，这样的号码不能导入。",
        "4. 没有身份证号码的居民请填出生日期，写成 1949-12-31（也可 1949.12.31 或 1949年12月31日）。",
        "5. 性别填 男 或 女；民族填全称，如 汉族、满族、朝鲜族；与户主关系按 GB/T 4761 填，如 户主、配偶、妻、子、女、父亲、母亲、孙子、非亲属。",
        "6. 楼栋填楼号，如 3 或 3号楼；单元填 1 或 1单元；平房区的户楼栋填“平房区”，单元留空，房号填门牌地址，如 长山路12号。",
        "7. 居住类型：" + "、".join(RESIDENCE_TYPES) + "；特殊人群可填多个，用顿号分隔：" + "、".join(codes.special_groups()) + "。",
        "8. 不要合并单元格；空着的格子不会清除系统里已有的内容。",
        "9. 已登记的居民按身份证号码对应：内容相同的行不作改动，不同的按表中内容更正；转户、变更户主请在程序中办理。",
        "10. 导入前程序会先检查整张表，列出每个问题所在的工作表、行和列；有问题时不写入任何数据。",
    ]
