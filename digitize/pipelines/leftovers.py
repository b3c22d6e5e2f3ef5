"""Leftovers of killed runs: work folders in TMPDIR and unfinished writes in the store.

A work folder's name carries the id of the process that made it (`digitize-<pid>-…`,
`digitize-reocr-<pid>-…`), so the sweep at the start of `ingest` and `inbox` removes only
folders whose process is gone and that have not changed for STALE_AFTER seconds: a live
run's folder is never touched, nor one kept with --keep-temp. A local store's unfinished
writes (`*.part`) are removed once they have not changed for STALE_AFTER seconds; `verify`
lists them and `--repair` removes them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..storage import ObjectStore

log = logging.getLogger(__name__)

STALE_AFTER = 3600.0  # seconds without a change before a leftover counts as abandoned
KEEP_MARK = ".digitize-keep"  # in a work folder kept on purpose (--keep-temp): never swept
_WORK_NAME = re.compile(r"^digitize-(?:[a-z]+-)?(\d+)-[A-Za-z0-9_]+$")


def work_prefix(kind: str = "") -> str:
    """The name a work folder starts with: `digitize-[kind-]<pid>-`."""
    return f"digitize-{kind + '-' if kind else ''}{os.getpid()}-"


def work_folder(settings: Any, kind: str = "") -> Path:
    """A new work folder in the configured temporary folder, marked with this process's id."""
    return Path(tempfile.mkdtemp(prefix=work_prefix(kind), dir=settings.tmp_dir))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def stale_work_folders(tmp_dir: Path | None, *, max_age: float = STALE_AFTER) -> list[Path]:
    """Work folders of processes that are gone, unchanged for `max_age` seconds, ours."""
    root = Path(tmp_dir) if tmp_dir else Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(root))
    except OSError:
        return []
    now, stale = time.time(), []
    for entry in entries:
        match = _WORK_NAME.match(entry.name)
        try:
            if not match or not entry.is_dir(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (st.st_uid == os.getuid() and now - st.st_mtime >= max_age and not _alive(int(match.group(1)))
                and not os.path.lexists(os.path.join(entry.path, KEEP_MARK))):
            stale.append(Path(entry.path))
    return stale


def stale_partials(store: ObjectStore, *, max_age: float = STALE_AFTER) -> Iterator[str]:
    """Unfinished writes a killed run left in the store (local stores only)."""
    partials = getattr(store, "partials", None)
    return iter(partials(older_than=max_age)) if partials is not None else iter(())


def remove_partial(store: ObjectStore, name: str) -> None:
    store.remove_partial(name)  # type: ignore[attr-defined]  # only stores that list partials


def sweep(archive: Any) -> None:
    """Remove what killed runs left behind: their work folders and unfinished writes."""
    for folder in stale_work_folders(archive.settings.tmp_dir):
        shutil.rmtree(folder, ignore_errors=True)
        log.info("removed %s, the work folder of a run that was killed", folder)
    store = archive.store
    for name in stale_partials(store):
        try:
            remove_partial(store, name)
        except OSError as exc:
            log.warning("cannot remove the unfinished write %s from the store: %s", name, exc)
        else:
            log.info("removed %s, an unfinished write of a run that was killed", name)
