"""Item 24: with log_file set, every file's outcome is in the log (status, id, pages,
seconds, error), so an admin can tell what happened to a scan."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from digitize.errors import ExitCode

pytestmark = pytest.mark.slow


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level


def test_the_log_records_every_file(run, page_pdf, home, tmp_path, restore_logging):
    log_file = tmp_path / "logs" / "digitize.log"
    (home / "digitize.toml").write_text(f'log_file = "{log_file}"\n', "utf-8")
    good = page_pdf("cv-3-3.pdf")
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    assert run("ingest", good, bad, "--jobs", "1").exit_code == ExitCode.FILES_FAILED
    assert run("ingest", good, "--jobs", "1").exit_code == 0
    text = log_file.read_text("utf-8")
    assert re.search(rf"INFO \S+: ingested '{re.escape(str(good))}': id=1 pages=1 \d+\.\d s "
                     r"sha256=[0-9a-f]{64}", text), text
    assert re.search(rf"INFO \S+: failed '{re.escape(str(bad))}': id=None pages=None \d+\.\d s .*error: "
                     rf"{re.escape(str(bad))}: ", text), text
    assert re.search(rf"INFO \S+: duplicate '{re.escape(str(good))}': id=1 pages=1", text), text
