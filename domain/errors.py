"""Errors the domain raises for people to read.

Each carries an English message marked for translation and its parameters; the
layer that shows it translates it into the reader's language.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, /, field: str | None = None, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.field = field
        self.params = params


class InvalidValue(DomainError):
    """A value that cannot be accepted; `field` names the input it belongs to."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    """A command that the current state does not allow (the next step after the last one...)."""


class SessionFull(NotAllowed):
    """A live session whose places are all taken: the page offers the next session instead."""


class InvalidCredentials(DomainError):
    pass


class AccountDisabled(DomainError):
    """The password was right, but an organiser has disabled the account."""


class TooManyAttempts(DomainError):
    def __init__(self, message: str, /, retry_after_seconds: int, **params: object) -> None:
        super().__init__(message, None, seconds=retry_after_seconds, **params)
        self.retry_after_seconds = retry_after_seconds


class NotSaved(DomainError):
    """The database refused a write: the command changed nothing and may be tried again."""


class HistoryUnreadable(DomainError):
    """A live run's stored history cannot be read back: the run stays closed until it is repaired."""
