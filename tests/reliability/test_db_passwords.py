"""Item 14: a database password with @ : % in it works (%-escaped in the URL, or given as a
`password=` query parameter), and no output, error file or log ever shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from digitize.db import HEAD_REVISION
from digitize.errors import ExitCode

pytestmark = pytest.mark.slow

PASSWORD = "Van@Thu:2025%x"
ENCODED = "Van%40Thu%3A2025%25x"
WRONG = "Sai%40Mat%3Akhau%25y"  # a wrong password that a failure must not show either
SECRETS = (PASSWORD, ENCODED, WRONG, "Sai@Mat:khau%y", "Van%%40Thu", "Van@Thu", "Sai@Mat")


@pytest.mark.parametrize("url,shown", [
    (f"postgresql+psycopg://van:{ENCODED}@db.example:5432/so?sslmode=require",
     "postgresql+psycopg://van:***@db.example:5432/so?sslmode=require"),
    (f"postgresql+psycopg://van@db.example/so?password={ENCODED}&sslmode=require",
     "postgresql+psycopg://van@db.example/so?password=***&sslmode=require"),
    ("sqlite:////srv/digitize/digitize.sqlite3", "sqlite:////srv/digitize/digitize.sqlite3"),
    (f"no url at all://van:{PASSWORD}@host/x?PASSWORD=1", "no url at all://van:***@host/x?PASSWORD=***"),
])
def test_safe_url_hides_every_password(url, shown):
    from digitize.config import safe_url

    assert safe_url(url) == shown


@pytest.fixture
def user_db(postgres: Any) -> str:
    """A database whose owner logs in with PASSWORD (checked: scram-sha-256, not trust)."""
    n = next(_COUNTER)
    return postgres.create_user_database(f"secret_{os.getpid()}_{n}", f"van_thu_{n}", PASSWORD)


_COUNTER = iter(range(1, 1_000_000))


def _dz(home: Path, url: str, *args: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    return subprocess.run([sys.executable, "-m", "digitize", "--home", str(home), "--db", url,
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def _leaks(*texts: str) -> list[str]:
    return [secret for secret in SECRETS for text in texts if secret in text]


def _written(home: Path, inbox: Path) -> str:
    """Everything digitize wrote that a person may read: the log and the inbox's error files."""
    files = [*home.rglob("*.log*"), *inbox.rglob("*.error.json")]
    return "\n".join(path.read_text("utf-8", errors="replace") for path in files)


def _with_password(url: str, password: str) -> str:
    user, host = url.split("://", 1)[1].split("@", 1)
    return f"postgresql+psycopg://{user}:{password}@{host}"


def test_a_password_with_at_colon_percent_works_and_is_never_shown(user_db, page_pdf, tmp_path):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    home.mkdir()
    inbox.mkdir()
    (home / "digitize.toml").write_text(f'log_file = "{home / "digitize.log"}"\n', "utf-8")
    url = _with_password(user_db, ENCODED)

    upgraded = _dz(home, url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    current = _dz(home, url, "db", "current")
    assert current.returncode == 0, current.stderr
    assert current.stdout.startswith(f"{HEAD_REVISION} (newest: {HEAD_REVISION})"), current.stdout
    assert "van_thu_" in current.stdout and ":***@" in current.stdout  # which database, safely
    page_pdf("cv-1.pdf").rename(inbox / "cv-1.pdf")
    taken = _dz(home, url, "inbox", inbox, "--settle", "0", "--jobs", "1")
    assert taken.returncode == 0, taken.stderr
    assert (inbox / "done" / "cv-1.pdf").is_file()
    in_query = _dz(home, f"{user_db}?password={ENCODED}", "stats", "--json")  # the other spelling
    assert in_query.returncode == 0 and '"documents": 1' in in_query.stdout, in_query.stderr
    outputs = [r.stdout + r.stderr for r in (upgraded, current, taken, in_query)]
    assert _leaks(*outputs, _written(home, inbox)) == []


def test_a_refused_password_is_not_shown_either(user_db, page_pdf, tmp_path):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    home.mkdir()
    inbox.mkdir()
    (home / "digitize.toml").write_text(f'log_file = "{home / "digitize.log"}"\n', "utf-8")
    page_pdf("cv-2.pdf").rename(inbox / "cv-2.pdf")
    wrong = _with_password(user_db, WRONG)
    runs = [_dz(home, wrong, "db", "upgrade"), _dz(home, wrong, "db", "current"),
            _dz(home, wrong, "inbox", inbox, "--settle", "0", "--jobs", "1"),
            _dz(home, f"{user_db}?password={WRONG}", "ingest", inbox / "cv-2.pdf", "--jobs", "1")]
    for result in runs:
        assert result.returncode == ExitCode.DATABASE_ERROR, result.stderr
        assert "password authentication failed" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
    assert "?password=***" in runs[-1].stderr and ":***@" in runs[0].stderr
    assert (inbox / "cv-2.pdf").is_file()  # a fault of the archive: the file waits
    assert _leaks(*(r.stdout + r.stderr for r in runs), _written(home, inbox)) == []
