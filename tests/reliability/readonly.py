"""Make a folder read-only for a test, also when the tests run as root (who ignores modes)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """chmod 0555 for a normal user; a read-only bind mount over itself for root (a single
    file works too)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot bind-mount read-only: {mounted.stderr.strip()}")
    try:
        if os.access(folder, os.W_OK) and _writable(folder):
            pytest.skip("the read-only bind mount still takes writes")
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            # still busy: a file in it held open by the test's process (a database connection
            # a traceback still refers to); detach it now, it goes once that is closed
            subprocess.run(["umount", "--lazy", str(folder)], check=True, capture_output=True)


def _writable(folder: Path) -> bool:
    try:
        (folder / ".probe").touch()
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True
