"""The demo's 防走失卡 (issue 6): the office's hotline, what the families agreed may go on the badges,
photos, and the badge register.

- The office's hotline (``office.hotline``, fixed) and its name (``office.community_name``) when
  the folder has none yet (an office's own settings are kept on ``--force``).
- Consents (``badge_consent``) for about 60 % of the elders (60+ 在册), given by the elder (本人) or
  a son or daughter among their emergency contacts, during the badge campaign; the address for
  some (more often for the families of elders who wander), one to three contacts, and the medical
  note (worded as 从健康档案生成, ``consent.suggest_medical_note``, words it) for most whose
  health record has something a finder must know (走失风险, dementia, diabetes, heart disease,
  stroke, a drug allergy; high blood pressure alone is left off).
- Photos (``resident_photo``) for about 15 % of the elders: made-up ID-style portraits
  (``portraits``), stored as the office stores photos (``photos/ab/ab12….jpg`` under the data
  folder's ``files``, named by content).
- The register: badges printed for about 70 % of the elders during a campaign four to eight months
  ago, grid by grid on A4 sheets (numbers in that order), a few lost ones reprinted as cards
  since; then about 4 % of the printed badges made stale by a real later change: a family
  contact's new phone number (需重印, 家属联系人).

The register's numbers, versions and hashes come from the badge services (``provisional_numbers``,
``badge_data``), so they are exactly those the program computes; the rows go in as bulk inserts,
as ``ensure_badges`` and ``record_prints`` would write them (their row-by-row ORM inserts cost
more than the rest of the badge data), back-dated, by the demo administrator. Drawn from its own
random stream (seed, community, "badges"): the other tables come out as before.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chang_shan.db.models import AppMeta, HealthCondition, HealthProfile, ResidentContact
from chang_shan.db.models.badges import Badge, BadgeConsent, BadgePrint, ResidentPhoto
from chang_shan.demo.health_plan import DEMENTIA
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.identity import _mobile
from chang_shan.demo.sampling import _random_day
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

HOTLINE = "0431-85962110"  # the office's 服务电话 ('0431-8' + 7 digits)
SETTINGS = {"office.hotline": HOTLINE, "office.community_name": "长山花园社区"}
PRINTED_BY = "admin"  # the demo administrator (builder.DEMO_ADMIN_USER)

CONSENT_SHARE = 0.6  # elders with a recorded consent
PRINTED_IF_CONSENT, PRINTED_OTHERWISE = 0.95, 0.325  # about 70 % of the elders printed
PHOTO_IF_CONSENT, PHOTO_OTHERWISE = 0.25, 0.04  # about 15 % with a photo
STALE_SHARE = 0.04  # printed badges whose contact's phone changed since
REPRINTED_SHARE = 0.02  # printed badges lost and reprinted as a card
MEDICAL_AGREED, MEDICAL_AGREED_WANDERING = 0.8, 0.95
ADDRESS_AGREED, ADDRESS_AGREED_WANDERING = 0.3, 0.75
PHOTO_AGREED = 0.9
CONTACTS_AGREED = ((1, 20), (2, 65), (3, 15))
BY_THE_ELDER = 0.4  # consents signed by the elder (本人) rather than a son or daughter
CONSENT_NOTES = ("", "", "", "", "同意书原件存社区档案", "入户签字", "电话确认，同意书后补", "子女在外地，视频确认")
# The health codes (health-disease.csv, health-allergy.csv) in the order of the medical note.
OTHER = "13"
KEY_DISEASES = (("3", "糖尿病"), ("4", "冠心病"), ("7", "脑卒中"), ("2", "高血压"))
DRUG_ALLERGIES = (("2", "青霉素"), ("3", "磺胺"), ("4", "链霉素"))
ALLERGY_OTHER = "5"
NOTE_LENGTH = 60
PORTRAIT_POOL = 400  # distinct portraits per sex and age band; larger scales reuse them


@dataclass
class _Elder:
    person: _Person
    plan: _HouseholdPlan
    contacts: list[tuple[str, str, int]]  # (name, relation, contact row id) in calling order
    note: str = ""  # the medical note the health record suggests
    key: bool = False  # the note names something a finder must know (more than 高血压)
    wandering: bool = False
    consent: bool = False
    printed_on: date | None = None


class _BadgesMixin(_Base):
    # Set by ``use_session``: the register goes through the badge services on the builder's session.
    badge_session: Session | None = None
    files_root: Path | None = None

    def use_session(self, session: Session, files_root: Path) -> None:
        self.badge_session, self.files_root = session, files_root
        self._portraits: dict[tuple[str, bool, int], tuple[str, str]] = {}
        self._portrait_counts: dict[tuple[str, bool], int] = defaultdict(int)

    def _badges(self, index: int, households: list[_HouseholdPlan]) -> None:
        if self.badge_session is None or self.files_root is None:
            return
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/badges")
        self._office_settings()
        elders = self._elders(households)
        campaign = self._campaign_days(rng, elders)
        self._consents(rng, elders, campaign)
        self._photos(rng, elders, campaign)
        self._register(rng, elders, campaign)

    # --- who --------------------------------------------------------------------------------------

    def _office_settings(self) -> None:
        meta = AppMeta.__table__
        keys = {f"setting.{key}" for key in SETTINGS}
        present = set(self.connection.scalars(select(meta.c.key).where(meta.c.key.in_(keys))))
        rows = [{"key": f"setting.{key}", "value": value} for key, value in SETTINGS.items()
                if f"setting.{key}" not in present]
        if rows:
            self.connection.execute(meta.insert(), rows)

    def _elders(self, households: list[_HouseholdPlan]) -> list[_Elder]:
        elders = [_Elder(p, plan, []) for plan in households for p in plan.people
                  if p.status == "在册" and p.birth <= self.sixty_cutoff]
        if not elders:
            return []
        by_id = {e.person.id: e for e in elders}
        low, high = min(by_id), max(by_id)
        contact = ResidentContact.__table__
        for rid, name, relation, cid in self.connection.execute(
            select(contact.c.resident_id, contact.c.name, contact.c.relation, contact.c.id)
            .where(contact.c.resident_id.between(low, high)).order_by(contact.c.resident_id, contact.c.position)
        ):
            if rid in by_id:
                by_id[rid].contacts.append((name, relation, cid))
        self._medical_notes(by_id, low, high)
        return elders

    def _medical_notes(self, by_id: dict[int, _Elder], low: int, high: int) -> None:
        """What 从健康档案生成 (``consent.suggest_medical_note``) suggests for each elder, from the
        health rows just written; ``key`` when it names more than high blood pressure."""
        condition, profile = HealthCondition.__table__, HealthProfile.__table__
        conditions: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for rid, code, name in self.connection.execute(
            select(condition.c.resident_id, condition.c.code, condition.c.name)
            .where(condition.c.resident_id.between(low, high), condition.c.category == "疾病")
            .order_by(condition.c.id)
        ):
            if rid in by_id:
                conditions[rid].append((code, name))
        for rid, allergies, other, wandering in self.connection.execute(
            select(profile.c.resident_id, profile.c.allergies, profile.c.allergy_other, profile.c.wandering_risk)
            .where(profile.c.resident_id.between(low, high))
        ):
            if rid in by_id:
                elder = by_id[rid]
                elder.wandering = bool(wandering)
                items = _health_items(conditions.get(rid, []), allergies or [], other or "", elder.wandering)
                elder.note = _joined(items)
                elder.key = any(item != "高血压" for item in items)

    # --- the campaign -----------------------------------------------------------------------------

    def _campaign_days(self, rng: random.Random, elders: list[_Elder]) -> dict[int, date]:
        """The day each grid's badges were printed: grid after grid, a few days apart, four to
        eight months ago."""
        day = self.today - timedelta(days=rng.randint(120, 240))
        days = {}
        for grid in sorted({e.plan.dwelling.grid_index for e in elders}):
            days[grid] = day
            day += timedelta(days=rng.randint(2, 6))
            while day.weekday() >= 5:
                day += timedelta(days=1)
        return days

    def _consents(self, rng: random.Random, elders: list[_Elder], campaign: dict[int, date]) -> None:
        rows = []
        for elder in elders:
            elder.consent = rng.random() < CONSENT_SHARE
            printed = rng.random() < (PRINTED_IF_CONSENT if elder.consent else PRINTED_OTHERWISE)
            if printed:
                elder.printed_on = campaign[elder.plan.dwelling.grid_index]
            if not elder.consent:
                continue
            if printed:  # collected in the weeks before the grid's badges were printed
                given_on = elder.printed_on - timedelta(days=rng.randint(1, 30))
            else:
                given_on = _random_day(rng, self.today - timedelta(days=300), self.today - timedelta(days=3))
            family = [(name, relation) for name, relation, _ in elder.contacts if relation in ("儿子", "女儿")]
            given_by = "本人" if not family or rng.random() < BY_THE_ELDER else " ".join(reversed(family[0]))
            medical = elder.key and rng.random() < (MEDICAL_AGREED_WANDERING if elder.wandering else MEDICAL_AGREED)
            contacts = rng.choices([n for n, _ in CONTACTS_AGREED], [w for _, w in CONTACTS_AGREED])[0]
            rows.append({
                "id": self._ids("badge_consent"), "resident_id": elder.person.id,
                "include_address": rng.random() < (ADDRESS_AGREED_WANDERING if elder.wandering else ADDRESS_AGREED),
                "include_photo": rng.random() < PHOTO_AGREED, "include_medical": medical,
                "medical_note": elder.note if medical else "", "max_contacts": contacts, "given_by": given_by,
                "given_on": given_on, "note": rng.choice(CONSENT_NOTES), "version": 1,
            })
        self._insert(BadgeConsent.__table__, rows)
        self.counts["badge_consents"] += len(rows)

    def _photos(self, rng: random.Random, elders: list[_Elder], campaign: dict[int, date]) -> None:
        """Photos taken at the consent (before the print), a few lately."""
        from chang_shan.demo import portraits  # Pillow: not when the login dialog imports the builder

        rows = []
        for elder in elders:
            if rng.random() >= (PHOTO_IF_CONSENT if elder.consent else PHOTO_OTHERWISE):
                continue
            taken = elder.printed_on or campaign[elder.plan.dwelling.grid_index]
            on = _random_day(rng, taken - timedelta(days=40), taken - timedelta(days=1))
            if elder.printed_on is None and rng.random() < 0.5:
                on = _random_day(rng, self.today - timedelta(days=90), self.today - timedelta(days=1))
            file, digest = self._portrait(elder.person)
            rows.append({
                "id": self._ids("resident_photo"), "resident_id": elder.person.id, "file": file, "sha256": digest,
                "width": portraits.WIDTH, "height": portraits.HEIGHT, "updated_at": _office_time(rng, on),
            })
        self._insert(ResidentPhoto.__table__, rows)
        self.counts["badge_photos"] += len(rows)

    def _portrait(self, person: _Person) -> tuple[str, str]:
        """A portrait file for ``person`` (relative to ``files``) and its sha256: drawn and stored
        once per slot of the pool."""
        group = (person.sex, person.birth <= shift_years(self.today, -70))
        slot = self._portrait_counts[group] % PORTRAIT_POOL
        self._portrait_counts[group] += 1
        key = (*group, slot)
        if key not in self._portraits:
            from chang_shan.demo import portraits

            rng = random.Random(f"chang-shan-demo/{self.seed}/portrait/{person.sex}/{group[1]}/{slot}")
            data = portraits.portrait(rng, person.sex, 75 if group[1] else 65)
            self._portraits[key] = _store(self.files_root, data)
        return self._portraits[key]

    # --- the register -----------------------------------------------------------------------------

    def _register(self, rng: random.Random, elders: list[_Elder], campaign: dict[int, date]) -> None:
        """The campaign's prints grid by grid (numbers in that order), then the lost badges
        reprinted as cards. The numbers (``provisional_numbers``) and the printed content, version
        and hashes (``badge_data``) are the badge services' own; the rows go in in bulk, as
        ``job.write_pdf`` would record them (a number at the first print, a register line per
        printing), by the demo administrator."""
        from chang_shan.accounts.permissions import SYSTEM, actor_of, set_actor
        from chang_shan.badges.selection import badge_data, provisional_numbers

        printed = sorted((e for e in elders if e.printed_on is not None), key=lambda e: e.printed_on)  # stable
        if not printed:
            return
        ids = [e.person.id for e in printed]
        session = self.badge_session
        before = actor_of(session)
        set_actor(session, SYSTEM)
        try:
            numbers = provisional_numbers(session, ids)
            # What the campaign printed is what the badges hold today: nothing has changed since yet.
            content = {d.resident_id: (d.version, d.content_hash(), d.part_hashes())
                       for d in badge_data(session, ids, self.files_root, today=printed[0].printed_on)}
        finally:
            set_actor(session, before)
        times = {day: _office_time(rng, day) for day in sorted(campaign.values())}
        outputs = {day: rng.choice(("pdf", "printer")) for day in sorted(campaign.values())}
        badges: list[dict[str, Any]] = []
        prints: list[dict[str, Any]] = []
        badge_ids: dict[int, int] = {}
        for elder in printed:
            rid, when = elder.person.id, times[elder.printed_on]
            badge_ids[rid] = self._ids("badge")
            badges.append({"id": badge_ids[rid], "resident_id": rid, "number": numbers[rid], "created_at": when})
            prints.append(self._print_row(badge_ids[rid], content[rid], "sheet", when, outputs[elder.printed_on]))
        for day, lost in sorted(self._lost_badges(rng, printed).items()):
            when = _office_time(rng, day)
            prints += [self._print_row(badge_ids[rid], content[rid], "card", when, "printer") for rid in lost]
        self._insert(Badge.__table__, badges)
        self._insert(BadgePrint.__table__, prints)
        self.counts["badges_printed"] += len(printed)
        self._new_phones(rng, printed)

    def _print_row(self, badge_id: int, content: tuple[int, str, dict[str, str]], layout: str, when: datetime,
                   output: str) -> dict[str, Any]:
        """A register line: ``content`` is the badge's (version, content hash, part hashes)."""
        version, content_hash, part_hashes = content
        return {"id": self._ids("badge_print"), "badge_id": badge_id, "version": version,
                "content_hash": content_hash, "part_hashes": part_hashes, "layout": layout,
                "printed_at": when, "printed_by": PRINTED_BY, "output": output}

    def _lost_badges(self, rng: random.Random, printed: list[_Elder]) -> dict[date, list[int]]:
        """Badges lost and reprinted as cards since, on the days the office reprints (every three
        weeks or so), two weeks after the first print at the earliest."""
        first = min((e.printed_on for e in printed), default=self.today)
        days = []
        day = first + timedelta(days=rng.randint(14, 28))
        while day < self.today:
            days.append(day)
            day += timedelta(days=rng.randint(14, 28))
        lost: dict[date, list[int]] = defaultdict(list)
        for elder in printed:
            later = [d for d in days if d >= elder.printed_on + timedelta(days=14)]
            if later and rng.random() < REPRINTED_SHARE:
                lost[rng.choice(later)].append(elder.person.id)
        return lost

    def _new_phones(self, rng: random.Random, printed: list[_Elder]) -> None:
        """A family contact's new number since the badge was printed: the badge is 需重印."""
        contact = ResidentContact.__table__
        changed = 0
        for elder in printed:
            if not elder.contacts or rng.random() >= STALE_SHARE:
                continue
            _name, _relation, contact_id = elder.contacts[0]
            self.connection.execute(update(contact).where(contact.c.id == contact_id).values(phone=_mobile(rng)))
            changed += 1
        self.counts["badges_stale"] += changed


def _office_time(rng: random.Random, day: date) -> datetime:
    """A moment of office hours (8:30–16:30 in Changchun) on ``day``, as the database keeps times
    (UTC, naive)."""
    local = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(480))
    return local - timedelta(hours=8)


def _store(files_root: Path, data: bytes) -> tuple[str, str]:
    """Store a JPEG as the office stores photos: ``photos/<sha[:2]>/<sha>.jpg`` under ``files``,
    written whole under a temporary name first, an existing file never rewritten. Returns the
    relative path and the sha256."""
    from chang_shan.badges.photos import relative_path

    digest = sha256(data).hexdigest()
    relative = relative_path(digest)
    target = files_root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    return relative, digest


def _health_items(conditions: list[tuple[str, str]], allergies: list[str], allergy_other: str,
                  wandering: bool) -> list[str]:
    """The demo's health rows as ``consent.suggest_medical_note`` words them, most important first
    (the demo has no 癫痫 and names no heart disease beyond 冠心病)."""
    codes = {code for code, _ in conditions}
    items = ["走失风险"] if wandering else []
    items += [name for code, name in conditions if code == OTHER and name in DEMENTIA]
    items += [label for code, label in KEY_DISEASES if code in codes]
    items += [f"{label}过敏" for code, label in DRUG_ALLERGIES if code in allergies]
    if ALLERGY_OTHER in allergies and allergy_other:
        items.append(f"{allergy_other}过敏")
    return list(dict.fromkeys(items))


def _joined(items: list[str]) -> str:
    note = ""
    for item in items:
        longer = f"{note}；{item}" if note else item
        if len(longer) <= NOTE_LENGTH:
            note = longer
    return note
