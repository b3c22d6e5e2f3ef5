"""Số và ký hiệu from the "Số:" line, checked against the heading and the tables; the
file name as a last resort."""

from __future__ import annotations

import re

from digitize.metadata.handwriting import UNCONFIRMED_HANDWRITING, looks_handwritten
from digitize.metadata.layout import Segment, trust
from digitize.metadata.number_symbol import (
    NumberSymbol,
    agency_groups_known,
    parse_number_symbol,
    symbol_type,
)
from digitize.metadata.readers.context import HEADER, FieldReader, Reading, field, word_min
from digitize.metadata.text import fold
from digitize.records import FieldValue, Word

# A text layer's number and symbol; OCR'd ones, times how well their words were read.
LAYER = 0.97
PRINTED = 0.95
# Ceiling for a number rebuilt from look-alike characters.
REBUILT_NUMBER = 0.35
# Ceiling for a symbol whose letter was replaced by the look-alike the issuer calls for.
GUESSED_LETTER = 0.75
# Numbers longer than this are rare: a multiplier for them.
MAX_DIGITS = 5
LONG_NUMBER = 0.5
# Multiplier for a symbol whose type code the heading contradicts (or lacks).
TYPE_MISMATCH = 0.6
# Floor for a symbol whose type code and agency groups the tables all confirm.
CHECKED_SYMBOL = 0.85
# Floor for a number glued to a symbol that the type-code table confirms.
GLUED_VALIDATED = 0.72
# Ceiling for a symbol with a group of digits alone (a letter read as a digit).
STRAY_GROUP = 0.5
# A number and symbol taken from the file name.
FROM_FILENAME = 0.3


def read_number(r: Reading) -> None:
    assert r.header is not None
    so = r.header.so_line
    if not so:
        return
    text = " ".join(s.text for s in sorted(so, key=lambda s: s.left))
    hint = r.header.title_type[0] if r.header.title_type else None
    ns = parse_number_symbol(text, hint_type=hint, agency_hints=r.agency_hints())
    if ns is None or ns.symbol is None:
        return
    num_conf, sym_conf = _number_confs(r, ns, so, hint)
    src = r.source()
    number = ns.number if ns.number and int(ns.number) > 0 else None
    r.fields["symbol"] = field(ns.symbol, sym_conf, src)
    r.fields["number"] = field(number, num_conf, src)
    both = f"{number}{ns.separator}{ns.symbol}" if number else None
    r.fields["number_symbol"] = field(both, min(num_conf, sym_conf), src)


def _number_confs(r: Reading, ns: NumberSymbol, so: list[Segment], hint: str | None) -> tuple[float, float]:
    words = [w for s in sorted(so, key=lambda s: s.left) for w in s.words]
    num_words, sym_words = _split_so_words(words)
    layer = r.layer()
    num_conf = LAYER if layer else PRINTED * trust(word_min(num_words))
    sym_conf = LAYER if layer else PRINTED * trust(word_min(sym_words))
    if ns.repaired:
        num_conf = min(num_conf, REBUILT_NUMBER)
    if ns.symbol_guessed:
        sym_conf = min(sym_conf, GUESSED_LETTER)
    if ns.number and len(ns.number) > MAX_DIGITS:
        num_conf *= LONG_NUMBER
    code_type = symbol_type(ns.symbol)
    if (code_type and hint and code_type != hint) or (hint and not code_type):
        sym_conf *= TYPE_MISMATCH  # the heading names a type the symbol does not carry
    validated = _symbol_validated(r, code_type, hint)
    if validated and not ns.symbol_guessed and agency_groups_known(ns.symbol, r.agency_hints()):
        # the type code matches the heading and every agency group is the issuer's
        # initials or a known abbreviation: the tables vouch for what OCR scored low
        sym_conf = max(sym_conf, CHECKED_SYMBOL)
    glued = len(num_words) == 1 and num_words[0] in sym_words
    if glued and not ns.repaired and validated:
        # Tesseract scores long "612/QĐ-UBND" tokens low even when right; a clean
        # number on a symbol the type table confirms is better evidence than that.
        num_conf, sym_conf = max(num_conf, GLUED_VALIDATED), max(sym_conf, GLUED_VALIDATED)
    if ns.symbol and _stray_digit_group(ns.symbol):
        sym_conf = min(sym_conf, STRAY_GROUP)
    if not layer and not glued and _handwritten(words, num_words, sym_words):
        # a pen's digits in the template's blank: one reading is no proof (header_second_look)
        num_conf = min(num_conf, UNCONFIRMED_HANDWRITING)
    return num_conf, sym_conf


def _handwritten(words: list[Word], num_words: list[Word], sym_words: list[Word]) -> bool:
    """Does the number look written by hand into "Số:      /X-Y"?"""
    so = next((w for w in words[:3] if _is_so(w.text)), None)
    after = sym_words[0] if sym_words else None
    return looks_handwritten(num_words, sym_words, so, after)


def _symbol_validated(r: Reading, code_type: str | None, hint: str | None) -> bool:
    assert r.header is not None
    if code_type and code_type == hint:
        return True
    return code_type is None and bool(r.header.vv_lines)


def _stray_digit_group(symbol: str) -> bool:
    """A ký hiệu group of digits alone ("QĐ-TT-5"): no abbreviation is spelled so (digits
    only follow letters, "QĐ-BCĐ138"); a letter OCR split off and misread ("TTg")."""
    body = re.sub(r"^\d{4}/", "", symbol)
    return any(g.isdigit() for g in re.split(r"[-/]", body))


# "Số" as OCR reads it: marks lost, "ố" read as a digit, "S" as "$" (faxes, photos).
_SO_WORDS = ("so", "s6", "s0", "$6", "$o", "$0")


def _is_so(text: str) -> bool:
    return re.sub(r"[^\w$]|_", "", fold(text)) in _SO_WORDS


def _split_so_words(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """Words of a "Số:" line: (number words, symbol words); the "Số:" word dropped."""
    for i, w in enumerate(words[:3]):
        if _is_so(w.text):
            words = words[i + 1 :]  # "Số:", and any speck before it ("_ =Số:")
            break
    for i, w in enumerate(words):
        if "/" in w.text or "⁄" in w.text:
            if re.match(r"^\d", w.text):
                return words[: i + 1], words[i:]
            return words[:i], words[i:]
    return [], words


_FILENAME_NUMBER = re.compile(
    r"(?<!\d)(\d{1,5})[ _]*[/_-]?[ _]*([A-ZĐ][A-Za-zĐđ]{1,5}(?:[-_][A-ZĐ][A-Za-zĐđ]{1,9})+)"
)


def read_filename(r: Reading) -> None:
    """The number and symbol a file name carries ("106_KH-UBND.pdf"), for what the page
    did not give."""
    name = r.source_name
    if not name:
        return
    if r.fields.get("number_symbol") and r.fields["number_symbol"].value:
        return
    m = _FILENAME_NUMBER.search(name)
    if not m:
        return
    ns = parse_number_symbol(f"{m.group(1)}/{m.group(2).replace('_', '-')}")
    if ns is None or ns.number_symbol is None:
        return
    for key, value in (("number_symbol", ns.number_symbol), ("number", ns.number), ("symbol", ns.symbol)):
        if not (r.fields.get(key) and r.fields[key].value):
            r.fields[key] = FieldValue(value, FROM_FILENAME, "filename")


NUMBER_READER = FieldReader(
    "number",
    read_number,
    provides=("number", "symbol", "number_symbol"),
    needs=(HEADER, "issuer", "parent_issuer"),
)
FILENAME_READER = FieldReader(
    "filename",
    read_filename,
    provides=("number", "symbol", "number_symbol"),
    needs=("number", "symbol", "number_symbol"),
)
