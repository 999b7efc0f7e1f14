"""The 党员家庭户 household tag, derived from the member ledger.

A household carries the tag exactly while at least one resident 在册 living there
(``Resident.household_id``) is a party member 在册. ``sync_party_tags`` puts the tag right for some
households (or all); the member services call it after every change, and the population services
after a resident moves to another household, moves out or dies (``resident_moved``,
``resident_left``). Writes go through the ORM (``Household.tags``), so they are journalled and undone
with the action that caused them. The household form no longer sets or clears the tag by hand
(``population.households`` keeps it as stored).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import Household, HouseholdTag, PartyMember, PartyMemberEvent, PartyPost, Resident

PARTY_TAG = "党员家庭户"
IN_GOOD_STANDING = "在册"


def party_household_ids(session: Session, household_ids: Iterable[int] | None = None) -> set[int]:
    """Households that should carry the tag (among ``household_ids``, or all)."""
    query = (
        select(Resident.household_id).join(PartyMember, PartyMember.resident_id == Resident.id)
        .where(PartyMember.status == IN_GOOD_STANDING, Resident.status == IN_GOOD_STANDING,
               Resident.household_id.is_not(None)).distinct()
    )
    if household_ids is not None:
        query = query.where(Resident.household_id.in_(sorted(set(household_ids))))
    return set(session.scalars(query))


def tagged_household_ids(session: Session, household_ids: Iterable[int] | None = None) -> set[int]:
    """Households that carry the tag now."""
    query = select(HouseholdTag.household_id).where(HouseholdTag.tag == PARTY_TAG)
    if household_ids is not None:
        query = query.where(HouseholdTag.household_id.in_(sorted(set(household_ids))))
    return set(session.scalars(query))


def disagreements(session: Session) -> tuple[set[int], set[int]]:
    """(households missing the tag, households carrying it without a member) — what ``check``
    reports and ``sync_party_tags`` repairs."""
    wanted, have = party_household_ids(session), tagged_household_ids(session)
    return wanted - have, have - wanted


def sync_households(session: Session, household_ids: Iterable[int] | None) -> tuple[list[int], list[int]]:
    """``sync_party_tags`` without the permission check, for services that have made theirs."""
    ids = None if household_ids is None else {h for h in household_ids if h is not None}
    if ids is not None and not ids:
        return [], []
    session.flush()
    wanted, have = party_household_ids(session, ids), tagged_household_ids(session, ids)
    added, removed = sorted(wanted - have), sorted(have - wanted)
    for household_id in added + removed:
        household = session.get(Household, household_id)
        assert household is not None
        if household_id in wanted:
            household.tags.append(HouseholdTag(tag=PARTY_TAG))
        else:
            household.tags.remove(next(t for t in household.tags if t.tag == PARTY_TAG))
    if added or removed:
        session.flush()
    return added, removed


def sync_party_tags(session: Session, household_ids: Iterable[int] | None = None) -> tuple[list[int], list[int]]:
    """Put the tag right on ``household_ids`` (None: every household). Returns (tagged, untagged)
    household ids. Needs ``Perm.EDIT`` (the tag is derived: a 网格员 keeping a member's record
    keeps the tag too)."""
    require(session, Perm.EDIT)
    return sync_households(session, household_ids)


def resident_moved(session: Session, household_ids: Iterable[int | None]) -> None:
    """A resident moved from one household to another (population ``move_to_household``)."""
    require(session, Perm.EDIT)
    sync_households(session, [h for h in household_ids if h is not None])


def resident_left(session: Session, resident_id: int, household_id: int | None, *, died_on: date | None) -> None:
    """A resident moved out or died (population ``_end_residence``). A member who died is recorded
    已故 with a 去世 event and their posts end; one who moved out stays 在册 until the party office
    records the transfer (转出), but no longer makes their old home a 党员家庭户."""
    require(session, Perm.EDIT)
    member = session.scalar(select(PartyMember).where(PartyMember.resident_id == resident_id))
    if member is not None and died_on is not None and member.status == IN_GOOD_STANDING:
        member.status, member.status_on = "已故", died_on
        actor = actor_of(session)
        session.add(PartyMemberEvent(member_id=member.id, kind="去世", on_date=died_on, note="万家数据库登记死亡",
                                     recorded_by=actor.username if actor else ""))
        end_posts(session, member.id, died_on)
    sync_households(session, [household_id] if household_id is not None else [])


def end_posts(session: Session, member_id: int, on: date) -> None:
    """Close the member's open posts on ``on`` (not before they started)."""
    for post in session.scalars(select(PartyPost).where(PartyPost.member_id == member_id, PartyPost.end_on.is_(None))):
        post.end_on = max(on, post.start_on)
