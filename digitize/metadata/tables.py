"""The reference tables of `data/*.toml` (types, agencies, names, places, titles), read once.

The tables are data so that a clerk can extend them (a new agency word, a surname, a
type of document) without touching code. Each file is parsed on first use and kept;
the modules that use a table derive their own indexes from it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed `data/<name>.toml` (package data), read once."""
    text = files("digitize.metadata").joinpath("data", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def strings(name: str, *keys: str) -> tuple[str, ...]:
    """A list of strings of `data/<name>.toml`, at `keys` (nested tables), in file order."""
    value: Any = load(name)
    for key in keys:
        value = value[key]
    return tuple(str(v) for v in value)


def mapping(name: str, key: str) -> dict[str, str]:
    """A table of strings of `data/<name>.toml`, in file order."""
    return {str(k): str(v) for k, v in load(name)[key].items()}


# Document types (Phụ lục III): name -> code; "Công văn"; types that head no document.
TYPE_CODES: dict[str, str] = mapping("doctypes", "codes")
CONG_VAN: str = str(load("doctypes")["cong_van"])
NOT_HEADINGS: tuple[str, ...] = strings("doctypes", "not_headings")
URGENCY: tuple[str, ...] = strings("doctypes", "urgency")

PROVINCES: tuple[str, ...] = strings("places", "provinces")

SURNAMES: tuple[str, ...] = strings("names", "surnames")
UNMARKED_NAME_SYLLABLES: frozenset[str] = frozenset(strings("names", "unmarked_syllables"))
# Middle and given names, each in two tiers: common, then less common.
MIDDLE_NAMES: tuple[tuple[str, ...], ...] = (
    strings("names", "middle", "common"),
    strings("names", "middle", "less_common"),
)
GIVEN_NAMES: tuple[tuple[str, ...], ...] = (
    strings("names", "given", "common"),
    strings("names", "given", "less_common"),
)

# Capital words of agency names, and the agency abbreviations of a ký hiệu.
AGENCY_HEADS: tuple[str, ...] = strings("agencies", "heads")
LOCALITIES: tuple[str, ...] = strings("agencies", "localities")
AGENCY_WORDS: tuple[str, ...] = strings("agencies", "words")
KNOWN_AGENCY_CODES: tuple[str, ...] = strings("agencies", "codes")

# The signer block: delegation prefixes, positions, and the deputies "KT. X" implies.
DELEGATIONS: tuple[str, ...] = strings("titles", "delegations")
TITLE_WORDS: tuple[str, ...] = strings("titles", "positions")
KT_DEPUTY: dict[str, str] = mapping("titles", "deputies")

ADMIN_PHRASES: tuple[str, ...] = strings("phrases", "phrases")
