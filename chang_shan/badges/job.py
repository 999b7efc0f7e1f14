"""Printing badges: who (``BadgeChoice``), what goes on each badge and its QR (fitted to the
layout), the pages; then a PDF, or the record of a print made through the system print dialog.

``prepare`` is what the preview shows (the GUI's print dialog and ``write_pdf`` both start with
it): it reads only. ``write_pdf`` writes the file to a temporary name, then in one transaction
makes the badge numbers permanent, records one register line per badge and the print in the audit
trail, and puts the file in place: a failure or a cancel leaves no file and nothing recorded.
The numbers printed are the provisional ones ``prepare`` read; if someone else gave numbers in
the meantime, ``ensure_badges`` gives other ones and the job is refused (print again).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from chang_shan.audit.events import record_event
from chang_shan.badges.content import fit_codes
from chang_shan.badges.drawing import PageDrawing
from chang_shan.badges.layouts import Entry, Layout, get_layout, pages
from chang_shan.badges.register import ensure_badges, record_prints
from chang_shan.badges.selection import badge_data, select_residents
from chang_shan.badges.shapes import BadgeChoice, BadgeData
from chang_shan.db.database import Database
from chang_shan.errors import DomainError
from chang_shan.exports.output import AtomicFile, check_target
from chang_shan.progress import Progress, no_progress

TITLE = "防走失联系卡"
NOBODY = "没有符合条件的居民：没有要打印的防走失卡。"


@dataclass(frozen=True)
class BadgeBatch:
    """The badges of one print job, ready to draw: ``entries`` in delivery order."""

    layout: Layout
    entries: tuple[Entry, ...]
    warnings: tuple[tuple[str, str], ...] = ()  # (name, message); name '' for the whole batch
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def badges(self) -> tuple[BadgeData, ...]:
        return tuple(data for data, _fitted, _code in self.entries)

    @property
    def resident_ids(self) -> tuple[int, ...]:
        return tuple(data.resident_id for data, _fitted, _code in self.entries)

    @property
    def pages(self) -> int:
        return self.layout.page_count(len(self.entries))

    def drawings(self) -> list[PageDrawing]:
        return list(pages(self.layout, self.entries))


@dataclass(frozen=True)
class BadgeResult:
    path: Path
    badges: int
    pages: int
    warnings: tuple[tuple[str, str], ...]
    missing_characters: str = ""  # characters no installed font has: printed as boxes


def prepare(session: Session, choice: BadgeChoice, layout_name: str, files_root: Path, *,
            today: date | None = None) -> BadgeBatch:
    """The batch for ``choice`` in the layout ``layout_name`` (Perm.EDIT on everyone in it: a
    badge carries full phone numbers). Reads only. ``DomainError`` when nobody is chosen."""
    layout = get_layout(layout_name)
    # Nothing else runs meanwhile (the preview waits): two helper processes share the encoding.
    return batch_of(layout, _badges(session, choice, files_root, today), helpers=2)


def _badges(session: Session, choice: BadgeChoice, files_root: Path, today: date | None) -> list[BadgeData]:
    ids = select_residents(session, choice, today=today)
    if not ids:
        raise DomainError(NOBODY)
    return badge_data(session, ids, files_root, today=today)


class _Fitting:
    """Badges fitted to a layout one by one (a stream the PDF renderer can draw as it comes), with
    the warnings and counts gathered on the way; ``batch()`` once all are through."""

    def __init__(self, layout: Layout, badges: Sequence[BadgeData]) -> None:
        self.layout = layout
        self.badges = badges
        self.entries: list[Entry] = []
        self.warnings: list[tuple[str, str]] = []
        if badges and not any(data.hotline.strip() for data in badges):
            self.warnings.append(("", "社区电话未设置（工具 → 设置 → 社区电话）：卡上和二维码中都没有社区电话。"))

    def stream(self, *, helpers: int) -> Iterator[Entry]:
        for data, (fitted, code) in zip(self.badges, fit_codes(self.badges, self.layout.max_version,
                                                               helpers=helpers), strict=True):
            if code is None:
                raise DomainError(f"{data.name}的防走失卡内容过长，无法生成二维码。")
            entry = (data, fitted, code)
            self.entries.append(entry)
            self.warnings += [(data.name, message) for message in fitted.warnings]
            if not data.contacts:
                self.warnings.append((data.name, "没有登记家属联系人（卡上只有社区电话）。"))
            yield entry

    def batch(self) -> BadgeBatch:
        entries = self.entries
        counts = {
            "badges": len(entries), "pages": self.layout.page_count(len(entries)),
            "shortened": sum(1 for _data, fitted, _code in entries if fitted.shortened),
            "too_big": sum(1 for _data, fitted, _code in entries if not fitted.fits),
            "photos": sum(1 for data, _fitted, _code in entries if data.photo_path and self.layout.photo),
            "no_contacts": sum(1 for data, _fitted, _code in entries if not data.contacts),
        }
        return BadgeBatch(self.layout, tuple(entries), tuple(self.warnings), counts)


def batch_of(layout: Layout, badges: Sequence[BadgeData], *, helpers: int = 0) -> BadgeBatch:
    """Fit each badge's QR text to ``layout`` and gather the warnings."""
    fitting = _Fitting(layout, badges)
    for _entry in fitting.stream(helpers=helpers):
        pass
    return fitting.batch()


def _record(session: Session, batch: BadgeBatch, *, output: str, action: str, detail: dict) -> None:
    """Numbers made permanent, one register line per badge, the audit event. ``DomainError``
    (and nothing kept: the caller's transaction rolls back) when a number printed is not the
    number the badge now gets."""
    numbers = ensure_badges(session, batch.resident_ids)
    for data in batch.badges:
        if numbers[data.resident_id] != data.number:
            raise DomainError(f"{data.name}的防走失卡编号在此期间已变动（另有人同时打印），请重新生成。")
    record_prints(session, batch.badges, layout=batch.layout.name, output=output)
    _event(session, batch, output=output, action=action, detail=detail)


def _event(session: Session, batch: BadgeBatch, *, output: str, action: str, detail: dict) -> None:
    """The print in the audit trail: how many, which layout, where to — never a value."""
    record_event(session, "print", action, detail={
        "report": "badges", "layout": batch.layout.name, "output": output, "badges": len(batch.entries),
        "pages": batch.pages, **detail,
    })


def _action(batch: BadgeBatch, where: str) -> str:
    return f"打印{TITLE}（{batch.layout.label}，{len(batch.entries)} 人，{batch.pages} 页，{where}）"


def write_pdf(db: Database, out: str | os.PathLike[str], choice: BadgeChoice, layout_name: str, *,
              record: bool = True, progress: Progress = no_progress, today: date | None = None) -> BadgeResult:
    """The badges of ``choice`` as a PDF at ``out``. With ``record`` (the default) the numbers
    become permanent and each badge's print is registered; without, the file is a draft (样张)
    and only the audit event is kept. Either way the print is in the audit trail."""
    from chang_shan.reports.badges import render_badges

    target = check_target(out, (".pdf",))
    layout = get_layout(layout_name)
    progress(0, 1, "读取资料")
    with db.reader() as session:
        badges = _badges(session, choice, db.data_dir.files, today)
    author = getattr(db.actor, "username", "") or "长山"
    with AtomicFile(target) as part:
        assert part.temp is not None
        # The pages are drawn while a helper process encodes the QR codes still to come.
        fitting = _Fitting(layout, badges)
        info = render_badges(part.temp, pages(layout, fitting.stream(helpers=1)),
                             total=layout.page_count(len(badges)), title=f"{TITLE}（{len(badges)} 人）",
                             author=author, subject=f"{TITLE} {layout.label}", progress=progress)
        batch = fitting.batch()
        action = _action(batch, "PDF")
        with db.transaction(action) as tx:
            detail = {"file": str(target), "recorded": record}
            if record:
                _record(tx, batch, output="pdf", action=action, detail=detail)
            else:
                _event(tx, batch, output="pdf", action=action, detail=detail)
            part.commit()
    return BadgeResult(target, len(batch.entries), info.pages, batch.warnings, info.missing_characters)


def record_printed(db: Database, batch: BadgeBatch, *, output: str = "printer") -> int:
    """After the system print dialog printed ``batch``: numbers made permanent, prints registered,
    the audit event. Returns how many badges were recorded."""
    action = _action(batch, "打印机" if output == "printer" else output)
    with db.transaction(action) as tx:
        _record(tx, batch, output=output, action=action, detail={})
    return len(batch.entries)

