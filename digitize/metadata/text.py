"""Vietnamese text helpers: NFC, folding, OCR repairs and similarity.

Everything here is small and pure. `fold` is the comparison key used across the project
(metadata matching and search): lowercase, tone marks and vowel marks removed, đ -> d.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Characters tesseract and PDF producers emit in place of the Vietnamese/ASCII ones.
_OCR_CHAR_FIXES = str.maketrans(
    {
        "\u00d0": "Đ",  # Icelandic ETH looks like Đ
        "\u00f0": "đ",
        "\u0189": "Đ",  # African D
        "\u2044": "/",  # fraction slash
        "\u2215": "/",  # division slash
        "\uff0f": "/",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\ufb01": "fi",
        "\ufb02": "fl",
    }
)

# Combining marks: the five tones and the three vowel marks.
TONE_MARKS = {
    "\u0301": "sac",
    "\u0300": "huyen",
    "\u0309": "hoi",
    "\u0303": "nga",
    "\u0323": "nang",
}
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (the form every stored string uses)."""
    return unicodedata.normalize("NFC", text)


def _fold_char(ch: str) -> str:
    if ch in "đĐÐð":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    low = base.lower()
    if len(low) == 1:
        return low
    return base if len(base) == 1 else ch  # keep one character per character


# Every precomposed Latin letter folds through one table: str.translate runs in C, which
# matters for search snippets and indexing (the per-character path was ~2 µs a character).
_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for block in (range(0x00C0, 0x2000), range(0x2100, 0x2200))
    for cp in block
    if _fold_char(chr(cp)) != chr(cp) and chr(cp).lower() != _fold_char(chr(cp))
}


def fold(text: str) -> str:
    """Comparison key: lowercase, tone and vowel marks removed, đ -> d.

    On NFC input the result has one character per input character, so an index found
    in the folded text points at the same place in the original.

    >>> fold("Quyết định số 15/QĐ-BNV")
    'quyet dinh so 15/qd-bnv'
    """
    folded = nfc(text).translate(_FOLD_TABLE)
    return folded.lower() if folded.isascii() else "".join(
        low if len(low := ch.lower()) == 1 else ch for ch in folded
    )


def normalise_ocr(text: str) -> str:
    """NFC plus repairs of characters OCR and PDFs get wrong (Ð -> Đ, ⁄ -> /, ...).

    Whitespace runs inside a line collapse to one space; line breaks are kept.
    """
    text = nfc(text).translate(_OCR_CHAR_FIXES)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def squash_spaces(text: str) -> str:
    """Collapse all whitespace (line breaks included) to single spaces."""
    return " ".join(text.split())


def strip_tones(text: str) -> str:
    """Remove the five tone marks but keep â ă ê ô ơ ư đ (for syllable checks)."""
    nfd = unicodedata.normalize("NFD", text)
    return nfc("".join(c for c in nfd if c not in TONE_MARKS))


def tones(word: str) -> list[str]:
    """Names of the tone marks present in `word` (normally zero or one)."""
    return [TONE_MARKS[c] for c in unicodedata.normalize("NFD", word) if c in TONE_MARKS]


def has_vietnamese_marks(word: str) -> bool:
    """True when `word` carries any tone or vowel mark, or đ."""
    if "đ" in word.lower():
        return True
    nfd = unicodedata.normalize("NFD", word)
    return any(c in TONE_MARKS or c in _VOWEL_MARKS for c in nfd)


def is_upper_text(text: str, *, threshold: float = 0.8) -> bool:
    """True when at least `threshold` of the letters are capitals (a caps line)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= threshold


_CHECKED_FINAL = re.compile(r"(?:p|t|c|ch)$")
_VOWELS = set("aăâeêioôơuưy")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?"
)


def is_plausible_syllable(word: str) -> bool:
    """Cheap phonotactic check of one Vietnamese syllable (letters only, any case).

    Flags typical OCR slips: letters outside the Vietnamese alphabet or a shape no
    syllable has ("Äguyến", "xir"), a checked syllable (ending p/t/c/ch) without
    sắc/nặng ("dat", "quyêt"), a bare `ie`/`ye`/`uo` nucleus ("tiép"), two tone marks.
    Words with non-letters, or all caps up to 4 letters (abbreviations), pass: they are
    not syllables.
    """
    if not word.isalpha():
        return True
    if word.isupper() and len(word) <= 4:
        return True
    low = word.lower()
    marks = tones(low)
    if len(marks) > 1:
        return False
    base = strip_tones(low)
    if not _SYLLABLE.fullmatch(base):
        return False
    if _CHECKED_FINAL.search(base) and (not marks or marks[0] not in ("sac", "nang")):
        return False
    return not re.search(r"[iy]e|uo", base.replace("qu", "q"))


def implausible_words(text: str) -> list[str]:
    """Lowercase-led words of `text` that fail `is_plausible_syllable`."""
    words = re.findall(r"[^\W\d_]+", text)
    return [w for w in words if w[:1].islower() and not is_plausible_syllable(w)]


def unknown_words(text: str) -> list[str]:
    """Words of `text` that tesseract's Vietnamese dictionary does not know ("Dé", "dip").

    Abbreviations (all caps, or capitals after the first letter: "TTg") are skipped.
    """
    from digitize.metadata.syllables import known_syllable

    words = re.findall(r"[^\W\d_]+", text)
    return [w for w in words if not any(c.isupper() for c in w[1:]) and not known_syllable(w)]


def similarity(a: str, b: str) -> float:
    """Similarity 0..1 of two strings compared on their folded forms."""
    from rapidfuzz import fuzz  # here, not at the top: search imports this module, not rapidfuzz

    return fuzz.ratio(fold(a), fold(b)) / 100.0


def exact_similarity(a: str, b: str) -> float:
    """Similarity 0..1 of two strings compared as written (NFC, spaces squashed)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(squash_spaces(nfc(a)), squash_spaces(nfc(b))) / 100.0


def best_match(text: str, choices: Iterable[str], *, cutoff: float = 0.8) -> tuple[str, float] | None:
    """The choice most similar to `text` on folded forms, if it reaches `cutoff`."""
    from rapidfuzz import fuzz, process

    options = list(choices)
    if not options:
        return None
    folded = [fold(c) for c in options]
    found = process.extractOne(fold(text), folded, scorer=fuzz.ratio, score_cutoff=cutoff * 100)
    if found is None:
        return None
    return options[found[2]], found[1] / 100.0


def starts_like(text: str, phrase: str, *, cutoff: float = 0.8) -> float:
    """How well the start of `text` matches `phrase` (folded), 0 when below `cutoff`."""
    from rapidfuzz import fuzz

    key = fold(phrase)
    head = fold(text)[: len(key) + 1]
    score = max(fuzz.ratio(head[: len(key)], key), fuzz.ratio(head, key)) / 100.0
    return score if score >= cutoff else 0.0
