"""Password hashing with Argon2id (argon2-cffi), rehashed on login when the parameters rise."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's minimum for Argon2id is m=19 MiB, t=2, p=1; we use more memory (a desktop has it).
HASHER = PasswordHasher(time_cost=2, memory_cost=46 * 1024, parallelism=1, hash_len=32, salt_len=16,
                        type=Type.ID)
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """A Chinese message when a new password is too weak, else None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位。"
    if password.isdigit() and len(set(password)) <= 2:
        return "密码过于简单，请不要使用重复的数字。"
    return None
