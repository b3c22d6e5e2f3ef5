"""The reference tables are data (digitize/metadata/data/*.toml), shipped with the package."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from digitize.metadata import tables
from digitize.metadata.header import TITLE_TYPES, match_type_name
from digitize.metadata.number_symbol import TYPE_BY_CODE, symbol_type

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "digitize" / "metadata" / "data"


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["digitize"]
    files = sorted(DATA.glob("*.toml"))
    assert files
    for path in files:
        rel = path.relative_to(ROOT / "digitize").as_posix()
        assert any(fnmatch(rel, p) for p in patterns), rel


def test_each_table_is_the_file_as_written() -> None:
    names = tomllib.loads((DATA / "names.toml").read_text(encoding="utf-8"))
    assert tuple(names["surnames"]) == tables.SURNAMES  # order kept: matching prefers the first
    assert tuple(names["middle"]["less_common"]) == tables.MIDDLE_NAMES[1]
    doctypes = tomllib.loads((DATA / "doctypes.toml").read_text(encoding="utf-8"))
    assert list(tables.TYPE_CODES.items()) == list(doctypes["codes"].items())


def test_tables_are_read_once() -> None:
    assert tables.load("titles") is tables.load("titles")


def test_derived_indexes_follow_the_type_table() -> None:
    assert tables.CONG_VAN not in TITLE_TYPES and "Bản sao y" not in TITLE_TYPES
    assert TYPE_BY_CODE["TTr"] == "Tờ trình"  # the first type listed with a code owns it
    assert symbol_type("KH-UBND") == "Kế hoạch"
    found = match_type_name("QUYÉT ĐỊNH")
    assert found is not None and found[0] == "Quyết định"
