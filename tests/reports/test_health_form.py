"""个人基本信息表: the circled answers and the codes in the boxes on the right, masked values, a resident
without a profile (a blank form), rare characters, one A4 page, the health permission."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from chang_shan.accounts.users import create_user
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, PermissionDenied
from chang_shan.health import profiles
from chang_shan.health.shapes import ConditionInput, ProfileInput
from chang_shan.reports import health_form, registry
from chang_shan.reports.fonts import HEI
from chang_shan.reports.pdf_base import CENTER, PdfDocument
from tests.exports.people import PASSWORD, RARE_NAME, ZHANG_PHONE, Town, as_user, build_town, events
from tests.population.community import ZHANG_ID
from tests.reports.test_formal import words
from tests.reports.test_roster import pdffonts, pdfinfo, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)
PROFILE = ProfileInput(
    blood_type="1", rh="2", payment=["1", "5"], allergies=["2", "5"], allergy_other="头孢", exposures=["1"],
    disabilities=["1"], marital_code="2", education_code="60", kitchen_code="2", fuel_code="3", water_code="1",
    toilet_code="3", livestock_code="1", family_doctor="赵医生", family_doctor_phone="13900001111",
    conditions=[ConditionInput("疾病", "2", on_date=date(2015, 6, 1)),
                ConditionInput("疾病", "6", name="肺", on_date=date(2019, 3, 1)),
                ConditionInput("手术", name="阑尾切除", on_date=date(1990, 7, 1))],
    family_history={"父亲": ["2", "7"], "母亲": ["3"]},
)


@pytest.fixture
def town(db: Database) -> Town:
    town = build_town(db)
    with db.transaction("健康档案") as s:
        profiles.save_profile(s, town.community.zhang, PROFILE, expected_version=None, today=date(2025, 1, 1))
        contacts.set_contacts(s, town.community.zhang, [ContactInput("张秀英", "女儿", "13904310099")])
        create_user(s, "doctor", PASSWORD, "社区工作者", can_health=True)
        create_user(s, "griddoc", PASSWORD, "网格员", grid_ids=[town.community.grid2], can_health=True)
    return town


class Spy:
    """What the form draws: the texts circled (the chosen answers) and the codes in boxes."""

    def __init__(self) -> None:
        self.drawn: list[tuple[float, float, str]] = []
        self.circled: list[str] = []
        self.boxed: list[str] = []  # digits in boxes (黑体, centred), in drawing order: top to bottom


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    seen = Spy()
    text, ellipse = PdfDocument.text, PdfDocument.ellipse

    def spy_text(self: PdfDocument, x: float, y: float, value: str, **kw: object) -> float:
        if not self.counting:
            seen.drawn.append((x, y, value))
            if kw.get("style") == HEI and kw.get("align") == CENTER and kw.get("size") in (8, 9.5):
                seen.boxed.append(value)
        return text(self, x, y, value, **kw)  # type: ignore[arg-type]

    def spy_ellipse(self: PdfDocument, x: float, y: float, w: float, h: float, **kw: object) -> None:
        seen.circled.extend(t for tx, ty, t in seen.drawn if abs(tx - (x + 2.5)) < 0.01 and y < ty < y + h)
        ellipse(self, x, y, w, h, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(PdfDocument, "text", spy_text)
    monkeypatch.setattr(PdfDocument, "ellipse", spy_ellipse)
    return seen


def test_chosen_answers_are_circled_and_their_codes_boxed(db: Database, town: Town, tmp_path: Path,
                                                          spy: Spy) -> None:
    out = tmp_path / "form.pdf"
    result = health_form.build(db, out, resident=town.community.zhang, date=ON)
    assert result.pages == 1 and result.rows == 1
    assert spy.circled == [
        "1 男", "1 户籍", "01 汉族", "1 A型", "2 阳性", "60 高中", "2 已婚", "1 城镇职工基本医疗保险", "5 商业医疗保险",
        "2 青霉素", "5 其他", "1 无", "2 高血压", "6 恶性肿瘤", "2 有", "1 无", "1 无", "1 无", "1 无残疾", "2 油烟机",
        "3 天然气", "1 自来水", "3 马桶", "1 无",
    ]
    number = f"{town.community.zhang:08d}"
    assert spy.boxed == [
        *number, "1", *"19500312", "1", "01", "1", "2", "60", "2", "1", "5", "2", "5", "1",  # … 暴露史
        "2", "6", "2", "1", "1",  # 既往史: diseases, 手术 有, 外伤 无, 输血 无
        "2", "7", "3",  # 家族史: 父亲, 母亲
        "1", "1", "2", "3", "1", "3", "1",  # 遗传病史, 残疾, 生活环境
    ]
    page = words(out, 1)
    right = max(w[2] for w in page)
    assert [w[4] for w in page if w[4] == "60" and w[0] > right - 20]  # the code box at the right edge of the row
    text = pdftotext(out)
    flat = "".join(text.split())
    assert "个人基本信息表" in text and "姓名：张立春" in flat
    assert "220103********0111" in text and ZHANG_ID not in text
    assert "138****0001" in text and ZHANG_PHONE not in text and "139****0099" in text and "张秀英" in text
    assert "高血压确诊时间2015年6月" in flat and "恶性肿瘤（肺）确诊时间2019年3月" in flat
    assert "名称①阑尾切除时间1990年7月" in flat and "其他：头孢" in flat and "高血压、脑卒中" in flat
    assert "赵医生（139****1111）" in flat
    info = pdfinfo(out)
    assert info["Title"].strip() == "个人基本信息表（张立春）" and info["Author"].strip() == "系统"
    assert info["Page size"].split()[:3] == ["595.276", "x", "841.89"]  # A4 portrait
    assert all(row[-5] == "yes" for row in pdffonts(out))
    [event] = events(db, "print")
    assert event.detail["report"] == "health_form" and event.detail["resident"] == town.community.zhang


def test_without_a_profile_the_health_questions_stay_blank(db: Database, town: Town, tmp_path: Path,
                                                           spy: Spy) -> None:
    out = tmp_path / "blank.pdf"
    result = health_form.build(db, out, resident=town.rare, date=ON)
    assert spy.circled == ["1 男", "1 户籍", "01 汉族"]  # only what the 万家数据库 knows
    assert spy.boxed == [*f"{town.rare:08d}", "1", *"19480203", "1", "01"]
    assert result.missing_characters == ""
    text = pdftotext(out)
    assert RARE_NAME in text and "尚未建立健康档案" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page-1.png").convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > image.width * image.height * 0.02  # a ruled form, not a blank page


def test_needs_the_health_permission_and_the_grid(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "worker")
    with pytest.raises(PermissionDenied):
        health_form.build(db, tmp_path / "no.pdf", resident=town.community.zhang)
    as_user(db, "griddoc")  # health permission, but grid 2 only
    with pytest.raises(PermissionDenied):
        health_form.build(db, tmp_path / "no.pdf", resident=town.community.zhang)
    assert health_form.build(db, tmp_path / "rare.pdf", resident=town.rare).rows == 1
    as_user(db, "doctor")
    result = registry.run(db, "health_form", tmp_path / "ok.pdf", options={"resident": town.community.zhang})
    assert result.pages == 1 and pdfinfo(tmp_path / "ok.pdf")["Author"].strip() == "doctor"
    assert not (tmp_path / "no.pdf").exists()
    with pytest.raises(DomainError, match="--resident"):
        registry.run(db, "health_form", tmp_path / "x.pdf", options={})
