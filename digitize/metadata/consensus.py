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

from digitize.metadata.phrases import PHRASE_WEIGHT
from digitize.metadata.syllables import known_syllable
from digitize.metadata.text import (
    fold,
    has_vietnamese_marks,
    is_plausible_syllable,
    nfc,
    strip_tones,
    tones,
)

_WORD = re.compile(r"[^\W\d_]+")
# A pair must be seen at least this often, and this many times more than the printed one.
MIN_SEEN = 2
MIN_RATIO = 2.0
DOUBT_RATIO = 3.0
# A word the field alone prints is doubtful when a twin with its letters and more marks
# is this common in the document (OCR loses marks: "vé" for "về").
LONE_RIVAL = 3
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


# "thang 01/2025", "nấm 2024", "ngay 05": before a number these can only be the date
# words (in lower case: "Việt Nam 2025" is no "năm").
_DATE_WORDS = {"thang": "tháng", "nam": "năm", "ngay": "ngày"}
_DATE_WORD = re.compile(r"\b(?:thang|nam|ngay)(?=\s+\d)")


_Pair = tuple[re.Match[str], re.Match[str]]


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(nfc(text)))


def _pairs(text: str) -> Iterable[tuple[re.Match[str], re.Match[str]]]:
    words = _words(text)
    for a, b in pairwise(words):
        if text[a.end() : b.start()].strip() == "":
            yield a, b


def _real_word(word: str) -> bool:
    """A syllable tesseract's dictionary knows and that can be Vietnamese (OCR debris
    such as "lich" or "phat" is no evidence against the printed "lịch", "phát")."""
    return is_plausible_syllable(word) and known_syllable(word)


def same_spelling(a: str, b: str) -> bool:
    """True when `a` and `b` differ at most in where the tone mark sits ("hoá"/"hóa",
    "uỷ"/"ủy": old and new style, both correct)."""
    wa, wb = a.lower().split(), b.lower().split()
    return len(wa) == len(wb) and all(
        strip_tones(x) == strip_tones(y) and tones(x) == tones(y) for x, y in zip(wa, wb, strict=True)
    )


def _weak_pair(pair: str) -> bool:
    """A pair with a word that is no real syllable, or a mark-less suspect ("ky")."""
    return any(not _real_word(w) or w in MARKLESS_SUSPECTS for w in pair.split(" "))


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
    a mark only on strong evidence (OCR drops marks far more often than it invents them,
    so a bare majority is usually the OCR's own slip; but bold "chi" does come out as
    "chỉ", and twelve "thu, chi ngân sách" in the body outweigh it)."""
    if not is_plausible_syllable(old):
        return is_plausible_syllable(new)
    if not has_vietnamese_marks(new):
        return strong and has_vietnamese_marks(old)
    return mark_count(new) >= mark_count(old) or strong


def _only_marks_lost(printed: list[str], other: list[str]) -> bool:
    """True when every printed word is spelled as in `other` or bare of any mark, and at
    least one is bare: `other` is the printed pair with the marks OCR dropped put back."""
    bare = [not has_vietnamese_marks(p) for p in printed]
    return any(b and p != o for b, p, o in zip(bare, printed, other, strict=True)) and all(
        b or p == o for b, p, o in zip(bare, printed, other, strict=True)
    )


class DocumentLexicon:
    """Counts of the word forms and word pairs a document uses (lowercased)."""

    def __init__(self, texts: Iterable[str], known: Iterable[str] = (), phrases: Iterable[str] = ()) -> None:
        """Count `texts`; `known` names (places) count as seen KNOWN_WEIGHT times each,
        `phrases` of the register (see `digitize.metadata.phrases`) PHRASE_WEIGHT times."""
        self.words: Counter[str] = Counter()
        self.pairs: Counter[str] = Counter()
        self.by_fold: dict[str, Counter[str]] = {}
        self.words_by_fold: dict[str, Counter[str]] = {}
        # folded pair -> its spelling in a known name or phrase of the register
        self.settled: dict[str, str] = {}
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
        for names, weight in ((known, KNOWN_WEIGHT), (phrases, PHRASE_WEIGHT)):
            for name in names:
                for a, b in _pairs(nfc(name).lower()):
                    pair = f"{a.group()} {b.group()}"
                    self.pairs[pair] += weight
                    self.by_fold.setdefault(fold(pair), Counter())[pair] += weight
                    self.settled.setdefault(fold(pair), pair)

    def _better_pair(self, pair: str) -> tuple[str, bool] | None:
        """The dominant spelling of a word pair, and whether it dominates strongly.

        A pair whose letters spell a known name or phrase takes its spelling, whatever
        the document's OCR says elsewhere ("chuyến đối số" read eight times is still
        "chuyển đổi số"); `doubtful` then reports it when the document disagrees.
        """
        settled = self.settled.get(fold(pair))
        if settled is not None:
            return None if same_spelling(settled, pair) else (settled, True)
        forms = self.by_fold.get(fold(pair))
        if not forms:
            return None
        best, seen = forms.most_common(1)[0]
        own = max(forms.get(pair, 0), 1)
        if best != pair and seen >= MIN_SEEN and seen >= MIN_RATIO * own:
            return best, seen >= STRONG_SEEN and seen >= STRONG_RATIO * own
        if not _weak_pair(pair):
            return None
        # "dé nghị", "công tac", "nhiệm ky": not words as printed, so one reading of the
        # same letters as real words elsewhere in the document outweighs them
        real = [(n, form) for form, n in forms.items() if form != pair and not _weak_pair(form)]
        if real:
            n, form = max(real)
            # a non-word loses to any real reading however often OCR repeats it ("trong
            # dip" twice against one "trong dịp"); a mark-less suspect only to as many
            non_word = not all(map(_real_word, pair.split(" ")))
            if non_word or n >= own:
                return form, False
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
        # words a phrase of the register holds as printed ("thi" in "đình chỉ thi
        # hành"): no other pair rewrites them ("chỉ thi" is no "chỉ thị" there)
        held = {
            m.start()
            for a, b in _pairs(text)
            if self.settled.get(fold(f"{a.group()} {b.group()}")) == f"{a.group()} {b.group()}".lower()
            for m in (a, b)
        }
        pairs = list(_pairs(text))
        # phrases of the register first: the words they set are held too ("thị trần Mộ
        # Đức" -> "thị trấn", and the body's "tran Mộ" does not take the mark off again)
        ordered = sorted(pairs, key=lambda p: fold(f"{p[0].group()} {p[1].group()}") not in self.settled)
        for a, b in ordered:
            found = self._better_pair(f"{a.group()} {b.group()}".lower())
            if found is None:
                continue
            settled = fold(f"{a.group()} {b.group()}") in self.settled
            wa, wb = found[0].split(" ")
            for m, w in ((a, wa), (b, wb)):
                if m.start() in held:
                    continue
                if w != m.group().lower() and _acceptable(m.group().lower(), w, found[1]):
                    edits[m.start()] = (m.end(), _recase(w, m.group()))
                if settled:
                    held.add(m.start())
        for m in _words(text):
            better_word = self._better_word(m.group())
            if m.start() not in edits and better_word:
                edits[m.start()] = (m.end(), _recase(better_word, m.group()))
        for m in _DATE_WORD.finditer(fold(text)):  # fold keeps every index
            printed = text[m.start() : m.end()]
            word = _DATE_WORDS[m.group()]
            if m.start() not in edits and printed[:1].islower() and printed != word:
                edits[m.start()] = (m.end(), word)
        out, pos = [], 0
        for start in sorted(edits):
            end, word = edits[start]
            out += [text[pos:start], word]
            pos = end
        out.append(text[pos:])
        return "".join(out), len(edits)

    def repair_caps(self, tokens: list[str], fixed: list[bool]) -> tuple[list[str], int]:
        """Marks of the capital words no known phrase covered (place names: "LIÊN CHIEU",
        "LAM HA") from the document's own spelling of the same word pairs; `fixed`
        marks the tokens to leave alone. The line itself was counted once.

        A pair is rewritten to a spelling the document uses at least MIN_SEEN times and
        MIN_RATIO times as often; or, when the printed pair has no marks at all, to a
        marked spelling seen more often than the printed one elsewhere ("Lâm Hà" in the
        date line against "LAM HA" in the header: capitals lose marks more often). The
        same holds when only some words lost their marks and the rest are spelled alike
        ("LAM HÀ" against "Lâm Hà").
        """
        out = list(tokens)
        changed = 0
        for i in range(len(tokens) - 1):
            if fixed[i] and fixed[i + 1]:
                continue
            words = [t.strip(",;:").lower() for t in tokens[i : i + 2]]
            if not all(w.isalpha() for w in words):
                continue
            pair = " ".join(words)
            forms = self.by_fold.get(fold(pair))
            if not forms:
                continue
            own = forms.get(pair, 0)
            real = [(n, f) for f, n in forms.items() if f != pair and all(map(_real_word, f.split(" ")))]
            if not real:
                continue
            n, best = max(real)
            lost = _only_marks_lost(words, best.split(" "))
            if not (n >= MIN_SEEN and n >= MIN_RATIO * max(own, 1)) and not (lost and n > own - 1):
                continue
            for k, new in zip((i, i + 1), best.split(" "), strict=True):
                old = out[k].strip(",;:")
                if not fixed[k] and fold(new) == fold(old) and new != old.lower():
                    out[k] = new.upper() + out[k][len(old) :]
                    changed += 1
        return out, changed

    def _contested(self, pair: str, own_text: Counter[str]) -> tuple[str, ...]:
        """The words of a printed pair that the rest of the document spells otherwise.

        Outside the field itself (`own_text`: its pairs as OCR read them), another
        spelling of the same letters, made of real syllables and seen at least MIN_SEEN
        times, counts against the printed one when it is seen more often, or when it has
        more marks and is seen at least half as often (OCR drops marks far more often
        than it invents them: "day mạnh" against two "đẩy mạnh").
        """
        forms = self.by_fold.get(fold(pair))
        if not forms:
            return ()
        if self.settled.get(fold(pair)) == pair:
            return ()  # a phrase of the register: the body's OCR slips are no evidence
        own = max(forms.get(pair, 0) - own_text.get(pair, 0), 0)
        for alt, seen in forms.most_common():
            seen -= own_text.get(alt, 0)
            if same_spelling(alt, pair) or seen <= 0 or not all(map(_real_word, alt.split(" "))):
                continue
            if seen < MIN_SEEN:
                continue  # one other reading is as likely the OCR's slip as the field's
            if seen > own or (mark_count(alt) > mark_count(pair) and 2 * seen >= own):
                return tuple(w for w, a in zip(pair.split(" "), alt.split(" "), strict=True) if w != a)
        return ()

    def _backed(self, word: re.Match[str], near: list[_Pair], own_text: Counter[str]) -> bool:
        """True when the word's pair with its other neighbour recurs as printed outside
        the field ("phố Đà" is contested by "phố đã", but "Đà Nẵng" recurs)."""
        for a, b in near:
            if word not in (a, b):
                continue
            pair = f"{a.group()} {b.group()}".lower()
            if self.pairs[pair] - own_text.get(pair, 0) >= MIN_SEEN and not self._contested(pair, own_text):
                return True
        return False

    def doubtful(self, text: str, source: str | None = None) -> list[str]:
        """Words that look misread: a known suspect ("thang" for "tháng"), a pair the
        rest of the document spells otherwise (see `_contested`), or a D- word whose Đ-
        twin the document uses at least DOUBT_RATIO times as often, unless a
        neighbouring pair recurs as printed.

        `source` is the field as OCR read it when the lexicon counted it too (before any
        repair): its own pairs are no evidence for themselves.
        """
        own_text = (
            Counter(f"{a.group()} {b.group()}".lower() for a, b in _pairs(nfc(source)))
            if source
            else Counter()
        )
        own_words = Counter(m.group().lower() for m in _words(nfc(source))) if source else Counter()
        found: list[str] = []
        pairs = list(_pairs(text))
        for k, (a, b) in enumerate(pairs):
            contested = self._contested(f"{a.group()} {b.group()}".lower(), own_text)
            for m in (a, b):
                near = pairs[max(k - 1, 0) : k + 2]
                if m.group().lower() in contested and not self._backed(m, near, own_text):
                    found.append(m.group())
        words = _words(text)
        for i, m in enumerate(words):
            word = m.group().lower()
            if word in MARKLESS_SUSPECTS:
                found.append(m.group())
                continue
            rivals = Counter(self.words_by_fold.get(fold(word), {}))
            rivals.pop(word, None)
            outside = self.words[word] - own_words[word]
            richer_rivals = [c for w, c in rivals.items() if mark_count(w) > mark_count(word)]
            if outside <= 0 and max(richer_rivals, default=0) >= LONE_RIVAL:
                # "vé thu" where the document says "về" ten times and "vé" nowhere else,
                # unless a pair holds the word as printed: a phrase of the register
                # ("giai đoạn"), or seen elsewhere in the document
                beside: list[str] = [
                    f"{a.group()} {b.group()}".lower()
                    for a, b in ((words[j], words[j + 1]) for j in (i - 1, i) if 0 <= j < len(words) - 1)
                    if text[a.end() : b.start()].strip() == ""
                ]
                if not any(self.settled.get(fold(p)) == p or self.pairs[p] > own_text[p] for p in beside):
                    found.append(m.group())
                continue
            # OCR reads Đ as D; other single words are too ambiguous to doubt (giai/giải)
            richer = {w: c for w, c in rivals.items() if word[0] == "d" and w[0] == "đ"}
            if not richer or sum(richer.values()) < DOUBT_RATIO * max(self.words[word], 1):
                continue
            context = [
                f"{words[j].group()} {words[j + 1].group()}".lower()
                for j in (i - 1, i)
                if 0 <= j < len(words) - 1
            ]
            if not any(self.pairs[pair] >= MIN_SEEN for pair in context):
                found.append(m.group())
        return list(dict.fromkeys(found))
