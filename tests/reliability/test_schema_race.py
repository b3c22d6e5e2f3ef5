"""Item 13: commands started at the same moment on a new home (cron's inbox and a clerk's
ingest) all open it: the schema is made once, the others wait for it."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from digitize import db
from digitize.config import load_settings

from ..conftest import fresh_postgres_db

PROCESSES = 4
ROUNDS = 3  # fresh archives per backend: one lucky round must not hide the race


def _open_at_once(home: str, db_url: str | None, barrier: Any, results: Any) -> None:
    """One command's start: open the archive (making the schema if it is missing), then write."""
    from digitize.pipelines.archive import Archive

    archive = Archive(load_settings({"home": home, "db_url": db_url}, environ={}))
    barrier.wait(timeout=60)
    try:
        archive.preflight()
        results.put("ok")
    except Exception as exc:  # the failure is what the test reports
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        archive.close()


def _race(home: Path, db_url: str | None) -> list[str]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_open_at_once, args=(str(home), db_url, barrier, results))
             for _ in range(PROCESSES)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return outcomes


def _revision(home: Path, db_url: str | None) -> str | None:
    engine = db.make_engine(load_settings({"home": home, "db_url": db_url}, environ={}).effective_db_url)
    try:
        return db.current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_commands_opening_a_new_home_at_once_all_succeed(tmp_path: Path, backend: str, request):
    for round_ in range(ROUNDS):
        home = tmp_path / f"home{round_}"
        url = fresh_postgres_db(request.getfixturevalue("postgres")) if backend == "postgresql" else None
        outcomes = _race(home, url)
        assert outcomes == ["ok"] * PROCESSES, outcomes
        assert _revision(home, url) == db.HEAD_REVISION


def test_cli_commands_started_together_on_a_new_home(tmp_path: Path):
    """The same through the command line: four `digitize db upgrade` at once, none fails
    (a command that only reads, like `stats`, refuses a home with no archive: exit 4)."""
    home = tmp_path / "home"
    cmd = [sys.executable, "-m", "digitize", "--home", str(home), "db", "upgrade"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(PROCESSES)]
    outs = [proc.communicate(timeout=120) for proc in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, [err for _, err in outs]
    assert all(err == "" for _, err in outs), [err for _, err in outs]
