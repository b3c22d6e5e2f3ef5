"""extract_metadata: OCR pages -> Metadata fields, each with a confidence and a source.

Confidence policy: a field starts from how sure the layout reading is (the right
region, a pattern that parsed, a table that validated it) and is multiplied down by
the OCR evidence (tesseract word confidence, implausible syllables, repairs that were
needed). A value rebuilt from damaged characters never scores above 0.45, so it lands
under the 0.7 review threshold; text-layer pages (born-digital PDFs) score high.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date

from digitize.metadata import dates
from digitize.metadata.consensus import DocumentLexicon
from digitize.metadata.header import Header, find_header
from digitize.metadata.layout import Segment, looks_like_stamp, segments_of, trust
from digitize.metadata.signer import SignerBlock, find_signer
from digitize.metadata.stamps import StampTime, best_stamp_time, find_stamp_times
from digitize.metadata.text import (
    fold,
    has_vietnamese_marks,
    implausible_words,
    is_upper_text,
    squash_spaces,
    unknown_words,
)
from digitize.metadata.vn_admin import (
    CAPS_PHRASES,
    CONG_VAN,
    PROVINCES,
    URGENCY,
    NumberSymbol,
    canonical_place,
    caps_check,
    delegation_of,
    deputy_title,
    doubtful_name_words,
    initials,
    normalise_title_line,
    parse_number_symbol,
    restore_caps,
    split_agencies,
    symbol_type,
)
from digitize.records import METADATA_FIELDS, FieldValue, Metadata, PageOcr

log = logging.getLogger(__name__)

# Fields under this confidence go to a clerk for review.
REVIEW_THRESHOLD = 0.7
# Ceiling for values completed by convention rather than read (kept under review).
INFERRED = 0.45
# Multiplier when marks were restored by picking one of two equally likely spellings.
COIN_TOSS = 0.75
# Floor for a number glued to a symbol that the type-code table confirms.
GLUED_VALIDATED = 0.72
# Multipliers: a text that needed mark repairs, and per word the document spells otherwise.
REPAIRED = 0.9
DOUBTFUL = 0.7


def _min_conf(segs: Sequence[Segment]) -> float:
    confs = [c for s in segs for c in s.confs]
    return min(confs) if confs else 0.0


def _field(value: str | None, conf: float, source: str) -> FieldValue:
    if value is None:
        return FieldValue(None, 0.0, source)  # type: ignore[arg-type]
    return FieldValue(value, round(max(0.0, min(conf, 1.0)), 3), source)  # type: ignore[arg-type]


def _content_pages(pages: Sequence[PageOcr]) -> list[PageOcr]:
    return [p for p in pages if p.words and not p.blank]


class _Reader:
    """Holds the pages and what has been read so far; one method per field group."""

    def __init__(self, pages: Sequence[PageOcr], today: date) -> None:
        self.pages = _content_pages(pages)
        self.all_pages = list(pages)
        self.today = today
        self.segs = {p.number: segments_of(p) for p in self.pages}
        self.lexicon = DocumentLexicon(
            (s.text for segs in self.segs.values() for s in segs if not looks_like_stamp(s)),
            known=PROVINCES,
        )
        self.fields: dict[str, FieldValue] = {}
        self.header: Header | None = None
        self.stamp: StampTime | None = None
        self.title_type: str | None = None

    # -- orchestration --------------------------------------------------------------

    def read(self, source_name: str | None) -> Metadata:
        self._read_stamp()
        first = self._first_page()
        if first is not None:
            self.header = find_header(first, self.segs[first.number])
            self._read_issuer()
            self._read_number()
            self._read_date()
            self._read_type_and_abstract()
            self._read_urgency()
            self._read_language()
        self._read_signer()
        if source_name:
            self._from_filename(source_name)
        for name in METADATA_FIELDS:
            self.fields.setdefault(name, FieldValue(None, 0.0, self._source()))  # type: ignore[arg-type]
        log.debug("metadata: %s", {k: (v.value, v.confidence) for k, v in self.fields.items()})
        return Metadata(fields={name: self.fields[name] for name in METADATA_FIELDS})

    def _first_page(self) -> PageOcr | None:
        for page in self.pages[:2]:
            header = find_header(page, self.segs[page.number])
            if header.national is not None or header.so_line:
                return page
        return self.pages[0] if self.pages else None

    def _source(self) -> str:
        if self.header is not None:
            return self.header.page.source if self.header.page.source != "none" else "ocr"
        return "ocr"

    # -- signature stamp ------------------------------------------------------------

    def _read_stamp(self) -> None:
        times: list[StampTime] = []
        for page in self.all_pages:
            times += find_stamp_times(page.layer_text, from_layer=True, today=self.today)
        for page in self.pages:
            stamp_text = "\n".join(s.text for s in self.segs[page.number] if looks_like_stamp(s))
            times += find_stamp_times(stamp_text, from_layer=False, today=self.today)
        self.stamp = best_stamp_time(times)
        if self.stamp is not None:
            conf = 0.95 if self.stamp.from_layer else 0.7
            self.fields["signed_at"] = _field(self.stamp.at.isoformat(), conf, "signature-stamp")

    # -- issuer ---------------------------------------------------------------------

    def _read_issuer(self) -> None:
        assert self.header is not None
        lines = self.header.agency_lines
        if not lines:
            return
        printed = [_clean_caps(s.text) for s in lines]
        texts, repairs = zip(*(restore_caps(t) for t in printed), strict=True)
        units = split_agencies(list(texts))
        if not units:
            return
        checks = [caps_check(t) for t in printed]
        known = all(k for k, _ in checks)  # every word a known header phrase
        ocr_trust = 1.0 if known else trust(_min_conf(lines))
        base = 0.97 if self._source() == "text-layer" else 0.92 * ocr_trust
        if any(a for _, a in checks):
            base *= COIN_TOSS  # "UY" could be printed ỦY or UỶ
        base *= _caps_doubt(" ".join(texts))
        if sum(repairs) > 2:
            base *= 0.95
        src = self._source()
        self.fields["issuer"] = _field(units[-1], base, src)
        parent = units[-2] if len(units) > 1 else None
        self.fields["parent_issuer"] = FieldValue(parent, round(base * 0.95, 3), src)  # type: ignore[arg-type]

    def _agency_hints(self) -> tuple[str, ...]:
        names = [self.fields[k].value for k in ("issuer", "parent_issuer") if k in self.fields]
        return tuple(initials(n) for n in names if n)

    # -- số và ký hiệu --------------------------------------------------------------

    def _read_number(self) -> None:
        assert self.header is not None
        so = self.header.so_line
        if not so:
            return
        text = " ".join(s.text for s in sorted(so, key=lambda s: s.left))
        hint = self.header.title_type[0] if self.header.title_type else None
        ns = parse_number_symbol(text, hint_type=hint, agency_hints=self._agency_hints())
        if ns is None or ns.symbol is None:
            return
        num_conf, sym_conf = self._number_confs(ns, so, hint)
        src = self._source()
        number = ns.number if ns.number and int(ns.number) > 0 else None
        self.fields["symbol"] = _field(ns.symbol, sym_conf, src)
        self.fields["number"] = _field(number, num_conf, src)
        both = f"{number}{ns.separator}{ns.symbol}" if number else None
        self.fields["number_symbol"] = _field(both, min(num_conf, sym_conf), src)

    def _number_confs(self, ns: NumberSymbol, so: list[Segment], hint: str | None) -> tuple[float, float]:
        words = [w for s in sorted(so, key=lambda s: s.left) for w in s.words]
        num_words, sym_words = _split_so_words(words)
        layer = self._source() == "text-layer"
        num_conf = 0.97 if layer else 0.95 * trust(_word_min(num_words))
        sym_conf = 0.97 if layer else 0.95 * trust(_word_min(sym_words))
        if ns.repaired:
            num_conf = min(num_conf, 0.35)
        if ns.number and len(ns.number) > 5:
            num_conf *= 0.5
        code_type = symbol_type(ns.symbol)
        if (code_type and hint and code_type != hint) or (hint and not code_type):
            sym_conf *= 0.6  # the heading names a type the symbol does not carry
        glued = len(num_words) == 1 and num_words[0] in sym_words
        if glued and not ns.repaired and self._symbol_validated(code_type, hint):
            # Tesseract scores long "612/QĐ-UBND" tokens low even when right; a clean
            # number on a symbol the type table confirms is better evidence than that.
            num_conf, sym_conf = max(num_conf, GLUED_VALIDATED), max(sym_conf, GLUED_VALIDATED)
        return num_conf, sym_conf

    def _symbol_validated(self, code_type: str | None, hint: str | None) -> bool:
        assert self.header is not None
        if code_type and code_type == hint:
            return True
        return code_type is None and bool(self.header.vv_lines)

    # -- place and date -------------------------------------------------------------

    def _read_date(self) -> None:
        assert self.header is not None
        seg = self.header.date_line
        if seg is None:
            return
        reading = dates.read_date_segment(seg, self.stamp, self.today)
        if reading is None:
            return
        src = self._source()
        layer = src == "text-layer"
        if reading.value is not None:
            conf = 0.98 if layer and reading.clean else reading.confidence
            self.fields["issued_date"] = _field(reading.value.isoformat(), conf, src)
        place, known = canonical_place(reading.place)
        if place:
            conf = 0.97 if layer else 0.9 * trust(reading.place_conf)
            if not known:
                conf *= 0.85 if not implausible_words(place) else 0.5
            if _in_agency(place, self.fields):
                conf = max(conf, 0.93)
            self.fields["place"] = _field(place, conf, src)

    # -- type and abstract ----------------------------------------------------------

    def _read_type_and_abstract(self) -> None:
        assert self.header is not None
        header, src = self.header, self._source()
        code_type = symbol_type(self.fields["symbol"].value) if "symbol" in self.fields else None
        has_symbol = "symbol" in self.fields
        if header.title_type:
            name, score = header.title_type
            conf = 0.85 * score
            if code_type == name:
                conf = 0.97
            elif code_type:
                conf *= 0.6
            self.fields["doc_type"] = _field(name, conf, src)
            self._read_abstract(header.abstract_lines, src, vv=False)
        elif header.vv_lines and has_symbol and code_type in (None, CONG_VAN):
            self.fields["doc_type"] = _field(CONG_VAN, 0.93, src)
            self._read_abstract(header.vv_lines, src, vv=True)
        elif code_type:
            self.fields["doc_type"] = _field(code_type, 0.75, src)
        elif header.vv_lines:
            self.fields["doc_type"] = _field(CONG_VAN, 0.6, src)
            self._read_abstract(header.vv_lines, src, vv=True)

    def _read_abstract(self, lines: list[Segment], src: str, *, vv: bool) -> None:
        if not lines:
            return
        text = squash_spaces(" ".join(s.text for s in lines))
        text = _strip_vv(text) if vv else _fix_ve_viec(text)
        if not text:
            return
        if src == "text-layer":
            self.fields["abstract"] = _field(text.strip(), 0.96, src)
            return
        text, repaired = self.lexicon.repair(text)
        words = [w for s in lines for w in s.words]
        if words and _is_lead_in(words[0].text):
            words = words[2:] if _is_lead_in(" ".join(w.text for w in words[:2])) else words[1:]
        confs = [100.0 if w.conf < 0 else w.conf for w in words]
        conf = _prose_confidence(text, confs) * (REPAIRED if repaired else 1.0)
        conf *= DOUBTFUL ** len(self.lexicon.doubtful(text))
        self.fields["abstract"] = _field(text.strip(), conf, src)

    # -- urgency and language -------------------------------------------------------

    def _read_urgency(self) -> None:
        assert self.header is not None
        page = self.header.page
        for seg in self.segs[page.number]:
            if seg.top > 0.6 * page.height or not is_upper_text(seg.text):
                continue
            core = fold(re.sub(r"[^\w\s]", " ", seg.text)).split()
            for mark in URGENCY:
                if " ".join(core) == fold(mark):
                    self.fields["urgency"] = _field(mark, 0.9 * trust(seg.min_conf), self._source())
                    return
        self.fields["urgency"] = FieldValue(None, 0.75, self._source())  # type: ignore[arg-type]

    def _read_language(self) -> None:
        words = [w.text for p in self.pages for w in p.words if w.text.isalpha()]
        if not words:
            return
        share = sum(has_vietnamese_marks(w) for w in words) / len(words)
        conf = 0.97 if share >= 0.2 else 0.6 if share >= 0.05 else 0.3
        self.fields["language"] = _field("vi" if share >= 0.05 else None, conf, self._source())

    # -- signer ---------------------------------------------------------------------

    def _read_signer(self) -> None:
        for page in reversed(self.pages):
            block = find_signer(self.segs[page.number], page.width)
            if block is not None:
                self._signer_fields(block, page.source)
                return

    def _signer_fields(self, block: SignerBlock, src: str) -> None:
        layer = src == "text-layer"
        if block.titles:
            lines = [normalise_title_line(_clean_caps(s.text)) for s in block.titles]
            title = " ".join(t for t, _ in lines)
            conf = 0.96 if layer else 0.9 * trust(_min_conf(block.titles))
            if block.noise or _deputy_without_kt([t for t, _ in lines]):
                conf = min(conf, 0.4)  # a title line was lost (seal, signature over it)
            if delegation_of(lines[-1][0]) not in (None, "Q."):
                # "KT. CHỦ TỊCH" alone: the signer's own title line was not read
                deputy = deputy_title(lines[-1][0])
                title = f"{title} {deputy}" if deputy else title
                conf = min(conf, INFERRED if deputy else 0.3)
            self.fields["signer_title"] = _field(title, conf, src)
        if block.name is not None and block.name_text:
            conf = 0.95 if layer else 0.9 * trust(block.name.min_conf)
            name = block.name_text
            if block.surname_fixed or implausible_words(name) or unknown_words(name):
                conf = min(conf, 0.45)
            if doubtful_name_words(block.name_text):
                conf = min(conf, 0.5)
            if not block.titles:
                conf *= 0.85
            self.fields["signer"] = _field(block.name_text, conf, src)

    # -- file name fallback -----------------------------------------------------------

    def _from_filename(self, name: str) -> None:
        if self.fields.get("number_symbol") and self.fields["number_symbol"].value:
            return
        m = _FILENAME_NUMBER.search(name)
        if not m:
            return
        ns = parse_number_symbol(f"{m.group(1)}/{m.group(2).replace('_', '-')}")
        if ns is None or ns.number_symbol is None:
            return
        for key, value in (("number_symbol", ns.number_symbol), ("number", ns.number), ("symbol", ns.symbol)):
            if not (self.fields.get(key) and self.fields[key].value):
                self.fields[key] = FieldValue(value, 0.3, "filename")


# --- helpers -------------------------------------------------------------------------


def _clean_caps(text: str) -> str:
    """Trim OCR debris around a caps line; a trailing '-' continues on the next line."""
    return squash_spaces(text).lstrip(" -_.,;:|'`~—").rstrip(" _.,;:|'`~—")


def _deputy_without_kt(lines: list[str]) -> bool:
    """A deputy's title ("PHÓ ...", "THỨ TRƯỞNG") must follow a "KT." line."""
    for i, line in enumerate(lines):
        deputy = fold(line).startswith(("pho ", "thu truong"))
        if deputy and (i == 0 or delegation_of(lines[i - 1]) != "KT."):
            return True
    return False


def _caps_doubt(text: str) -> float:
    """Lower trust for caps words that are no known header word and look damaged."""
    bad = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 4 and not _known_caps(w)]
    bad = [w for w in bad if implausible_words(w.lower())]
    return 0.6 if bad else 1.0


def _known_caps(word: str) -> bool:
    return any(fold(word) in key.split() for key in CAPS_PHRASES)


def _in_agency(place: str, fields: dict[str, FieldValue]) -> bool:
    names = " ".join(fields[k].value or "" for k in ("issuer", "parent_issuer") if k in fields)
    return bool(place) and fold(place) in fold(names)


def _word_min(words: list) -> float:
    return min((100.0 if w.conf < 0 else w.conf for w in words), default=0.0)


def _split_so_words(words: list) -> tuple[list, list]:
    """Words of a "Số:" line: (number words, symbol words); the "Số:" word dropped."""
    if words and fold(words[0].text).rstrip(":;.") in ("so", "s6", "s0", "so:"):
        words = words[1:]
    for i, w in enumerate(words):
        if "/" in w.text or "⁄" in w.text:
            if re.match(r"^\d", w.text):
                return words[: i + 1], words[i:]
            return words[:i], words[i:]
    return [], words


_FILENAME_NUMBER = re.compile(
    r"(?<!\d)(\d{1,5})[ _]*[/_-]?[ _]*([A-ZĐ][A-Za-zĐđ]{1,5}(?:[-_][A-ZĐ][A-Za-zĐđ]{1,9})+)"
)
_VV_PREFIX = re.compile(r"^\W{0,2}(?:[Vv]\s*[/.,|l1]\s*[vV]|[Vv]/|[Vv][Vv])\s*[.:,]?\s*")
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


def _is_lead_in(text: str) -> bool:
    """The lead-in "V/v" or "Về việc" as OCR prints it: replaced by its spelling, so its own
    OCR confidence says nothing about the abstract."""
    return bool(_VV_PREFIX.match(text) or _VE_VIEC.match(fold(text)))


def _prose_confidence(text: str, confs: list[float]) -> float:
    """Confidence of OCR'd running text (an abstract): weak or odd words pull it down."""
    conf = 0.92
    for c in confs:
        conf *= 0.6 if c < 60 else 0.85 if c < 80 else 1.0
    bad = list(dict.fromkeys(implausible_words(text) + unknown_words(text)))
    if bad:
        conf = min(conf, 0.55) * (0.85 ** (len(bad) - 1))
    lower = [w for w in re.findall(r"[^\W\d_]+", text) if w[:1].islower()]
    if len(lower) >= 6 and sum(has_vietnamese_marks(w) for w in lower) / len(lower) < 0.3:
        conf *= 0.5  # Vietnamese prose without marks: the OCR lost them
    return conf


def extract_metadata(
    pages: Sequence[PageOcr], *, source_name: str | None = None, today: date | None = None
) -> Metadata:
    """Read the document-level metadata fields from a document's OCR pages.

    Every name in METADATA_FIELDS is present in the result. A field that could not be
    read is None with confidence 0; `parent_issuer` and `urgency` may be None with a
    positive confidence, meaning "read, and there is none". `source_name` (the file
    name) is only a low-confidence fallback for the number and symbol; `today` bounds
    the dates (default: the current date).
    """
    return _Reader(pages, today or date.today()).read(source_name)
