"""The 遗嘱库 prints read back with poppler: the registration form (facts, masked witnesses, the
checks with their articles, signature lines), the receipt (half A4), the registry book (one line
per will, landscape); each fits its page, prints rare characters, needs the will permission and is
recorded in the audit trail."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, PermissionDenied
from chang_shan.population import residents
from chang_shan.reports import registry, will_forms
from chang_shan.reports.pdf_base import render_pdf
from chang_shan.settings import set_setting
from chang_shan.wills.queries import load_detail
from chang_shan.wills import registry as registry_service
from chang_shan.wills.shapes import PersonInput, WillInput
from tests.exports.people import RARE_NAME, events
from tests.population.community import KUANCHENG, ZHANG_ID, id_number, person
from tests.reports.test_roster import pdfinfo, pdftotext
from tests.ui.will_desk import PASSWORD, FRIEND_ID, NEIGHBOUR_ID, WillDesk, as_user, build_will_desk, register, will_input, witness

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

ON = date(2026, 5, 1)
COMMUNITY = "长山花园社区"
RARE_WITNESS_ID = id_number(KUANCHENG, date(1966, 6, 6), 55)
RARE_TESTATOR_ID = id_number(KUANCHENG, date(1944, 2, 2), 77)
A4_PORTRAIT, A4_LANDSCAPE, A5_LANDSCAPE = (595.28, 841.89), (841.89, 595.28), (595.28, 419.53)


class Wills:
    def __init__(self, desk: WillDesk, ids: dict[str, int]) -> None:
        self.desk, self.ids = desk, ids


@pytest.fixture
def wills(db: Database) -> Wills:
    desk = build_will_desk(db)
    town = desk.town
    with db.transaction("设置", actor=SYSTEM) as s:
        set_setting(s, "office.community_name", COMMUNITY)
        rare = residents.register_resident(s, person(town.h102, RARE_NAME, RARE_TESTATOR_ID, "02"),
                                           on_date=date(2020, 5, 1))
    ids = {
        "first": register(db, will_input(town, executor_name="王律师", executor_phone="13604310003")),
        "notarised": register(db, will_input(town, form="公证", made=date(2025, 1, 10), registered=date(2025, 1, 12),
                                             witnesses=[], notary_office="长春市长春公证处",
                                             notary_certificate="(2025)吉长证字第1234号", custody_kind="公证处")),
        "rare": register_as(db, "clerk", will_input(town, form="打印", made=date(2025, 2, 1), registered=date(2025, 2, 3),
                                        testator_id=rare, file_number="0031",
                                        witnesses=[witness("孙\U00020000明", RARE_WITNESS_ID), witness("钱秀云", FRIEND_ID)],
                                        persons=[PersonInput("提取人", "周丽华", "侄女", "", "13904310088")])),
        "oral": register(db, will_input(town, testator="wang", form="口头", made=date(2025, 3, 1),
                                        registered=date(2025, 3, 2), emergency_note="突发脑梗住院，病危",
                                        file_number="0032")),
    }
    return Wills(desk, ids)


def register_as(db: Database, username: str, data: WillInput) -> int:
    """Registered by a worker (the forms name them as 登记人/经办人)."""
    as_user(db, username)
    try:
        with db.transaction("登记遗嘱") as s:
            return registry_service.register_will(s, data).id
    finally:
        db.actor = SYSTEM


def pages(path: Path) -> list[str]:
    """Each page's text with the white space taken out (poppler spaces columns as it likes)."""
    return [re.sub(r"\s+", "", page) for page in pdftotext(path, layout=True).split("\f")[:-1]]


def page_size(path: Path) -> tuple[float, float]:
    found = re.search(r"([\d.]+) x ([\d.]+) pts", pdfinfo(path)["Page size"])
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def words_inside(path: Path) -> int:
    """Every word's box lies on its page inside the margins (30 pt at the sides: nothing runs off);
    returns how many words there are."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    count = 0
    for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        width, height = float(page[0]), float(page[1])
        for box in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page[2]):
            x0, y0, x1, y1 = map(float, box)
            assert 30 <= x0 and x1 <= width - 30 and 10 <= y0 and y1 <= height - 10, (box, width, height)
            count += 1
    return count


def png(path: Path, out_dir: Path) -> list[Image.Image]:
    """Render each page at 60 dpi and check it is a drawn page (ink, and ruled boxes), not blank."""
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(out_dir / path.stem)], check=True)
    images = [Image.open(p).convert("L") for p in sorted(out_dir.glob(f"{path.stem}*.png"))]
    for image in images:
        dark = sum(image.histogram()[:128])
        assert dark > image.width * image.height * 0.01, "page looks blank"
    return images


def print_events(db: Database) -> list[dict]:
    return [json.loads(e.detail) if isinstance(e.detail, str) else e.detail for e in events(db, "print")]


# --- 遗嘱登记表 ----------------------------------------------------------------------------------------


def test_registration_form_has_the_facts_masked_witnesses_checks_and_signatures(
        db: Database, wills: Wills, tmp_path: Path) -> None:
    as_user(db, "clerk")
    out = tmp_path / "form.pdf"
    result = will_forms.registration_form(db, wills.ids["first"], out, on_date=ON)
    assert result.path == out and result.pages == 1 and result.missing_characters == ""
    assert page_size(out) == pytest.approx(A4_PORTRAIT, abs=0.01)
    [text] = pages(out)
    for expected in (COMMUNITY, "遗嘱登记表", "登记号：YZ2024-0001", "登记日期：2024年3月5日", "张立春", "男",
                     "代书遗嘱（民法典第1135条）", "立遗嘱日期2024年3月1日", "王律师", "136****0003",
                     "档案柜A-03卷宗0012", "被新遗嘱取代（YZ2025-0001）", "神志清楚，对答切题",
                     "YZ2025-0001（2025年1月10日立，有效）", "赵大勇", "钱秀云", "邻居", "139****9999", "张伟",
                     "查看人", "139****0033", "见证人两个以上（本次登记2人）", "见证人不是继承人、受遗赠人",
                     "第1140条", "第1143条", "见证人签名", "立遗嘱人（签名）：", "登记人（签名）：", "（system）", "年月日", f"登记单位（盖章）：{COMMUNITY}", "第1页共1页"):
        assert expected in text, expected
    # the witnesses' ID numbers and the testator's are masked, never printed whole
    for full in (NEIGHBOUR_ID, FRIEND_ID, ZHANG_ID):
        assert full not in text and full[:6] + "********" + full[-4:] in text
    assert text.count("已确认") == 6 and "未确认" not in text
    assert words_inside(out) > 100
    png(out, tmp_path)


def test_a_holographic_or_notarised_form_says_no_witness_is_needed(db: Database, wills: Wills, tmp_path: Path) -> None:
    out = tmp_path / "notarised.pdf"
    will_forms.registration_form(db, wills.ids["notarised"], out, on_date=ON)
    [text] = pages(out)
    assert "公证遗嘱不需要见证人" in text and "(2025)吉长证字第1234号" in text and "长春市长春公证处" in text
    assert "公证机构和公证书编号已登记" in text and "第1139条" in text
    assert "赵大勇" not in text and "见证人不是继承人" not in text  # no witness, no witness checks
    assert "本遗嘱登记状态" not in text  # 有效: no status line under the title


def test_an_oral_will_shows_its_emergency(db: Database, wills: Wills, tmp_path: Path) -> None:
    out = tmp_path / "oral.pdf"
    will_forms.registration_form(db, wills.ids["oral"], out, on_date=ON)
    [text] = pages(out)
    assert "口头遗嘱（民法典第1138条）" in text and "突发脑梗住院，病危" in text and "危急情况已说明" in text
    assert "王淑芬" in text and "女" in text


def test_an_unconfirmed_check_prints_unticked(db: Database, wills: Wills, tmp_path: Path) -> None:
    with db.reader() as s:
        detail = load_detail(s, wills.ids["first"], today=ON)
    unsure = replace(detail.witnesses[1], capacity_confirmed=False)
    detail = replace(detail, witnesses=(detail.witnesses[0], unsure))
    found = will_forms.checks(detail)
    assert [ok for _text, _article, ok in found] == [True, True, True, True, False, True]
    printed = will_forms.WillPrint(detail, COMMUNITY, "220103********0112", "刘文书", "刘文书")
    out = tmp_path / "unsure.pdf"
    render_pdf(out, lambda doc: will_forms.draw_registration_form(doc, printed, on=ON), title="t", author="a",
               setup=will_forms.FORM_PAGE)
    [text] = pages(out)
    assert text.count("已确认") == 5 and text.count("未确认") == 1
    assert "见证人具有完全民事行为能力第1140条未确认" in text


def test_a_long_form_runs_onto_a_second_page_with_its_heading(db: Database, wills: Wills, tmp_path: Path) -> None:
    town = wills.desk.town
    many = [PersonInput("查看人", f"查看人{i}", "亲属", "", "13904310100") for i in range(12)]
    will_id = register(db, will_input(town, testator="li", made=date(2025, 4, 1), registered=date(2025, 4, 2),
                                      persons=many, file_number="0040", note="原件装订两册。" * 8))
    out = tmp_path / "long.pdf"
    result = will_forms.registration_form(db, will_id, out, on_date=ON)
    assert result.pages == 2
    first, second = pages(out)
    assert "第1页共2页" in first and "第2页共2页" in second
    assert "遗嘱登记表YZ2025-0004（续）" in second and "登记人（签名）：" in second
    assert all(f"查看人{i}" in first + second for i in range(12))
    words_inside(out)
    png(out, tmp_path)


# --- 登记回执 -------------------------------------------------------------------------------------------


def test_receipt_is_half_a_sheet_with_number_custody_and_what_to_bring(db: Database, wills: Wills,
                                                                       tmp_path: Path) -> None:
    as_user(db, "clerk")
    out = tmp_path / "receipt.pdf"
    result = will_forms.receipt(db, wills.ids["rare"], out, on_date=ON)
    assert result.pages == 1 and result.missing_characters == ""
    assert page_size(out) == pytest.approx(A5_LANDSCAPE, abs=0.01)
    [text] = pages(out)
    for expected in (f"{COMMUNITY}遗嘱登记回执", "登记号：YZ2025-0002", "登记日期：2025年2月3日", RARE_NAME,
                     "打印遗嘱（第1136条）", "2025年2月1日", "档案柜A-03卷宗0031", "周丽华（提取人）", "本回执",
                     "死亡证明", "第1142条", "经办人：", "刘文书", "（盖章）2026年5月1日", "第1页共1页"):
        assert expected in text, expected
    assert RARE_TESTATOR_ID not in text and RARE_TESTATOR_ID[:6] + "********" + RARE_TESTATOR_ID[-4:] in text
    words_inside(out)
    png(out, tmp_path)


# --- 遗嘱库登记簿 ---------------------------------------------------------------------------------------


def test_registry_book_lists_every_will_in_the_order_registered(db: Database, wills: Wills, tmp_path: Path) -> None:
    out = tmp_path / "book.pdf"
    result = registry.run(db, "will_book", out)
    assert (result.rows, result.pages, result.unit, result.scope) == (4, 1, "份", "全部")
    assert page_size(out) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    [text] = pages(out)
    assert f"{COMMUNITY}遗嘱库登记簿" in text and "共4份" in text and "查阅、提取签字" in text
    numbers = [text.index(f"YZ{n}") for n in ("2024-0001", "2025-0001", "2025-0002", "2025-0003")]
    assert numbers == sorted(numbers)
    assert "由YZ2025-0001取代" in text and "被新遗嘱取代" in text and RARE_NAME in text
    assert "代书（第1135条）" in text and "公证处：长春市长春公证处" in text
    assert "保管人：" in text and "第1页共1页" in text
    words_inside(out)
    png(out, tmp_path)


def test_registry_book_by_status(db: Database, wills: Wills, tmp_path: Path) -> None:
    out = tmp_path / "valid.pdf"
    result = registry.run(db, "will_book", out, options={"status": "被新遗嘱取代"})
    assert result.rows == 1 and result.scope == "被新遗嘱取代"
    [text] = pages(out)
    assert "YZ2024-0001" in text and "YZ2025-0002" not in text and "共1份" in text
    with pytest.raises(DomainError):
        registry.run(db, "will_book", tmp_path / "bad.pdf", options={"status": "作废"})
    assert not (tmp_path / "bad.pdf").exists()


def test_a_long_registry_book_repeats_its_header(db: Database, wills: Wills, tmp_path: Path) -> None:
    town = wills.desk.town
    for n in range(30):  # each a later will of 王淑芬: a chain of 31
        register(db, will_input(town, testator="wang", form="自书", made=date(2025, 4, 1 + n % 28),
                                registered=date(2025, 5, 1), witnesses=[], file_number=f"{100 + n}"))
    out = tmp_path / "book.pdf"
    result = will_forms.registry_book(db, out, on_date=ON)
    assert result.rows == 34 and result.pages == 2
    first, second = pages(out)
    assert "（续）" in second and "登记号" in second and "第2页共2页" in second
    words_inside(out)


# --- who may print, and the audit trail --------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda db, w, out: will_forms.registration_form(db, w.ids["first"], out),
    lambda db, w, out: will_forms.receipt(db, w.ids["first"], out),
    lambda db, w, out: will_forms.registry_book(db, out),
])
def test_without_the_will_permission_nothing_is_printed(db: Database, wills: Wills, tmp_path: Path, make) -> None:  # noqa: ANN001
    as_user(db, "plain")
    out = tmp_path / "x.pdf"
    with pytest.raises(PermissionDenied):
        make(db, wills, out)
    assert not out.exists() and print_events(db) == []


def test_each_print_is_in_the_audit_trail_without_personal_values(db: Database, wills: Wills, tmp_path: Path) -> None:
    as_user(db, "clerk")
    will_forms.registration_form(db, wills.ids["rare"], tmp_path / "f.pdf", on_date=ON)
    will_forms.receipt(db, wills.ids["rare"], tmp_path / "r.pdf", on_date=ON)
    will_forms.registry_book(db, tmp_path / "b.pdf", status="有效", on_date=ON)
    recorded = events(db, "print")
    assert [e.action for e in recorded] == [
        "打印遗嘱登记表（YZ2025-0002，1 份，1 页）", "打印遗嘱登记回执（YZ2025-0002，1 份，1 页）",
        "打印遗嘱库登记簿（有效，3 份，1 页）"]
    details = json.dumps(print_events(db), ensure_ascii=False)
    assert '"will": "YZ2025-0002"' in details and '"status": "有效"' in details
    assert RARE_WITNESS_ID not in details and RARE_NAME not in details


def test_chang_shan_report_will_book(db: Database, wills: Wills, tmp_path: Path) -> None:
    from tests.exports.test_cli import REPO

    data = db.data_dir.root
    db.close()  # the command opens the folder itself
    out = tmp_path / "book.pdf"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    env.update(PYTHONIOENCODING="utf-8", CHANG_SHAN_USER="clerk", CHANG_SHAN_PASSWORD=PASSWORD)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(data), "report", *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=REPO, env=env,
                              stdin=subprocess.DEVNULL)

    result = run("will_book", "--out", str(out), "--status", "有效")
    assert result.returncode == 0, result.stderr
    assert "已生成遗嘱库登记簿（有效，3 份，1 页）" in result.stdout
    assert "共3份" in pages(out)[0]
    refused = run("roster", "--out", str(tmp_path / "r.pdf"), "--status", "有效")
    assert refused.returncode == 2 and "不接受选项 --status" in refused.stderr
    assert not (tmp_path / "r.pdf").exists()
