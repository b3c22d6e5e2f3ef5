"""Repair dropped tone marks from the document's own text (a per-document lexicon).

Tesseract is confident about some slips ("lang phí" for "lãng phí", "Quang Ngai" for
"Quảng Ngãi", conf 95). The same words usually recur in the body, mostly read right.
So a word pair in a header field whose folded form occurs elsewhere in the document
in another marked form, clearly more often, is rewritten to that form; a single word
that is clearly outnumbered is only reported as doubtful (single words are ambiguous:
"chi" and "chỉ" are both common).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from digitize.metadata.text import (
    fold,
    has_vietnamese_marks,
    is_plausible_syllable,
    nfc,
)

_WORD = re.compile(r"[^\W\d_]+")
# A pair must be seen at least this often, and this many times more than the printed one.
MIN_SEEN = 2
MIN_RATIO = 2.0
DOUBT_RATIO = 3.0
KNOWN_WEIGHT = 5
# Evidence strong enough to take a mark away.
STRONG_SEEN = 3
STRONG_RATIO = 3.0
# Very common words of administrative prose whose unmarked spelling is (almost) never
# right in lowercase running text: "thang 01" is "tháng 01", "nhiem ky" is "nhiệm kỳ".
MARKLESS_SUSPECTS = frozenset(
    {
        "thang",
        "nam",
        "ngay",
        "huyen",
        "viec",
        "cua",
        "duoc",
        "cac",
        "ve",
        "de",
        "dieu",
        "ky",
        "nhiem",
        "quyet",
        "dinh",
        "thuc",
        "hien",
        "tren",
        "dia",
        "cong",
        "tac",
        "chuc",
        "nhan",
        "dan",
        "dong",
        "nghi",
        "te",
        "nguoi",
        "nhung",
        "phat",
        "trien",
    }
)


# "thang 01/2025", "nam 2024", "ngay 05": before a number these can only be the date words.
_DATE_WORDS = {"thang": "tháng", "nam": "năm", "ngay": "ngày"}
_DATE_WORD = re.compile(r"\b(?:thang|nam|ngay)(?=\s+\d)")


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(nfc(text)))


def _pairs(text: str) -> Iterable[tuple[re.Match[str], re.Match[str]]]:
    words = _words(text)
    for a, b in pairwise(words):
        if text[a.end() : b.start()].strip() == "":
            yield a, b


def _recase(form: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return form.upper()
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def mark_count(word: str) -> int:
    """Number of marks on a word: tone and vowel marks, plus one for each đ."""
    nfd = unicodedata.normalize("NFD", word.lower())
    return sum(unicodedata.combining(c) > 0 for c in nfd) + nfd.count("đ")


def _acceptable(old: str, new: str, strong: bool) -> bool:
    """Add marks OCR dropped, swap a mark it misread, fix an impossible syllable; remove
    a mark only on strong evidence and never down to a bare word (OCR drops marks far
    more often than it invents them, so a bare majority is usually the OCR's own slip)."""
    if not is_plausible_syllable(old):
        return is_plausible_syllable(new)
    if not has_vietnamese_marks(new):
        return False
    return mark_count(new) >= mark_count(old) or strong


class DocumentLexicon:
    """Counts of the word forms and word pairs a document uses (lowercased)."""

    def __init__(self, texts: Iterable[str], known: Iterable[str] = ()) -> None:
        """Count `texts`; `known` names (places) count as seen KNOWN_WEIGHT times each."""
        self.words: Counter[str] = Counter()
        self.pairs: Counter[str] = Counter()
        self.by_fold: dict[str, Counter[str]] = {}
        self.words_by_fold: dict[str, Counter[str]] = {}
        for text in texts:
            text = nfc(text)
            for m in _words(text):
                word = m.group().lower()
                self.words[word] += 1
                self.words_by_fold.setdefault(fold(word), Counter())[word] += 1
            for a, b in _pairs(text):
                pair = f"{a.group()} {b.group()}".lower()
                self.pairs[pair] += 1
                self.by_fold.setdefault(fold(pair), Counter())[pair] += 1
        for name in known:
            parts = nfc(name).lower().split()
            for pair in (" ".join(p) for p in pairwise(parts)):
                self.pairs[pair] += KNOWN_WEIGHT
                self.by_fold.setdefault(fold(pair), Counter())[pair] += KNOWN_WEIGHT

    def _better_pair(self, pair: str) -> tuple[str, bool] | None:
        """The dominant spelling of a word pair, and whether it dominates strongly."""
        forms = self.by_fold.get(fold(pair))
        if not forms:
            return None
        best, seen = forms.most_common(1)[0]
        own = max(forms.get(pair, 0), 1)
        if best != pair and seen >= MIN_SEEN and seen >= MIN_RATIO * own:
            return best, seen >= STRONG_SEEN and seen >= STRONG_RATIO * own
        return None

    def _better_word(self, word: str) -> str | None:
        """For a syllable that cannot be Vietnamese, the document's dominant valid form."""
        if is_plausible_syllable(word):
            return None
        forms = self.words_by_fold.get(fold(word))
        valid = [(c, w) for w, c in (forms or {}).items() if is_plausible_syllable(w)]
        if not valid:
            return None
        seen, best = max(valid)
        return best if seen >= MIN_SEEN else None

    def repair(self, text: str) -> tuple[str, int]:
        """Rewrite word pairs to the document's dominant spelling; (text, words changed)."""
        text = nfc(text)
        edits: dict[int, tuple[int, str]] = {}
        for a, b in _pairs(text):
            found = self._better_pair(f"{a.group()} {b.group()}".lower())
            if found is None:
                continue
            wa, wb = found[0].split(" ")
            for m, w in ((a, wa), (b, wb)):
                if w != m.group().lower() and _acceptable(m.group().lower(), w, found[1]):
                    edits[m.start()] = (m.end(), _recase(w, m.group()))
        for m in _words(text):
            better_word = self._better_word(m.group())
            if m.start() not in edits and better_word:
                edits[m.start()] = (m.end(), _recase(better_word, m.group()))
        for m in _DATE_WORD.finditer(text):
            if m.start() not in edits:
                edits[m.start()] = (m.end(), _recase(_DATE_WORDS[m.group().lower()], m.group()))
        out, pos = [], 0
        for start in sorted(edits):
            end, word = edits[start]
            out += [text[pos:start], word]
            pos = end
        out.append(text[pos:])
        return "".join(out), len(edits)

    def _outnumbered(self, a: str, b: str) -> bool:
        """A printed word pair the document clearly spells otherwise (repaired or not)."""
        pair = f"{a} {b}".lower()
        forms = self.by_fold.get(fold(pair))
        if not forms:
            return False
        best, seen = forms.most_common(1)[0]
        return best != pair and seen >= MIN_SEEN and seen >= MIN_RATIO * max(forms[pair], 1)

    def doubtful(self, text: str) -> list[str]:
        """Words that look misread: a known suspect ("thang" for "tháng"), a pair the
        document spells otherwise, or a D- word whose Đ- twin the document uses at least
        DOUBT_RATIO times as often, unless a neighbouring pair recurs as printed.
        """
        found = [b.group() for a, b in _pairs(text) if self._outnumbered(a.group(), b.group())]
        words = _words(text)
        for i, m in enumerate(words):
            word = m.group().lower()
            if word in MARKLESS_SUSPECTS:
                found.append(m.group())
                continue
            rivals = Counter(self.words_by_fold.get(fold(word), {}))
            rivals.pop(word, None)
            # OCR reads Đ as D; other single words are too ambiguous to doubt (giai/giải)
            richer = {w: c for w, c in rivals.items() if word[0] == "d" and w[0] == "đ"}
            if not richer or sum(richer.values()) < DOUBT_RATIO * max(self.words[word], 1):
                continue
            context = [
                f"{a.group()} {b.group()}".lower()
                for a, b in zip(words[max(i - 1, 0) : i + 1], words[i : i + 2], strict=False)
                if a is not b
            ]
            if not any(self.pairs[pair] >= MIN_SEEN for pair in context):
                found.append(m.group())
        return list(dict.fromkeys(found))
