"""The log file never holds a full ID number, a mobile number or a health term (issue 3)."""

from __future__ import annotations

import logging
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from chang_shan import logs
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.errors import DomainError, ValidationError
from chang_shan.paths import DataDir
from chang_shan.population import households, idnumber, places, residents

REGIONS = ("220103", "220102", "220104", "220105", "220106", "110105", "310115")
ANY_FULL_ID = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
ANY_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def log_dir(data_dir: DataDir) -> Iterator[Path]:
    data_dir.ensure()
    logs.setup_logging(data_dir)
    try:
        yield data_dir.logs
    finally:
        logs.shutdown_logging()


def log_text(folder: Path) -> str:
    """Every file under logs/, rotated ones included."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def make_ids(count: int, seed: int = 11643) -> list[str]:
    rng = random.Random(seed)
    numbers: set[str] = set()
    while len(numbers) < count:
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 32000))
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1, 999):03d}"
        numbers.add(first17 + idnumber.check_digit(first17))
    return sorted(numbers)


# --- the masking itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "masked"), [
    ("身份证 220103195003120115 的居民", "身份证 220103********0115 的居民"),
    ("11010519491231002X", "110105********002X"),
    ("11010519491231002x.", "110105********002x."),
    ("旧号 220103500312011", "旧号 220103*****2011"),
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５********００２Ｘ"),
    ("电话13804310001", "电话138****0001"),
    ("+86 138 0431 0001", "138****0001"),
    ("8613804310001", "138****0001"),
    ("138-0431-0001；", "138****0001；"),
    ("患高血压、糖尿病多年", "患[健康信息]、[健康信息]多年"),
    ("诊断：肺癌晚期，阿尔茨海默病", "诊断：[健康信息]晚期，[健康信息]病"),
    ("残疾证 二级", "[健康信息]证 二级"),
    ("Hypertension since 2010", "[健康信息] since 2010"),
])
def test_redact(raw: str, masked: str) -> None:
    assert logs.redact(raw) == masked


@pytest.mark.parametrize("kept", [
    "20261121093015", "居民 #1234，户 #56", "0431-85551234", "2026-11-21 09:30:15,123", "共 7000 人",
    "版本 0.1.0", "耗时 123456 毫秒",
])
def test_ordinary_numbers_and_words_are_kept(kept: str) -> None:
    assert logs.redact(kept) == kept


def test_more_health_terms_can_be_added() -> None:
    assert logs.redact("罕见病甲") == "罕见病甲"
    logs.add_health_terms("罕见病甲")
    try:
        assert logs.redact("罕见病甲") == logs.HEALTH_MASK
    finally:
        logs.HEALTH_TERMS.remove("罕见病甲")
        logs.add_health_terms()


# --- the log file ------------------------------------------------------------------------------


def test_setup_writes_a_rotating_utf8_file_in_the_data_folder(log_dir: Path, data_dir: DataDir) -> None:
    path = logs.setup_logging(data_dir)  # again: still one handler
    assert path == log_dir / "chang-shan.log"
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(ours) == 1 and ours[0].maxBytes == logs.MAX_BYTES and ours[0].backupCount == logs.BACKUPS
    logging.getLogger("chang_shan.test").info("长山花园社区 %s", "𠀀")
    logging.getLogger("chang_shan.test").debug("not at debug level")
    flush()
    text = path.read_text(encoding="utf-8")
    assert "INFO chang_shan.test" in text and "长山花园社区 𠀀" in text and "not at debug" not in text


def test_setup_for_another_folder_moves_the_log(log_dir: Path, tmp_path: Path) -> None:
    other = DataDir(tmp_path / "other").ensure()
    logs.setup_logging(other)
    logging.getLogger("chang_shan.test").warning("to the other folder")
    flush()
    assert "to the other folder" in (other.logs / "chang-shan.log").read_text(encoding="utf-8")
    assert not (log_dir / "chang-shan.log").exists() or "other folder" not in log_text(log_dir)


def test_nothing_is_written_while_the_data_folder_does_not_exist(tmp_path: Path) -> None:
    missing = DataDir(tmp_path / "not-yet")
    logs.setup_logging(missing)
    try:
        logging.getLogger("chang_shan.test").warning("dropped")
        assert not missing.root.exists()
        missing.ensure()
        logging.getLogger("chang_shan.test").warning("kept")
        flush()
        assert (missing.logs / "chang-shan.log").read_text(encoding="utf-8").count("kept") == 1
    finally:
        logs.shutdown_logging()


def test_a_log_that_cannot_be_written_is_skipped_silently(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logs._LogFile)]  # noqa: SLF001
    handler.emit = lambda record: handler.handleError(record)  # type: ignore[method-assign]
    logging.getLogger("chang_shan.test").error("disk full")
    assert capsys.readouterr().err == ""


def test_message_arguments_exceptions_and_stacks_are_masked(log_dir: Path) -> None:
    number, phone = make_ids(1)[0], "13912345678"
    log = logging.getLogger("chang_shan.test")
    log.info("登记 %s，电话 %s，%s", number, phone, "高血压")
    log.info({"id_number": number})  # a non-string message
    log.warning("bad format %s %s", number)  # a broken format string is kept (masked), not lost
    try:
        raise ValueError(f"身份证号码 {number} 校验失败，患糖尿病")
    except ValueError:
        log.exception("处理 %s 时出错", number)
    log.info("stack", stack_info=True, extra={"note": "x"})
    logging.getLogger("some.library").warning("library says %s", number)
    logging.getLogger("py.warnings").warning("UserWarning: warning about %s", number)  # captureWarnings' logger
    flush()
    text = log_text(log_dir)
    assert number not in text and phone not in text and "高血压" not in text and "糖尿病" not in text
    assert text.count(idnumber.mask(number)) >= 6
    assert "ValueError: 身份证号码 " + idnumber.mask(number) in text and "Traceback" in text
    assert "[健康信息]" in text and "139****5678" in text


# --- a whole session ---------------------------------------------------------------------------


def run_cli(data_dir: DataDir, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    full_env.update(PYTHONIOENCODING="utf-8", CHANG_SHAN_HOME=str(data_dir.root.parent / "home"), **env)
    return subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir.root), *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, env=full_env,
                          stdin=subprocess.DEVNULL)


def test_a_session_with_many_id_numbers_leaves_none_in_the_logs(
    data_dir: DataDir, monkeypatch: pytest.MonkeyPatch,
) -> None:
    numbers = make_ids(240)
    registered, refused_raw, cli_numbers = numbers[:150], numbers[150:200], numbers[200:]
    legacy = [n[:6] + n[8:17] for n in registered[:20]]  # the old 15-digit form of some of them
    full_width = [n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")) for n in registered[:10]]
    phones = [f"1{i % 7 + 3}{i % 10}{i:08d}" for i in range(1, 151)]
    log = logging.getLogger("chang_shan.population.session")

    data_dir.ensure()
    logs.setup_logging(data_dir)
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logs._LogFile)]  # noqa: SLF001
    monkeypatch.setattr(handler, "maxBytes", 12_000)  # rotate several times: old files are scanned too
    try:
        with Database.open(data_dir) as db:
            db.actor = SYSTEM
            with db.transaction("建立网格") as s:
                grid = places.create_grid(s, code="01", name="第一网格")
                building = places.create_building(s, grid_id=grid, name="3")
                unit = places.create_unit(s, building_id=building, name="1")
            for i, (number, phone) in enumerate(zip(registered, phones, strict=False)):
                with db.transaction(f"登记居民 {number}") as s:
                    household = households.create_household(
                        s, households.HouseholdInput(building, unit, f"{i + 101}", "52"))
                    data = residents.ResidentInput(name="王秀英", id_number=number, relation_code="02", phone=phone,
                                                   household_id=household, note=f"本人身份证 {number}，患高血压")
                    rid = residents.register_resident(s, data)
                # What a careless caller might log: the filter must catch all of it.
                log.info("登记居民 #%d：身份证 %s，电话 %s，备注 %s", rid, number, phone, data.note)
            for number in legacy + full_width:
                log.info("按旧号或全角输入查找：%s", number)
            # Failed validations: wrong check digits, duplicates; their messages and the input logged.
            for number in refused_raw:
                wrong = number[:17] + ("0" if number[17] != "0" else "1")
                with pytest.raises(ValidationError) as refused, db.transaction("登记居民") as s:
                    residents.register_resident(s, residents.ResidentInput(
                        name="李桂兰", id_number=wrong, relation_code="02", household_id=1))
                log.warning("登记被拒绝：%s（输入：%s）", refused.value.message, wrong)
            for number in registered[:20]:
                with pytest.raises(DomainError) as duplicate, db.transaction("登记居民") as s:
                    residents.register_resident(s, residents.ResidentInput(
                        name="张立春", id_number=number, relation_code="01", household_id=1))
                log.warning("重复登记：%s %s", duplicate.value.message, number)
            for term in logs.HEALTH_TERMS:
                log.info("健康档案：%s 的慢病为%s", registered[0], term)
            # A deliberate crash with an ID number in the exception and in the traceback's locals.
            for number in registered[:5]:
                try:
                    secret = number  # noqa: F841 - shows up in no traceback, but the message does
                    raise RuntimeError(f"无法打印 {number} 的防走失二维码：冠心病，电话 {phones[0]}")
                except RuntimeError:
                    log.exception("打印失败 %s", number)
        flush()

        # The command line: accounts named like ID numbers, a refused grid code, a failed login.
        new = dict(CHANG_SHAN_NEW_PASSWORD="long-enough-1")
        assert run_cli(data_dir, "user", "add", cli_numbers[0], "--role", "管理员", **new).returncode == 0
        admin = dict(CHANG_SHAN_USER=cli_numbers[0], CHANG_SHAN_PASSWORD="long-enough-1")
        assert run_cli(data_dir, "user", "add", cli_numbers[1], "--role", "网格员", "--grid", cli_numbers[2],
                       **admin, **new).returncode == 2
        assert run_cli(data_dir, "user", "list", CHANG_SHAN_USER=cli_numbers[3],
                       CHANG_SHAN_PASSWORD="whatever-1").returncode == 2
        assert run_cli(data_dir, "user", "add", cli_numbers[4], "--role", "只读", "--display-name", cli_numbers[5],
                       **admin, **new).returncode == 0
        assert run_cli(data_dir, "check").returncode in (0, 1)

        # And an unexpected error inside a command, in this process.
        from chang_shan import cli
        from chang_shan.commands import user

        def crash(_args: object, _data_dir: object) -> int:
            raise RuntimeError(f"意外：{cli_numbers[6]} 的透析记录")

        monkeypatch.setattr(user, "cmd_list", crash)
        with pytest.raises(RuntimeError):
            cli.main(["--data-dir", str(data_dir.root), "user", "list"])
        flush()
    finally:
        logs.shutdown_logging()

    files = [p for p in data_dir.logs.rglob("*") if p.is_file()]
    assert len(files) >= 3, files  # rotated
    text = log_text(data_dir.logs)
    for number in numbers:
        assert number not in text, number
    for number in registered:  # logged, masked
        assert number[:6] + "********" + number[-4:] in text, number
    for number in legacy + full_width:
        assert number not in text
    for phone in phones:
        assert phone not in text
    assert not ANY_FULL_ID.search(text), ANY_FULL_ID.search(text)
    assert not ANY_MOBILE.search(text), ANY_MOBILE.search(text)
    for term in logs.HEALTH_TERMS:
        assert term.lower() not in text.lower(), term
    # The session was logged (masked), the CLI's lines and the crash's traceback included.
    assert "命令行登录失败" in text and "网格“" in text and "Traceback" in text and "意外出错" in text
    assert text.count("[健康信息]") >= len(logs.HEALTH_TERMS)
