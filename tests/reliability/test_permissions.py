"""Item 18: one rule for modes. Files follow the umask (stored objects and `get` output
included, no forced 0600); a new data home is private (0700) unless `home_mode` says else."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from digitize.cli import cli
from digitize.errors import ExitCode

from ..conftest import json_lines


@pytest.fixture
def new_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("DIGITIZE_"):
            monkeypatch.delenv(key)
    return tmp_path / "new" / "home"  # not there yet: digitize makes it


def digitize(home: Path, *args: Any) -> Any:
    return CliRunner().invoke(cli, ["--home", str(home), *map(str, args)], catch_exceptions=False)


@pytest.fixture
def umask() -> Iterator[Any]:
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
@pytest.mark.parametrize(("mask", "file_mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_home_is_private_and_files_follow_the_umask(
    new_home: Path, page_pdf: Any, tmp_path: Path, umask: Any, mask: int, file_mode: int,
) -> None:
    umask(mask)
    result = digitize(new_home, "ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (row,) = json_lines(result.stdout)
    out = tmp_path / "out" / "qd.pdf"
    out.parent.mkdir()  # `get -o` into a missing folder is refused (exit 4)
    assert digitize(new_home, "get", row["id"], "-o", out).exit_code == 0

    assert mode(new_home) == 0o700
    objects = [p for p in (new_home / "store").rglob("*") if p.is_file()]
    assert len(objects) == 3
    for path in [*objects, out, new_home / "digitize.sqlite3"]:
        assert mode(path) == file_mode, path


def test_home_mode_makes_a_home_for_a_group(new_home: Path, umask: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITIZE_HOME_MODE", "2750")
    result = digitize(new_home, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert mode(new_home) == 0o2750


def test_an_existing_home_keeps_its_mode(new_home: Path, umask: Any) -> None:
    new_home.mkdir(parents=True, mode=0o755)
    os.chmod(new_home, 0o755)
    assert digitize(new_home, "db", "upgrade").exit_code == 0
    assert mode(new_home) == 0o755


def test_a_bad_home_mode_is_a_configuration_error(new_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITIZE_HOME_MODE", "rwx")
    result = digitize(new_home, "db", "upgrade")
    assert result.exit_code == ExitCode.CONFIG_ERROR, result.output
    assert "home_mode" in result.output and not new_home.exists()
