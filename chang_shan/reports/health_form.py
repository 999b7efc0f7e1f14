"""居民健康档案 个人基本信息表 of one resident, laid out like the national form (国家基本公共卫生服务
规范 第三版): one boxed table, each question with its numbered answers, the chosen answers circled
and their codes printed in the code boxes on the right (□/□/□ for several answers).

The person's facts come from the 万家数据库 (sex GB/T 2261.1, birth date, ethnicity 01 汉族 / 99
少数民族, 户籍 or not, the first emergency contact), the rest from the health profile
(``health.profiles.get_profile``: ``Perm.HEALTH``; a 网格员 only for their grids). A resident
without a profile gets the form with the health questions unanswered, to fill in by hand. ID
numbers and phones are masked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date as Day
from pathlib import Path

from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from chang_shan import codes
from chang_shan.accounts.permissions import actor_of
from chang_shan.care.contacts import list_contacts
from chang_shan.db.database import Database
from chang_shan.errors import DomainError
from chang_shan.db.models import Resident
from chang_shan.db.models.health import RELATIVES
from chang_shan.health import codes as health
from chang_shan.health.profiles import get_profile
from chang_shan.health.shapes import ConditionInput, ProfileDetail, ProfileInput
from chang_shan.population import idnumber
from chang_shan.progress import Progress, no_progress
from chang_shan.reports.fonts import HEI, SONG
from chang_shan.reports.pdf_base import CENTER, PORTRAIT, RIGHT, PdfDocument, render_pdf
from chang_shan.reports.registry import ReportResult, audited_pdf

NAME = "health_form"
TITLE = "个人基本信息表"
PAGE = replace(PORTRAIT, top=12 * mm, bottom=13 * mm, left=17 * mm, right=17 * mm)

LINE = 0.6
GROUP = 20.0  # width of a group's label column (既往史, 家族史, 生活环境)
LABEL = 66.0  # width of a question's label
BOX = 12.0  # a code box
SLASH = 6.0  # the "/" between two code boxes
PAD = 5.0
SIZE = 9.0  # answers
LEADING = SIZE * 1.6
LABEL_SIZE = 9.5
MIN_ROW = 17.5

RESIDENCE = (("1", "户籍"), ("2", "非户籍"))
ETHNICITY = (("01", "汉族"), ("99", "少数民族"))
YES_NO = (("1", "无"), ("2", "有"))
OCCUPATION = (  # GB/T 6565 major groups as the form lists them (not recorded in the database: left blank)
    ("0", "国家机关、党群组织、企业、事业单位负责人"), ("1", "专业技术人员"), ("2", "办事人员和有关人员"),
    ("3", "商业、服务业人员"), ("4", "农、林、牧、渔、水利业生产人员"), ("5", "生产、运输设备操作人员及有关人员"),
    ("6", "军人"), ("7", "不便分类的其他从业人员"), ("8", "无职业"),
)


def month_text(on: Day | None) -> str:
    return f"{on.year}年{on.month}月" if on else "　　年　　月"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    sex_code: str
    birth: Day | None
    id_number: str  # masked
    phone: str  # masked
    employment: str
    residence_type: str
    ethnicity_code: str
    contact_name: str
    contact_phone: str  # masked


@dataclass(frozen=True)
class HealthForm:
    person: Person
    profile: ProfileDetail
    printed_by: str
    on: Day


class Form:
    """The boxed table from the top of the page down; ``group`` draws a label column beside rows."""

    def __init__(self, doc: PdfDocument, running_head: Callable[[PdfDocument], float]) -> None:
        self.doc = doc
        self.running_head = running_head
        self.y = doc.top
        self.indent = 0.0  # GROUP while inside a group
        self._group: tuple[str, float] | None = None  # (label, top on this page) of the open group

    # --- pieces --------------------------------------------------------------------------------------

    def room(self, height: float) -> None:
        if self.y - height < self.doc.bottom:
            if self._group is not None:  # a group running onto the next page gets its column on both
                self._group_column()
            self.doc.new_page()
            self.y = self.running_head(self.doc)
            if self._group is not None:
                self._group = (self._group[0], self.y)

    def boxes_width(self, count: int) -> float:
        return count * BOX + max(count - 1, 0) * SLASH if count else 0.0

    def code_boxes(self, right: float, middle: float, values: Sequence[str], count: int) -> None:
        """``count`` boxes (more when more answers were given) ending at ``right``, ``values`` in order."""
        doc = self.doc
        count = max(count, len(values))
        x = right - self.boxes_width(count)
        for i in range(count):
            if i:
                doc.text(x - SLASH / 2, middle - 3.2, "/", size=9, align=CENTER)
            doc.rect(x, middle - BOX / 2, BOX, BOX, stroke_width=0.6)
            if i < len(values):
                value = values[i]
                size = 9.5 if len(value) < 2 else 8
                doc.text(x + BOX / 2, middle - size * 0.35, value, size=size, style=HEI, align=CENTER)
            x += BOX + SLASH

    def flow(self, items: Sequence[tuple[str, bool]], width: float) -> list[list[tuple[float, str, bool]]]:
        """``items`` (text, circled) set in lines ``width`` wide: [[(x offset, text, circled), …], …]."""
        doc = self.doc
        gap = SIZE * 0.9
        lines: list[list[tuple[float, str, bool]]] = [[]]
        x = 0.0
        for text, circled in items:
            w = doc.width(text, SIZE)
            if lines[-1] and x + w > width:
                lines.append([])
                x = 0.0
            lines[-1].append((x, text, circled))
            x += w + gap
        return lines

    def cell(self, x: float, top: float, width: float, height: float, text: str, *, size: float = LABEL_SIZE,
             align: str = CENTER, style: str = SONG) -> None:
        doc = self.doc
        doc.rect(x, top - height, width, height, stroke_width=LINE)
        if "\n" in text:  # broken where the form breaks it
            fit, parts = size, text.split("\n")
        else:
            fit, parts = doc.fit_lines(text, width - 2 * PAD, size=size, min_size=size - 1.5, max_lines=3,
                                       style=style)
        leading = fit * 1.2
        first = top - height / 2 + (len(parts) - 1) * leading / 2 - fit * 0.35
        tx = x + width / 2 if align == CENTER else x + PAD
        for i, part in enumerate(parts):
            doc.text(tx, first - i * leading, part, size=fit, style=style, align=align)

    # --- rows ---------------------------------------------------------------------------------------

    def question(self, label: str, options: Sequence[tuple[str, str]], chosen: Sequence[str], *, boxes: int = 1,
                 extra: str = "", show: Sequence[str] | None = None, circled: Sequence[bool] | None = None) -> None:
        """One question: its label, the numbered answers (chosen ones circled, ``extra`` after them)
        and the code boxes holding ``show`` (default ``chosen``) on the right. ``circled``: which
        options are circled when codes repeat within the row (血型 and RH)."""
        doc = self.doc
        left = doc.left + self.indent
        answers_x = left + LABEL
        box_area = self.boxes_width(max(boxes, len(chosen))) + 2 * PAD
        width = doc.right - box_area - answers_x - 2 * PAD - 2
        marks = circled if circled is not None else [code in chosen for code, _text in options]
        items = [(f"{code} {text}".strip(), mark) for (code, text), mark in zip(options, marks, strict=True)]
        if extra:
            items.append((extra, False))
        lines = self.flow(items, width)
        leading = LEADING
        height = max(MIN_ROW, len(lines) * leading + 4)
        self.room(height)
        top = self.y
        self.cell(left, top, LABEL, height, label)
        doc.rect(answers_x, top - height, doc.right - answers_x, height, stroke_width=LINE)
        first = top - (height - len(lines) * leading) / 2 - leading / 2 - SIZE * 0.35
        for n, line in enumerate(lines):
            y = first - n * leading
            for dx, text, circled in line:
                x = answers_x + PAD + 2 + dx  # room for the circle of a first answer
                doc.text(x, y, text, size=SIZE)
                if circled:
                    w = doc.width(text, SIZE)
                    doc.ellipse(x - 2.5, y - SIZE * 0.42, w + 5, SIZE * 1.45)
        self.code_boxes(doc.right - PAD, top - height / 2, list(show if show is not None else chosen), boxes)
        self.y -= height

    def pairs(self, cells: Sequence[tuple[str, str, float]], *, height: float = 21) -> None:
        """A row of label and value boxes: (label, value, share of the values' width)."""
        doc = self.doc
        self.room(height)
        left = doc.left + self.indent
        free = doc.right - left - LABEL * len(cells)
        total = sum(weight for _l, _v, weight in cells)
        x = left
        for label, value, weight in cells:
            self.cell(x, self.y, LABEL, height, label)
            width = free * weight / total
            self.cell(x + LABEL, self.y, width, height, value, size=10, align="left")
            x += LABEL + width
        self.y -= height

    def digits(self, label: str, value: str, count: int, *, left_label: str, left_value: str) -> None:
        """``left_label``/``left_value`` and a run of digit boxes (出生日期 □□□□□□□□)."""
        doc = self.doc
        height = 21.0
        self.room(height)
        left = doc.left + self.indent
        digits_width = count * BOX
        value_width = doc.right - left - 2 * LABEL - digits_width - 2 * PAD
        self.cell(left, self.y, LABEL, height, left_label)
        self.cell(left + LABEL, self.y, value_width, height, left_value, size=10, align="left")
        x = left + LABEL + value_width
        self.cell(x, self.y, LABEL, height, label)
        x += LABEL
        doc.rect(x, self.y - height, doc.right - x, height, stroke_width=LINE)
        middle = self.y - height / 2
        for i in range(count):
            bx = x + PAD + i * BOX
            doc.rect(bx, middle - BOX / 2, BOX, BOX, stroke_width=0.6)
            if i < len(value):
                doc.text(bx + BOX / 2, middle - 3.3, value[i], size=9.5, style=HEI, align=CENTER)
        self.y -= height

    def group(self, label: str, rows: Callable[[], None], *, keep: int = 3) -> None:
        """``rows`` drawn with a label column on their left holding ``label`` written top to bottom;
        started where ``keep`` rows fit."""
        self.room(keep * MIN_ROW)
        self.indent = GROUP
        self._group = (label, self.y)
        rows()
        self._group_column()
        self._group = None
        self.indent = 0.0

    def _group_column(self) -> None:
        assert self._group is not None
        doc = self.doc
        label, top = self._group
        height = top - self.y
        doc.rect(doc.left, self.y, GROUP, height, stroke_width=LINE)
        size = LABEL_SIZE
        step = size * 1.35
        first = self.y + height / 2 + (len(label) - 1) * step / 2 - size * 0.35
        for i, char in enumerate(label):
            doc.text(doc.left + GROUP / 2, first - i * step, char, size=size, align=CENTER)


# --- the form ---------------------------------------------------------------------------------------------


def _lines_of(data: ProfileInput, category: str) -> list[ConditionInput]:
    return [c for c in data.conditions if c.category == category]


def _with_other(chosen: Sequence[str], other_code: str, text: str, label: str) -> str:
    return f"{label}：{text}" if other_code in chosen and text else ""


def draw_form(doc: PdfDocument, f: HealthForm) -> None:
    p, data = f.person, f.profile.data
    answered = f.profile.exists

    def head(d: PdfDocument) -> float:
        y = d.top - 9
        d.text(d.left, y, f"{TITLE}　{p.name}（续）", size=9, style=HEI)
        return y - 10

    form = Form(doc, head)
    y = doc.top - 20
    doc.text(doc.page_width / 2, y, TITLE, size=20, style=HEI, align=CENTER)
    y -= 26
    doc.text(doc.left, y, f"姓名：{p.name}", size=11.5)
    number = f"{p.id:08d}"
    x = doc.right - 8 * BOX - 8
    doc.text(x - 6, y, "编号", size=11.5, align=RIGHT)
    for i, digit in enumerate(number):
        bx = x + i * BOX + (8 if i >= 3 else 0)
        if i == 3:
            doc.text(bx - 4, y, "-", size=11, align=CENTER)
        doc.rect(bx, y - 3.5, BOX, BOX, stroke_width=0.6)
        doc.text(bx + BOX / 2, y - 0.5, digit, size=9.5, style=HEI, align=CENTER)
    form.y = y - 9

    sex = codes.sex()
    form.question("性　　别", sex.entries, [p.sex_code] if p.sex_code in sex else [])
    form.digits("出生日期", f"{p.birth:%Y%m%d}" if p.birth else "", 8, left_label="身份证号", left_value=p.id_number)
    form.pairs([("工作单位", p.employment, 1)])
    form.pairs([("本人电话", p.phone, 1), ("联系人姓名", p.contact_name, 0.8), ("联系人电话", p.contact_phone, 1)])
    residence = "1" if p.residence_type == "户籍" else "2"
    form.question("常住类型", RESIDENCE, [residence])
    ethnic = p.ethnicity_code if p.ethnicity_code == "01" else "99"
    minority = codes.ethnicity().label(p.ethnicity_code) if ethnic == "99" else ""
    form.question("民　　族", ETHNICITY, [ethnic], extra=f"（{minority}）" if minority else "")

    def chosen(value: str) -> list[str]:
        return [value] if answered and value else []

    blood, rh = chosen(data.blood_type), chosen(data.rh)
    form.question("血　　型", [*health.blood_type().entries, ("", "／ RH："), *health.rh().entries], blood + rh,
                  boxes=2, circled=[*(c in blood for c in health.blood_type().codes()), False,
                                    *(c in rh for c in health.rh().codes())])
    form.question("文化程度", health.education().entries, chosen(data.education_code))
    form.question("职　　业", OCCUPATION, [])
    form.question("婚姻状况", health.marital().entries, chosen(data.marital_code))
    pay = data.payment if answered else []
    form.question("医疗费用\n支付方式", health.payment().entries, pay, boxes=3,
                  extra=_with_other(pay, "8", data.payment_other, "其他"))
    allergy = data.allergies if answered else []
    form.question("药物过敏史", health.allergy().entries, allergy, boxes=4,
                  extra=_with_other(allergy, "5", data.allergy_other, "其他"))
    exposure = data.exposures if answered else []
    form.question("暴 露 史", health.exposure().entries, exposure, boxes=3,
                  extra=f"（{data.exposure_note}）" if exposure and data.exposure_note else "")

    def history() -> None:
        diseases = _lines_of(data, "疾病")
        disease_codes = [c.code for c in diseases] or (["1"] if answered else [])
        when = "；".join(
            f"{health.disease().label(c.code)}{f'（{c.name}）' if c.name else ''} 确诊时间 {month_text(c.on_date)}"
            for c in diseases)
        form.question("疾　　病", health.disease().entries, disease_codes, boxes=6, extra=when)
        for category, what in (("手术", "名称"), ("外伤", "名称"), ("输血", "原因")):
            lines = _lines_of(data, category)
            text = "　".join(f"{what}{'①②③④⑤⑥'[i] if i < 6 else i + 1}{c.name} 时间{month_text(c.on_date)}"
                            for i, c in enumerate(lines))
            answer = ["2"] if lines else (["1"] if answered else [])
            form.question(category, YES_NO, answer, extra=text)

    form.group("既往史", history)

    def family() -> None:
        form.question("疾病代码", health.family_disease().entries, [], boxes=0)
        for relative in RELATIVES:
            values = data.family_history.get(relative, []) if answered else []
            names = "、".join(health.family_disease().label(code) for code in values)
            form.question(relative, [], [], boxes=6, extra=names, show=values)

    form.group("家族史", family)
    genetic = data.genetic_disease
    form.question("遗传病史", YES_NO, (["2"] if genetic else ["1"]) if answered else [],
                  extra=f"疾病名称：{genetic}" if genetic else "")
    disabled = data.disabilities if answered else []
    form.question("残疾情况", health.disability().entries, disabled, boxes=6,
                  extra=_with_other(disabled, "8", data.disability_other, "其他残疾"))

    def environment() -> None:
        for label, table, value in (
            ("厨房排风设施", health.kitchen(), data.kitchen_code), ("燃料类型", health.fuel(), data.fuel_code),
            ("饮　　水", health.water(), data.water_code), ("厕　　所", health.toilet(), data.toilet_code),
            ("禽 畜 栏", health.livestock(), data.livestock_code),
        ):
            form.question(label, table.entries, chosen(value))

    form.group("生活环境", environment, keep=5)

    form.room(44)
    y = form.y - 16
    doctor = data.family_doctor or "　" * 6
    phone = idnumber.mask_phone(data.family_doctor_phone)
    doc.text(doc.left, y, f"责任医生（家庭医生）：{doctor}{f'（{phone}）' if phone else ''}", size=10)
    updated = f.profile.updated_at
    doc.text(doc.right, y, f"建档（更新）日期：{updated:%Y年%m月%d日}" if updated else "建档日期：　　年　　月　　日",
             size=10, align=RIGHT)
    y -= 16
    note = "" if answered else "该居民尚未建立健康档案，健康项目未填写。"
    doc.text(doc.left, y, f"{note}打印：{f.printed_by}　{f.on.year}年{f.on.month}月{f.on.day}日　身份证号、电话已遮盖。",
             size=8)


def read(session: Session, resident_id: int, on: Day) -> HealthForm:
    profile = get_profile(session, resident_id, today=on)  # Perm.HEALTH and the grid
    r = session.get(Resident, resident_id)
    assert r is not None  # get_profile raised NotFound otherwise
    contacts = list_contacts(session, resident_id)
    first = contacts[0] if contacts else None
    person = Person(
        id=r.id, name=r.name, sex_code=r.sex_code, birth=r.birth_date, id_number=idnumber.mask(r.id_number),
        phone=idnumber.mask_phone(r.phone), employment=r.employment, residence_type=r.residence_type,
        ethnicity_code=r.ethnicity_code, contact_name=first.name if first else "",
        contact_phone=first.phone_masked if first else "",
    )
    actor = actor_of(session)
    printed_by = (actor.display_name or actor.username) if actor else ""
    return HealthForm(person, profile, printed_by, on)


def build(db: Database, out: str | Path, *, resident: int | None = None, date: Day | None = None,  # noqa: A002
          progress: Progress = no_progress) -> ReportResult:
    """``chang-shan report health_form --resident ID``: the resident's 个人基本信息表 (A4 portrait)."""
    if resident is None:
        raise DomainError("请指定居民（--resident 编号）。")
    on = date or Day.today()

    def make(session: Session, target: Path) -> tuple[ReportResult, dict]:
        f = read(session, int(resident), on)
        info = render_pdf(target, lambda doc: draw_form(doc, f), title=f"{TITLE}（{f.person.name}）",
                          author=f.printed_by, subject=f"居民健康档案 {TITLE}", setup=PAGE, progress=progress)
        result = ReportResult(NAME, Path(target), info.pages, 1, info.missing_characters, f.person.name)
        return result, {"resident": f.person.id, "profile": f.profile.exists}

    return audited_pdf(db, out, TITLE, make)
