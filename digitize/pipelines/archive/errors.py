"""What a failing database or object store says, in one line a clerk can act on.

Shared by every command: the archive's own checks (`Archive`), the commits of the contract,
verify and the CLI's `db` commands turn an exception from SQLAlchemy or a store into these.
"""

from __future__ import annotations

import errno
import os

from sqlalchemy.exc import IntegrityError

from ... import db
from ...config import safe_url
from ...errors import DatabaseError

_SQLITE_FULL, _SQLITE_READONLY, _PG_DISK_FULL, _PG_READ_ONLY = 13, 8, "53100", "25006"
_SQLITE_CANNOT_OPEN = (10, 14)  # SQLITE_IOERR, SQLITE_CANTOPEN: what a read-only folder gives


def database_error(exc: Exception, url: str, doing: str, *, advice: str | None = None) -> DatabaseError:
    """One line saying what is wrong with the database: its disk is full, it is read-only,
    or (for a server) it cannot be reached; the SQL itself is left out."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    path = db.sqlite_path(url)
    where = f"{doing} {safe_url(url)}"
    if primary == _SQLITE_FULL or state == _PG_DISK_FULL or "no space left" in detail.lower():
        disk = f"the disk that holds {path.parent}" if path else "the database server's disk"
        return DatabaseError(f"{where}: the disk is full ({detail})",
                             advice=f"free space on {disk}, then run the same command again")
    cannot_open = primary in _SQLITE_CANNOT_OPEN and path is not None and db.cannot_write(path)
    if primary == _SQLITE_READONLY or state == _PG_READ_ONLY or cannot_open:
        which = (f"its folder {path.parent}" if path and not os.access(path.parent, os.W_OK | os.X_OK)
                 else f"the file {path}" if path else "the server allows only reading")
        return DatabaseError(f"{where}: the database is read-only ({which} cannot be written)",
                             advice="give the user running digitize write access (or mount it "
                             "read-write), then run the same command again; search, show and export "
                             "work on a read-only archive")
    if isinstance(exc, IntegrityError):  # the data's, not the database's: no advice to give
        return DatabaseError(f"{where}: {detail}", advice=advice)
    if path is not None:
        return DatabaseError(f"{where}: {detail}",
                             advice=advice or "check DIGITIZE_DB_URL (or --db) and the file")
    return DatabaseError(f"{where}: {detail}",
                         advice=advice or "check DIGITIZE_DB_URL and that the server is running")


def store_problem(exc: BaseException) -> str:
    """What a failed store write says, in words: a full disk is named as such."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return "the store's disk is full: free space on it"
        cause = cause.__cause__ or cause.__context__
    return str(exc)
