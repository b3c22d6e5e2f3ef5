"""Who may use `digitize serve`, and the record of who read what (Phụ lục VI: the full
history of access and edits).

Passwords are kept as scrypt hashes (hashlib's, memory-hard: n=2^14, r=8, 16 MiB and
about 50 ms a try), API tokens as the SHA-256 of a random 256-bit token: a token is not
guessable, so it needs no slow hash, and it can be looked up by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import Event, User
from ..errors import NotFound, UsageError
from .archive import Archive

#: văn thư (records clerk): reviews and edits; cán bộ (officer): searches and reads.
CLERK, OFFICER = "van-thu", "can-bo"
ROLES = (CLERK, OFFICER)
MIN_PASSWORD = 8
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in user as the web layer sees them (no hashes)."""

    name: str
    role: str

    @property
    def may_edit(self) -> bool:
        return self.role == CLERK


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        again = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                               dklen=32, maxmem=64 * 1024 * 1024)
    except ValueError:
        return False
    return hmac.compare_digest(again, base64.b64decode(digest))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked(name: str, role: str | None = None, password: str | None = None) -> None:
    if not _NAME.fullmatch(name):
        raise UsageError(f"user name {name!r} is not valid",
                         advice="use 1-64 letters, digits or . _ @ - (no spaces)")
    if role is not None and role not in ROLES:
        raise UsageError(f"unknown role {role!r}", advice=f"one of: {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short (at least {MIN_PASSWORD} characters)")


def add_user(archive: Archive, name: str, role: str, password: str) -> None:
    _checked(name, role, password)
    with archive.session() as session:
        if session.scalar(select(User).where(User.name == name)) is not None:
            raise UsageError(f"user {name!r} exists already",
                             advice="`digitize users passwd` changes a password")
        session.add(User(name=name, role=role, password_hash=hash_password(password)))


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user {name!r}", advice="`digitize users list` shows them")
    return user


def remove_user(archive: Archive, name: str) -> None:
    with archive.session() as session:
        session.delete(_user(session, name))


def set_password(archive: Archive, name: str, password: str) -> None:
    _checked(name, None, password)
    with archive.session() as session:
        _user(session, name).password_hash = hash_password(password)


def new_token(archive: Archive, name: str) -> str:
    """A new API token for `name` (the old one stops working); shown once, kept as a hash."""
    token = secrets.token_urlsafe(32)
    with archive.session() as session:
        _user(session, name).token_hash = token_hash(token)
    return token


def list_users(archive: Archive) -> list[tuple[str, str, bool]]:
    """(name, role, has a token) for each user."""
    with archive.session() as session:
        return [(u.name, u.role, u.token_hash is not None)
                for u in session.scalars(select(User).order_by(User.name))]


def user_count(archive: Archive) -> int:
    with archive.session() as session:
        return int(session.scalar(select(func.count(User.id))) or 0)


def authenticate(archive: Archive, name: str, password: str) -> Account | None:
    """The account when the password is right; a wrong name costs the same hash as a wrong
    password, so that timing does not tell which names exist."""
    with archive.session() as session:
        user = session.scalar(select(User).where(User.name == name))
        stored = user.password_hash if user is not None else _decoy()
        role = user.role if user is not None else None
    if check_password(password, stored) and role is not None:
        return Account(name, role)
    return None


def by_token(archive: Archive, token: str) -> Account | None:
    with archive.session() as session:
        user = session.scalar(select(User).where(User.token_hash == token_hash(token)))
        return Account(user.name, user.role) if user is not None else None


def account(archive: Archive, name: str) -> Account | None:
    """The account of a session's user now (removed, or given another role since)."""
    with archive.session() as session:
        user = session.scalar(select(User).where(User.name == name))
        return Account(user.name, user.role) if user is not None else None


def record_read(archive: Archive, doc_id: int, actor: str, what: str) -> None:
    """A user opened a document (its page, its PDF, its original): who, when, what."""
    with archive.session() as session:
        session.add(Event(document_id=doc_id, actor=actor, action="read", detail={"what": what}))


@cache
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))
