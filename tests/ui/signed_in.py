"""Sign a real account in on the test database (the way the window's sign-in does), for tests
of what a role with or without the 居民健康库 permission sees."""

from __future__ import annotations

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database

PASSWORD = "health-pass-1"


def sign_in_as(db: Database, username: str, role: str, *, health: bool, display_name: str = "",
               grid_ids: list[int] | None = None) -> None:
    """Create the account (after a first administrator, as the accounts service requires) and
    make it ``db``'s signed-in user."""
    with db.transaction("账户", actor=SYSTEM) as s:
        if not users.has_accounts(s):
            users.create_user(s, "boss", PASSWORD, "管理员", display_name="主任")
        users.create_user(s, username, PASSWORD, role, can_health=health, display_name=display_name,
                          grid_ids=grid_ids)
    db.actor = None
    sign_in(db, username, PASSWORD)
