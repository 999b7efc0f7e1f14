"""Errors that reach the user.

``DomainError`` carries a message fit to show a community worker (in Chinese). Services raise it
for bad input or a forbidden state; the GUI shows it in a dialog or beside a field, the CLI prints
it on one line and exits non-zero. ``EnvironmentProblem`` is for the machine, not the data: a full
disk, a locked data folder, a database from a newer version. Neither is a bug.
"""

from __future__ import annotations


class ChangShanError(Exception):
    """Base of every error the program expects and explains."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class DomainError(ChangShanError):
    """Bad input or a forbidden change; nothing was written."""


class ValidationError(DomainError):
    """One or more fields are invalid. ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first_field, first_message = next(iter(self.errors.items()))
        super().__init__("；".join(self.errors.values()), field=first_field)
        self.first_message = first_message


class NotFound(DomainError):
    """A record asked for does not exist."""


class EnvironmentProblem(ChangShanError):
    """The machine, not the data: disk full, data folder locked, newer database."""


class AlreadyRunning(EnvironmentProblem):
    """Another instance of the program holds the data folder."""


class NewerDatabase(EnvironmentProblem):
    """The database was written by a newer version of the program."""


class PermissionDenied(DomainError):
    """The signed-in user may not do this (checked in the service, so the CLI obeys it too)."""


class LoginFailed(DomainError):
    """Wrong user name or password, a locked or disabled account."""


class WrongPassphrase(DomainError):
    """A backup's passphrase is not the one it was written with (the file itself is whole)."""


class DamagedBackup(DomainError):
    """A backup file is cut short or altered; ``where`` says what was found wrong."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(message)
        self.where = where


class NotABackup(DomainError):
    """The file chosen is not a 长山 backup at all."""


class NewerBackup(EnvironmentProblem):
    """A backup written by a newer version of the program: refused, nothing changed."""


class BackupTargetProblem(EnvironmentProblem):
    """The backup's target (a USB stick, a folder): too little space, FAT32's 4 GiB limit, removed."""
