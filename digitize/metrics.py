"""Accuracy measures shared by the tests and the benchmarks."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein


def normalise_for_cer(text: str) -> str:
    """NFC, one space between words, no line structure: CER measures characters, not layout."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00d0", "\u0110").replace("\u2044", "/")
    return re.sub(r"\s+", " ", text).strip()


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: edit distance / reference length (0 = perfect)."""
    ref = normalise_for_cer(reference)
    hyp = normalise_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)
