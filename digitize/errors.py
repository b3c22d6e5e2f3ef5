"""Exit codes and the exception hierarchy.

Library code only raises; `cli.main` turns an exception into its exit code and one line
telling the user what to do next. Click owns exit code 2 (usage errors).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2  # click's own
    FILES_FAILED = 3  # some input files could not be archived; the rest were
    NOT_FOUND = 4  # a document id or path named on the command line does not exist
    MISSING_DEPENDENCY = 5
    STORAGE_ERROR = 6
    DATABASE_ERROR = 7
    LOCKED = 8  # another run holds the lock
    CHECK_FAILED = 9  # verify / doctor found problems
    CONFIG_ERROR = 10
    INTERRUPTED = 130


class DigitizeError(Exception):
    """Base error: carries an exit code and advice for the user."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR

    def __init__(self, message: str, *, advice: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.message}; {self.advice}" if self.advice else self.message


class InputError(DigitizeError):
    """One input file cannot be processed (empty, damaged, encrypted, wrong kind, too big)."""

    exit_code = ExitCode.FILES_FAILED


class MissingDependency(DigitizeError):
    exit_code = ExitCode.MISSING_DEPENDENCY


class NotFound(DigitizeError):
    exit_code = ExitCode.NOT_FOUND


class ConfigError(DigitizeError):
    exit_code = ExitCode.CONFIG_ERROR


class UsageError(DigitizeError):
    """The command line asks for something that cannot be: an unknown field, a bad filter.

    Exits 2, as click's own usage errors do; a bad digitize.toml stays a ConfigError (10).
    """

    exit_code = ExitCode.USAGE


class ArchiveError(DigitizeError):
    """The archive (store or database) failed; the original is kept for a retry."""

    exit_code = ExitCode.STORAGE_ERROR


class DatabaseError(DigitizeError):
    exit_code = ExitCode.DATABASE_ERROR


class LockedError(DigitizeError):
    exit_code = ExitCode.LOCKED
