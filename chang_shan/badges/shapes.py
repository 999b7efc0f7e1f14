"""The data the badge services exchange with the layouts, the PDF and Qt renderers and the forms."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class BadgeContact:
    name: str
    relation: str  # 儿子 / 女儿 / 配偶 … ('' when not recorded)
    phone: str  # full: a badge is useless with a masked phone


@dataclass(frozen=True)
class BadgeData:
    """Everything printed on one badge, before the QR text is fitted to a layout.

    Never holds an ID number. ``number`` is the badge's number (kept for every reprint; for a
    badge not yet printed, the number it will get); ``version`` the version this content is, or
    will be when printed (``register``).
    """

    resident_id: int
    number: int
    version: int
    name: str
    contacts: tuple[BadgeContact, ...]
    hotline: str  # the community's number (setting office.hotline)
    community: str  # setting office.community_name ('' allowed)
    medical_note: str = ""  # '' unless the family agreed (badge_consent.medical_note)
    address: str = ""  # '' unless the family agreed
    photo_path: str | None = None  # absolute path of the cropped photo; None: none or not agreed
    photo_sha256: str = ""

    @property
    def number_text(self) -> str:
        """'00123-2': badge number and version, printed and in the QR."""
        return f"{self.number:05d}-{self.version}"

    def parts(self) -> dict[str, object]:
        """What is printed, by part (the labels name them in 需重印 reasons)."""
        return {
            "number": self.number, "name": self.name,
            "contacts": [[c.name, c.relation, c.phone] for c in self.contacts],
            "hotline": self.hotline, "community": self.community, "medical": self.medical_note,
            "address": self.address, "photo": self.photo_sha256,
        }

    def part_hashes(self) -> dict[str, str]:
        """A short hash of each part: the register keeps these (not the values) so it can tell
        *what* changed on a stale badge without storing the phones a second time."""
        return {key: _digest(value)[:16] for key, value in self.parts().items()}

    def content_hash(self) -> str:
        """The hash of everything printed except the version: a change of phone, name, note,
        address, photo or hotline changes it, and the printed badge is then stale."""
        return _digest(self.parts())


PART_LABELS = {
    "number": "编号", "name": "姓名", "contacts": "家属联系人", "hotline": "社区电话", "community": "社区名称",
    "medical": "健康提示", "address": "住址", "photo": "照片",
}


def _digest(value: object) -> str:
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class FittedText:
    """The QR text for one badge in one layout, and the QR version it makes.

    ``max_version`` is the largest version that scans reliably at the layout's printed QR size;
    when the full text would exceed it, the medical note (then the address) is shortened or left
    out and ``warnings`` says what, in Chinese. ``fits`` is False only when even the shortest text
    is too big (the badge is then still printed, with the warning).
    """

    text: str
    version: int
    max_version: int
    warnings: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return self.version <= self.max_version

    @property
    def shortened(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True)
class BadgeChoice:
    """Whose badges to print. Criteria combine (AND); at least one must be given.

    ``resident_ids``: a selection in the ledger (the GUI, or ``--resident``).
    ``changed_since``: only badges printed before whose content has changed since (stale).
    ``not_printed``: only residents who never had a badge printed.
    """

    all_60plus: bool = False
    grid: str | None = None  # grid code
    building: str | None = None  # '3' / '3号楼' (with grid when ambiguous)
    resident_ids: tuple[int, ...] | None = None
    changed_since: bool = False
    not_printed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.all_60plus or self.grid or self.building or self.resident_ids
                    or self.changed_since or self.not_printed)


@dataclass(frozen=True)
class ConsentInput:
    include_address: bool = False
    include_photo: bool = True
    include_medical: bool = False
    medical_note: str = ""  # kept as it was when the user lacks the health permission
    max_contacts: int = 2
    given_by: str = ""
    given_on: date | None = None  # None: today
    note: str = ""


@dataclass(frozen=True)
class ConsentRow:
    """A resident's recorded consent, or the office defaults (``recorded`` False)."""

    resident_id: int
    recorded: bool
    include_address: bool
    include_photo: bool
    include_medical: bool
    medical_note: str
    max_contacts: int
    given_by: str
    given_on: date | None
    note: str
    version: int | None  # for the stale-edit check; None when not recorded


@dataclass(frozen=True)
class PhotoRow:
    resident_id: int
    path: str  # absolute path of the stored file
    sha256: str
    width: int
    height: int
    updated_at: datetime


BADGE_STATES = ("未打印", "已是最新", "需重印")


@dataclass(frozen=True)
class RegisterRow:
    """One line of the badge register: a 60+ resident (or anyone with a badge) and their badge."""

    resident_id: int
    name: str
    age: int | None
    address: str
    grid_id: int | None
    number: int | None  # None: no badge yet
    last_version: int | None
    last_printed_at: datetime | None
    last_layout: str | None
    prints: int  # how many times printed, all versions
    state: str  # one of BADGE_STATES
    reasons: tuple[str, ...] = field(default=())  # for 需重印: PART_LABELS of what changed ('家属联系人', '照片' …)
