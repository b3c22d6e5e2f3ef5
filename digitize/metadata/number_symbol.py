"""Số và ký hiệu: the "Số:" line parsed, its number and symbol repaired from the tables.

A ký hiệu is a type code (Phụ lục III, `data/doctypes.toml`) and agency groups (issuer
initials, well-known abbreviations of `data/agencies.toml`): "106/KH-UBND",
"30/2020/NĐ-CP", Party "01-NQ/TU". OCR's slips in them (D for Đ, 0 for O, "/" read as
"l") are repaired against those tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digitize.metadata.tables import KNOWN_AGENCY_CODES, TYPE_CODES
from digitize.metadata.text import fold, normalise_ocr, squash_spaces

# Code -> type; "TTr" is Tờ trình for state documents (Thông tri is Party-only).
TYPE_BY_CODE: dict[str, str] = {}
for _name, _code in TYPE_CODES.items():
    TYPE_BY_CODE.setdefault(_code, _name)
# Folded code -> the codes it may stand for (hd -> HD, HĐ).
CODES_BY_FOLD: dict[str, list[str]] = {}
for _code in TYPE_BY_CODE:
    CODES_BY_FOLD.setdefault(fold(_code), []).append(_code)


@dataclass(slots=True, frozen=True)
class NumberSymbol:
    """A parsed "Số:" value. `number` is None when unreadable; `repaired` marks a number
    rebuilt from look-alike characters (weak evidence)."""

    number: str | None
    symbol: str | None
    separator: str = "/"
    number_raw: str = ""
    repaired: bool = False
    symbol_guessed: bool = False  # a symbol letter replaced by a look-alike

    @property
    def number_symbol(self) -> str | None:
        if self.number is None or self.symbol is None:
            return None
        return f"{self.number}{self.separator}{self.symbol}"


_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
     "Z": "2", "z": "2", "S": "5", "s": "5", "G": "6", "b": "6", "T": "7", "B": "8", "g": "9",
     "q": "9"}
)  # fmt: skip
# "$" for "S" on faxes and phone photos ("$6: 1906 /SGDDT-CTrTT")
_SO_PREFIX = re.compile(r"^(?:[^\w$]|_)*(?:[s$][o0ôốồổỗộóòỏõọơ6]|5ố|sỐ)\s*[:;.,]?\s*", re.IGNORECASE)


def strip_so_prefix(text: str) -> tuple[str, bool]:
    """Remove a leading "Số:" (as OCR renders it); say whether one was there."""
    m = _SO_PREFIX.match(text)
    if m and (":" in m.group(0) or fold(m.group(0)).strip().lstrip("$").startswith(("so", "o"))):
        return text[m.end() :], True
    return text, False


def read_number(raw: str) -> tuple[str | None, bool]:
    """Digits of a number token, repairing look-alike letters. (value, was_clean)."""
    token = re.sub(r"\s+", "", raw)
    if not token:
        return None, False
    if token.isdigit():
        return token, True
    fixed = token.translate(_DIGIT_LOOKALIKES)
    digits = re.sub(r"\D", "", fixed)
    if not digits:
        return None, False
    return digits, False


def _one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _fix_code(group: str, hint_type: str | None) -> tuple[str, bool]:
    """Repair a type-code group (QD -> QĐ, TTR -> TTr, Q0 -> QĐ); (code, is_code)."""
    key = fold(group.replace("0", "o"))
    key_d = fold(group.replace("0", "đ"))
    options = CODES_BY_FOLD.get(key) or CODES_BY_FOLD.get(key_d)
    hinted = TYPE_CODES.get(hint_type or "")
    if not options and hinted and _one_edit(fold(group), fold(hinted)) and len(group) >= 2:
        return hinted, True  # "QB" or "QĐĐ" under a QUYẾT ĐỊNH heading
    if not options:
        return group, False
    if hint_type and TYPE_CODES.get(hint_type) in options:
        return TYPE_CODES[hint_type], True
    if group in options:
        return group, True
    if len(options) == 1:
        return options[0], True
    return group, True


_AGENCY_BY_FOLD = {fold(c): c for c in KNOWN_AGENCY_CODES}


def _runs(hint: str) -> list[str]:
    """Every run of two or more initials: "HĐNDTPĐN" -> "HĐ", "HĐN", "HĐND", ..."""
    return [hint[i:j] for i in range(len(hint)) for j in range(i + 2, len(hint) + 1)]


# OCR confusions between capitals (and digits) inside a symbol's letter groups.
_LOOKALIKE_CAPS = (
    frozenset("IT1LJ"), frozenset("O0DQCG"), frozenset("B8E"), frozenset("S5"), frozenset("Z2"),
    frozenset("HN"), frozenset("VY"), frozenset("KX"),
)  # fmt: skip


def _lookalike(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _LOOKALIKE_CAPS)


def _d_to_dd(group: str, form: str) -> str | None:
    """`group` with Đ where `form` has it, when the two differ only there (D read for Đ)."""
    if len(group) != len(form) or "Đ" not in form:
        return None
    out = []
    for g, f in zip(group, form, strict=True):
        if f == "Đ" and g in "DdĐđ":
            out.append("Đ")
        elif g.upper() == f.upper():
            out.append(g)
        else:
            return None
    fixed = "".join(out)
    return fixed if fixed != group else None


def _one_lookalike(group: str, form: str) -> bool:
    """`group` is `form` with one capital swapped for a look-alike ("STTTI" for "STTTT")."""
    if len(group) != len(form) or len(group) < 4 or not group.isupper():
        return False
    diffs = [(g, f) for g, f in zip(group, form, strict=True) if g != f]
    return len(diffs) == 1 and _lookalike(*diffs[0])


def _fix_agency_group(group: str, hints: tuple[str, ...]) -> tuple[str, bool]:
    """Đ/D and O/0 repairs of an agency group; (group, guessed).

    `hints` are issuer initials ("HĐNDTPĐN") and abbreviations the document prints: a
    D where any run of them has Đ becomes Đ ("HDND" -> "HĐND"), and so does a D of a
    well-known code. A group one look-alike away from a whole hint ("STTTI" for
    "STTTT") takes the hint, with `guessed` set (weaker evidence).
    """
    if re.fullmatch(r"[A-Za-zĐđ]*0[A-Za-zĐđ0]*", group) and re.search(r"[A-Za-z]", group):
        group = group.replace("0", "O")
    key = fold(group)
    for hint in (run for h in hints for run in _runs(h)):
        if fold(hint) == key and hint != group:
            fixed = _d_to_dd(group, hint)
            if fixed:
                return fixed, False
    known = _AGENCY_BY_FOLD.get(key)
    if known and key != fold("TTg") and group.upper() == known.upper():
        return known, False
    if known and len(known) >= 3:
        fixed = _d_to_dd(group, known)
        if fixed:
            return fixed, False  # "HDND": no agency abbreviation spells Đ as D
    if known is None:
        near = [h for h in hints if _one_lookalike(group, h)]
        if len(set(near)) == 1:
            return near[0], True
    return group, False


def agency_groups_known(symbol: str | None, hints: tuple[str, ...] = ()) -> bool:
    """True when every agency group of a ký hiệu is a well-known abbreviation or a run
    of the issuer's initials (`hints`): "QĐ-BTC" under "BỘ TÀI CHÍNH", "UBND-KGVX"."""
    if not symbol:
        return False
    body = re.sub(r"^\d{4}/", "", symbol)
    party = re.match(r"^[A-Za-zĐđ]+/(.+)$", body)
    groups = party.group(1).split("-") if party else _symbol_groups(body)
    if not party and symbol_type(symbol):
        groups = groups[1:]  # the type code, checked against the heading
    runs = {run for h in hints for run in _runs(h)}
    return bool(groups) and all(g in _AGENCY_BY_FOLD.values() or g in runs for g in groups)


def _symbol_groups(symbol: str) -> list[str]:
    return [g for g in re.split(r"-", symbol) if g]


def repair_symbol(
    symbol: str, *, hint_type: str | None = None, agency_hints: tuple[str, ...] = ()
) -> tuple[str, str | None]:
    """Repair OCR slips in a ký hiệu; return it and the type code it holds (or None).

    The first letter group is checked against the type-code table (Phụ lục III);
    the others against issuer initials, abbreviations the document prints and
    well-known agency abbreviations.
    """
    fixed, code, _ = _repair_symbol(symbol, hint_type, agency_hints)
    return fixed, code


def _repair_symbol(
    symbol: str, hint_type: str | None, hints: tuple[str, ...]
) -> tuple[str, str | None, bool]:
    """`repair_symbol`, plus whether a letter was guessed from a look-alike."""
    year = ""
    m = re.match(r"^(\d{4})/(.*)$", symbol)
    if m:
        year, symbol = m.group(1) + "/", m.group(2)
    party = re.match(r"^([A-Za-zĐđ]+)/(.+)$", symbol)
    if party:
        code, is_code = _fix_code(party.group(1), hint_type)
        fixed = [_fix_agency_group(g, hints) for g in party.group(2).split("-")]
        rest = "-".join(g for g, _ in fixed)
        return f"{year}{code}/{rest}", code if is_code else None, any(x for _, x in fixed)
    groups = _symbol_groups(symbol)
    if not groups:
        return year + symbol, None, False
    merged = _merge_split_code(groups)
    code, is_code = _fix_code(merged[0], hint_type)
    tail = [_fix_agency_group(g, hints) for g in merged[1:]]
    first = (code, False) if is_code else _fix_agency_group(merged[0], hints)
    parts = [first, *tail]
    return (
        year + "-".join(g for g, _ in parts),
        code if is_code and len(merged) > 1 else None,
        any(x for _, x in parts),
    )


def _merge_split_code(groups: list[str]) -> list[str]:
    """Join "T", "Tr" back into "TTr" when OCR put a space (read as '-') inside a code."""
    if len(groups) >= 3 and fold(groups[0] + groups[1]) in CODES_BY_FOLD and len(groups[0]) <= 2:
        return [groups[0] + groups[1], *groups[2:]]
    return groups


_SYMBOL_CHARS = r"A-Za-zĐđƠơƯư0-9&."
_NUM_SYM = re.compile(
    rf"^(?P<num>[^/]*?)\s*(?P<sep>/)\s*(?P<sym>(?:\d{{4}}\s*/\s*)?[A-ZĐa-zđ][{_SYMBOL_CHARS}\s/-]*)$"
)
_PARTY = re.compile(r"^(?P<num>\d{1,6})\s*-\s*(?P<sym>[A-ZĐ][A-Za-zĐđ]*\s*/\s*[A-ZĐ][\w\s/-]*)$")
_SLASH_AS_L = re.compile(r"^(?P<num>\d{1,6})[lI|](?P<sym>[A-ZĐ][A-Za-zĐđ]*-[\w-]+)$")


_SPACED_LETTERS = re.compile(r"(?<![A-Za-zĐđ])([A-Za-zĐđ]+) +([A-Za-zĐđ]+)(?![A-Za-zĐđ])")


def _join_split_groups(raw: str, hints: tuple[str, ...]) -> str:
    """Join letters OCR split with a space ("SY T-KHTC") when together they spell a known
    agency abbreviation or a run of the issuer's initials ("SYT" under "SỞ Y TẾ"); any
    other space stays a group boundary."""
    runs = {fold(run) for h in hints for run in _runs(h) if len(run) >= 3}

    def join(m: re.Match[str]) -> str:
        key = fold(m.group(1) + m.group(2))
        known = key in runs or (key in _AGENCY_BY_FOLD and len(key) >= 3)
        return m.group(1) + m.group(2) if known else m.group()

    return _SPACED_LETTERS.sub(join, raw)


def _clean_symbol(raw: str) -> str:
    sym = re.sub(r"\s*([/-])\s*", r"\1", raw.strip(" .,;:"))
    sym = re.sub(r"\s+", "-", sym)
    return re.sub(r"-{2,}", "-", sym)


def parse_number_symbol(
    text: str, *, hint_type: str | None = None, agency_hints: tuple[str, ...] = ()
) -> NumberSymbol | None:
    """Parse "Số: 106/KH-UBND" (with or without the "Số:" prefix) as OCR renders it.

    Handles "30/2020/NĐ-CP", Party "01-NQ/TU", "/" read as "l", Ð/⁄ glyphs, spaces
    around separators, en dashes, and look-alike digits (then `repaired` is set).
    """
    body, _ = strip_so_prefix(normalise_ocr(squash_spaces(text)).replace("–", "-"))
    body = body.strip()
    m = _PARTY.match(body)
    if m:
        number, clean = read_number(m.group("num"))
        symbol, _, guessed = _repair_symbol(_clean_symbol(m.group("sym")), hint_type, agency_hints)
        return NumberSymbol(number, symbol, "-", m.group("num"), not clean, guessed)
    m = _SLASH_AS_L.match(body.replace(" ", "")) if "/" not in body else None
    if m is None:
        m = _NUM_SYM.match(body)
    if m is None:
        return None
    raw_num = m.group("num").strip(" :.,")
    number, clean = read_number(raw_num)
    raw_sym = _join_split_groups(m.group("sym"), agency_hints)
    symbol, _, guessed = _repair_symbol(_clean_symbol(raw_sym), hint_type, agency_hints)
    if not re.search(r"[A-Za-zĐđ]", symbol):
        return None
    return NumberSymbol(number, symbol, "/", raw_num, not clean and number is not None, guessed)


def symbol_type(symbol: str | None) -> str | None:
    """The document type a ký hiệu names ("QĐ-UBND" -> "Quyết định"), or None."""
    if not symbol:
        return None
    sym = re.sub(r"^\d{4}/", "", symbol)
    party = re.match(r"^([A-Za-zĐđ]+)/", sym)
    first = party.group(1) if party else sym.split("-")[0]
    if not party and "-" not in sym:
        return None
    return TYPE_BY_CODE.get(first)
