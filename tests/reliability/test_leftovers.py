"""Item 23: what a killed run leaves (work folders in TMPDIR, .part files in the store) is
listed by verify and removed on the next start, never a live run's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitize.errors import ExitCode
from digitize.pipelines.leftovers import KEEP_MARK

from ..conftest import json_lines

pytestmark = pytest.mark.slow

HOURS = 3600.0


def _age(path: Path, seconds: float = 2 * HOURS) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def tmp_dir(home: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    (home / "digitize.toml").write_text(f'tmp_dir = "{folder}"\n', "utf-8")
    return folder


def test_verify_lists_stale_part_files_and_repair_removes_them(run, page_pdf, home):
    row = json_lines(run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1").stdout)[0]
    key = json.loads(run("show", row["id"], "--json").stdout)["keys"]["pdf"]
    store = home / "store"
    hidden = store / "pdf" / f".{Path(key).name}.k3j2h1.part"  # mkstemp's name
    unique = store / f"{key}.0f3a9c.part"  # a unique temporary name beside the key
    fresh = store / "ocr" / "x.json.part"  # a write going on now: not a leftover yet
    for path in (hidden, unique, fresh):
        path.write_bytes(b"half an object")
        if path is not fresh:
            _age(path)
    result = run("verify", "--json")
    assert result.exit_code == ExitCode.CHECK_FAILED
    report = json.loads(result.stdout)
    assert report["objects"] == 3
    listed = {(p["key"], p["problem"]) for p in report["problems"]}
    assert listed == {(hidden.relative_to(store).as_posix(), "partial"),
                      (unique.relative_to(store).as_posix(), "partial")}
    repaired = run("verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert not hidden.exists() and not unique.exists() and fresh.exists()


def test_the_next_ingest_removes_a_killed_runs_leftovers_only(run, page_pdf, home, tmp_dir):
    dead = _dead_pid()
    stale = tmp_dir / f"digitize-{dead}-ab12cd"
    fresh = tmp_dir / f"digitize-{dead}-ef34gh"
    kept = tmp_dir / f"digitize-reocr-{dead}-ij56kl"
    live = tmp_dir / f"digitize-{os.getpid()}-mn78op"  # this process is alive
    legacy = tmp_dir / "digitize-q9r0s1t2"  # no pid in its name: not ours to judge
    for folder in (stale, fresh, kept, live, legacy):
        folder.mkdir()
        (folder / "source.pdf").write_bytes(b"a copy of a scan")
    (kept / KEEP_MARK).touch()
    for folder in (stale, kept, live, legacy):
        _age(folder)
    part = home / "store" / "originals" / "ab" / (".ab" + "0" * 62 + ".pdf.x1y2z3.part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"half")
    _age(part)
    result = run("ingest", page_pdf("qd.pdf"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert not stale.exists() and not part.exists()
    assert fresh.exists() and kept.exists() and live.exists() and legacy.exists()
    assert not [p for p in tmp_dir.iterdir() if p not in (fresh, kept, live, legacy)]


def test_a_run_killed_mid_file_is_cleaned_up_by_the_next_inbox(run, page_pdf, home, tmp_dir, tmp_path):
    scan = page_pdf("long.pdf", pages=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    child = subprocess.Popen([sys.executable, "-m", "digitize", "--home", str(home), "ingest", str(scan),
                              "--jobs", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp_dir.glob(f"digitize-{child.pid}-*/*.pdf")):
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    (work,) = tmp_dir.glob(f"digitize-{child.pid}-*")
    _age(work)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    result = run("inbox", inbox)
    assert result.exit_code == 0, result.output
    assert not work.exists()
