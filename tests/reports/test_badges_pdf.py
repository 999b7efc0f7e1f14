"""Badge PDFs read back as a finder's phone and a printer would see them: every page rasterised at
300 dpi (pdftoppm), every QR decoded with zbar and compared with the text meant, rare characters
included; page sizes (pdfinfo); embedded fonts; no ID number in the text or any code; the register
written with the file, and nothing written when the job fails or is cancelled."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pyzbar import pyzbar
from sqlalchemy import func, select

from chang_shan.badges import job
from chang_shan.badges.content import fit_code
from chang_shan.badges.layouts import LAYOUTS, pages
from chang_shan.badges.shapes import BadgeChoice
from chang_shan.care import contacts
from chang_shan.care.shapes import ContactInput
from chang_shan.db.database import Database
from chang_shan.db.models import Resident
from chang_shan.db.models.badges import Badge, BadgePrint
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import PermissionDenied
from chang_shan.progress import Cancelled
from chang_shan.reports.badges import render_badges
from chang_shan.settings import set_setting
from tests.badges.office import RARE_NAME, TODAY, BadgeOffice, badge_db, badge_office  # noqa: F401
from tests.badges.samples import RARE, crowd, portrait

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")

HOTLINE = "0431-85559999"
ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def page_sizes(path: Path) -> list[tuple[float, float]]:
    out = run("pdfinfo", "-f", "1", "-l", "9999", str(path))
    return [tuple(float(v) for v in m.groups()) for m in re.finditer(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]


def page_count(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))


def decoded_pages(path: Path, tmp_path: Path) -> list[list[str]]:
    """The QR texts zbar reads on each page at 300 dpi, top to bottom, left to right."""
    prefix = tmp_path / f"{path.stem}-page"
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(prefix)], check=True)
    found = []
    for png in sorted(tmp_path.glob(f"{path.stem}-page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        with Image.open(png) as image:
            codes = pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
        codes.sort(key=lambda c: (round(c.rect.top / 300), c.rect.left))
        found.append([c.data.decode("utf-8") for c in codes])
    return found


def pts(mm: float) -> float:
    return mm * 72 / 25.4


@pytest.mark.parametrize("name", ["sheet", "card", "label"])
def test_every_code_on_every_page_reads_back(name: str, tmp_path: Path) -> None:
    layout = LAYOUTS[name]
    people = crowd(12 if name == "sheet" else 5, portrait(tmp_path / "p.jpg"))
    entries = [(d, *fit_code(d, layout.max_version)) for d in people]
    out = tmp_path / f"{name}.pdf"
    info = render_badges(out, pages(layout, entries), total=layout.page_count(len(entries)), title="防走失联系卡",
                         author="测试")
    assert info.pages == page_count(out) == layout.page_count(len(entries)) and info.missing_characters == ""
    for width, height in page_sizes(out):
        assert width == pytest.approx(pts(layout.page_width), abs=0.05)
        assert height == pytest.approx(pts(layout.page_height), abs=0.05)
    meant = [fitted.text for _d, fitted, _c in entries]
    per_page = [meant[i:i + layout.per_page] for i in range(0, len(meant), layout.per_page)]
    assert decoded_pages(out, tmp_path) == per_page  # in reading order, rare characters intact
    assert any(RARE in text for text in meant)
    text = run("pdftotext", "-enc", "UTF-8", str(out), "-")
    assert RARE in text and "𪚥" in text and "请扫码联系家属" in text  # searchable, Extension B too
    fonts = [line.split() for line in run("pdffonts", str(out)).splitlines()[2:] if line.strip()]
    assert fonts and all(row[-5] == "yes" and row[-4] == "yes" for row in fonts)  # embedded, subset
    assert "Title:           防走失联系卡" in run("pdfinfo", "-enc", "UTF-8", str(out))


# --- the job on a real database ----------------------------------------------------------------------


@pytest.fixture
def office_db(badge_db: Database, badge_office: BadgeOffice) -> Database:  # noqa: F811
    badge_db.actor = badge_office.actors["admin_h"]
    with badge_db.transaction("社区电话") as s:
        set_setting(s, "office.hotline", HOTLINE)
        set_setting(s, "office.community_name", "长山花园社区")
    return badge_db


def id_numbers(db: Database) -> list[str]:
    with db.reader() as s:
        return [n for n in s.scalars(select(Resident.id_number)) if n]


def counts(db: Database) -> tuple[int, int, int]:
    with db.reader() as s:
        return (s.scalar(select(func.count()).select_from(Badge)),
                s.scalar(select(func.count()).select_from(BadgePrint)),
                s.scalar(select(func.count()).select_from(ChangeSet).where(ChangeSet.kind == "print")))


def test_all_60plus_printed_decoded_and_registered(office_db: Database, badge_office: BadgeOffice,  # noqa: F811
                                                   tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    with office_db.reader() as s:
        batch = job.prepare(s, BadgeChoice(all_60plus=True), "sheet", office_db.data_dir.files, today=TODAY)
    result = job.write_pdf(office_db, out, BadgeChoice(all_60plus=True), "sheet", today=TODAY)
    assert result.path == out and result.badges == 4 and result.pages == 1
    assert sorted(batch.resident_ids) == sorted(badge_office.living_60plus)  # in address order
    (codes,) = decoded_pages(out, tmp_path)
    assert codes == [fitted.text for _d, fitted, _c in batch.entries]
    rare = next(code for code in codes if RARE_NAME in code)
    assert "家属：赵建国（儿子）13604310021" in rare and f"社区电话：{HOTLINE}" in rare
    text = run("pdftotext", "-enc", "UTF-8", str(out), "-")
    assert RARE_NAME in text and HOTLINE in text
    numbers = id_numbers(office_db)
    assert numbers
    for number in numbers:  # never an ID number, printed or coded
        assert number not in text and all(number not in code for code in codes)
    assert not ID_LIKE.search(text) and not any(ID_LIKE.search(code) for code in codes)
    assert counts(office_db) == (4, 4, 1)
    with office_db.reader() as s:
        prints = s.scalars(select(BadgePrint)).all()
        assert {(p.layout, p.output, p.version, p.printed_by) for p in prints} == {("sheet", "pdf", 1, "doc")}
        numbers_given = sorted(s.scalars(select(Badge.number)))
    assert [d.number for d in batch.badges] == numbers_given  # the provisional numbers are the ones kept


def test_a_phone_change_is_reprinted_as_the_next_version(office_db: Database, badge_office: BadgeOffice,  # noqa: F811
                                                         tmp_path: Path) -> None:
    job.write_pdf(office_db, tmp_path / "first.pdf", BadgeChoice(all_60plus=True), "card", today=TODAY)
    with office_db.transaction("换电话") as s:
        contacts.set_contacts(s, badge_office.li, [ContactInput("张伟", "儿子", "13904319999")])
    result = job.write_pdf(office_db, tmp_path / "again.pdf", BadgeChoice(changed_since=True), "card", today=TODAY)
    assert result.badges == 1
    (codes,) = decoded_pages(tmp_path / "again.pdf", tmp_path)
    assert "家属：张伟（儿子）13904319999" in codes[0] and "姓名：李桂兰" in codes[0]
    assert codes[0].endswith("-2")  # 编号：0000N-2
    assert counts(office_db) == (4, 5, 2)


def test_cancel_or_failure_leaves_no_file_and_nothing_recorded(office_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"

    def cancel(done: int, total: int, text: str = "") -> None:  # noqa: ARG001
        if done >= 1 and text.startswith("第"):
            raise Cancelled

    with pytest.raises(Cancelled):
        job.write_pdf(office_db, out, BadgeChoice(all_60plus=True), "card", progress=cancel, today=TODAY)
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    assert counts(office_db) == (0, 0, 0)


def test_a_draft_registers_nothing_but_is_audited(office_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    result = job.write_pdf(office_db, out, BadgeChoice(all_60plus=True), "label", record=False, today=TODAY)
    assert out.exists() and result.pages == 4 and page_count(out) == 4
    assert counts(office_db) == (0, 0, 1)


def test_a_reader_may_not_print_badges(office_db: Database, badge_office: BadgeOffice,  # noqa: F811
                                       tmp_path: Path) -> None:
    office_db.actor = badge_office.actors["reader_h"]
    out = tmp_path / "no.pdf"
    with pytest.raises(PermissionDenied):
        job.write_pdf(office_db, out, BadgeChoice(all_60plus=True), "sheet", today=TODAY)
    assert not out.exists() and counts(office_db) == (0, 0, 0)


def test_record_printed_registers_a_system_print(office_db: Database) -> None:
    with office_db.reader() as s:
        batch = job.prepare(s, BadgeChoice(all_60plus=True), "card", office_db.data_dir.files, today=TODAY)
    assert job.record_printed(office_db, batch) == 4
    with office_db.reader() as s:
        assert set(s.scalars(select(BadgePrint.output))) == {"printer"}
    assert counts(office_db) == (4, 4, 1)
