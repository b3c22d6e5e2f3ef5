"""Item 25 of issue 17: on a terminal, result lines print whole above the live progress bar
and the file counter counts each file as it is done; each document is committed as soon as
it is read, so Ctrl-C keeps what was finished and leaves no work folder behind."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import PAGE_LINES

pytestmark = pytest.mark.slow


def _env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DIGITIZE_") and k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR",
                                                          "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    return {**env, "TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8", **more}


def _digitize(home: Path, *args: object) -> list[str]:
    return [sys.executable, "-m", "digitize", "--home", str(home), *map(str, args)]


def _on_terminal(args: list[str], cwd: Path, timeout: float = 180) -> tuple[int, str]:
    """Run `args` with stdin, stdout and stderr on a pseudo-terminal 200 columns wide; what
    it wrote there."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=_env())
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        return proc.wait(timeout=10), b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()


def _screen(stream: str) -> list[str]:
    """The lines a terminal shows after `stream` (scrolled-off lines kept): text, CR, LF,
    cursor up (ESC[nA) and erase line (ESC[2K), which is all rich's live display uses."""
    lines, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+", stream):
        if token == "\r":
            col = 0
        elif token == "\n":
            row += 1
            lines.extend([""] * (row + 1 - len(lines)))
        elif up := re.fullmatch(r"\x1b\[(\d*)A", token):
            row = max(row - int(up.group(1) or 1), 0)
        elif token == "\x1b[2K":
            lines[row] = ""
        elif not token.startswith("\x1b"):
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token):]
            col += len(token)
    return [line.rstrip() for line in lines]


def _counters(stream: str) -> list[tuple[int, int]]:
    """(files done, pages done) in each frame of the bar, in order."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream)
    rows = re.findall(r"(\S+) +[━╺╸\-]+ (\d+)/(?:\d+|\?)", plain)
    return [(int(files), int(pages)) for (name, files), (under, pages) in itertools.pairwise(rows)
            if under == "pages" and name != "pages"]


def test_results_print_whole_above_the_bar_and_files_are_counted(home, page_pdf, tmp_path):
    names = [page_pdf(name, lines=[*PAGE_LINES[:3], f"Số {i}/QĐ-UBND"]).name
             for i, name in enumerate(("a.pdf", "b.pdf", "c.pdf"), 1)]
    code, stream = _on_terminal(_digitize(home, "ingest", "--jobs", "1", *names), cwd=tmp_path)
    assert code == 0, stream
    screen = _screen(stream)
    for name in names:
        whole = rf"ingested +{re.escape(name)}  id=\d+  1 page\(s\)"
        assert len([line for line in screen if re.match(whole, line)]) == 1, "\n".join(screen)
    assert all(line.startswith("ingested") for line in screen if "id=" in line), "\n".join(screen)
    counters = _counters(stream)
    assert counters and counters[-1][0] == 3, counters  # the file counter reaches N/N
    # each file is counted when it is done, not when the whole batch is
    first_counted = next(pages for files, pages in counters if files >= 1)
    assert first_counted < 3, counters


def test_each_file_is_committed_before_the_next_is_read(home, page_pdf):
    from digitize.config import load_settings
    from digitize.db import repository
    from digitize.pipelines.archive import Archive
    from digitize.pipelines.ingest import IngestOptions, Progress, ingest

    events: list[tuple[str, str]] = []

    class Pages(Progress):
        def page_done(self, path: Path) -> None:
            events.append(("page", path.name))

    archive = Archive(load_settings({"home": home, "jobs": 1}, environ={}))
    files = [page_pdf(name, lines=[*PAGE_LINES[:3], f"Số {i}/QĐ-UBND"], pages=2)
             for i, name in enumerate(("a.pdf", "b.pdf", "c.pdf"), 1)]
    try:
        for result in ingest(archive, files, IngestOptions(), Pages()):
            with archive.session() as session:  # in the archive by the time it is reported
                assert repository.find_by_sha256(session, result.sha256 or "") is not None
            events.append(("result", Path(result.file).name))
    finally:
        archive.close()
    assert events == [(what, name) for name in ("a.pdf", "b.pdf", "c.pdf")
                      for what in ("page", "page", "result")]


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A TMPDIR of its own, with a short path: multiprocessing's forkserver puts its socket
    there, and a socket's path has at most 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="dz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _ingest_in_background(home: Path, short_tmp: Path, jobs: int, files: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _digitize(home, "ingest", "--jobs", jobs, "--json", *files), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_env(TMPDIR=str(short_tmp)),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if ours is ignored
    )


def _interrupt(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        proc.send_signal(signal.SIGINT)
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_keeps_finished_documents_and_no_work_folder(run, home, page_pdf, short_tmp, jobs):
    files = [page_pdf("a.pdf"), page_pdf("b.pdf", pages=4), page_pdf("c.pdf", pages=4)]
    proc = _ingest_in_background(home, short_tmp, jobs, files)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # printed once the document is committed
    in_work = list(short_tmp.glob("digitize-*"))
    out, err = _interrupt(proc)
    assert proc.returncode == 130, (line, out, err)
    first = json.loads(line)
    assert first["status"] == "ingested" and first["file"] == str(files[0]), (first, err)
    # committed as soon as it was read: not held back until the files after it were read too
    assert len(in_work) <= jobs, in_work
    assert "interrupted" in err
    record = json.loads(run("show", first["id"], "--json").stdout)
    assert record["source_name"] == "a.pdf"
    assert list(short_tmp.glob("digitize-*")) == []


def test_ctrl_c_while_a_file_is_read_leaves_no_copy_of_it(run, home, page_pdf, short_tmp):
    proc = _ingest_in_background(home, short_tmp, 1, [page_pdf("a.pdf", pages=6)])
    deadline = time.monotonic() + 60
    while not list(short_tmp.glob("digitize-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # inside the OCR of its pages
    out, err = _interrupt(proc)
    assert proc.returncode == 130, (out, err)
    assert list(short_tmp.glob("digitize-*")) == []
    assert json.loads(run("stats", "--json").stdout)["documents"] == 0
