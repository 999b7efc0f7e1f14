"""The program's log file, and the filter that keeps personal data out of it.

``setup_logging(data_dir)`` (the CLI calls it once the data folder is known; the GUI calls it at
start-up) writes ``<data folder>/logs/chang-shan.log``: UTF-8, rotated at 2 MB, five old files
kept. Every record that reaches the file passes ``RedactingFilter`` first: the message (with its
arguments filled in), the exception text and the stack are searched for anything that looks like a
GB 11643 ID number (18 characters, or the old 15 digits), a mobile number or a health term
(PIPL art. 28: sensitive personal information) and those are masked — ``220102********1234``,
``138****5678``, ``[健康信息]``. The filter does not know what the program meant to log, so it errs
on the side of masking: any run of 15 or more digits is treated as an ID number.

Logging never breaks the program: a log file that cannot be written (a full disk, a file held by
another process during rotation) is skipped silently, and nothing is written at all — not even the
``logs`` folder — while the data folder itself does not exist (a refused command writes nothing).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

LOG_NAME = "chang-shan.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

HEALTH_MASK = "[健康信息]"

# Health terms (conditions, disabilities) that must never reach a log file. Longer terms first is
# not needed: the pattern below is built longest-first. Later ledgers may extend the list with
# ``add_health_terms``.
HEALTH_TERMS: list[str] = [
    "高血压", "糖尿病", "冠心病", "慢阻肺", "慢性阻塞性肺疾病", "恶性肿瘤", "肿瘤", "癌症", "癌",
    "肺癌", "胃癌", "肝癌", "乳腺癌", "食管癌", "结肠癌", "直肠癌", "结直肠癌", "宫颈癌", "前列腺癌",
    "胰腺癌", "鼻咽癌", "甲状腺癌", "膀胱癌",
    "脑卒中", "中风", "脑梗", "脑梗死", "脑梗塞", "脑出血", "心肌梗死", "心梗", "心脏病", "心力衰竭",
    "心衰", "房颤", "严重精神障碍", "精神障碍", "精神分裂", "精神病", "双相情感障碍", "抑郁症", "焦虑症",
    "偏执性精神病", "癫痫", "结核病", "肺结核", "结核", "肝炎", "乙肝", "丙肝", "肝硬化", "艾滋病",
    "HIV", "梅毒", "性病", "阿尔茨海默", "痴呆", "失智", "帕金森", "残疾", "残障", "智力障碍",
    "肢体障碍", "视力障碍", "听力障碍", "言语障碍", "失明", "聋哑", "瘫痪", "偏瘫", "截瘫",
    "孤独症", "自闭症", "尿毒症", "肾衰竭", "透析", "白血病", "哮喘", "高血脂", "血脂异常",
    "骨质疏松", "类风湿", "痛风", "甲亢", "吸毒", "戒毒",
    "hypertension", "diabetes", "tuberculosis", "hepatitis", "dementia", "alzheimer", "cancer",
    "schizophrenia", "epilepsy",
]

_DIGIT = "[0-9０-９]"
# 15 or more digits in a row, an optional X at the end (18-character IDs; 15-digit legacy IDs;
# anything longer is masked too rather than risk a number inside a longer run).
_ID = re.compile(rf"(?<![0-9０-９]){_DIGIT}{{14,}}[0-9０-９XxＸｘ](?![0-9０-９])")
# Mobile numbers: 1[3-9]xxxxxxxxx, optionally with +86 / 86 and spaces or hyphens in the groups.
_MOBILE = re.compile(
    r"(?<![0-9０-９])(?:(?:\+|＋)?86[\s\-]?)?"
    r"([1１][3-9３-９][0-9０-９])[\s\-]?([0-9０-９]{4})[\s\-]?([0-9０-９]{4})(?![0-9０-９])"
)


def _health_pattern(terms: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


_HEALTH = _health_pattern(HEALTH_TERMS)


def add_health_terms(*terms: str) -> None:
    """More terms to mask (a ledger's code table of conditions, say)."""
    global _HEALTH
    HEALTH_TERMS.extend(t for t in terms if t and t not in HEALTH_TERMS)
    _HEALTH = _health_pattern(HEALTH_TERMS)


def _mask_id(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def _mask_mobile(match: re.Match[str]) -> str:
    return f"{match.group(1)}****{match.group(3)}"


def mask_numbers(text: str) -> str:
    """ID numbers and mobile numbers masked; nothing else changed."""
    if not text:
        return text
    return _MOBILE.sub(_mask_mobile, _ID.sub(_mask_id, text))


def redact(text: str) -> str:
    """ID numbers and mobiles masked, health terms replaced by ``[健康信息]``."""
    if not text:
        return text
    return _HEALTH.sub(HEALTH_MASK, mask_numbers(text))


class RedactingFilter(logging.Filter):
    """Rewrites every record it sees: message with arguments, exception text and stack masked.

    The record is changed in place (``args`` emptied, ``exc_text`` set, ``exc_info`` dropped), so any
    handler that formats it afterwards sees only the masked text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file: opened on the first record, only if the data folder exists; a
    failure to write is dropped (the program goes on, and stderr stays one line)."""

    def __init__(self, data_root: Path) -> None:
        self.data_root = data_root
        super().__init__(data_root / "logs" / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                         encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            if not self.data_root.is_dir():
                return
            try:
                (self.data_root / "logs").mkdir(exist_ok=True)
            except OSError:
                return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


_handler: _LogFile | None = None


def log_file(data_dir: object) -> Path:
    return _root_of(data_dir) / "logs" / LOG_NAME


def _root_of(data_dir: object) -> Path:
    root = getattr(data_dir, "root", data_dir)
    return Path(os.fspath(root))  # type: ignore[arg-type]


def setup_logging(data_dir: object, *, level: int = logging.INFO) -> Path:
    """Send the program's log records to ``<data folder>/logs/chang-shan.log`` (a ``DataDir`` or a
    path). Calling it again moves the log to the new folder; it never adds a second handler.
    Returns the log file's path."""
    global _handler
    root = _root_of(data_dir)
    logger = logging.getLogger()
    if _handler is not None:
        if _handler.data_root == root:
            _set_levels(level)
            return Path(_handler.baseFilename)
        logger.removeHandler(_handler)
        _handler.close()
    handler = _LogFile(root)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    _handler = handler
    _set_levels(level)
    logging.captureWarnings(True)
    return Path(handler.baseFilename)


def _set_levels(level: int) -> None:
    root = logging.getLogger()
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)  # other libraries: warnings and errors only
    for name in ("chang_shan", "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(level)


def shutdown_logging() -> None:
    """Close the log file (tests; the program simply exits)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
