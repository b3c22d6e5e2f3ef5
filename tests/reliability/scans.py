"""An inbox holding two settled scans, for the outage tests (local and S3)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

NAMES = ("qd1.pdf", "qd2.pdf")


def settled_inbox(folder: Path, page_pdf: Callable[..., Path]) -> Path:
    """`folder`, made, holding two one-page scans last changed a minute ago."""
    folder.mkdir()
    past = time.time() - 60
    for name in NAMES:
        os.utime(page_pdf(name, lines=[name]).rename(folder / name), (past, past))
    return folder


def untouched(inbox: Path) -> bool:
    """Both scans still in the inbox and nothing else there (no done/, no failed/)."""
    return sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == list(NAMES)
