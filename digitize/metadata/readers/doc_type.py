"""The type of document (tên loại) and its abstract (trích yếu): the centred type heading
and the lines under it, or a công văn's "V/v" block, checked against the symbol's code."""

from __future__ import annotations

import re

from digitize.metadata.layout import Segment
from digitize.metadata.number_symbol import parse_number_symbol, symbol_type
from digitize.metadata.readers.context import (
    DOUBTFUL,
    HEADER,
    REPAIRED,
    FieldReader,
    Reading,
    field,
)
from digitize.metadata.stamps import stamp_line, strip_stamp_words
from digitize.metadata.tables import CONG_VAN
from digitize.metadata.text import fold, has_vietnamese_marks, implausible_words, squash_spaces, unknown_words

# A type heading, times how closely it matched; one the symbol's code confirms.
HEADING = 0.85
HEADING_AND_CODE = 0.97
# Multiplier for a heading the symbol's code contradicts.
CODE_DISAGREES = 0.6
# A "V/v" block under a symbol with no type code: a công văn.
VV_BLOCK = 0.93
# Only a type code: with a "V/v" block against it (doubtful), or alone.
CODE_AGAINST_VV = 0.5
CODE_ONLY = 0.75
# A "V/v" block and no symbol read.
VV_ONLY = 0.6
# A text layer's abstract.
LAYER_ABSTRACT = 0.96
# OCR'd prose: the start, per weak word (under 60, under 80), the ceiling with odd
# words and the multiplier per further one, and prose that lost its marks.
PROSE = 0.92
WEAK_WORD, WEAK_CONF = 0.6, 60
FAIR_WORD, FAIR_CONF = 0.85, 80
ODD_WORDS = 0.55
ODD_WORD = 0.85
MARKS_LOST = 0.5
# Prose of this many lowercase words or more, under this share of them marked, lost its marks.
BARE_WORDS, BARE_SHARE = 6, 0.3


def read_type_and_abstract(r: Reading) -> None:
    assert r.header is not None
    header, src = r.header, r.source()
    code_type = symbol_type(r.fields["symbol"].value) if "symbol" in r.fields else None
    has_symbol = "symbol" in r.fields
    if header.title_type:
        name, score = header.title_type
        conf = HEADING * score
        if code_type == name:
            conf = HEADING_AND_CODE
        elif code_type:
            conf *= CODE_DISAGREES
        r.fields["doc_type"] = field(name, conf, src)
        _read_abstract(r, header.abstract_lines, src, vv=False)
    elif header.vv_lines and has_symbol and code_type in (None, CONG_VAN):
        r.fields["doc_type"] = field(CONG_VAN, VV_BLOCK, src)
        _read_abstract(r, header.vv_lines, src, vv=True)
    elif code_type:
        # a V/v block is the công văn's own mark: a type code against it is doubtful
        r.fields["doc_type"] = field(code_type, CODE_AGAINST_VV if header.vv_lines else CODE_ONLY, src)
    elif header.vv_lines:
        r.fields["doc_type"] = field(CONG_VAN, VV_ONLY, src)
        _read_abstract(r, header.vv_lines, src, vv=True)


def _read_abstract(r: Reading, lines: list[Segment], src: str, *, vv: bool) -> None:
    lines = [s for s in lines if not stamp_line(s.text)]  # a ĐẾN or Công báo stamp over it
    if not lines:
        return
    text = strip_stamp_words(squash_spaces(" ".join(s.text for s in lines)))
    text = re.split(r"\s*_{5,}", text, maxsplit=1)[0]  # a rule, then the body (text layers)
    text = _strip_vv(text) if vv else _fix_ve_viec(text)
    if not text:
        return
    if src == "text-layer":
        r.fields["abstract"] = field(text.strip(), LAYER_ABSTRACT, src)
        return
    text = _strip_debris(text)
    read_text = text
    text, repaired = r.lexicon.repair(text)
    text = _repair_references(text, r.agency_hints())
    words = [w for s in lines for w in s.words]
    if words and _is_lead_in(words[0].text):
        words = words[2:] if _is_lead_in(" ".join(w.text for w in words[:2])) else words[1:]
    # debris and the frame of the line say nothing about its words
    confs = [100.0 if w.conf < 0 else w.conf for w in words if any(c.isalnum() for c in w.text)]
    conf = _prose_confidence(text, confs) * (REPAIRED if repaired else 1.0)
    conf *= DOUBTFUL ** len(r.lexicon.doubtful(text, source=read_text))
    r.fields["abstract"] = field(text.strip(), conf, src)


def _repair_references(text: str, hints: tuple[str, ...]) -> str:
    """Number-symbols quoted in the abstract ("Công văn số 864/HDND-VHXH") get the
    Đ the issuer and the document's own abbreviations call for, nothing else."""

    def fix(m: re.Match[str]) -> str:
        ns = parse_number_symbol(m.group(), agency_hints=hints)
        if ns is None or ns.number_symbol is None or ns.symbol_guessed:
            return m.group()
        fixed = ns.number_symbol
        same = fold(fixed) == fold(m.group()) and len(fixed) == len(m.group())
        return fixed if same else m.group()

    return _REFERENCE.sub(fix, text)


_VV_PREFIX = re.compile(r"^\W{0,2}(?:[Vv]\s*[/.,|l1]\s*[vV]|[Vv]/|[Vv][VvWw](?!\w))\s*[.:,]?\s*")
_VE_VIEC = re.compile(r"^\W{0,2}v\w{0,2}\s*viec\b\s*")


def _strip_vv(text: str) -> str:
    m = _VV_PREFIX.match(text)
    if m:
        return text[m.end() :].strip()
    m = _VE_VIEC.match(fold(text))
    return text[m.end() :].strip() if m else text


def _fix_ve_viec(text: str) -> str:
    m = _VE_VIEC.match(fold(text))
    if m:
        return "Về việc " + text[m.end() :].strip()
    return text


_REFERENCE = re.compile(r"(?<![\w/])\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*(?:[-/][A-ZĐ][A-Za-zĐđ0-9]*)+")
# OCR debris: stray quotes, bars and dots standing alone between words (and, at the
# end of the text, commas and dashes too).
_DEBRIS = re.compile(r"^[\'`‘’\"“”|_~^*.]{1,3}$")
_TRAILING_DEBRIS = re.compile(r"^[\'`‘’\"“”|_~^*.,;:\-—]{1,3}$")


def _strip_debris(text: str) -> str:
    """The text without tokens of OCR debris ("ngày . 16/6/2002", "năm 2020 '"), nor a
    stray mark glued to its first word ("'Tổ chức")."""
    tokens = [t for t in text.split() if not _DEBRIS.match(t)]
    while tokens and _TRAILING_DEBRIS.match(tokens[-1]):
        tokens.pop()
    return " ".join(tokens).lstrip("'`‘’|_~^*.,;:")


def _is_lead_in(text: str) -> bool:
    """The lead-in "V/v" or "Về việc" as OCR prints it: replaced by its spelling, so its own
    OCR confidence says nothing about the abstract."""
    return bool(_VV_PREFIX.match(text) or _VE_VIEC.match(fold(text)))


def _prose_confidence(text: str, confs: list[float]) -> float:
    """Confidence of OCR'd running text (an abstract): weak or odd words pull it down."""
    conf = PROSE
    for c in confs:
        conf *= WEAK_WORD if c < WEAK_CONF else FAIR_WORD if c < FAIR_CONF else 1.0
    bad = list(dict.fromkeys(implausible_words(text) + unknown_words(text)))
    if bad:
        conf = min(conf, ODD_WORDS) * (ODD_WORD ** (len(bad) - 1))
    lower = [w for w in re.findall(r"[^\W\d_]+", text) if w[:1].islower()]
    if len(lower) >= BARE_WORDS and sum(has_vietnamese_marks(w) for w in lower) / len(lower) < BARE_SHARE:
        conf *= MARKS_LOST  # Vietnamese prose without marks: the OCR lost them
    return conf


DOC_TYPE_READER = FieldReader(
    "doc_type",
    read_type_and_abstract,
    provides=("doc_type", "abstract"),
    needs=(HEADER, "symbol", "issuer", "parent_issuer"),
)
