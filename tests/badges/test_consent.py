"""What the family agreed may go on the 防走失卡: office defaults, recording with checks before
writing, the medical note (health permission, never an ID number), stale edits, undo, the bulk read
for the batch, the suggestion from the health ledger and the audit trail's labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.audit import trail
from chang_shan.badges import consent
from chang_shan.badges.shapes import ConsentInput
from chang_shan.db.database import Database
from chang_shan.db.models.badges import BadgeConsent
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import DomainError, NotFound, PermissionDenied, ValidationError
from chang_shan.health import profiles
from chang_shan.health.shapes import ProfileInput
from chang_shan.population import undo
from chang_shan.settings import set_setting
from tests.badges.office import TODAY, ZHAO_ID, BadgeOffice
from tests.population.community import KUANCHENG, id_number

MEDICAL = ConsentInput(include_address=True, include_photo=False, include_medical=True,
                       medical_note="阿尔茨海默病；糖尿病", max_contacts=3, given_by="儿子 赵建国",
                       given_on=date(2025, 5, 20), note="在社区签字")
PLAIN = ConsentInput(include_address=True, include_photo=True, max_contacts=1, given_by="本人",
                     given_on=date(2025, 5, 1))


def _set(db: Database, who: str, office: BadgeOffice, resident_id: int, data: ConsentInput,
         expected: int | None = None):  # noqa: ANN202
    db.actor = office.actors[who]
    with db.transaction("修改防走失卡同意书") as s:
        return consent.set_consent(s, resident_id, data, expected_version=expected, today=TODAY)


def _state(db: Database) -> tuple[list[tuple], int]:
    """Every consent row and the number of journal entries."""
    with db.sessions() as s:
        rows = sorted(tuple(r) for r in s.execute(select(
            BadgeConsent.resident_id, BadgeConsent.include_medical, BadgeConsent.medical_note,
            BadgeConsent.given_by, BadgeConsent.max_contacts, BadgeConsent.version)))
        return rows, s.scalar(select(func.count()).select_from(ChangeSet)) or 0


def _get(db: Database, who: str, office: BadgeOffice, resident_id: int):  # noqa: ANN202
    db.actor = office.actors[who]
    with db.reader() as s:
        return consent.get_consent(s, resident_id)


# --- defaults and recording -------------------------------------------------------------------


def test_without_a_recorded_consent_the_office_defaults_apply(badge_db: Database, badge_office: BadgeOffice) -> None:
    row = _get(badge_db, "worker", badge_office, badge_office.zhang)
    assert (row.recorded, row.include_address, row.include_photo, row.include_medical, row.max_contacts) == \
        (False, False, True, False, 2)
    assert (row.medical_note, row.given_by, row.given_on, row.note, row.version) == ("", "", None, "", None)
    badge_db.actor = SYSTEM
    with badge_db.transaction("修改设置") as s:
        set_setting(s, "badges.default_address", True)
        set_setting(s, "badges.default_photo", False)
        set_setting(s, "badges.max_contacts", 3)
    row = _get(badge_db, "reader", badge_office, badge_office.zhang)
    assert (row.recorded, row.include_address, row.include_photo, row.max_contacts) == (False, True, False, 3)


def test_a_recorded_consent_is_kept_as_given_and_read_back(badge_db: Database, badge_office: BadgeOffice) -> None:
    saved = _set(badge_db, "worker_h", badge_office, badge_office.zhao, MEDICAL)
    assert saved.recorded and saved.version == 1
    row = _get(badge_db, "worker_h", badge_office, badge_office.zhao)
    assert row == saved
    assert (row.include_address, row.include_photo, row.include_medical, row.medical_note, row.max_contacts,
            row.given_by, row.given_on, row.note) == \
        (True, False, True, "阿尔茨海默病；糖尿病", 3, "儿子 赵建国", date(2025, 5, 20), "在社区签字")
    # A later edit with the version the form saw: a new version; the journal names the user.
    changed = _set(badge_db, "worker_h", badge_office, badge_office.zhao, replace(MEDICAL, max_contacts=2),
                   expected=1)
    assert (changed.max_contacts, changed.version) == (2, 2)


def test_text_is_cleaned_and_rare_characters_survive(badge_db: Database, badge_office: BadgeOffice) -> None:
    data = replace(PLAIN, given_by="  女儿\t赵𠀀𪚥  ", note=" 见  附件 ")
    row = _set(badge_db, "worker", badge_office, badge_office.zhao, data)
    assert (row.given_by, row.note) == ("女儿 赵𠀀𪚥", "见 附件")
    assert _get(badge_db, "worker", badge_office, badge_office.zhao).given_by == "女儿 赵𠀀𪚥"


def test_the_date_defaults_to_today(badge_db: Database, badge_office: BadgeOffice) -> None:
    row = _set(badge_db, "worker", badge_office, badge_office.li, replace(PLAIN, given_on=None))
    assert row.given_on == TODAY


# --- validation: every field checked, nothing written -------------------------------------------


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"given_by": "  "}, "given_by", "请填写同意人"),
    ({"given_by": "甲" * 51}, "given_by", "同意人最多 50 个字"),
    ({"given_on": date(2025, 6, 2)}, "given_on", "同意日期不能晚于今天"),
    ({"given_on": date(1949, 1, 1)}, "given_on", "不能早于出生日期"),
    ({"max_contacts": 0}, "max_contacts", "1 到 3 人"),
    ({"max_contacts": 4}, "max_contacts", "1 到 3 人"),
    ({"max_contacts": True}, "max_contacts", "1 到 3 人"),
    ({"medical_note": "糖" * 61}, "medical_note", "健康提示最多 60 个字，现在是 61 个"),
    ({"medical_note": ""}, "medical_note", "请填写健康提示的内容"),
    ({"medical_note": "   "}, "medical_note", "请填写健康提示的内容"),
    ({"note": "备" * 201}, "note", "备注最多 200 个字"),
])
def test_a_bad_field_is_named_and_nothing_is_written(
    badge_db: Database, badge_office: BadgeOffice, change: dict, field: str, message: str,
) -> None:
    before = _state(badge_db)
    with pytest.raises(ValidationError) as exc:
        _set(badge_db, "worker_h", badge_office, badge_office.zhang, replace(MEDICAL, **change))
    assert list(exc.value.errors) == [field]
    assert message in exc.value.errors[field]
    assert _state(badge_db) == before


def test_several_bad_fields_are_reported_together(badge_db: Database, badge_office: BadgeOffice) -> None:
    data = replace(MEDICAL, given_by="", max_contacts=9, medical_note=ZHAO_ID)
    with pytest.raises(ValidationError) as exc:
        _set(badge_db, "worker_h", badge_office, badge_office.zhang, data)
    assert set(exc.value.errors) == {"given_by", "max_contacts", "medical_note"}


OTHER_ID = id_number(KUANCHENG, date(1950, 3, 12), 11)
LEGACY_15 = OTHER_ID[:6] + OTHER_ID[8:17]  # the same person's old 15-digit number


@pytest.mark.parametrize("note", [
    f"糖尿病 {ZHAO_ID}",
    f"身份证{ZHAO_ID[:6]} {ZHAO_ID[6:14]} {ZHAO_ID[14:]}",  # grouped with spaces
    f"证件 {ZHAO_ID[:6]}-{ZHAO_ID[6:14]}-{ZHAO_ID[14:]}",  # and dashes
    "号码" + "".join(chr(ord(c) + 0xFEE0) for c in OTHER_ID),  # full-width digits
    f"旧证{LEGACY_15}糖尿病",
    f"{OTHER_ID[:17]}x",  # a lowercase check character
    "编号 1234567890123456",  # any run of 15 digits or more, valid or not
])
def test_a_medical_note_never_holds_an_id_number(badge_db: Database, badge_office: BadgeOffice, note: str) -> None:
    before = _state(badge_db)
    with pytest.raises(ValidationError) as exc:
        _set(badge_db, "worker_h", badge_office, badge_office.zhao, replace(MEDICAL, medical_note=note))
    assert exc.value.errors == {"medical_note": "健康提示中不能包含身份证号。"}
    assert _state(badge_db) == before


@pytest.mark.parametrize("note", ["糖尿病；联系电话 13904310011", "家属 0431-85551234 13604310021", "血糖低于 3.9 时给糖"])
def test_phones_and_measures_are_not_taken_for_id_numbers(note: str) -> None:
    assert not consent.contains_id_number(note)


# --- the medical part needs the health permission -------------------------------------------------


def test_a_worker_without_health_records_the_rest_but_not_the_medical_note(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    before = _state(badge_db)
    with pytest.raises(PermissionDenied, match="居民健康库"):
        _set(badge_db, "worker", badge_office, badge_office.zhao, MEDICAL)
    with pytest.raises(PermissionDenied, match="居民健康库"):
        _set(badge_db, "worker", badge_office, badge_office.zhao, replace(PLAIN, medical_note="糖尿病"))
    assert _state(badge_db) == before
    # With the health permission the note is written; without it, the rest can still change as
    # long as the medical part is passed through as it was.
    first = _set(badge_db, "worker_h", badge_office, badge_office.zhao, MEDICAL)
    seen = _get(badge_db, "worker", badge_office, badge_office.zhao)
    assert seen.medical_note == MEDICAL.medical_note  # the worker may edit the resident: sees the note
    again = _set(badge_db, "worker", badge_office, badge_office.zhao,
                 replace(MEDICAL, include_address=False, max_contacts=1), expected=first.version)
    assert (again.include_address, again.max_contacts, again.medical_note) == (False, 1, MEDICAL.medical_note)
    with pytest.raises(PermissionDenied, match="居民健康库"):
        _set(badge_db, "worker", badge_office, badge_office.zhao, replace(MEDICAL, include_medical=False),
             expected=again.version)


@pytest.mark.parametrize(("role", "outcome"), [
    ("admin", "yes"), ("worker", "yes"), ("worker_h", "yes"), ("grid_own", "yes"), ("grid_own_h", "yes"),
    ("grid_other", "no"), ("grid_other_h", "no"), ("reader", "no"), ("reader_h", "no"), ("nobody", "no"),
])
def test_who_may_record_a_consent(badge_db: Database, badge_office: BadgeOffice, role: str, outcome: str) -> None:
    before = _state(badge_db)
    if outcome == "no":
        with pytest.raises(PermissionDenied):
            _set(badge_db, role, badge_office, badge_office.wang, PLAIN)
        assert _state(badge_db) == before
        return
    _set(badge_db, role, badge_office, badge_office.wang, PLAIN)
    rows, entries = _state(badge_db)
    assert entries == before[1] + 1 and rows[0][0] == badge_office.wang
    with badge_db.sessions() as s:
        newest = s.scalars(select(ChangeSet).order_by(ChangeSet.id.desc()).limit(1)).one()
    assert newest.user_name == badge_office.actors[role].username  # type: ignore[union-attr]


@pytest.mark.parametrize(("role", "sees_note"), [
    ("admin", True), ("worker", True), ("grid_own", True), ("reader_h", True), ("grid_other_h", None),
    ("reader", False), ("nobody", None),
])
def test_the_medical_note_is_shown_to_editors_and_health_users_only(
    badge_db: Database, badge_office: BadgeOffice, role: str, sees_note: bool | None,
) -> None:
    _set(badge_db, "worker_h", badge_office, badge_office.zhang, replace(MEDICAL, medical_note="高血压"))
    if sees_note is None:  # outside their grid, or nobody signed in
        with pytest.raises(PermissionDenied):
            _get(badge_db, role, badge_office, badge_office.zhang)
        return
    row = _get(badge_db, role, badge_office, badge_office.zhang)
    assert row.include_medical is True  # whether a note is printed is shown to everyone who may look
    assert row.medical_note == ("高血压" if sees_note else "")


def test_people_who_died_are_read_only_and_unknown_ids_are_not_found(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    with pytest.raises(DomainError, match="已故的居民不能修改防走失卡同意书"):
        _set(badge_db, "worker", badge_office, badge_office.sun, PLAIN)
    assert not _get(badge_db, "worker", badge_office, badge_office.sun).recorded  # still readable
    with pytest.raises(NotFound):
        _get(badge_db, "worker", badge_office, 999_999)


# --- stale edits, clearing, undo ----------------------------------------------------------------


def test_a_stale_form_is_refused(badge_db: Database, badge_office: BadgeOffice) -> None:
    _set(badge_db, "worker", badge_office, badge_office.li, PLAIN)  # version 1
    _set(badge_db, "worker", badge_office, badge_office.li, replace(PLAIN, max_contacts=2), expected=1)
    before = _state(badge_db)
    for expected in (None, 1):  # a form opened before the first save, or before the second
        with pytest.raises(DomainError, match="已被他人修改"):
            _set(badge_db, "worker", badge_office, badge_office.li, replace(PLAIN, max_contacts=3), expected=expected)
    assert _state(badge_db) == before


def test_clearing_returns_to_the_defaults_and_needs_health_for_a_medical_note(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    _set(badge_db, "worker_h", badge_office, badge_office.zhao, MEDICAL)
    _set(badge_db, "worker", badge_office, badge_office.li, PLAIN)
    before = _state(badge_db)
    badge_db.actor = badge_office.actors["worker"]
    with pytest.raises(PermissionDenied, match="居民健康库"), badge_db.transaction("恢复默认") as s:
        consent.clear_consent(s, badge_office.zhao)
    assert _state(badge_db) == before
    with badge_db.transaction("恢复默认") as s:
        row = consent.clear_consent(s, badge_office.li)
    assert not row.recorded and row.max_contacts == 2
    assert not _get(badge_db, "worker", badge_office, badge_office.li).recorded
    badge_db.actor = badge_office.actors["worker_h"]
    with badge_db.transaction("恢复默认") as s:
        consent.clear_consent(s, badge_office.zhao)
    assert _state(badge_db)[0] == []
    # A stale form (opened when the consent existed) cannot bring it back silently.
    with pytest.raises(DomainError, match="已被他人修改"):
        _set(badge_db, "worker_h", badge_office, badge_office.zhao, MEDICAL, expected=1)


def test_undo_takes_back_a_new_consent_a_change_and_a_clearing(badge_db: Database, badge_office: BadgeOffice) -> None:
    worker = "worker_h"
    _set(badge_db, worker, badge_office, badge_office.zhao, MEDICAL)
    _set(badge_db, worker, badge_office, badge_office.zhao, replace(MEDICAL, medical_note="糖尿病"), expected=1)
    badge_db.actor = badge_office.actors[worker]
    with badge_db.transaction("恢复默认") as s:
        consent.clear_consent(s, badge_office.zhao)

    def undo_one() -> None:
        with badge_db.transaction("撤销") as s:
            undo.undo_last(s)

    undo_one()  # the clearing
    row = _get(badge_db, worker, badge_office, badge_office.zhao)
    assert (row.recorded, row.medical_note, row.version) == (True, "糖尿病", 2)
    undo_one()  # the change
    row = _get(badge_db, worker, badge_office, badge_office.zhao)
    assert row.medical_note == MEDICAL.medical_note
    with pytest.raises(DomainError, match="已被他人修改"):  # the form that saw version 2 is stale now
        _set(badge_db, worker, badge_office, badge_office.zhao, PLAIN, expected=2)
    undo_one()  # the first recording
    assert not _get(badge_db, worker, badge_office, badge_office.zhao).recorded


# --- the bulk read for the batch ------------------------------------------------------------------


def test_effective_consents_gives_everyone_their_consent_or_the_defaults(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    o = badge_office
    _set(badge_db, "worker_h", o, o.zhao, MEDICAL)
    _set(badge_db, "worker", o, o.li, PLAIN)
    badge_db.actor = o.actors["reader"]  # no check here: the batch's caller checked; the note is included
    with badge_db.reader() as s:
        rows = consent.effective_consents(s, [o.zhao, o.zhang, o.li, o.zhao, o.wang])
    assert list(rows) == [o.zhao, o.zhang, o.li, o.wang]
    assert rows[o.zhao].medical_note == MEDICAL.medical_note and rows[o.zhao].include_medical
    assert rows[o.li].recorded and rows[o.li].max_contacts == 1
    assert not rows[o.zhang].recorded and rows[o.zhang].max_contacts == 2 and not rows[o.zhang].include_medical
    with badge_db.reader() as s:  # more residents than one query's batch
        many = consent.effective_consents(s, [o.li, *range(100_000, 101_200)])
    assert len(many) == 1201 and many[o.li].recorded


# --- the suggestion from the health ledger --------------------------------------------------------


def test_the_suggestion_lists_what_a_finder_needs_most_important_first(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    o = badge_office
    badge_db.actor = o.actors["worker_h"]
    with badge_db.reader() as s:
        assert consent.suggest_medical_note(s, o.zhao) == "走失风险；阿尔茨海默病；糖尿病；冠心病；青霉素过敏"
        assert consent.suggest_medical_note(s, o.zhang) == "高血压"
        assert consent.suggest_medical_note(s, o.li) == ""  # no health profile
    for role, resident_id in (("worker", o.zhao), ("grid_own", o.zhang), ("grid_own_h", o.zhao)):
        badge_db.actor = o.actors[role]
        with pytest.raises(PermissionDenied), badge_db.reader() as s:
            consent.suggest_medical_note(s, resident_id)


def test_the_suggestion_fits_sixty_characters_and_keeps_the_first_items(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    o = badge_office
    badge_db.actor = o.actors["worker_h"]
    with badge_db.transaction("修改健康档案") as s:
        detail = profiles.get_profile(s, o.zhao)
        data = detail.data
        data.allergies = ["2", "3", "4", "5"]
        data.allergy_other = "头孢类、阿司匹林、布洛芬、对乙酰氨基酚、头孢克洛缓释片"
        profiles.save_profile(s, o.zhao, data, expected_version=detail.version, today=TODAY)
    with badge_db.reader() as s:
        note = consent.suggest_medical_note(s, o.zhao)
    assert len(note) <= 60
    assert note.startswith("走失风险；阿尔茨海默病；糖尿病；冠心病；青霉素过敏；磺胺过敏；链霉素过敏；头孢类过敏")
    assert "头孢克洛缓释片过敏" not in note  # did not fit
    # A suggestion is accepted as it is.
    row = _set(badge_db, "worker_h", o, o.zhao, replace(MEDICAL, medical_note=note))
    assert row.medical_note == note


def test_the_suggestion_names_epilepsy_and_stroke(badge_db: Database, badge_office: BadgeOffice) -> None:
    from chang_shan.health.shapes import ConditionInput

    o = badge_office
    badge_db.actor = o.actors["worker_h"]
    conditions = [ConditionInput("疾病", "2", on_date=date(2000, 1, 1)), ConditionInput("疾病", "7", on_date=date(2019, 1, 1)),
                  ConditionInput("疾病", "13", "癫痫", on_date=date(1990, 1, 1))]
    with badge_db.transaction("建立健康档案") as s:
        profiles.save_profile(s, o.li, ProfileInput(conditions=conditions), expected_version=None, today=TODAY)
    with badge_db.reader() as s:
        assert consent.suggest_medical_note(s, o.li) == "癫痫；脑卒中；高血压"


# --- the audit trail ------------------------------------------------------------------------------


def test_the_trail_names_the_consent_fields_and_hides_the_note_from_admins_without_health(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    o = badge_office
    _set(badge_db, "worker_h", o, o.zhao, MEDICAL)
    summaries = {}
    for role in ("admin", "admin_h"):
        badge_db.actor = o.actors[role]
        with badge_db.reader() as s:
            entry = trail.list_entries(s, resident_id=o.zhao, limit=1)[0]
        assert entry.action == "修改防走失卡同意书"
        summaries[role] = entry.summary
    assert "防走失卡同意书" in summaries["admin_h"] and "同意人" in summaries["admin_h"]
    assert "印健康提示" in summaries["admin_h"] and "糖尿病" in summaries["admin_h"]
    assert "同意人" in summaries["admin"] and "糖尿病" not in summaries["admin"] and "阿尔茨海默" not in summaries["admin"]
    assert "（受限）" in summaries["admin"] and "（受限）" not in summaries["admin_h"]  # the column, not just the words


def test_undoing_a_change_of_the_medical_note_needs_the_health_permission(
    badge_db: Database, badge_office: BadgeOffice,
) -> None:
    """The medical note is health data in an ordinary table: an administrator without the health
    permission may undo a consent change that left the note alone, not one that changed it."""
    _set(badge_db, "worker_h", badge_office, badge_office.zhao, MEDICAL)
    badge_db.actor = badge_office.actors["admin"]
    with badge_db.reader() as s:
        assert undo.last_action(s) is None  # the menu offers nothing
    with pytest.raises(PermissionDenied, match="居民健康库"), badge_db.transaction("撤销") as s:
        undo.undo_last(s)
    assert _get(badge_db, "worker_h", badge_office, badge_office.zhao).medical_note == MEDICAL.medical_note
    _set(badge_db, "worker", badge_office, badge_office.li, PLAIN)  # no medical note in this one
    badge_db.actor = badge_office.actors["admin"]
    with badge_db.reader() as s:
        assert undo.last_action(s) is not None
    with badge_db.transaction("撤销") as s:
        undo.undo_last(s)
    assert not _get(badge_db, "worker", badge_office, badge_office.li).recorded
