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
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from rapidfuzz import fuzz

from digitize.metadata import dates
from digitize.metadata.agencies import group_agencies, initials
from digitize.metadata.caps import CAPS_PHRASES, CapsEvidence, read_caps, upper_caps_line
from digitize.metadata.consensus import DocumentLexicon
from digitize.metadata.header import Header, find_header, urgency_mark
from digitize.metadata.layout import Segment, looks_like_stamp, segments_of, trust
from digitize.metadata.names import doubtful_name_words, name_words, restore_name
from digitize.metadata.number_symbol import (
    NumberSymbol,
    agency_groups_known,
    parse_number_symbol,
    symbol_type,
)
from digitize.metadata.phrases import ADMIN_PHRASES
from digitize.metadata.signer import (
    SignerBlock,
    delegation_of,
    deputy_title,
    find_signer,
    normalise_title_line,
)
from digitize.metadata.stamps import StampTime, best_stamp_time, find_stamp_times
from digitize.metadata.tables import CONG_VAN, LOCALITIES, PROVINCES, SURNAMES, UNMARKED_NAME_SYLLABLES
from digitize.metadata.text import (
    fold,
    has_vietnamese_marks,
    implausible_words,
    squash_spaces,
    unknown_words,
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
# Ceiling for a deputy title implied by "KT." whose broken line OCR debris confirms.
TRACED = 0.8
# Line heights of empty page under the number (and V/v) that suggest an unread mark.
EMPTY_BAND = 4.5
# Multiplier for a title line snapped to the nearest known position.
SNAPPED = 0.9
# Floor for a symbol whose type code and agency groups the tables all confirm.
CHECKED_SYMBOL = 0.85
# Ceiling for a symbol whose letter was replaced by the look-alike the issuer calls for.
GUESSED_LETTER = 0.75
# Multipliers: a text that needed mark repairs, and per word the document spells otherwise.
REPAIRED = 0.9
DOUBTFUL = 0.7
# Ceiling for a symbol with a group of digits alone (a letter read as a digit).
STRAY_GROUP = 0.5
# Tesseract word confidence under which a word that is no syllable was not read at all.
UNREADABLE = 40.0


def _min_conf(segs: Sequence[Segment]) -> float:
    confs = [c for s in segs for c in s.confs]
    return min(confs) if confs else 0.0


def _letters_min_conf(segs: Sequence[Segment]) -> float:
    """The weakest word that holds a letter or digit: a speck or quote OCR read beside a
    line ("HUYỆN LAM HÀ '") is trimmed off its text and says nothing about its words."""
    return _word_min([w for s in segs for w in s.words if not _speck(w.text)])


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
            phrases=ADMIN_PHRASES,
        )
        self.caps_words = _caps_words(
            s.text for segs in self.segs.values() for s in segs if not looks_like_stamp(s)
        )
        self.evidence = CapsEvidence(self.caps_words, self.lexicon.pairs)
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
        src = self._source()
        layer = src == "text-layer"
        readings = [read_caps(upper_caps_line(_clean_caps(s.text)), self.evidence) for s in lines]
        names: list[tuple[str, float]] = []
        for unit in group_agencies([r.text for r in readings]):
            tokens = [t for i in unit for t in readings[i].tokens]
            covered = [c for i in unit for c in readings[i].covered]
            tokens, covered = _drop_stray_dashes(tokens, covered)
            tokens, respelled = self.lexicon.repair_caps(tokens, covered)
            text = " ".join(tokens)
            known = all(readings[i].unknown == 0 for i in unit)  # every word a known phrase
            ocr_trust = 1.0 if known else trust(_letters_min_conf([lines[i] for i in unit]))
            conf = 0.97 if layer else 0.92 * ocr_trust
            if any(readings[i].ambiguous for i in unit):
                conf *= COIN_TOSS  # "UY" could be printed ỦY or UỶ
            conf *= _caps_doubt(text)
            if sum(readings[i].changed for i in unit) + respelled > 2:
                conf *= 0.95
            if respelled:
                conf *= REPAIRED
            names.append((text, conf))
        if not names:
            return
        issuer, conf = names[-1]
        self.fields["issuer"] = _field(issuer, conf, src)
        parent = names[-2] if len(names) > 1 else (None, conf)
        self.fields["parent_issuer"] = FieldValue(parent[0], round(min(parent[1], 1.0) * 0.95, 3), src)  # type: ignore[arg-type]

    def _agency_hints(self) -> tuple[str, ...]:
        """Issuer initials, then the abbreviations with Đ the document prints ("HĐND")."""
        names = [self.fields[k].value for k in ("issuer", "parent_issuer") if k in self.fields]
        printed = [w for w in self.caps_words if "Đ" in w and re.fullmatch(r"[A-ZĐ]{2,8}", w)]
        return tuple(initials(n) for n in names if n) + tuple(printed)

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
        if ns.symbol_guessed:
            sym_conf = min(sym_conf, GUESSED_LETTER)
        if ns.number and len(ns.number) > 5:
            num_conf *= 0.5
        code_type = symbol_type(ns.symbol)
        if (code_type and hint and code_type != hint) or (hint and not code_type):
            sym_conf *= 0.6  # the heading names a type the symbol does not carry
        validated = self._symbol_validated(code_type, hint)
        if validated and not ns.symbol_guessed and agency_groups_known(ns.symbol, self._agency_hints()):
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
        place, known = dates.canonical_place(reading.place)
        if place and not known and implausible_words(place.lower()) and reading.place_conf < UNREADABLE:
            place = ""  # "Đô PHHội": letters OCR could not read are no place name
        if place:
            conf = 0.97 if layer else 0.9 * trust(reading.place_conf)
            if not known:
                conf *= 0.85 if not implausible_words(place) else 0.5
            if _in_agency(place, self.fields):
                spelled = _agency_spelling(place, self.fields)
                if spelled is None:
                    conf = max(conf, 0.93)
                elif not has_vietnamese_marks(place) or _only_marks_added(place, spelled):
                    place, conf = spelled, max(conf * REPAIRED, 0.85)  # "Hoa Vang" under "HUYỆN HÒA VANG"
                else:
                    conf = min(conf, 0.5)  # the two lines mark the name differently
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
            # a V/v block is the công văn's own mark: a type code against it is doubtful
            self.fields["doc_type"] = _field(code_type, 0.5 if header.vv_lines else 0.75, src)
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
        text = _strip_debris(text)
        read_text = text
        text, repaired = self.lexicon.repair(text)
        text = self._repair_references(text)
        words = [w for s in lines for w in s.words]
        if words and _is_lead_in(words[0].text):
            words = words[2:] if _is_lead_in(" ".join(w.text for w in words[:2])) else words[1:]
        # debris and the frame of the line say nothing about its words
        confs = [100.0 if w.conf < 0 else w.conf for w in words if any(c.isalnum() for c in w.text)]
        conf = _prose_confidence(text, confs) * (REPAIRED if repaired else 1.0)
        conf *= DOUBTFUL ** len(self.lexicon.doubtful(text, source=read_text))
        self.fields["abstract"] = _field(text.strip(), conf, src)

    def _repair_references(self, text: str) -> str:
        """Number-symbols quoted in the abstract ("Công văn số 864/HDND-VHXH") get the
        Đ the issuer and the document's own abbreviations call for, nothing else."""
        hints = self._agency_hints()

        def fix(m: re.Match[str]) -> str:
            ns = parse_number_symbol(m.group(), agency_hints=hints)
            if ns is None or ns.number_symbol is None or ns.symbol_guessed:
                return m.group()
            fixed = ns.number_symbol
            same = fold(fixed) == fold(m.group()) and len(fixed) == len(m.group())
            return fixed if same else m.group()

        return _REFERENCE.sub(fix, text)

    # -- urgency and language -------------------------------------------------------

    def _read_urgency(self) -> None:
        assert self.header is not None
        page = self.header.page
        for seg in self.segs[page.number]:
            if seg.top > 0.6 * page.height:
                continue
            mark = urgency_mark(seg)
            if mark is not None:
                # the frame around a mark reads as "[" or "|": only the letters count
                conf = _word_min([w for w in seg.words if any(c.isalpha() for c in w.text)])
                self.fields["urgency"] = _field(mark, 0.9 * trust(conf), self._source())
                return
        # "None, read": unless a wide empty band sits under the number, where a boxed or
        # stamped mark OCR could not read would be ("KHẨN" in a frame).
        conf = 0.3 if self._blank_under_number() else 0.75
        self.fields["urgency"] = FieldValue(None, conf, self._source())  # type: ignore[arg-type]

    def _blank_under_number(self) -> bool:
        assert self.header is not None
        header = self.header
        above = [*header.so_line, *header.vv_lines]
        if not above or header.page.source == "text-layer":
            return False
        floor = max(s.bottom for s in above)
        below = [s for s in self.segs[header.page.number] if s.top > floor and len(s.text.strip()) > 1]
        if not below:
            return False
        return min(s.top for s in below) - floor > EMPTY_BAND * header.line_height

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
            self._signer_title(block, layer, src)
        if block.name is not None and block.name_text:
            conf = 0.95 if layer else 0.9 * trust(_word_min(name_words(block.name)))
            reading = restore_name(
                block.name_text,
                unmarked_ok=UNMARKED_NAME_SYLLABLES,
                surnames=SURNAMES,
                marks_lost=self._titles_lost_marks(block),
            )
            name = reading.text
            if not layer:
                conf = min(conf, reading.ceiling)
            if block.surname_fixed or implausible_words(name) or unknown_words(name):
                conf = min(conf, 0.45)
            if doubtful_name_words(name):
                conf = min(conf, 0.5)
            if not block.titles:
                conf *= 0.85
            self.fields["signer"] = _field(name, conf, src)

    def _titles_lost_marks(self, block: SignerBlock) -> bool:
        """True when OCR dropped marks off the block's title lines ("CHU TỊCH"): the bold
        name under them may have lost some too."""
        for seg in block.titles:
            printed = upper_caps_line(_clean_caps(seg.text))
            fixed = normalise_title_line(printed, self.evidence).text
            pw, fw = printed.split(), fixed.split()
            if len(pw) == len(fw) and any(
                not has_vietnamese_marks(p) and has_vietnamese_marks(f) and fold(p) == fold(f)
                for p, f in zip(pw, fw, strict=True)
            ):
                return True
        return False

    def _signer_title(self, block: SignerBlock, layer: bool, src: str) -> None:
        read = [
            normalise_title_line(upper_caps_line(_clean_caps(s.text)), self.evidence) for s in block.titles
        ]
        lines = [t.text for t in read]
        for i in range(1, len(read)):
            deputy = deputy_title(lines[i - 1]) if delegation_of(lines[i - 1]) == "KT." else None
            if read[i].coin_toss and deputy and fold(deputy) == fold(lines[i]):
                # "THU TRUONG" under "KT. BỘ TRƯỞNG" is THỨ TRƯỞNG, not THỦ TRƯỞNG
                lines[i], read[i] = deputy, read[i]._replace(coin_toss=False)
        conf = 0.96 if layer else 0.9 * trust(_min_conf(block.titles))
        if any(t.coin_toss for t in read):
            conf *= COIN_TOSS  # "UY BAN" could be printed ỦY or UỶ, and nothing else says which
        if any(t.snapped for t in read):
            conf *= SNAPPED
        if any(t.unknown for t in read):
            conf = min(conf, 0.5)  # words that belong to no title or agency name
        if block.noise or _deputy_without_kt(lines):
            conf = min(conf, 0.4)  # a title line was lost (seal, signature over it)
        deputy = _lost_deputy_mark(lines)
        if deputy is not None:
            # "KT. GIÁM ĐỐC" then "GIÁM ĐỐC": one signing for another is a deputy ("PHÓ" lost)
            lines[-1] = deputy
            conf = min(conf, INFERRED)
        title = " ".join(lines)
        if delegation_of(lines[-1]) not in (None, "Q."):
            # "KT. CHỦ TỊCH" alone: the signer's own title line was not read
            deputy = deputy_title(lines[-1])
            title = f"{title} {deputy}" if deputy else title
            seen = deputy is not None and _traces_of(deputy, block.between)
            conf = min(conf, TRACED if seen else INFERRED if deputy else 0.3)
        self.fields["signer_title"] = _field(title, conf, src)

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


def _caps_words(texts: Iterable[str]) -> Counter[str]:
    """Capital words (two letters or more) the document prints, as printed."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in re.findall(r"[^\W\d_]{2,}", text):
            if word.isupper():
                counts[word] += 1
    return counts


def _clean_caps(text: str) -> str:
    """Trim OCR debris around a caps line ("PHÒNG NỘI VỤ ˆ": a speck read as a modifier
    letter); a trailing '-' continues on the next line."""
    tokens = squash_spaces(text).split()
    while tokens and _speck(tokens[0]):
        tokens.pop(0)
    while tokens and _speck(tokens[-1]) and tokens[-1] not in ("-", "–"):
        tokens.pop()
    return " ".join(tokens).lstrip(" -_.,;:|'`~—").rstrip(" _.,;:|'`~—")


def _speck(token: str) -> bool:
    """A token with no letter or digit of a word: marks alone ("ˆ", "|", "'", "~")."""
    return not any(c.isalnum() and not unicodedata.category(c).startswith("Lm") for c in token)


def _deputy_without_kt(lines: list[str]) -> bool:
    """A deputy's title ("PHÓ ...", "THỨ TRƯỞNG") must follow a "KT." line."""
    for i, line in enumerate(lines):
        deputy = fold(line).startswith(("pho ", "thu truong"))
        if deputy and (i == 0 or delegation_of(lines[i - 1]) != "KT."):
            return True
    return False


def _traces_of(title: str, debris: list[Segment]) -> bool:
    """True when OCR debris under the delegation line spells most of `title` ("THƯ TRƯ
    ỞN G" for "THỨ TRƯỞNG"): the line is there, broken by the seal or signature."""
    if not debris:
        return False
    rows = sorted(debris, key=lambda s: (round(s.center_y / max(s.height, 1.0)), s.left))
    text = "".join(fold(s.text) for s in rows).replace(" ", "")
    key = fold(title).replace(" ", "")
    return len(text) >= 0.6 * len(key) and fuzz.partial_ratio(key, text) >= 80


def _drop_stray_dashes(tokens: list[str], covered: list[bool]) -> tuple[list[str], list[bool]]:
    """Drop "-" tokens that join nothing in an agency name: at its end, or before a
    locality ("ỦY BAN NHÂN DÂN -" / "TỈNH KHÁNH HÒA": a speck or the rule read as a
    dash). "PHÒNG TÀI CHÍNH - KẾ HOẠCH" keeps its own."""
    keep = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        stray = tok in ("-", "–", "—") and (nxt is None or fold(nxt).rstrip(".") in _LOCALITY_WORDS)
        keep.append(not stray)
    return [t for t, k in zip(tokens, keep, strict=True) if k], [
        c for c, k in zip(covered, keep, strict=True) if k
    ]


_LOCALITY_WORDS = frozenset(fold(x).split()[0].rstrip(".") for x in LOCALITIES)


def _lost_deputy_mark(lines: list[str]) -> str | None:
    """The deputy title when a "KT. X" line is followed by X itself (its "PHÓ" unread)."""
    if len(lines) < 2 or delegation_of(lines[-2]) != "KT.":
        return None
    deputy = deputy_title(lines[-2])
    head = squash_spaces(lines[-2].split(None, 1)[1]) if " " in lines[-2] else ""
    return deputy if deputy and lines[-1] == head else None


def _caps_doubt(text: str) -> float:
    """Lower trust for caps words that are no known header word and look damaged."""
    bad = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 4 and not _known_caps(w)]
    bad = [w for w in bad if implausible_words(w.lower())]
    return 0.6 if bad else 1.0


def _known_caps(word: str) -> bool:
    return any(fold(word) in key.split() for key in CAPS_PHRASES)


def _agency_spelling(place: str, fields: dict[str, FieldValue]) -> str | None:
    """The agency lines' spelling of `place` when it differs from the date line's
    ("HÒA VANG" for "Hoa Vang"), title-cased; None when they agree or it is not there."""
    n = len(place.split())
    for key in ("issuer", "parent_issuer"):
        words = (fields[key].value or "").split() if key in fields else []
        for i in range(len(words) - n + 1):
            chunk = words[i : i + n]
            if fold(" ".join(chunk)) == fold(place):
                spelled = " ".join(w[:1] + w[1:].lower() for w in chunk)
                return None if spelled.lower() == place.lower() else spelled
    return None


def _only_marks_added(printed: str, other: str) -> bool:
    """True when `other` is `printed` with marks put back on words printed bare."""
    pw, ow = printed.split(), other.split()
    return len(pw) == len(ow) and all(
        p.lower() == o.lower() or not has_vietnamese_marks(p) for p, o in zip(pw, ow, strict=True)
    )


def _in_agency(place: str, fields: dict[str, FieldValue]) -> bool:
    names = " ".join(fields[k].value or "" for k in ("issuer", "parent_issuer") if k in fields)
    return bool(place) and fold(place) in fold(names)


def _stray_digit_group(symbol: str) -> bool:
    """A ký hiệu group of digits alone ("QĐ-TT-5"): no abbreviation is spelled so (digits
    only follow letters, "QĐ-BCĐ138"); a letter OCR split off and misread ("TTg")."""
    body = re.sub(r"^\d{4}/", "", symbol)
    return any(g.isdigit() for g in re.split(r"[-/]", body))


def _word_min(words: list) -> float:
    return min((100.0 if w.conf < 0 else w.conf for w in words), default=0.0)


def _split_so_words(words: list) -> tuple[list, list]:
    """Words of a "Số:" line: (number words, symbol words); the "Số:" word dropped."""
    for i, w in enumerate(words[:3]):
        if re.sub(r"[\W_]", "", fold(w.text)) in ("so", "s6", "s0"):
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
