"""Inbox: a folder emptied by cron (or a service) into the archive, nothing lost.

One pass: take the lock, find files that have stopped changing, ingest them, and only after
the archive commit move each to done/ (or delete it, if asked); a file that fails goes to
failed/ with a `<name>.error.json` saying why. A second run that starts while one is going
exits at once; a lock left by a killed run is released by the kernel with its process.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import platform
import shutil
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import (
    ArchiveError,
    ConfigError,
    DatabaseError,
    DigitizeError,
    ExitCode,
    LockedError,
    NotFound,
)
from ..ocr import sources, tesseract
from ..records import IngestResult, Progress
from .archive import Archive, original_problem
from .ingest import IngestOptions, ingest

log = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"
LOCK_NAME = ".digitize-inbox.lock"
NAME_MAX = 255  # bytes in a file name, on the usual filesystems
JUNK = (".DS_Store", "Thumbs.db", "desktop.ini", "._*", "~$*", "*.tmp", "*.part", "*.filepart",
        ".~lock.*", ".digitize-*")
JUNK_DIRS = ("@eaDir", ".Trash*", ".git", "#recycle")
UNFINISHED_WAIT = 3600.0  # seconds a PDF without its end may stay unchanged and still be waited for


@dataclass(slots=True)
class InboxOptions:
    settle: float = 5.0  # seconds a file's size and mtime must stay unchanged
    delete_done: bool = False
    retry_failed: bool = False
    ingest: IngestOptions = field(default_factory=IngestOptions)


@dataclass(slots=True)
class InboxSummary:
    folder: str
    ingested: int = 0
    duplicate: int = 0
    failed: int = 0
    waiting: int = 0  # still being written: left for the next run
    refused: int = 0  # symlinks or paths leaving the inbox
    retried: int = 0
    seconds: float = 0.0
    results: list[IngestResult] = field(default_factory=list)
    fault: DigitizeError | None = None  # the archive's (store, database): the pass stopped
    error: str | None = None  # what to say about it, once

    @property
    def exit_code(self) -> ExitCode:
        if self.fault is not None:
            return self.fault.exit_code
        return ExitCode.FILES_FAILED if self.failed else ExitCode.OK

    def left_for_later(self, fault: DigitizeError, files: int) -> None:
        """The archive failed: these files stay in the inbox, for the next run."""
        self.fault = fault
        self.waiting += files
        self.error = f"{fault}; the pass stopped, {files} file(s) left in the inbox for the next run"

    @property
    def busy(self) -> bool:
        return bool(self.ingested or self.duplicate or self.failed or self.refused or self.retried)

    def line(self) -> str:
        return (f"inbox {self.folder}: {self.ingested} ingested, {self.duplicate} duplicate, "
                f"{self.failed} failed, {self.waiting} waiting"
                + (f", {self.refused} refused" if self.refused else "")
                + f" ({self.seconds:.1f} s)")

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder, "ingested": self.ingested, "duplicate": self.duplicate,
            "failed": self.failed, "waiting": self.waiting, "refused": self.refused,
            "retried": self.retried, "seconds": round(self.seconds, 3), "error": self.error,
            "files": [r.to_json() for r in self.results],
        }


@contextmanager
def inbox_lock(folder: Path, fallback_dir: Path) -> Iterator[Path]:
    """An exclusive flock on a file in the inbox (or the data home if the inbox is read-only)."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        fallback_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        path = fallback_dir / f"inbox-{digest}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise LockedError(f"another `digitize inbox` (pid {holder}) is working on {folder}",
                              advice="this run exits; the next one will take over") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def is_junk(rel: Path) -> bool:
    if any(fnmatch(part, pattern) for part in rel.parts[:-1] for pattern in JUNK_DIRS):
        return True
    return any(fnmatch(rel.name, pattern) for pattern in JUNK)


def scan(folder: Path, *, settle: float, now: float | None = None) -> tuple[list[Path], int, int]:
    """(stable files to take, files still changing, refused entries), sorted by path."""
    now = time.time() if now is None else now
    root = folder.resolve()
    ready: list[Path] = []
    waiting = refused = 0
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(folder)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in (DONE, FAILED)]
        dirnames[:] = sorted(d for d in dirnames if not any(fnmatch(d, p) for p in JUNK_DIRS)
                             and not (here / d).is_symlink())
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(folder)
            if is_junk(rel):
                continue
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(st.st_mode) or not path.resolve().is_relative_to(root):
                log.warning("refused %s: symlinks and paths outside the inbox are not taken", path)
                refused += 1
                continue
            if not stat.S_ISREG(st.st_mode):  # opening a FIFO or a device could block for ever
                log.warning("refused %s: not a regular file (a FIFO, socket or device)", path)
                refused += 1
                continue
            if now - st.st_mtime < settle or not _opens(path) or _unfinished(path, now - st.st_mtime):
                waiting += 1
                continue
            ready.append(path)
    return ready, waiting, refused


def _opens(path: Path) -> bool:
    """A regular file that can be read now; never blocks (a file swapped for a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        os.read(fd, 1)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _unfinished(path: Path, age: float) -> bool:
    """A PDF without its end is still being written (a scanner paused longer than `settle`),
    until it has been left alone for UNFINISHED_WAIT: then it is taken (and refused if cut)."""
    return age < UNFINISHED_WAIT and sources.unfinished_pdf(path)


def _unchanged(path: Path, settle: float) -> bool:
    """Still there, still a regular file, and not touched since the scan found it stable."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime >= settle


def run_pass(archive: Archive, folder: Path, options: InboxOptions,
             progress: Progress | None = None, stop: Callable[[], bool] = lambda: False) -> InboxSummary:
    """One pass over the inbox under its lock."""
    started = time.perf_counter()
    folder = folder.expanduser()
    if not folder.is_dir():
        raise NotFound(f"{folder}: inbox folder does not exist", advice="create it or fix the path")
    summary = InboxSummary(folder=str(folder))
    with inbox_lock(folder, archive.ensure_home() / "locks"):
        if options.retry_failed:
            summary.retried = retry_failed(folder)
        files, summary.waiting, summary.refused = scan(folder, settle=options.settle)
        files = _movable(folder, [f for f in files if _unchanged(f, options.settle)], summary)
        if files:
            _take(archive, folder, files, options, summary, progress, stop)
    summary.seconds = time.perf_counter() - started
    return summary


def _take(archive: Archive, folder: Path, files: list[Path], options: InboxOptions,
          summary: InboxSummary, progress: Progress | None, stop: Callable[[], bool]) -> None:
    """Ingest the files and settle each; a fault of the archive (not of a file) ends the pass
    at once, leaving this file and the rest where they are for the next run."""
    try:
        archive.preflight()  # an outage or a read-only store: found before any OCR
    except (ArchiveError, DatabaseError) as exc:
        summary.left_for_later(exc, len(files))
        return
    for taken, result in enumerate(ingest(archive, files, options.ingest, progress)):
        if result.fault is not None:
            summary.left_for_later(result.fault, len(files) - taken)
            break
        _settle(archive, folder, result, options, summary)
        if stop():
            log.info("stopping after %s as asked", result.file)
            break


def _movable(folder: Path, files: list[Path], summary: InboxSummary) -> list[Path]:
    """The files that can be moved out once archived: a read-only inbox is refused before any
    work (else each run would archive a file, then fail to move it)."""
    if not files:
        return files
    for where in (folder, folder / DONE, folder / FAILED):
        if where.is_dir() and not _writable(where):
            which = "" if where == folder else f" ({where.name}/ is read-only)"
            raise ConfigError(f"{folder}: the inbox folder cannot be written{which}, so files "
                              "could not be moved to done/ or failed/",
                              advice="give the user running digitize write access to it")
    stuck = {f.parent for f in files if not _writable(f.parent)}
    for where in sorted(stuck):
        log.warning("refused the files in %s: the folder cannot be written, so they could not "
                    "be moved to done/ or failed/", where)
    summary.refused += sum(f.parent in stuck for f in files)
    return [f for f in files if f.parent not in stuck]


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _settle(archive: Archive, folder: Path, result: IngestResult, options: InboxOptions,
            summary: InboxSummary) -> None:
    """Count the result and move its file; a file that vanished meanwhile is skipped."""
    path = Path(result.file)
    if not os.path.lexists(path):
        if result.status == "failed":  # deleted or moved away after the listing
            log.warning("%s: gone before it could be taken (deleted or moved away); skipped", path)
            return
    else:
        try:
            _settle_file(archive, folder, path, result, options)
        except OSError as exc:
            log.error("%s: %s, but could not be moved out of the inbox (%s); the next run takes "
                      "it again (nothing is archived twice)", path, result.status, exc)
    summary.results.append(result)
    setattr(summary, result.status, getattr(summary, result.status) + 1)


def _settle_file(archive: Archive, folder: Path, path: Path, result: IngestResult,
                 options: InboxOptions) -> None:
    """After the archive commit: done/ (or delete, once the stored original checks out);
    after a failure: failed/ + error.json."""
    rel = path.relative_to(folder)
    if result.status in ("ingested", "duplicate"):
        if options.delete_done and _original_checks_out(archive, path, result):
            path.unlink(missing_ok=True)
        else:
            _move(path, folder / DONE / rel)
        return
    dest = _move(path, folder / FAILED / rel)
    error = {
        "file": str(rel),
        "reason": result.error,
        "exit_code": int(ExitCode.FILES_FAILED),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": result.sha256,
        "versions": {"digitize": __version__, "tesseract": tesseract.version(),
                     "python": platform.python_version()},
    }
    error_note(dest).write_text(json.dumps(error, ensure_ascii=False, indent=2), "utf-8")


def error_note(path: Path) -> Path:
    """Where the reason a failed/ file failed is kept: `<name>.error.json`, shortened if need be."""
    stem, suffix = _split(path.name)
    return path.with_name(fit_name(stem, suffix + ".error.json"))


def fit_name(stem: str, tail: str) -> str:
    """`stem + tail`, or, when that is over NAME_MAX bytes, the stem cut short (at a whole
    character) and marked with a hash of the full name, so that names stay apart."""
    name = stem + tail
    if len(name.encode()) <= NAME_MAX:
        return name
    mark = "~" + hashlib.sha256(name.encode()).hexdigest()[:12]
    room = max(NAME_MAX - len(tail.encode()) - len(mark), 0)
    return stem.encode()[:room].decode(errors="ignore") + mark + tail


def _split(name: str) -> tuple[str, str]:
    """(stem, extension); an 'extension' too long to be one is part of the stem."""
    suffix = Path(name).suffix
    return (name[: -len(suffix)], suffix) if suffix and len(suffix.encode()) <= 16 else (name, "")


def _original_checks_out(archive: Archive, path: Path, result: IngestResult) -> bool:
    """--delete-done deletes the last copy: only when the store holds the original intact."""
    problem = original_problem(archive, result.sha256 or "")
    if problem is None:
        return True
    log.warning("%s: kept in done/, not deleted: the archived original did not check out (%s)", path, problem)
    result.warnings.append(f"kept in done/, not deleted: the archived original did not check out "
                           f"({problem}); `digitize verify --repair --from DONE-FOLDER` can put it back")
    return False


def _move(src: Path, dest: Path) -> Path:
    """Move without overwriting: a name already taken gets a numbered suffix."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    stem, suffix = _split(dest.name)
    candidate, n = dest, 1
    while candidate.exists():
        candidate = dest.with_name(fit_name(stem, f".{n}{suffix}"))
        n += 1
    shutil.move(str(src), candidate)
    return candidate


def retry_failed(folder: Path) -> int:
    """Move failed/ files back into the inbox (their error notes are dropped)."""
    failed_dir = folder / FAILED
    if not failed_dir.is_dir():
        return 0
    moved = 0
    for path in sorted(failed_dir.rglob("*")):
        if not path.is_file() or path.name.endswith(".error.json"):
            continue
        rel = path.relative_to(failed_dir)
        _move(path, folder / rel)
        error_note(path).unlink(missing_ok=True)
        moved += 1
    return moved


class Watcher:
    """Keeps running passes: woken by filesystem events, or polling for network shares."""

    def __init__(self, folder: Path, *, poll: float | None, rescan: float) -> None:
        self.folder = folder
        self.poll = poll
        self.rescan = rescan
        self.stopping = threading.Event()
        self.changed = threading.Event()
        self._observer: Any = None

    def __enter__(self) -> Watcher:
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        if self.poll is None:
            self._observer = _start_observer(self.folder, self.changed)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def stop(self) -> None:
        self.stopping.set()
        self.changed.set()

    def wait(self, waiting_files: bool, settle: float) -> None:
        """Sleep until something changes, a settling file may be ready, or a rescan is due."""
        timeout = self.poll or self.rescan if self._observer is None else self.rescan
        if waiting_files:
            timeout = min(timeout, max(settle, 1.0))
        self.changed.wait(timeout)
        self.changed.clear()


def _start_observer(folder: Path, changed: threading.Event) -> Any:
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return None

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            if LOCK_NAME not in str(getattr(event, "src_path", "")):
                changed.set()

    observer = Observer()
    observer.schedule(Handler(), str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer

