"""Capital lines of the header and signer block: tone marks restored from known phrases.

Agency names, title lines and type headings are printed in capitals from a small stock
of phrases (the tables of `data/`); OCR drops or slips their marks ("TINH QUANG NGAI").
`read_caps` puts them back, weighing what the rest of the document spells.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digitize.metadata.tables import (
    AGENCY_HEADS,
    AGENCY_WORDS,
    LOCALITIES,
    PROVINCES,
    TITLE_WORDS,
    TYPE_CODES,
    URGENCY,
)
from digitize.metadata.text import exact_similarity, fold, has_vietnamese_marks, is_upper_text, squash_spaces


def _caps_phrases() -> dict[str, list[str]]:
    """Folded phrase -> printed capital forms, for restoring marks OCR dropped."""
    table: dict[str, list[str]] = {}
    words = (
        *TITLE_WORDS, *AGENCY_HEADS, *LOCALITIES, *AGENCY_WORDS,
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


def caps_words(texts: Iterable[str]) -> Counter[str]:
    """Capital words (two letters or more) the document prints, as printed."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in re.findall(r"[^\W\d_]{2,}", text):
            if word.isupper():
                counts[word] += 1
    return counts


def clean_caps(text: str) -> str:
    """Trim OCR debris around a caps line ("PHÒNG NỘI VỤ ˆ": a speck read as a modifier
    letter); a trailing '-' continues on the next line."""
    tokens = squash_spaces(text).split()
    while tokens and speck(tokens[0]):
        tokens.pop(0)
    while tokens and speck(tokens[-1]) and tokens[-1] not in ("-", "–"):
        tokens.pop()
    return " ".join(tokens).lstrip(" -_.,;:|'`~—").rstrip(" _.,;:|'`~—")


def speck(token: str) -> bool:
    """A token with no letter or digit of a word: marks alone ("ˆ", "|", "'", "~")."""
    return not any(c.isalnum() and not unicodedata.category(c).startswith("Lm") for c in token)


def known_caps(word: str) -> bool:
    """True when `word` is a word of some known header phrase (marks aside)."""
    return any(fold(word) in key.split() for key in CAPS_PHRASES)
