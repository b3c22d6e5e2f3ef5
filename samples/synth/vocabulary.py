"""The generator's word lists, read from the TOML files in ``data/``.

Data and code are apart so that a new agency, topic or name is a line of TOML. The order of
every list matters: the documents are drawn from it, and the same seed must keep giving the
same files.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


@cache
def load(name: str) -> dict[str, Any]:
    """One TOML file of ``data/`` (``load("agencies")``)."""
    with open(DATA / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


_VOCAB = load("vocabulary")
_AGENCIES = load("agencies")
_NAMES = load("names")

# document types: name -> (code in the symbol, printed type name)
TYPES: dict[str, tuple[str, str]] = {k: (v[0], v[1]) for k, v in _VOCAB["types"].items()}
TYPE_WEIGHTS: dict[str, int] = dict(_VOCAB["type_weights"])
TOPICS: list[str] = _VOCAB["topics"]
FIELDS: list[str] = _VOCAB["fields"]
GENERIC: list[str] = _VOCAB["generic"]
LAWS: list[tuple[str, dt.date]] = [(x["name"], x["date"]) for x in _VOCAB["laws"]]
DECREES: list[tuple[str, dt.date, str]] = [(x["name"], x["date"], x["about"]) for x in _VOCAB["decrees"]]
NUMBERS_PER_DAY: dict[str, float] = _VOCAB["numbers_per_day"]
NUMBERS_AGENCY_FACTOR: dict[str, float] = _VOCAB["numbers_agency_factor"]

# (name, "tỉnh"/"thành phố", districts as (unit, name))
PROVINCES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (p["name"], p["kind"], [(u, n) for u, n in p["districts"]]) for p in _AGENCIES["provinces"]
]
# (name, code, công văn units)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    (d["name"], d["code"], d["units"]) for d in _AGENCIES["departments"]
]
MINISTRIES: list[tuple[str, str, list[str]]] = [
    (d["name"], d["code"], d["units"]) for d in _AGENCIES["ministries"]
]
DISTRICT_OFFICES: list[tuple[str, str]] = [(d["name"], d["code"]) for d in _AGENCIES["district_offices"]]
# agency kind -> (weight, the types it issues)
AGENCY_KINDS: dict[str, tuple[int, list[str]]] = {
    k: (v["weight"], v["types"]) for k, v in _AGENCIES["kinds"].items()
}
RECIPIENTS_FIRST: dict[str, str] = _AGENCIES["recipients_first"]
RECIPIENTS: dict[str, list[str]] = _AGENCIES["recipients"]
KINH_GUI_TO_TRINH: dict[str, str] = _AGENCIES["kinh_gui_to_trinh"]
KINH_GUI_ONE: dict[str, list[str]] = {
    k: v for k, v in _AGENCIES["kinh_gui_one"].items() if k != "default_extra"
}
KINH_GUI_ONE_EXTRA: list[str] = _AGENCIES["kinh_gui_one"]["default_extra"]
KINH_GUI_MANY: dict[str, list[str]] = {k: v for k, v in _AGENCIES["kinh_gui_many"].items() if k != "default"}
KINH_GUI_MANY_DEFAULT: list[str] = _AGENCIES["kinh_gui_many"]["default"]

# (surname, weight)
SURNAMES: list[tuple[str, int]] = list(_NAMES["surnames"].items())
MIDDLE_M: list[str] = _NAMES["middle_m"]
MIDDLE_F: list[str] = _NAMES["middle_f"]
GIVEN_M: list[str] = _NAMES["given_m"]
GIVEN_F: list[str] = _NAMES["given_f"]

# abstracts: document type -> str.format templates (see data/vocabulary.toml)
ABSTRACTS: dict[str, list[str]] = _VOCAB["abstracts"]
ABSTRACTS_NORMATIVE: dict[str, list[str]] = {
    k: v for k, v in _VOCAB["abstracts_normative"].items() if k != "normative_decision"
}
NORMATIVE_DECISION: str = _VOCAB["abstracts_normative"]["normative_decision"]
