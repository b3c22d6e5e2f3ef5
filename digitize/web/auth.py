"""Who is asking: a session cookie (browsers), a Bearer token (scripts), or, on a machine
with no users yet and bound to the loopback, the clerk at the machine itself.

OWASP's session and CSRF advice, small: the cookie is HttpOnly and SameSite=Lax, signed
with a secret made once in the data home (0600); every POST form carries a token kept in
the session (a Bearer request has no cookie to ride on and needs none); sign-in fails
are counted per user and address (5 a minute), and the name is looked up as slowly as
the password, so neither timing nor messages tell which names exist.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..pipelines import access
from ..pipelines.access import Account
from ..pipelines.archive import current_actor

log = logging.getLogger(__name__)

SECRET_FILE = "web-secret"
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAX_TRACKED = 10_000  # (user, address) pairs with recent failures kept in memory at most
MAX_FAILURES, FAILURE_WINDOW = 5, 60.0


class SignInNeeded(Exception):
    """No one is signed in: a browser goes to the sign-in page, a script gets 401."""


def session_secret(home: Path) -> str:
    """The key that signs session cookies: made once, kept in the home with mode 0600 (so
    sessions survive a restart); a read-only home gets one for this run only."""
    path = home / SECRET_FILE
    try:
        return path.read_text("ascii").strip()
    except FileNotFoundError:
        pass
    secret = secrets.token_urlsafe(48)
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server made it first
        return path.read_text("ascii").strip()
    except OSError as exc:
        log.warning("cannot keep the session secret in %s (%s): sign-ins last until a restart", home, exc)
        return secret
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")
    return secret


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FailureLimiter:
    """At most MAX_FAILURES failed sign-ins a minute for one (user, address)."""

    def __init__(self) -> None:
        self._fails: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        fails, now = self._fails[key], time.monotonic()
        while fails and now - fails[0] > FAILURE_WINDOW:
            fails.popleft()
        return fails

    def blocked(self, name: str, address: str) -> bool:
        return len(self._recent((name, address))) >= MAX_FAILURES

    def failed(self, name: str, address: str) -> None:
        if len(self._fails) > MAX_TRACKED:  # many names tried: forget those with no recent failure
            for key in [k for k in self._fails if not self._recent(k)]:
                del self._fails[key]
        self._recent((name, address)).append(time.monotonic())

    def clear(self, name: str, address: str) -> None:
        self._fails.pop((name, address), None)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_account(request: Request) -> Account | None:
    """The account the request acts as, or None (not signed in)."""
    archive = request.app.state.archive
    token = _bearer(request)
    if token is not None:
        return access.by_token(archive, token)
    name = request.session.get("user")
    if name:
        found = access.account(archive, name)
        if found is None:
            request.session.clear()  # removed since: signed out
        return found
    if local_mode(request):
        return Account(current_actor(), access.CLERK)
    return None


def local_mode(request: Request) -> bool:
    """No users at all, a server bound to the loopback, and no proxy in front: the one
    clerk at this machine, with no sign-in (`digitize users add` ends it)."""
    state = request.app.state
    if not state.loopback or "x-forwarded-for" in request.headers:
        return False
    if request.url.hostname not in _LOOPBACK_NAMES:
        return False  # a page of another site whose name was pointed at 127.0.0.1 (DNS rebinding)
    return access.user_count(state.archive) == 0


def require(request: Request, *, edit: bool = False) -> Account:
    """The account, allowed to read (any role) or to edit (văn thư); else 401/403."""
    found = current_account(request)
    if found is None:
        raise SignInNeeded()
    if edit and not found.may_edit:
        raise HTTPException(403, "only a văn thư (records clerk) may review and edit")
    request.state.account = found
    return found


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf(request: Request, form: Any) -> None:
    """A POST from a browser carries the session's token; a script with a Bearer token
    sends no cookie, so a forged request cannot ride on one."""
    if _bearer(request) is not None:
        return
    sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    kept = str(request.session.get("csrf") or "")
    if not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        raise HTTPException(403, "the form's security token is missing or old: reload the page")
