"""Vietnamese personal names: the signer's name line found, its surname repaired, the
marks OCR lost on its other syllables restored.

A name is a surname, zero or more middle names and a given name. Both middle and given
names come from a fairly small stock of syllables, each spelled with its marks ("Ngọc",
"Đình", "Tâm"). Tesseract drops marks on names as on any word, and its dictionary does
not know that "Ngoc" in a name can only be "Ngọc". So each syllable after the surname is
checked against the stock for its position:

- printed as a known name syllable ("Minh", "Ngọc"): kept;
- printed without marks and only one known syllable has those letters ("Ngoc" -> "Ngọc",
  "Dat" -> "Đạt"): restored, a fair guess;
- several known syllables share the letters: the one of a commoner tier is taken
  ("Thang" as a given name -> "Thắng", not "Thăng"); between names equally common
  ("Tan" as a middle name: Tân, Tấn) the first is taken and the name goes to review;
- printed with marks no name uses, while one with other marks exists ("Tầm" for "Tâm"):
  restored, and the name goes to review.

The lists (`data/names.toml`) hold two tiers per position, common and less common, from
general knowledge of Vietnamese naming (not from any sample set).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from digitize.metadata.layout import Segment
from digitize.metadata.syllables import known_syllable
from digitize.metadata.tables import GIVEN_NAMES, MIDDLE_NAMES, SURNAMES, UNMARKED_NAME_SYLLABLES
from digitize.metadata.text import best_match, fold, has_vietnamese_marks, is_upper_text, nfc
from digitize.records import Word


@cache
def _stock(position: str) -> dict[str, list[tuple[int, str]]]:
    """Folded syllable -> (tier, name syllable) with those letters, commonest first.

    A syllable in the other position's lists counts one tier lower ("Văn" as a given
    name is rarer than any given name of tier 1).
    """
    own, other = (MIDDLE_NAMES, GIVEN_NAMES) if position == "middle" else (GIVEN_NAMES, MIDDLE_NAMES)
    table: dict[str, list[tuple[int, str]]] = {}
    for tiers, shift in ((own, 0), (other, 1)):
        for tier, names in enumerate(tiers):
            for name in names:
                forms = table.setdefault(fold(name), [])
                if all(f != nfc(name) for _, f in forms):
                    forms.append((tier + shift, nfc(name)))
    for forms in table.values():
        forms.sort(key=lambda f: f[0])
    return table


def known_form(name: str, surnames: Collection[str] = ()) -> bool:
    """Is every middle and given syllable of `name` a name as the lists spell it, marks and
    all (a middle name may also be one of `surnames`)?"""
    words = name.split()
    if len(words) < 2:
        return False
    for i, word in enumerate(words[1:], start=1):
        position = "given" if i == len(words) - 1 else "middle"
        forms = [f for _, f in _stock(position).get(fold(word), [])]
        if word not in forms and not (position == "middle" and word in surnames):
            return False
    return True


@dataclass(slots=True, frozen=True)
class NameReading:
    """A name with marks restored, and the ceiling its confidence deserves."""

    text: str
    ceiling: float  # 1.0 when every syllable is a known name syllable as printed
    restored: tuple[str, ...] = ()  # syllables whose marks were put back


# Ceilings: one syllable of letters restored to the only name that has them; several
# names to choose from; marks no name uses swapped for the ones a name does; a marked
# syllable the lists do not hold.
UNIQUE = 0.75
AMBIGUOUS = 0.5
SWAPPED = 0.6
UNLISTED = 0.8


def _ranked(word: str, position: str, twin: list[str]) -> list[tuple[int, str]]:
    """(tier, name syllable) that `word` may stand for, commonest first; `twin`, surnames
    with its letters (a double surname's second), rank with the less common names."""
    ranked = _stock(position).get(fold(word), [])
    extra = [(1, nfc(s)) for s in twin if nfc(s) not in [f for _, f in ranked]]
    return sorted(extra + ranked, key=lambda f: f[0])


def restore_name(
    name: str,
    *,
    unmarked_ok: frozenset[str] = frozenset(),
    surnames: Collection[str] = (),
    marks_lost: bool = False,
) -> NameReading:
    """Restore the marks of the middle and given names of `name` (surname left as is).

    `unmarked_ok` are folded syllables that are common names without any mark
    ("minh", "long"): printed so, they stand unless the lists know the letters only
    with marks ("Toan" -> "Toàn"). A middle name printed as one of `surnames` stands
    too (double surnames: "Trần Nguyễn Minh Thành").

    An unmarked syllable kept as printed whose letters an equally common name spells
    with marks ("Thanh", "Thành") goes to review when OCR is seen dropping marks: on
    another syllable of the name, or (`marks_lost`) on the lines around it.
    """
    words = name.split()
    if len(words) < 2:
        return NameReading(name, 1.0)
    out, restored, ceiling = [words[0]], [], 1.0
    kept_bare: list[str] = []  # unmarked syllables kept as printed that have marked twins
    for i, word in enumerate(words[1:], start=1):
        position = "given" if i == len(words) - 1 else "middle"
        # the second of four words is often a second surname ("Phùng Trương Ngọc Dung")
        twin = [s for s in surnames if fold(s) == fold(word)] if i == 1 and len(words) >= 4 else []
        ranked = _ranked(word, position, twin)
        forms = [f for _, f in ranked]
        if word in forms or (position == "middle" and word in surnames):
            out.append(word)
            own_tier = min((t for t, f in ranked if f == word), default=0)
            if not has_vietnamese_marks(word) and any(f != word and t <= own_tier for t, f in ranked):
                kept_bare.append(word)  # "Thanh" stands, but "Thành" is as common a name
            if twin and word not in twin:
                ceiling = min(ceiling, SWAPPED)  # "Trường" or the double surname "Trương"?
            continue
        marked = has_vietnamese_marks(word)
        if not forms:
            out.append(word)
            # marked: a rarer name (OCR's mark slips on listed names are caught above);
            # unmarked: letters of no name, the marks were lost, unless common so
            if marked:
                ceiling = min(ceiling, UNLISTED)
            elif fold(word) not in unmarked_ok:
                ceiling = min(ceiling, AMBIGUOUS)
            continue
        out.append(forms[0])
        restored.append(word)
        if marked and known_syllable(word):
            ceiling = min(ceiling, SWAPPED)  # "Tầm" is a word: was it misread?
        else:
            clear = len(ranked) == 1 or ranked[0][0] < ranked[1][0]
            ceiling = min(ceiling, UNIQUE if clear else AMBIGUOUS)
    if kept_bare and (marks_lost or any(not has_vietnamese_marks(w) for w in restored)):
        # the line lost marks elsewhere ("Van" for "Văn"): an unmarked name kept as
        # printed may have lost its own ("Thanh" for "Thành")
        ceiling = min(ceiling, AMBIGUOUS)
    return NameReading(" ".join(out), ceiling, tuple(restored))


# --- the name line --------------------------------------------------------------------

# Marks a seal's edge or a signature stroke leaves next to the name. A name never holds
# a dash, so a dash standing alone or glued to its first or last word is debris too.
_SPECK_CHARS = " .,:;!|'`‘’_~-–—"
_SPECK = re.compile(r"[|'`‘’_~.,:;!\-–—]+")


def name_words(seg: Segment) -> list[Word]:
    """The words of a name line that hold letters (its confidence is theirs, not the specks')."""
    return [w for w in seg.words if any(c.isalpha() for c in w.text)]


def doubtful_name_words(name: str) -> list[str]:
    """Syllables of a personal name (after the surname) that probably lost their marks."""
    words = name.split()[1:]
    return [w for w in words if not has_vietnamese_marks(w) and fold(w) not in UNMARKED_NAME_SYLLABLES]


def repair_surname(word: str) -> tuple[str, str] | None:
    """Match the first word of a personal name against common surnames.

    Returns (word, how): "as-read", "marks" (only marks differ: "Tran" -> "Trần", the
    one surname with those letters) or "unlisted" (near a surname but not one: kept as
    printed, never swapped for the nearest surname, since "Ương" may be "Dương" as well
    as "Ông": the page is what shows the name, and the caller flags it for review).
    """
    if word in SURNAMES:
        return word, "as-read"
    same = [s for s in SURNAMES if fold(s) == fold(word)]
    if len(same) == 1:
        return same[0], "marks"
    found = best_match(word, SURNAMES, cutoff=0.75)
    return (word, "unlisted") if found else None


def name_of(seg: Segment) -> tuple[str, bool] | None:
    """The personal name a segment holds, as printed (a surname's lost marks restored);
    (name, weak) where weak means the first word is no surname as read: the name goes to
    review, never rebuilt from the surname list. Marks of the other names are restored
    later (`digitize.metadata.names`)."""
    # a seal's edge or the signature reads as "|", "'", "_" or a dash around the name
    text = " ".join(t for t in seg.text.split() if not _SPECK.fullmatch(t))
    text = text.strip(_SPECK_CHARS)
    if re.search(r"[\d:;,()/\-–]", text) or is_upper_text(text, threshold=0.95):
        return None
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(w.isalpha() for w in words):
        return None
    if sum(w[:1].isupper() for w in words[1:]) < len(words) - 1:
        return None
    surname = repair_surname(words[0])
    if surname is None:
        if not words[0][:1].isupper() or len(words) < 3:
            return None
        return " ".join(words), True
    fixed, how = surname
    return " ".join([fixed, *words[1:]]), how == "unlisted"
