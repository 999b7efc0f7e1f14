"""The reports dialog offers the party and volunteer prints with working option widgets: the
党组织, 服务队 and 志愿者 combos filled from the ledgers (reports/choices.py), dates, the month and
the receipt number; each preview made and read back."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from chang_shan.reports import registry
from tests.exports.people import RARE_NAME, build_town
from tests.reports.test_party_prints import Party, build_party
from tests.reports.test_volunteer_prints import Volunteers, build_volunteers
from tests.ui.conftest import _collect_garbage_on_the_gui_thread, boxes, operations  # noqa: F401 - the GUI fixtures
from tests.ui.test_reports_dialog import combo_texts, opened, pdf_text, previewed

pytestmark = pytest.mark.gui

NAMES = ("party_roster", "party_placards", "volunteer_certificate", "team_hours", "redemption_receipt")


@pytest.fixture
def both(operations) -> tuple[Party, Volunteers]:  # noqa: ANN001
    db = operations.db
    town = build_town(db)
    return build_party(db, town), build_volunteers(db, town)


def choose(dialog, name: str) -> None:  # noqa: ANN001
    dialog.report_list.setCurrentRow(list(registry.REPORTS).index(name))
    assert dialog.info.name == name


def made_pdf(dialog) -> str:  # noqa: ANN001
    return "".join(pdf_text(dialog.result.path).split())


def test_the_prints_are_offered_with_their_options(qtbot, operations, both) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations)
    offered = [dialog.report_list.item(i).text() for i in range(dialog.report_list.count())]
    for name in NAMES:
        assert registry.REPORTS[name].title in offered
    choose(dialog, "party_roster")
    assert set(dialog.form.choices) == {"branch"} and dialog.form.date is not None
    choose(dialog, "party_placards")
    assert dialog.form.grid is not None and dialog.form.building is not None and dialog.form.unit is None
    choose(dialog, "volunteer_certificate")
    assert set(dialog.form.choices) == {"volunteer"}
    assert None not in (dialog.form.start, dialog.form.end, dialog.form.date)
    assert dialog.form.missing() == "请先选择一位志愿者。" and not dialog.preview_button.isEnabled()
    choose(dialog, "team_hours")
    assert set(dialog.form.choices) == {"team"} and dialog.form.month is not None
    choose(dialog, "redemption_receipt")
    assert dialog.form.receipt is not None and dialog.form.missing() == "请先填写收据号。"


def test_roster_of_a_branch_chosen_in_the_combo(qtbot, operations, both) -> None:  # noqa: ANN001
    party, _vols = both
    dialog = opened(qtbot, operations, "party_roster")
    combo = dialog.form.choices["branch"]
    assert combo_texts(combo) == ["全部", "长山花园社区党委", "\u3000第一网格党支部", "\u3000\u30003号楼1单元党小组",
                                  "\u3000第二网格党支部"]
    combo.setCurrentIndex(combo.findData(party.branch1))
    dialog.form.date.setDate(QDate(2026, 5, 1))
    assert dialog.form.values() == {"branch": party.branch1, "date": date(2026, 5, 1)}
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith("预览：党员名册（第一网格党支部，3 人，1 页）"), dialog.status_text
    text = made_pdf(dialog)
    assert "王淑芬" in text and RARE_NAME not in text


def test_placards_of_a_grid(qtbot, operations, both) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations, "party_placards")
    dialog.form.grid.setCurrentIndex(dialog.form.grid.findData("02"))
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith("预览：党员家庭户门牌（第二网格，1 户，1 页）"), dialog.status_text
    assert RARE_NAME in made_pdf(dialog)


def test_certificate_of_a_volunteer_typed_into_the_combo(qtbot, operations, both) -> None:  # noqa: ANN001
    dialog = opened(qtbot, operations, "volunteer_certificate")
    combo = dialog.form.choices["volunteer"]
    assert combo_texts(combo) == ["（请选择）", "CSV-00001 张立春", f"CSV-00002 {RARE_NAME}", "CSV-00003 陈晓雨"]
    combo.setCurrentIndex(combo.findData("CSV-00001"))
    dialog.form.start.setDate(QDate(2026, 4, 1))
    dialog.form.end.setDate(QDate(2026, 4, 30))
    dialog.form.date.setDate(QDate(2026, 5, 10))
    assert dialog.form.missing() == "" and dialog.preview_button.isEnabled()
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith(
        "预览：志愿服务证明（CSV-00001 张立春，2026-04-01至2026-04-30，7.0 小时，3 次，1 页）"), dialog.status_text
    assert "累计志愿服务时长7.0小时" in made_pdf(dialog)


def test_team_hours_of_a_month(qtbot, operations, both) -> None:  # noqa: ANN001
    _party, vols = both
    dialog = opened(qtbot, operations, "team_hours")
    combo = dialog.form.choices["team"]
    assert combo_texts(combo) == ["全部", "义务巡逻队", "关爱老人服务队"]
    combo.setCurrentIndex(combo.findData(vols.care))
    dialog.form.month.setDate(QDate(2026, 4, 1))
    assert dialog.form.values() == {"team": vols.care, "month": "2026-04"}
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith("预览：服务队月度服务时长表（关爱老人服务队 2026年4月，2 人，1 页）"), \
        dialog.status_text
    assert "本月服务时长合计：8.5小时（2人）" in made_pdf(dialog)


def test_redemption_receipt_by_number(qtbot, operations, both) -> None:  # noqa: ANN001
    _party, vols = both
    dialog = opened(qtbot, operations, "redemption_receipt")
    dialog.form.receipt.setText(vols.redemption)
    previewed(qtbot, dialog)
    assert dialog.status_text.startswith("预览：积分兑换凭单（DH2026-0001，1 份，1 页）"), dialog.status_text
    assert "单号：DH2026-0001" in made_pdf(dialog)
