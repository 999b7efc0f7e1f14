"""``chang-shan user add`` / ``user list`` and signing in on the command line, as administrators
and scheduled tasks run them: real processes, real exit codes, one line on stderr."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chang_shan.accounts.users import MAX_FAILURES
from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER
from tests.demo.template import copy_data_dir, demo_template

ADMIN, ADMIN_PASSWORD = "zhuren", "zhuren-pass-1"


def chang_shan(data_dir: Path, *args: str, user: str | None = None, password: str | None = None,
               new_password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANG_SHAN_")}
    env.update(PYTHONIOENCODING="utf-8", CHANG_SHAN_HOME=str(data_dir.parent / "home"))
    for key, value in (("CHANG_SHAN_USER", user), ("CHANG_SHAN_PASSWORD", password),
                       ("CHANG_SHAN_NEW_PASSWORD", new_password)):
        if value is not None:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), *args], capture_output=True,
        text=True, encoding="utf-8", timeout=120, env=env, stdin=subprocess.DEVNULL,
    )


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("chang-shan: "), result.stderr
    for fragment in fragments:
        assert fragment in line, line
    return line


def query(data_dir: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(data_dir / "chang-shan.sqlite3")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def accounts(data_dir: Path) -> dict[str, tuple]:
    rows = query(data_dir, "SELECT username, role, can_health, can_wills, failed_logins, locked_until FROM user_account")
    return {r[0]: r[1:] for r in rows}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def with_admin(folder: Path) -> Path:
    result = chang_shan(folder, "user", "add", ADMIN, "--role", "管理员", "--display-name", "王主任",
                        new_password=ADMIN_PASSWORD)
    assert result.returncode == 0, result.stderr
    return folder


# --- the first account ---------------------------------------------------------------------------


def test_the_first_account_needs_no_login_and_is_audited(folder: Path) -> None:
    result = chang_shan(folder, "user", "add", ADMIN, "--role", "管理员", new_password=ADMIN_PASSWORD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已建立账户 {ADMIN}（管理员）。" and result.stderr == ""
    assert accounts(folder) == {ADMIN: ("管理员", 0, 0, 0, None)}
    assert query(folder, "SELECT kind, user_name, action FROM change_set") == [
        ("account", ADMIN, f"新建账户 {ADMIN}（管理员）")
    ]
    assert "chang-shan" not in "".join(r[0] for r in query(folder, "SELECT password_hash FROM user_account"))
    assert query(folder, "SELECT password_hash LIKE '$argon2id$%' FROM user_account") == [(1,)]


@pytest.mark.parametrize("role", ["社区工作者", "网格员", "只读"])
def test_the_first_account_must_be_an_administrator_and_nothing_is_written(folder: Path, role: str) -> None:
    extra = ["--grid", "0101"] if role == "网格员" else []
    refused(chang_shan(folder, "user", "add", "someone", "--role", role, *extra, new_password="long-enough-1"),
            "第一个账户必须是管理员")
    assert not folder.exists()


def test_the_first_administrator_cannot_be_refused_into_a_half_made_folder(folder: Path) -> None:
    refused(chang_shan(folder, "user", "add", ADMIN, "--role", "管理员"), "CHANG_SHAN_NEW_PASSWORD")
    refused(chang_shan(folder, "user", "add", ADMIN, "--role", "管理员", new_password="short"), "至少 8 位")
    refused(chang_shan(folder, "user", "add", "a b", "--role", "管理员", new_password="long-enough-1"), "用户名")
    refused(chang_shan(folder, "user", "add", ADMIN, "--role", "管理员", "--grid", "01", new_password="long-enough-1"),
            "只有网格员")
    assert not folder.exists()


def test_an_unknown_role_names_the_choices(folder: Path) -> None:
    line = refused(chang_shan(folder, "user", "add", ADMIN, "--role", "admin", new_password="long-enough-1"))
    assert "admin" in line and "管理员" in line and "只读" in line
    assert not folder.exists()


def test_data_dir_may_follow_the_action(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    env = dict(os.environ, CHANG_SHAN_NEW_PASSWORD=ADMIN_PASSWORD, CHANG_SHAN_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [sys.executable, "-m", "chang_shan", "user", "add", ADMIN, "--role", "管理员", "--data-dir", str(folder)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert ADMIN in accounts(folder)


# --- later accounts: signed in, with the accounts permission ----------------------------------------


def test_later_accounts_need_a_signed_in_administrator(with_admin: Path) -> None:
    folder = with_admin
    refused(chang_shan(folder, "user", "add", "xiaoli", "--role", "只读", new_password="long-enough-2"),
            "需要登录", "CHANG_SHAN_USER")
    refused(chang_shan(folder, "user", "add", "xiaoli", "--role", "只读", user=ADMIN, new_password="long-enough-2"),
            "CHANG_SHAN_PASSWORD")
    assert set(accounts(folder)) == {ADMIN}

    ok = chang_shan(folder, "user", "add", "xiaoli", "--role", "社区工作者", "--health", "--wills",
                    user=ADMIN, password=ADMIN_PASSWORD, new_password="long-enough-2")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "已建立账户 xiaoli（社区工作者），另可查看居民健康库、遗嘱库。"
    assert accounts(folder)["xiaoli"] == ("社区工作者", 1, 1, 0, None)
    assert query(folder, "SELECT user_name, action FROM change_set WHERE kind = 'account' ORDER BY id DESC LIMIT 1") \
        == [(ADMIN, "新建账户 xiaoli（社区工作者）")]
    assert query(folder, "SELECT count(*) FROM change_set WHERE kind = 'login' AND user_name = ?".replace("?", f"'{ADMIN}'")) \
        == [(1,)]

    # A worker may not make accounts (the service checks it, not only the command).
    refused(chang_shan(folder, "user", "add", "xiaozhao", "--role", "只读", user="xiaoli", password="long-enough-2",
                       new_password="long-enough-3"), "没有“管理账户”的权限")
    refused(chang_shan(folder, "user", "list", user="xiaoli", password="long-enough-2"), "没有“管理账户”的权限")
    # A taken name is refused and nothing is added.
    refused(chang_shan(folder, "user", "add", "xiaoli", "--role", "只读", user=ADMIN, password=ADMIN_PASSWORD,
                       new_password="long-enough-3"), "已被使用")
    assert set(accounts(folder)) == {ADMIN, "xiaoli"}


def test_a_wrong_password_counts_toward_the_lockout(with_admin: Path) -> None:
    folder = with_admin
    for attempt in range(1, MAX_FAILURES):
        line = refused(chang_shan(folder, "user", "list", user=ADMIN, password="wrong-password"), "用户名或密码不正确")
        assert f"再输错 {MAX_FAILURES - attempt} 次" in line
        assert accounts(folder)[ADMIN][3] == attempt
    refused(chang_shan(folder, "user", "list", user=ADMIN, password="wrong-password"), "已锁定")
    assert accounts(folder)[ADMIN][4] is not None
    # Locked: even the right password is refused now, and the lock is in the audit trail and the log.
    refused(chang_shan(folder, "user", "list", user=ADMIN, password=ADMIN_PASSWORD), "已锁定")
    kinds = [k for (k,) in query(folder, "SELECT kind FROM change_set ORDER BY id")]
    assert kinds.count("login_failed") == MAX_FAILURES and kinds.count("lockout") == 1
    log = (folder / "logs" / "chang-shan.log").read_text(encoding="utf-8")
    assert "已锁定" in log and log.count("命令行登录失败") == MAX_FAILURES + 1


def test_an_unknown_user_is_refused_like_a_wrong_password(with_admin: Path) -> None:
    refused(chang_shan(with_admin, "user", "list", user="nobody", password="whatever-1"), "用户名或密码不正确")


def test_grid_workers_get_their_grids_by_code(tmp_path: Path) -> None:
    folder = copy_data_dir(demo_template(tmp_path.parent / "demo-template")[0], tmp_path / "demo").root
    base = dict(user=DEMO_ADMIN_USER, password=DEMO_ADMIN_PASSWORD)
    refused(chang_shan(folder, "user", "add", "wang", "--role", "网格员", new_password="long-enough-1", **base),
            "至少要负责一个网格")
    refused(chang_shan(folder, "user", "add", "wang", "--role", "网格员", "--grid", "9999",
                       new_password="long-enough-1", **base), "网格“9999”不存在")
    assert "wang" not in accounts(folder)
    ok = chang_shan(folder, "user", "add", "wang", "--role", "网格员", "--grid", "0101", "--grid", "0103",
                    new_password="long-enough-1", **base)
    assert ok.returncode == 0, ok.stderr
    listed = chang_shan(folder, "user", "list", "--json", **base)
    assert listed.returncode == 0, listed.stderr
    rows = {r["username"]: r for r in json.loads(listed.stdout)}
    assert rows["wang"]["role"] == "网格员" and rows["wang"]["grids"] == ["0101", "0103"]
    assert rows[DEMO_ADMIN_USER]["role"] == "管理员" and rows[DEMO_ADMIN_USER]["last_login"]
    plain = chang_shan(folder, "user", "list", **base)
    assert plain.returncode == 0
    assert any(line.startswith("wang\t-\t网格员\t网格 0101、0103") for line in plain.stdout.splitlines())


def test_user_list_on_an_empty_folder_refuses_and_creates_nothing(folder: Path) -> None:
    refused(chang_shan(folder, "user", "list", user=ADMIN, password=ADMIN_PASSWORD), "还没有数据库")
    assert not (folder / "chang-shan.sqlite3").exists()


# --- the demo administrator ----------------------------------------------------------------------


def test_demo_creates_the_demo_administrator_and_prints_it(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = chang_shan(folder, "demo")
    assert result.returncode == 0, result.stderr
    assert f"演示管理员：{DEMO_ADMIN_USER} / {DEMO_ADMIN_PASSWORD}" in result.stdout
    assert accounts(folder) == {DEMO_ADMIN_USER: ("管理员", 1, 1, 0, None)}
    listed = chang_shan(folder, "user", "list", user=DEMO_ADMIN_USER, password=DEMO_ADMIN_PASSWORD)
    assert listed.returncode == 0 and listed.stdout.startswith(f"{DEMO_ADMIN_USER}\t演示管理员\t管理员")

    # Rebuilt over existing accounts: they are kept, no second administrator appears.
    again = chang_shan(folder, "demo", "--force", user=DEMO_ADMIN_USER, password=DEMO_ADMIN_PASSWORD)
    assert again.returncode == 0, again.stderr
    assert "未新建演示管理员" in again.stdout and f"{DEMO_ADMIN_USER} / {DEMO_ADMIN_PASSWORD}" not in again.stdout
    assert list(accounts(folder)) == [DEMO_ADMIN_USER]


def test_demo_keeps_a_folder_s_own_administrator(with_admin: Path) -> None:
    result = chang_shan(with_admin, "demo")
    assert result.returncode == 0, result.stderr
    assert "未新建演示管理员" in result.stdout
    assert list(accounts(with_admin)) == [ADMIN]


# --- prompts in a terminal (in-process: a terminal cannot be faked for a child process) ----------


class _Terminal:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, lines: list[str], secrets: list[str]) -> None:
        from chang_shan.commands import auth

        self.prompts: list[str] = []
        self.secrets = list(secrets)
        monkeypatch.setattr(auth, "interactive", lambda: True)
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
        monkeypatch.setattr(auth, "ask_secret", self._secret)
        for key in ("CHANG_SHAN_USER", "CHANG_SHAN_PASSWORD", "CHANG_SHAN_NEW_PASSWORD"):
            monkeypatch.delenv(key, raising=False)

    def _secret(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.secrets.pop(0)


def test_passwords_are_asked_for_twice_in_a_terminal(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from chang_shan.cli import main

    terminal = _Terminal(monkeypatch, [], [ADMIN_PASSWORD, "different-1"])
    assert main(["--data-dir", str(folder), "user", "add", ADMIN, "--role", "管理员"]) == 2
    assert "两次输入的密码不一致" in capsys.readouterr().err
    assert terminal.prompts == [f"新账户 {ADMIN} 的密码：", "再输入一次："]
    assert not folder.exists()

    _Terminal(monkeypatch, [], [ADMIN_PASSWORD, ADMIN_PASSWORD])
    assert main(["--data-dir", str(folder), "user", "add", ADMIN, "--role", "管理员"]) == 0
    assert ADMIN in accounts(folder)

    # The next account: the signed-in user's name and password are asked for too.
    terminal = _Terminal(monkeypatch, [ADMIN], [ADMIN_PASSWORD, "long-enough-2", "long-enough-2"])
    assert main(["--data-dir", str(folder), "user", "add", "xiaoli", "--role", "只读"]) == 0
    assert terminal.prompts == [f"{ADMIN} 的密码：", "新账户 xiaoli 的密码：", "再输入一次："]
    assert "用户名：" in capsys.readouterr().err
    assert accounts(folder)["xiaoli"][0] == "只读"
