"""``chang-shan check`` for the party ledger: the 党员家庭户 tag agrees with the members
(``party_tags``): every household with a member 在册 living there carries it, no other does."""

from __future__ import annotations

from collections.abc import Iterator

from chang_shan.maintenance.context import CheckContext, Problem
from chang_shan.party.households import PARTY_TAG, disagreements


def check_party_tags(ctx: CheckContext) -> Iterator[Problem]:
    missing, extra = disagreements(ctx.session)
    for household_id in sorted(missing | extra):
        where = ctx.household(household_id)
        if household_id in missing:
            message = f"{where}：户内有在册党员，但没有“{PARTY_TAG}”标签。"
        else:
            message = f"{where}：有“{PARTY_TAG}”标签，但户内没有在册党员。"
        yield Problem("party_tags", message, "household", household_id)
