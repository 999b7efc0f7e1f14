"""The demo's 防走失卡: the office's hotline, the families' consents, the photos and the badge register,
read back through the badge services (the register states are the program's own)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from sqlalchemy import select

from chang_shan.badges.consent import contains_id_number, suggest_medical_note
from chang_shan.badges.photos import photo_rows
from chang_shan.badges.register import register_rows
from chang_shan.badges.selection import badge_data
from chang_shan.db.database import Database
from chang_shan.db.models import Badge, BadgeConsent, BadgePrint, Resident, ResidentContact, ResidentPhoto
from chang_shan.demo import badges as demo_badges
from chang_shan.demo.builder import DemoSummary, build_demo
from chang_shan.paths import DataDir
from chang_shan.population.residents import age_on
from chang_shan.settings import get_setting
from tests.demo.reading import grouped, pct
from tests.demo.template import SEED, TODAY


@pytest.fixture(scope="module")
def register(demo: tuple[DataDir, DemoSummary]):  # noqa: ANN201
    """Everyone 60+ in the register with their state, as the 防走失卡 screen lists them."""
    database = Database.open(demo[0], lock=False)
    from chang_shan.accounts.permissions import SYSTEM

    database.actor = SYSTEM
    try:
        with database.reader() as s:
            rows = register_rows(s, demo[0].files, today=TODAY)
            elders = {r.resident_id for r in rows if r.age is not None and r.age >= 60}
            return {"rows": {r.resident_id: r for r in rows}, "elders": elders}
    finally:
        database.close()


def test_the_office_hotline_and_name(demo_db: Database) -> None:
    with demo_db.reader() as s:
        hotline = get_setting(s, "office.hotline")
        assert re.fullmatch(r"0431-8[0-9]{7}", hotline) and hotline == demo_badges.HOTLINE
        assert get_setting(s, "office.community_name") == "长山花园社区"


def test_consents_for_most_elders_given_by_them_or_a_child(demo_db: Database, register) -> None:  # noqa: ANN001
    elders = register["elders"]
    with demo_db.reader() as s:
        consents = {c.resident_id: c for c in s.scalars(select(BadgeConsent))}
        contacts = grouped(s, ResidentContact, "resident_id")
    assert set(consents) <= elders
    assert 55 <= pct(len(consents), len(elders)) <= 65
    givers = Counter(c.given_by.split(" ")[0] for c in consents.values())
    assert set(givers) == {"本人", "儿子", "女儿"} and givers["本人"] > len(consents) * 0.3
    for c in consents.values():
        if c.given_by != "本人":  # a son or daughter among the emergency contacts
            relation, name = c.given_by.split(" ")
            assert (name, relation) in {(k.name, k.relation) for k in contacts[c.resident_id]}, c.resident_id
        assert c.given_on < TODAY and 1 <= c.max_contacts <= 3
        assert c.include_medical == bool(c.medical_note)
    share = Counter((c.include_address, c.include_photo, c.max_contacts) for c in consents.values())
    assert 20 <= pct(sum(n for (address, _, _), n in share.items() if address), len(consents)) <= 45
    assert pct(sum(n for (_, photo, _), n in share.items() if photo), len(consents)) >= 85
    assert {c.max_contacts for c in consents.values()} == {1, 2, 3}


def test_medical_notes_are_what_the_health_record_suggests(demo_db: Database) -> None:
    with demo_db.reader() as s:
        consents = list(s.scalars(select(BadgeConsent).where(BadgeConsent.include_medical)))
        assert len(consents) > 300
        notes = Counter()
        for c in consents[::5]:
            assert c.medical_note == suggest_medical_note(s, c.resident_id), c.resident_id
            notes.update(c.medical_note.split("；"))
        assert all(len(c.medical_note) <= 60 and not contains_id_number(c.medical_note) for c in consents)
        # Not for high blood pressure alone.
        assert all(set(c.medical_note.split("；")) != {"高血压"} for c in consents)
    for item in ("走失风险", "糖尿病", "冠心病", "青霉素过敏"):
        assert notes[item] > 0, item
    assert notes["阿尔茨海默病"] + notes["血管性痴呆"] > 0


def test_photos_are_id_style_portraits_stored_as_the_office_stores_them(
    demo: tuple[DataDir, DemoSummary], demo_db: Database, register,  # noqa: ANN001
) -> None:
    files = demo[0].files
    with demo_db.reader() as s:
        photos = list(s.scalars(select(ResidentPhoto)))
        found = photo_rows(s, files, [p.resident_id for p in photos])
    assert {p.resident_id for p in photos} <= register["elders"]
    assert 13 <= pct(len(photos), len(register["elders"])) <= 17 and len(photos) == demo[1].badge_photos
    assert set(found) == {p.resident_id for p in photos}  # every file is there
    assert len({p.sha256 for p in photos}) == len(photos)  # one portrait each at scale 1
    for photo in photos[::25]:
        data = (files / photo.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == photo.sha256
        assert photo.file == f"photos/{photo.sha256[:2]}/{photo.sha256}.jpg"
        with Image.open(files / photo.file) as image:
            assert (image.format, image.size) == ("JPEG", (photo.width, photo.height)) == ("JPEG", (360, 480))
            rgb = image.convert("RGB")
            # A plain background in the upper corners, a face (skin, not background) in the middle.
            corner = ImageStat.Stat(rgb.crop((0, 0, 60, 60)))
            assert max(corner.stddev) < 3
            face = ImageStat.Stat(rgb.crop((160, 230, 200, 250))).mean
            assert max(abs(a - b) for a, b in zip(face, corner.mean, strict=True)) > 20
            assert face[0] > face[2]  # skin is warmer than blue


def test_badges_printed_months_ago_in_grid_order(demo_db: Database, demo: tuple[DataDir, DemoSummary],
                                                  register) -> None:  # noqa: ANN001
    elders = register["elders"]
    with demo_db.reader() as s:
        badges = list(s.scalars(select(Badge).order_by(Badge.number)))
        prints = grouped(s, BadgePrint, "badge_id")
        births = dict(s.execute(select(Resident.id, Resident.birth_date)).all())
    assert {b.resident_id for b in badges} <= elders
    assert 66 <= pct(len(badges), len(elders)) <= 74 and len(badges) == demo[1].badges_printed
    assert [b.number for b in badges] == list(range(1, len(badges) + 1))
    first = [prints[b.id][0] for b in badges]
    # The campaign: A4 sheets, four to eight months ago, numbers given in the order printed.
    assert all(p.layout == "sheet" and p.version == 1 and p.printed_by == "admin" for p in first)
    assert all(TODAY - timedelta(days=300) < p.printed_at.date() < TODAY - timedelta(days=110) for p in first)
    assert [p.printed_at for p in first] == sorted(p.printed_at for p in first)
    reprints = [p for b in badges for p in prints[b.id][1:]]
    assert reprints and all(p.layout == "card" and p.version == 1 for p in reprints)
    assert len(reprints) < len(badges) * 0.04
    assert all(age_on(births[b.resident_id], TODAY) >= 60 for b in badges)


def test_a_few_badges_are_stale_because_a_phone_changed(register, demo: tuple[DataDir, DemoSummary]) -> None:  # noqa: ANN001
    rows = register["rows"].values()
    states = Counter(r.state for r in rows)
    printed = states["已是最新"] + states["需重印"]
    assert printed == demo[1].badges_printed
    assert states["需重印"] == demo[1].badges_stale
    assert 2.5 <= pct(states["需重印"], printed) <= 5.5
    assert {r.reasons for r in rows if r.state == "需重印"} == {("家属联系人",)}
    assert states["未打印"] == len(register["elders"]) - printed


def test_the_badges_hold_what_the_families_agreed(demo: tuple[DataDir, DemoSummary], demo_db: Database) -> None:
    with demo_db.reader() as s:
        consents = {c.resident_id: c for c in s.scalars(select(BadgeConsent))}
        ids = list(s.scalars(select(Badge.resident_id).order_by(Badge.number)))
        data = {d.resident_id: d for d in badge_data(s, ids, demo[0].files, today=TODAY)}
        photos = set(s.scalars(select(ResidentPhoto.resident_id)))
    assert all(d.hotline == demo_badges.HOTLINE and d.community == "长山花园社区" for d in data.values())
    with_address = [d for d in data.values() if d.address]
    assert with_address and all(consents[d.resident_id].include_address for d in with_address)
    with_note = [d for d in data.values() if d.medical_note]
    assert with_note and all(consents[d.resident_id].medical_note == d.medical_note for d in with_note)
    with_photo = [d for d in data.values() if d.photo_path]
    assert with_photo and all(d.resident_id in photos for d in with_photo)
    assert all(len(d.contacts) <= consents[d.resident_id].max_contacts for d in data.values() if d.resident_id in consents)


# --- own random stream, determinism ---------------------------------------------------------------


BADGE_TABLES = ("badge", "badge_print", "badge_consent", "resident_photo")


def _rows(path: Path, tables: tuple[str, ...], *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        out = {}
        for table in tables:
            columns = ", ".join(f'"{r[1]}"' for r in connection.execute(f"PRAGMA table_info({table})")
                                if r[1] not in skip)
            out[table] = sorted(connection.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        connection.close()


def _other_tables(path: Path) -> dict[str, list[tuple]]:
    """Every other ledger table, without the times of the build itself."""
    connection = sqlite3.connect(path)
    try:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        connection.close()
    unrelated = set(BADGE_TABLES) | {"app_meta", "user_account", "change_set", "change_row", "alembic_version"}
    tables = tuple(n for n in names if n not in unrelated and not n.startswith(("sqlite_", "search")))
    return _rows(path, tables, skip=("created_at", "updated_at", "recorded_at"))


@pytest.mark.slow
def test_same_seed_same_badges_and_the_rest_as_without_them(
    demo: tuple[DataDir, DemoSummary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Database.open(DataDir(tmp_path / "again")) as db:
        build_demo(db, seed=SEED, today=TODAY)
    reference = _rows(demo[0].database, BADGE_TABLES)
    again = _rows(DataDir(tmp_path / "again").database, BADGE_TABLES)
    assert again == reference and all(reference.values())  # their times are back-dated from TODAY: the same too
    same_files = sorted(p.relative_to(tmp_path / "again" / "files") for p in (tmp_path / "again" / "files").rglob("*.jpg"))
    assert same_files == sorted(p.relative_to(demo[0].files) for p in demo[0].files.rglob("*.jpg"))

    # Without the badges every other table comes out the same, but for the changed phones.
    monkeypatch.setattr(demo_badges._BadgesMixin, "_badges", lambda self, index, households: None)
    with Database.open(DataDir(tmp_path / "without")) as db:
        build_demo(db, seed=SEED, today=TODAY)
    with_badges = _other_tables(demo[0].database)
    without = _other_tables(DataDir(tmp_path / "without").database)
    assert with_badges.keys() == without.keys()
    differing = [t for t in with_badges if with_badges[t] != without[t]]
    assert differing == ["resident_contact"]
    changed = [a for a, b in zip(with_badges["resident_contact"], without["resident_contact"], strict=True) if a != b]
    assert len(changed) == demo[1].badges_stale
