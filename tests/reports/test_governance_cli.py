"""``chang-shan report fee_receipt`` and ``chang-shan report mediation_agreement`` as a real process:
the receipt written and read back; an agreement with missing fields refused on one line (exit 2)
with agreement_problems' messages, no file written."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.fees.fees import record_payment
from chang_shan.paths import DataDir
from tests.exports.people import build_town
from tests.exports.test_cli import chang_shan, one_line
from tests.reports.governance_data import add_case, add_mediators, set_area

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Database.open(DataDir(folder)) as db:
        db.actor = SYSTEM
        town = build_town(db)
        set_area(db, town.community.h101, "52")
        with db.transaction("收物业费") as s:
            record_payment(s, town.community.h101, 2026, "15.60", paid_on=date(2026, 3, 5), today=date(2026, 6, 1))
        add_case(db, town, number="TJ2026-012", mediators=add_mediators(db))
        add_case(db, town, number="TJ2026-013", complete=False)
    return folder


def test_fee_receipt_from_the_command_line(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    result = chang_shan("--data-dir", str(data), "report", "fee_receipt", "--receipt", "WY2026-00001", "--out",
                        str(out), user="reader")
    assert result.returncode == 0, result.stderr
    assert "已生成物业费收据（WY2026-00001，1 张，1 页）" in result.stdout
    text = "".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=True, text=True,
                                  encoding="utf-8").stdout.split())
    assert "52.00平方米×0.30元/平方米·年=15.60元" in text and "人民币壹拾伍元陆角整" in text


def test_mediation_agreement_from_the_command_line(data: Path, tmp_path: Path) -> None:
    good = chang_shan("--data-dir", str(data), "report", "mediation_agreement", "--case", "TJ2026-012", "--out",
                      str(tmp_path / "ok.pdf"), user="worker")
    assert good.returncode == 0, good.stderr
    assert "已生成人民调解协议书（TJ2026-012，1 份" in good.stdout
    refused = chang_shan("--data-dir", str(data), "report", "mediation_agreement", "--case", "TJ2026-013", "--out",
                         str(tmp_path / "no.pdf"), user="worker")
    assert refused.returncode == 2
    assert "还不能打印人民调解协议书：缺少纠纷的主要事实。没有登记参加调解的人民调解员" in one_line(refused.stderr)
    unknown = chang_shan("--data-dir", str(data), "report", "mediation_agreement", "--case", "TJ2026-999", "--out",
                         str(tmp_path / "no.pdf"), user="worker")
    assert unknown.returncode == 2 and "没有编号为 TJ2026-999 的调解案件" in one_line(unknown.stderr)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["ok.pdf"]
