"""Vietnamese administrative document conventions (Nghị định 30/2020/NĐ-CP).

Tables (type names and codes of Phụ lục III, provinces, surnames, header words) and
pure string parsers: số và ký hiệu, the place-and-date line, type names, agency
lines and titles. Layout and confidence live in `extract.py`; nothing here touches
word boxes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from digitize.metadata.text import (
    best_match,
    exact_similarity,
    fold,
    has_vietnamese_marks,
    is_upper_text,
    normalise_ocr,
    squash_spaces,
)

# --- document types (Phụ lục III, plus legal and Party documents) -------------------

TYPE_CODES: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Bản sao y": "SY",
    "Bản trích sao": "TrS",
    "Bản sao lục": "SL",
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    "Kết luận": "KL",
    "Thông tri": "TTr",
    "Công văn": "CV",  # Party documents only; state công văn carry no type code
}
CONG_VAN = "Công văn"
# Type names that may head a document (Công văn has no heading).
TITLE_TYPES: tuple[str, ...] = tuple(
    t for t in TYPE_CODES if t not in (CONG_VAN, "Bản sao y", "Bản trích sao", "Bản sao lục")
)
# Code -> type; "TTr" is Tờ trình for state documents (Thông tri is Party-only).
TYPE_BY_CODE: dict[str, str] = {}
for _name, _code in TYPE_CODES.items():
    TYPE_BY_CODE.setdefault(_code, _name)
# Folded code -> the codes it may stand for (hd -> HD, HĐ).
CODES_BY_FOLD: dict[str, list[str]] = {}
for _code in TYPE_BY_CODE:
    CODES_BY_FOLD.setdefault(fold(_code), []).append(_code)

URGENCY = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")

# --- places -----------------------------------------------------------------------

PROVINCES: tuple[str, ...] = (
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "An Giang",
    "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định",
    "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh",
    "Buôn Ma Thuột", "Nha Trang", "Vinh", "Biên Hòa", "Vũng Tàu", "Đà Lạt", "Pleiku",
    "Quy Nhơn", "Hạ Long", "Thủ Dầu Một", "Long Xuyên", "Rạch Giá", "Mỹ Tho",
)  # fmt: skip

# --- people -------------------------------------------------------------------------

SURNAMES: tuple[str, ...] = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Mai", "Trịnh", "Đào", "Cao",
    "Lương", "Tô", "Hà", "Tạ", "Châu", "Thái", "Trương", "Quách", "La", "Lưu", "Phùng",
    "Vương", "Lại", "Kiều", "Triệu", "Văn", "Tăng", "Tôn", "Khúc", "Hứa", "Chu", "Giang",
    "Mạc", "Thân", "Doãn", "Nông", "Lò", "Lục", "Âu", "Ông", "Diệp", "Từ", "Tống", "Kim",
    "Bạch", "Mã", "Quan", "Khổng", "Nghiêm", "Đàm", "Trình", "Lã", "Thạch", "Hầu", "Đồng",
    "Cù", "Ninh", "Lò", "Sầm", "Hoa", "Kha", "Tiêu", "Viên", "Âu Dương",
)  # fmt: skip

# --- words of agency names and signer titles (capitals, as printed) ----------------

DELEGATIONS = ("TM.", "KT.", "TL.", "TUQ.", "Q.", "T/M", "K/T", "T/L")
TITLE_WORDS: tuple[str, ...] = (
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "THỦ TƯỚNG", "PHÓ THỦ TƯỚNG",
    "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
    "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "CHI CỤC TRƯỞNG", "HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG",
    "BÍ THƯ", "PHÓ BÍ THƯ", "THƯỜNG TRỰC", "TỔNG CỤC TRƯỞNG", "VIỆN TRƯỞNG", "CHÁNH THANH TRA",
    "TỔNG GIÁM ĐỐC", "TRƯỞNG ĐOÀN", "CHỦ NHIỆM", "TỔNG THƯ KÝ", "THỦ TRƯỞNG", "TRƯỞNG",
)  # fmt: skip
AGENCY_HEADS: tuple[str, ...] = (
    "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND", "SỞ", "BỘ",
    "BAN", "CỤC", "TỔNG CỤC", "CHI CỤC", "VỤ", "VIỆN", "TRUNG TÂM", "VĂN PHÒNG", "PHÒNG",
    "TRƯỜNG", "ĐẠI HỌC", "CÔNG AN", "BỘ CHỈ HUY", "THANH TRA", "KHO BẠC", "NGÂN HÀNG",
    "BẢO HIỂM", "ĐẢNG BỘ", "ĐẢNG ỦY", "TỈNH ỦY", "HUYỆN ỦY", "THÀNH ỦY", "QUẬN ỦY",
    "CHÍNH PHỦ", "THỦ TƯỚNG", "QUỐC HỘI", "HỘI", "ĐOÀN", "LIÊN ĐOÀN", "TÒA ÁN", "VIỆN KIỂM SÁT",
    "MẶT TRẬN", "CÔNG TY", "TỔNG CÔNG TY", "HỌC VIỆN", "BỆNH VIỆN", "KIỂM TOÁN", "ỦY BAN",
)  # fmt: skip
LOCALITIES: tuple[str, ...] = (
    "TỈNH",
    "THÀNH PHỐ",
    "HUYỆN",
    "QUẬN",
    "THỊ XÃ",
    "XÃ",
    "PHƯỜNG",
    "THỊ TRẤN",
    "TP.",
)
_OTHER_CAPS: tuple[str, ...] = (
    "NHÂN DÂN", "NỘI VỤ", "TÀI CHÍNH", "TÀI NGUYÊN", "MÔI TRƯỜNG", "GIÁO DỤC", "ĐÀO TẠO",
    "Y TẾ", "XÂY DỰNG", "GIAO THÔNG", "VẬN TẢI", "CÔNG THƯƠNG", "NÔNG NGHIỆP", "PHÁT TRIỂN",
    "NÔNG THÔN", "KẾ HOẠCH", "ĐẦU TƯ", "LAO ĐỘNG", "THƯƠNG BINH", "XÃ HỘI", "VĂN HÓA", "VĂN HOÁ",
    "THỂ THAO", "DU LỊCH", "THÔNG TIN", "TRUYỀN THÔNG", "KHOA HỌC", "CÔNG NGHỆ", "TƯ PHÁP",
    "NGOẠI VỤ", "DÂN TỘC", "QUẢN LÝ", "THUẾ", "NHÀ NƯỚC", "VÀ", "CỦA", "CẤP", "DỰ ÁN",
    "ĐẦU TƯ XÂY DỰNG", "KHU KINH TẾ", "CÔNG NGHIỆP", "HÀNH CHÍNH", "CÔNG", "ĐIỆN TỬ", "CỘNG SẢN",
    "VIỆT NAM", "QUÂN SỰ", "BIÊN PHÒNG", "DÂN CHỦ", "THANH NIÊN", "PHỤ NỮ", "NÔNG DÂN", "CỰU CHIẾN BINH",
    "HỘI ĐỒNG", "CHỈ ĐẠO", "NHÂN", "DÂN", "ĐỒNG", "VIỆC LÀM", "TỔ CHỨC", "TUYÊN GIÁO", "KIỂM TRA",
    "DÂN VẬN", "NỘI CHÍNH", "ĐOÀN THỂ", "ĐÔ THỊ", "CHÍNH TRỊ", "KINH TẾ", "BIỂN", "ĐẢO",
)  # fmt: skip


def _caps_phrases() -> dict[str, list[str]]:
    """Folded phrase -> printed capital forms, for restoring marks OCR dropped."""
    table: dict[str, list[str]] = {}
    words = (
        *TITLE_WORDS, *AGENCY_HEADS, *LOCALITIES, *_OTHER_CAPS,
        *(p.upper() for p in PROVINCES), *(t.upper() for t in TYPE_CODES), *URGENCY,
    )  # fmt: skip
    for phrase in words:
        forms = table.setdefault(fold(phrase), [])
        if phrase not in forms:
            forms.append(phrase)
    return table


CAPS_PHRASES = _caps_phrases()
_MAX_PHRASE = max(len(k.split()) for k in CAPS_PHRASES)


# One-word phrases that name their own context (a locality, an agency head, a title):
# OCR's mark slips on them are repaired ("TĨNH" -> "TỈNH") unless the document spells
# the word's neighbourhood as OCR read it ("HUYỆN GIA VIỄN" with "Gia Viễn" in the date
# line is no "VIỆN"). Other one-word entries ("ĐỒNG", "CÔNG") stand for many words: a
# marked syllable OCR read there is kept, since "ĐÔNG ANH" is as likely as "ĐỒNG ANH".
_STRONG_SINGLE = frozenset(
    fold(w) for w in (*AGENCY_HEADS, *LOCALITIES, *TITLE_WORDS, *URGENCY) if len(w.split()) == 1
)
# Words of the known phrases, for splitting glued tokens ("NHANDAN" -> "NHAN DAN").
_PHRASE_WORDS = frozenset(w for key in CAPS_PHRASES for w in key.split())


@dataclass(slots=True, frozen=True)
class CapsEvidence:
    """What the rest of the document says about spellings: its capital words as
    printed, and its lowercased word pairs (a line's own pairs are counted once)."""

    words: Mapping[str, int]
    pairs: Mapping[str, int]


_NO_EVIDENCE = CapsEvidence({}, {})


@dataclass(slots=True)
class CapsReading:
    """A capitals line read against the known header phrases."""

    tokens: list[str]
    covered: list[bool]  # token belongs to a known phrase
    changed: int = 0  # words whose marks were restored
    unknown: int = 0  # tokens with letters no phrase covered
    ambiguous: int = 0  # restorations that chose between equally likely forms (ỦY / UỶ)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _form_score(form: str, prefer: Mapping[str, int]) -> int:
    """How often the document itself prints the words of `form` (its own spelling)."""
    return sum(prefer.get(w, 0) for w in form.split())


def _outvoted(printed: str, other: str, words: Mapping[str, int]) -> bool:
    """True when the document prints the words where `other` differs from `printed`
    more often than it prints those of `printed` (this occurrence not counted)."""
    mine = [w for w in printed.split() if w not in other.split()]
    theirs = [w for w in other.split() if w not in printed.split()]
    return sum(words.get(w, 0) for w in theirs) > sum(max(words.get(w, 0) - 1, 0) for w in mine)


def _neighbour_support(tokens: list[str], i: int, word: str, pairs: Mapping[str, int], own: int) -> int:
    """How often the document pairs `word` with the token's neighbours (minus `own`,
    the line's own count of them)."""
    before = tokens[i - 1] if i else None
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    total = 0
    for a, b in ((before, word), (word, after)):
        if a and b:
            total += max(pairs.get(f"{a} {b}".lower().strip(",;:"), 0) - own, 0)
    return total


def _split_glued(tokens: list[str]) -> list[str]:
    """Split capital tokens OCR glued together when both halves are phrase words."""
    from digitize.metadata.syllables import known_syllable

    out: list[str] = []
    for tok in tokens:
        key = fold(tok)
        glued = len(tok) >= 5 and tok.isalpha() and tok.isupper()
        if glued and key not in _PHRASE_WORDS and not known_syllable(tok):
            halves = [(key[:k], key[k:]) for k in range(2, len(tok) - 1)]
            cuts = [len(a) for a, b in halves if a in _PHRASE_WORDS and b in _PHRASE_WORDS]
            if len(cuts) == 1:
                out += [tok[: cuts[0]], tok[cuts[0] :]]
                continue
        out.append(tok)
    return out


def read_caps(text: str, evidence: CapsEvidence | None = None) -> CapsReading:
    """Restore known header phrases in a line of capitals; see `restore_caps`."""
    from digitize.metadata.syllables import known_syllable

    ev = evidence or _NO_EVIDENCE
    tokens = _split_glued(text.split())
    reading = CapsReading([], [])
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            chunk = tokens[i : i + n]
            core = [t.strip(",;:") for t in chunk]
            key = fold(" ".join(core))
            forms = CAPS_PHRASES.get(key)
            if not forms or not is_upper_text(" ".join(core), threshold=0.99):
                continue
            printed = " ".join(core)
            if printed not in forms and n == 1:
                marked = has_vietnamese_marks(printed) and known_syllable(printed)
                if marked and key not in _STRONG_SINGLE:
                    continue  # a real syllable, read with its marks: not this phrase's word
                # the document pairs the word as printed with its neighbours ("Triệu
                # Phong" in the date line: "TRIỆU PHONG" is no "PHÒNG")
                own = _neighbour_support(tokens, i, printed, ev.pairs, 1)
                if own > max(_neighbour_support(tokens, i, f, ev.pairs, 0) for f in forms):
                    continue
            if printed in forms and len(forms) > 1:
                # "ỦY" here, "UỶ" in the rest of the document's capitals: one is misread
                reading.ambiguous += any(_outvoted(printed, f, ev.words) for f in forms if f != printed)
            if printed not in forms:
                ranked = sorted(
                    ((_form_score(f, ev.words), exact_similarity(f, printed), f) for f in forms), reverse=True
                )
                if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
                    reading.ambiguous += ranked[0][1] - ranked[1][1] < 0.05
                fixed = ranked[0][2].split()
                reading.changed += sum(a != b for a, b in zip(core, fixed, strict=True))
                chunk = [f + t[len(t.rstrip(",;:")) :] for f, t in zip(fixed, chunk, strict=True)]
            reading.tokens.extend(chunk)
            reading.covered.extend([True] * n)
            i += n
            break
        else:
            reading.tokens.append(tokens[i])
            reading.covered.append(False)
            reading.unknown += any(c.isalpha() for c in tokens[i])
            i += 1
    return reading


def restore_caps(text: str, evidence: CapsEvidence | None = None) -> tuple[str, int]:
    """Put back tone marks on a line of capitals from known header phrases.

    "TINH QUANG NGAI" -> "TỈNH QUẢNG NGÃI", "QUYÉT ĐỊNH" -> "QUYẾT ĐỊNH". A word the
    OCR printed in one of the known forms is kept ("UỶ" and "ỦY" both stand); between
    equally likely forms, the one the document's own capital words use is taken
    (`evidence`). Returns the text and how many words were changed.
    """
    reading = read_caps(text, evidence)
    return reading.text, reading.changed


def caps_check(text: str, evidence: CapsEvidence | None = None) -> tuple[bool, bool]:
    """(every word belongs to a known header phrase, some restoration was a coin toss)."""
    reading = read_caps(text, evidence)
    return reading.unknown == 0, reading.ambiguous > 0


def upper_caps_line(text: str) -> str:
    """A capitals line with OCR's stray small letters raised ("CHiNH PHU" -> "CHINH PHU").

    Only words that are mostly capitals already change, so abbreviations such as
    "TTg" or "TP." keep their case.
    """

    def fix(word: str) -> str:
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 4 or word.isupper() or not word.strip(".,;:").isalpha():
            return word
        upper = sum(c.isupper() for c in letters)
        return word.upper() if upper >= len(letters) - 1 and word[:1].isupper() else word

    return " ".join(fix(w) for w in text.split())


# --- số và ký hiệu ------------------------------------------------------------------


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
_SO_PREFIX = re.compile(r"^[\W_]*(?:s[o0ôốồổỗộóòỏõọơ6]|5ố|sỐ)\s*[:;.,]?\s*", re.IGNORECASE)


def strip_so_prefix(text: str) -> tuple[str, bool]:
    """Remove a leading "Số:" (as OCR renders it); say whether one was there."""
    m = _SO_PREFIX.match(text)
    if m and (":" in m.group(0) or fold(m.group(0)).strip().startswith("so")):
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


KNOWN_AGENCY_CODES: tuple[str, ...] = (
    "UBND", "HĐND", "SGDĐT", "BGDĐT", "GDĐT", "LĐTBXH", "SLĐTBXH", "BLĐTBXH", "BCĐ", "NĐ",
    "CĐ", "ĐU", "ĐTN", "HĐQT", "VPCP", "TTg", "BNV", "SNV", "STNMT", "BTNMT", "VP", "TU", "HU",
    "BTC", "STC", "BTTTT", "STTTT", "BKHĐT", "SKHĐT", "BXD", "SXD", "BYT", "SYT", "BCT", "SCT",
    "BNNPTNT", "SNNPTNT", "BVHTTDL", "SVHTTDL", "BTP", "STP", "BGTVT", "SGTVT", "BCA", "BQP",
    "KGVX", "KTTH", "KTN", "NC", "TTHC", "VX", "KT", "TH", "CTrTT", "QLĐT", "VPUB", "ĐĐBQH",
)  # fmt: skip
_AGENCY_BY_FOLD = {fold(c): c for c in KNOWN_AGENCY_CODES}


def initials(agency: str) -> str:
    """Letter initials of an agency name: "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "SGDĐT"."""
    words = [w for w in re.findall(r"[^\W\d_]+", agency) if fold(w) not in ("va", "cua")]
    return "".join("Đ" if w[0] in "Đđ" else fold(w[0]).upper() for w in words)


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


# --- place and date -----------------------------------------------------------------

_DATE_LINE = re.compile(
    r"^(?P<place>.*?)[\s,.;]*\b(?:ngay|ngy|ngav|ngoy)(?!en)(?P<day>.*?)"
    r"\b(?:thang|thing|thong|thcing|thanq|thaug|tbang)(?P<month>.*?)"
    r"\b(?:nam|narn|nim|nom|n\wm)\s*(?P<year>\S*)\s*$"
)


# The same line when OCR garbled the word "tháng" beyond the spellings above ("ngày 04
# Tin 9 nam 2021"): only with clean numbers on both sides of the one damaged word.
_DATE_LINE_LOOSE = re.compile(
    r"^(?P<place>.*?)[\s,.;]*\b(?:ngay|ngy|ngav|ngoy)(?!en)\s*(?P<day>\d{1,2})"
    r"\s+[^\W\d_]{1,6}\s+(?P<month>\d{1,2})"
    r"\s+(?:nam|narn|nim|nom|n\wm)\s*(?P<year>\d{4})\s*$"
)


@dataclass(slots=True, frozen=True)
class DateLine:
    """The parts of "<place>, ngày DD tháng MM năm YYYY" as printed (day may be junk);
    `damaged` when the word "tháng" was unreadable."""

    place: str
    day_raw: str
    month_raw: str
    year_raw: str
    damaged: bool = False


def split_date_line(text: str) -> DateLine | None:
    """Split a place-date line into its raw parts; None when it is not one."""
    text = normalise_ocr(squash_spaces(text))
    m = _DATE_LINE.match(fold(text))
    damaged = m is None
    if m is None:
        m = _DATE_LINE_LOOSE.match(fold(text))
    if not m:
        return None
    place = text[: m.end("place")].strip(" ,.;:-")
    return DateLine(
        place=place,
        day_raw=text[m.start("day") : m.end("day")].strip(),
        month_raw=text[m.start("month") : m.end("month")].strip(),
        year_raw=text[m.start("year") : m.end("year")].strip(),
        damaged=damaged,
    )


def read_int(raw: str, lo: int, hi: int) -> tuple[int | None, bool]:
    """An integer in [lo, hi] from an OCR token; (value, clean) where clean = no repair."""
    token = re.sub(r"[\s.,;:]+", "", raw)
    if token.isdigit():
        value = int(token)
        return (value, True) if lo <= value <= hi else (None, False)
    value_s, _ = read_number(token)
    if value_s and len(value_s) <= len(str(hi)):
        value = int(value_s)
        return (value, False) if lo <= value <= hi else (None, False)
    return None, False


def valid_date(year: int, month: int, day: int) -> date | None:
    """A real calendar date or None."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date_line(place: str, d: date, *, leading_zero: bool = True) -> str:
    """Print a header date line the way Nghị định 30 does (used by tests)."""
    day = f"{d.day:02d}" if leading_zero else str(d.day)
    month = f"{d.month:02d}" if leading_zero and d.month <= 2 else str(d.month)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def canonical_place(place: str) -> tuple[str, bool]:
    """Restore a known place name's marks ("Quang Ngai" -> "Quảng Ngãi"); (value, known)."""
    tokens = squash_spaces(place).split()
    while tokens and not any(c.isalnum() and not unicodedata.category(c).startswith("Lm") for c in tokens[0]):
        tokens.pop(0)  # "ˆ Hà Nội": a speck read as a modifier letter
    place = " ".join(tokens).strip(" ,.;:")
    for name in PROVINCES:
        if fold(name) == fold(place):
            if place == name or place.replace("oà", "òa").replace("oá", "óa") == name:
                return place, True
            return name, True
    return place, False


# --- type names, titles, names ------------------------------------------------------


def match_type_name(text: str, *, cutoff: float = 0.8) -> tuple[str, float] | None:
    """Type heading ("QUYÉT ĐỊNH") -> ("Quyết định", score) on folded, fuzzy text."""
    core = re.sub(r"[^\w\s]", " ", text)
    core = squash_spaces(core)
    if not core or len(core) > 30:
        return None
    return best_match(core, TITLE_TYPES, cutoff=cutoff)


_DELEGATION = re.compile(r"^\W*(?:(?P<a>[TK])\s*/\s*(?P<b>[MTL])\b\.?|(?P<dot>TM|KT|TL|TUQ|Q)\s*[.,:])\s*")
_DELEGATION_KINDS = {"TM": "TM.", "KT": "KT.", "TL": "TL.", "TUQ": "TUQ.", "Q": "Q."}


def _delegation_match(line: str) -> tuple[str, str, int] | None:
    """(kind "KT.", printed "K/T" or "KT.", end index) of a leading delegation prefix."""
    m = _DELEGATION.match(line.upper())
    if not m:
        return None
    if m["dot"]:
        kind = _DELEGATION_KINDS[m["dot"]]
        return kind, kind, m.end()
    key = m["a"] + m["b"]
    if key not in _DELEGATION_KINDS:
        return None
    return _DELEGATION_KINDS[key], f"{m['a']}/{m['b']}", m.end()


def delegation_of(line: str) -> str | None:
    """The delegation a title line starts with, as "TM.", "KT.", "TL.", "TUQ." or "Q."

    Older documents print "T/M", "K/T", "T/L"; they map to the same kinds.
    """
    found = _delegation_match(line)
    return found[0] if found else None


class TitleLine(NamedTuple):
    """A signer title line as normalised, and how much of it was read as printed."""

    text: str
    repairs: int  # words whose marks or letters were put back
    snapped: bool = False  # snapped to the nearest known position ("GIAM DOG" -> "GIÁM ĐỐC")
    coin_toss: bool = False  # marks restored by picking one of equally likely forms (ỦY/UỶ)
    unknown: bool = False  # words no known title or agency phrase accounts for


def normalise_title_line(line: str, evidence: CapsEvidence | None = None) -> TitleLine:
    """ "KT, CHU TICH" -> "KT. CHỦ TỊCH", "K/T GIAM DOC" -> "K/T GIÁM ĐỐC".

    `evidence` is what the rest of the document spells (see `restore_caps`).
    """
    line = squash_spaces(line).strip(" -_,;:|'`")
    found = _delegation_match(line)
    if not found:
        return _fix_title(line, evidence)
    _, printed, end = found
    body = _fix_title(line[end:], evidence)
    repairs = body.repairs + (not line.upper().startswith(printed))
    return body._replace(text=f"{printed} {body.text}".strip(), repairs=repairs)


def _fix_title(text: str, evidence: CapsEvidence | None) -> TitleLine:
    """Restore marks from known phrases, or snap a nearly known position ("PHÓ CHỦ TỊC")
    to its spelling; say how the line was read."""
    text = text.strip()
    reading = read_caps(text, evidence)
    restored, changed, coin_toss = reading.text, reading.changed, reading.ambiguous > 0
    if restored in TITLE_WORDS or not reading.unknown or not text:
        return TitleLine(restored, changed, coin_toss=coin_toss)
    found = best_match(restored, TITLE_WORDS, cutoff=0.85)
    if found:
        return TitleLine(found[0], changed + 1, snapped=True)
    return TitleLine(restored, changed, coin_toss=coin_toss, unknown=True)


def title_score(line: str) -> float:
    """How much a caps line looks like a signer's title line, 0..1."""
    if not line or not is_upper_text(line, threshold=0.7):
        return 0.0
    if delegation_of(line):
        return 1.0
    body = squash_spaces(re.sub(r"[^\w\s]", " ", line))
    found = best_match(body, TITLE_WORDS, cutoff=0.85)
    return found[1] if found else 0.0


_KT_DEPUTY = {"BỘ TRƯỞNG": "THỨ TRƯỞNG", "HIỆU TRƯỞNG": "PHÓ HIỆU TRƯỞNG"}


def deputy_title(kt_line: str) -> str | None:
    """The signer's own title implied by "KT. X" (ký thay: a deputy signs for X).

    "KT. CHỦ TỊCH" -> "PHÓ CHỦ TỊCH", "KT. BỘ TRƯỞNG" -> "THỨ TRƯỞNG". None unless X is a
    known position.
    """
    found = _delegation_match(kt_line)
    if not found or found[0] != "KT.":
        return None
    head = squash_spaces(kt_line.upper()[found[2] :])
    if head not in TITLE_WORDS or head.startswith("PHÓ "):
        return None
    return _KT_DEPUTY.get(head, f"PHÓ {head}")


# Name syllables that are common without any mark. Another unmarked syllable in a name
# ("Van", "Hanh", "Xuan") usually means OCR dropped its marks (Văn, Hạnh, Xuân).
UNMARKED_NAME_SYLLABLES = frozenset(
    {
        "nhung",
        "oanh",
        "an",
        "anh",
        "ba",
        "bang",
        "chi",
        "chung",
        "danh",
        "dung",
        "giang",
        "hoa",
        "huy",
        "kha",
        "khang",
        "khoa",
        "kim",
        "la",
        "lan",
        "linh",
        "loan",
        "long",
        "mai",
        "minh",
        "nam",
        "nga",
        "nhi",
        "ninh",
        "phi",
        "phong",
        "quang",
        "sang",
        "sinh",
        "thanh",
        "thu",
        "tin",
        "toan",
        "trang",
        "trung",
        "vinh",
        "y",
        "ka",
        "h",
        "k",
    }
)


def doubtful_name_words(name: str) -> list[str]:
    """Syllables of a personal name (after the surname) that probably lost their marks."""
    words = name.split()[1:]
    return [w for w in words if not has_vietnamese_marks(w) and fold(w) not in UNMARKED_NAME_SYLLABLES]


def repair_surname(word: str) -> tuple[str, str] | None:
    """Match the first word of a personal name against common surnames.

    Returns (surname, how): "as-read", "marks" (only marks differ: "Tran" -> "Trần",
    a safe repair) or "fuzzy" ("ran" -> "Trần": letters were lost, weak evidence).
    """
    if word in SURNAMES:
        return word, "as-read"
    same = [s for s in SURNAMES if fold(s) == fold(word)]
    if len(same) == 1:
        return same[0], "marks"
    found = best_match(word, SURNAMES, cutoff=0.75)
    return (found[0], "fuzzy") if found else None


# --- agency lines -------------------------------------------------------------------

_HEADS_FOLDED = tuple(sorted({fold(h) for h in AGENCY_HEADS}, key=len, reverse=True))
_LOCALITY_FOLDED = tuple(fold(x).rstrip(".") for x in LOCALITIES)


def _starts_agency(line: str) -> bool:
    """True when a caps line opens an agency name (SỞ ..., TỈNH ỦY, BỘ ...)."""
    key = fold(line).strip(" -.")
    if re.match(rf"^(?:{'|'.join(_LOCALITY_FOLDED)})\s+uy\b", key):
        return True  # TỈNH ỦY, HUYỆN ỦY, THÀNH ỦY
    return any(key == h or key.startswith(h + " ") for h in _HEADS_FOLDED)


def _incomplete(unit: str) -> bool:
    """An agency name that must go on: ends with VÀ/CỦA/-, or a bare council name."""
    key = fold(unit).strip()
    if re.search(r"(?:\bva|\bcua|[-,&])$", key):
        return True
    return key in ("uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd", "uy ban")


def split_agencies(lines: list[str]) -> list[str]:
    """Group the header's agency lines into names: [parent, ..., issuer].

    ["UBND TỈNH NINH BÌNH", "SỞ TÀI NGUYÊN VÀ", "MÔI TRƯỜNG"] ->
    ["UBND TỈNH NINH BÌNH", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"];
    ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"] -> ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"].
    """
    return [" ".join(squash_spaces(lines[i]) for i in unit) for unit in group_agencies(lines)]


def group_agencies(lines: list[str]) -> list[list[int]]:
    """`split_agencies` as the indices of the lines each name is made of."""
    units: list[list[int]] = []
    for i, line in enumerate(squash_spaces(x) for x in lines):
        if not line:
            continue
        joined = " ".join(squash_spaces(lines[j]) for j in units[-1]) if units else ""
        if units and not (_starts_agency(line) and not _incomplete(joined)):
            units[-1].append(i)
        else:
            units.append([i])
    return units
