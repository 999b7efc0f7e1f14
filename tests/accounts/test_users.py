"""Accounts: the first administrator, who may create accounts, password rules, the lockout (with a
fake clock), disabled accounts, rehashing when the Argon2 parameters rise, the last administrator."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from chang_shan.accounts import passwords, users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.db.database import Database
from chang_shan.db.models import ChangeSet, UserAccount
from chang_shan.errors import LoginFailed, PermissionDenied, ValidationError

PASSWORD = "good-pass-1"
T0 = datetime(2026, 3, 2, 9, 0, 0)  # the fake clock (naive UTC, like the stored times)


def _account(db: Database, username: str) -> UserAccount:
    with db.reader() as s:
        user = s.scalar(select(UserAccount).where(UserAccount.username == username))
        assert user is not None
        s.expunge(user)
        return user


def _events(db: Database, kind: str) -> list[ChangeSet]:
    with db.reader() as s:
        found = s.scalars(select(ChangeSet).where(ChangeSet.kind == kind).order_by(ChangeSet.id)).all()
        for entry in found:
            s.expunge(entry)
        return list(found)


def _first_admin(db: Database, username: str = "boss") -> None:
    db.actor = None
    with db.sessions() as s, s.begin():
        users.create_user(s, username, PASSWORD, "管理员")


@pytest.fixture
def admin_db(db: Database) -> Database:
    """A folder whose first account, ``boss`` (管理员), is signed in."""
    _first_admin(db)
    sign_in(db, "boss", PASSWORD)
    return db


# --- creating accounts ----------------------------------------------------------------------


def test_the_first_account_must_be_an_administrator_and_needs_no_login(db: Database) -> None:
    db.actor = None
    for role in ("社区工作者", "网格员", "只读"):
        with db.sessions() as s, s.begin(), pytest.raises(ValidationError) as exc:
            users.create_user(s, "first", PASSWORD, role)
        assert exc.value.errors == {"role": "第一个账户必须是管理员。"}
    with db.sessions() as s:
        assert not users.has_accounts(s)
    with db.sessions() as s, s.begin():  # nobody signed in
        users.create_user(s, "boss", PASSWORD, "管理员", display_name="主任")
    boss = _account(db, "boss")
    assert boss.role == "管理员" and boss.active and boss.display_name == "主任"
    [event] = _events(db, "account")
    assert event.user_name == "boss" and "新建账户 boss" in event.action
    assert PASSWORD not in str(event.detail) and boss.password_hash not in str(event.detail)


def test_later_accounts_need_an_administrator(db: Database) -> None:
    _first_admin(db)
    db.actor = None
    with pytest.raises(PermissionDenied, match="请先登录"), db.transaction("新建账户") as s:
        users.create_user(s, "second", PASSWORD, "管理员")
    sign_in(db, "boss", PASSWORD)
    with db.transaction("新建账户") as s:
        users.create_user(s, "worker", PASSWORD, "社区工作者")
    sign_in(db, "worker", PASSWORD)  # a 社区工作者 may not
    with pytest.raises(PermissionDenied, match="管理账户"), db.transaction("新建账户") as s:
        users.create_user(s, "third", PASSWORD, "只读")
    with db.reader() as s:
        assert s.scalar(select(UserAccount.id).where(UserAccount.username.in_(["second", "third"]))) is None


def test_duplicate_username_is_refused(admin_db: Database) -> None:
    with admin_db.transaction("新建账户") as s:
        users.create_user(s, "worker", PASSWORD, "社区工作者")
    with pytest.raises(ValidationError) as exc, admin_db.transaction("新建账户") as s:
        users.create_user(s, "worker", "another-pass-2", "只读")
    assert exc.value.errors["username"] == "用户名“worker”已被使用。"
    with pytest.raises(ValidationError) as exc, admin_db.transaction("新建账户") as s:
        users.create_user(s, "  boss ", "another-pass-2", "只读")  # the same once trimmed
    assert "username" in exc.value.errors


@pytest.mark.parametrize("weak", ["short1", "", "11111111", "12121212"])
def test_weak_passwords_are_refused(admin_db: Database, weak: str) -> None:
    with pytest.raises(ValidationError) as exc, admin_db.transaction("新建账户") as s:
        users.create_user(s, "worker", weak, "社区工作者")
    assert set(exc.value.errors) == {"password"}
    with admin_db.reader() as s:
        assert s.scalar(select(UserAccount.id).where(UserAccount.username == "worker")) is None


def test_a_grid_worker_needs_a_grid(admin_db: Database) -> None:
    with pytest.raises(ValidationError) as exc, admin_db.transaction("新建账户") as s:
        users.create_user(s, "gridman", PASSWORD, "网格员")
    assert exc.value.errors == {"grid_ids": "网格员至少要负责一个网格。"}


# --- the lockout ----------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    _first_admin(db)
    for attempt in range(1, 5):
        with pytest.raises(LoginFailed, match=f"再输错 {5 - attempt} 次"):
            sign_in(db, "boss", "wrong-password", now=T0 + timedelta(seconds=attempt))
        assert _account(db, "boss").failed_logins == attempt
    with caplog.at_level("WARNING", logger="chang_shan.accounts.users"), \
            pytest.raises(LoginFailed, match="已锁定 15 分钟"):
        sign_in(db, "boss", "wrong-password", now=T0 + timedelta(seconds=5))
    assert [r.getMessage() for r in caplog.records if "账户锁定" in r.getMessage()] == [
        "账户锁定：boss，连续 5 次密码错误，锁定 15 分钟"
    ]  # logged for the administrator, in the log file of the GUI and the CLI alike
    boss = _account(db, "boss")
    assert boss.locked_until == T0 + timedelta(seconds=5, minutes=15)
    # The lock is in the audit trail (after five logged failures), by name, and sealed in the chain.
    assert len(_events(db, "login_failed")) == 5
    [lock] = _events(db, "lockout")
    assert lock.user_name == "boss" and "账户锁定：boss" in lock.action and lock.hash
    assert db.actor is None

    # During the lock even the right password is refused (and nothing is logged as a login).
    for later in (timedelta(minutes=1), timedelta(minutes=15)):
        with pytest.raises(LoginFailed, match="已锁定"):
            sign_in(db, "boss", PASSWORD, now=T0 + timedelta(seconds=5) + later - timedelta(seconds=1))
    assert _events(db, "login") == [] and db.actor is None
    # The message counts the minutes left, rounded up: 15 right after the lock, 1 near its end.
    with pytest.raises(LoginFailed, match="请 15 分钟后再试"):
        sign_in(db, "boss", PASSWORD, now=T0 + timedelta(seconds=5))
    with pytest.raises(LoginFailed, match="请 1 分钟后再试"):
        sign_in(db, "boss", PASSWORD, now=T0 + timedelta(minutes=14, seconds=35))

    # After fifteen minutes it works, and the counter starts again from zero.
    actor = sign_in(db, "boss", PASSWORD, now=T0 + timedelta(seconds=5, minutes=15))
    assert actor.username == "boss" and db.actor == actor
    boss = _account(db, "boss")
    assert boss.failed_logins == 0 and boss.locked_until is None
    assert boss.last_login_at == T0 + timedelta(seconds=5, minutes=15)
    with pytest.raises(LoginFailed, match="再输错 4 次"):
        sign_in(db, "boss", "wrong-password", now=T0 + timedelta(minutes=30))


def test_a_correct_password_resets_the_failure_count(db: Database) -> None:
    _first_admin(db)
    for attempt in range(4):
        with pytest.raises(LoginFailed):
            sign_in(db, "boss", "wrong-password", now=T0 + timedelta(seconds=attempt))
    sign_in(db, "boss", PASSWORD, now=T0 + timedelta(seconds=10))
    for attempt in range(4):  # four more are not a lockout: the count started again
        with pytest.raises(LoginFailed, match="再输错"):
            sign_in(db, "boss", "wrong-password", now=T0 + timedelta(seconds=20 + attempt))
    assert _account(db, "boss").locked_until is None


def test_an_administrator_unlocks_an_account(admin_db: Database) -> None:
    with admin_db.transaction("新建账户") as s:
        worker_id = users.create_user(s, "worker", PASSWORD, "社区工作者")
    for attempt in range(5):
        with pytest.raises(LoginFailed):
            sign_in(admin_db, "worker", "wrong-password", now=T0 + timedelta(seconds=attempt))
    admin_db.actor = None
    sign_in(admin_db, "boss", PASSWORD)
    with admin_db.transaction("解锁") as s:
        users.unlock(s, worker_id)
    assert sign_in(admin_db, "worker", PASSWORD, now=T0 + timedelta(minutes=1)).role == "社区工作者"
    assert [e.action for e in _events(admin_db, "unlock")] == ["解锁账户 worker"]


def test_unknown_users_and_wrong_passwords_get_the_same_message(db: Database) -> None:
    _first_admin(db)
    with pytest.raises(LoginFailed) as unknown:
        sign_in(db, "nobody-here", PASSWORD)
    with pytest.raises(LoginFailed) as wrong:
        sign_in(db, "boss", "wrong-password")
    assert unknown.value.message == "用户名或密码不正确。"
    assert wrong.value.message.startswith("用户名或密码不正确。")


# --- disabled accounts, the last administrator ----------------------------------------------


def test_a_disabled_account_cannot_sign_in(admin_db: Database) -> None:
    with admin_db.transaction("新建账户") as s:
        worker_id = users.create_user(s, "worker", PASSWORD, "社区工作者")
    with admin_db.transaction("停用账户") as s:
        users.update_user(s, worker_id, role="社区工作者", active=False)
    with pytest.raises(LoginFailed, match="用户名或密码不正确"):
        sign_in(admin_db, "worker", PASSWORD)
    assert admin_db.actor.username == "boss"  # the failed sign-in changed nobody
    assert _events(admin_db, "login_failed")[-1].user_name == "worker"


def test_the_last_active_administrator_cannot_be_demoted_or_disabled(admin_db: Database) -> None:
    boss_id = _account(admin_db, "boss").id
    # Not by themselves …
    for change in ({"role": "社区工作者"}, {"role": "管理员", "active": False}):
        with pytest.raises(ValidationError), admin_db.transaction("修改账户") as s:
            users.update_user(s, boss_id, **change)  # type: ignore[arg-type]
    # … and not by anyone else who may manage accounts (the program itself, e.g. a maintenance task).
    admin_db.actor = SYSTEM
    for change in ({"role": "只读"}, {"role": "管理员", "active": False}):
        with pytest.raises(ValidationError) as exc, admin_db.transaction("修改账户") as s:
            users.update_user(s, boss_id, **change)  # type: ignore[arg-type]
        assert exc.value.errors == {"role": "至少要保留一个启用的管理员账户。"}
    boss = _account(admin_db, "boss")
    assert boss.role == "管理员" and boss.active
    # With a second administrator, one may be demoted.
    with admin_db.transaction("新建账户") as s:
        users.create_user(s, "deputy", PASSWORD, "管理员")
    with admin_db.transaction("修改账户") as s:
        users.update_user(s, boss_id, role="社区工作者")
    assert _account(admin_db, "boss").role == "社区工作者"


# --- password hashes ------------------------------------------------------------------------


def _parameters(stored: str) -> dict[str, int]:
    """``$argon2id$v=19$m=47104,t=2,p=1$salt$hash`` → {'m': 47104, 't': 2, 'p': 1}."""
    parts = stored.split("$")
    assert parts[1] == "argon2id", stored
    return {key: int(value) for key, value in (item.split("=") for item in parts[3].split(","))}


def test_hashes_are_argon2id_with_at_least_the_owasp_minimum(admin_db: Database) -> None:
    stored = _account(admin_db, "boss").password_hash
    found = _parameters(stored)
    assert found["m"] >= 19 * 1024 and found["t"] >= 2 and found["p"] >= 1
    assert PASSWORD not in stored
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "x")


def test_signing_in_rehashes_when_the_parameters_rise(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _first_admin(db)
    old = _account(db, "boss").password_hash
    stronger = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1, hash_len=32, salt_len=16,
                              type=Type.ID)
    monkeypatch.setattr(passwords, "HASHER", stronger)
    assert passwords.needs_rehash(old)
    sign_in(db, "boss", PASSWORD)
    new = _account(db, "boss").password_hash
    assert new != old
    assert _parameters(new) == {"m": 64 * 1024, "t": 3, "p": 1}
    assert stronger.verify(new, PASSWORD) and not passwords.needs_rehash(new)
    sign_in(db, "boss", PASSWORD)  # and it still signs in, without another rehash
    assert _account(db, "boss").password_hash == new


def test_a_wrong_password_never_rehashes(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _first_admin(db)
    old = _account(db, "boss").password_hash
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1,
                                                            type=Type.ID))
    with pytest.raises(LoginFailed):
        sign_in(db, "boss", "wrong-password")
    assert _account(db, "boss").password_hash == old
