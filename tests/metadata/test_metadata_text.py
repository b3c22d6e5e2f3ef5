"""digitize.metadata.text: NFC, folding, OCR repairs, syllable checks, similarity."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digitize.metadata.text import (
    best_match,
    fold,
    has_vietnamese_marks,
    implausible_words,
    is_plausible_syllable,
    is_upper_text,
    nfc,
    normalise_ocr,
    similarity,
    starts_like,
    strip_tones,
)


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert nfc(decomposed) == "Quyết định"
    assert len(nfc(decomposed)) == len("Quyết định")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quyết định số 15/QĐ-BNV", "quyet dinh so 15/qd-bnv"),
        ("ỦY BAN NHÂN DÂN", "uy ban nhan dan"),
        ("UỶ BAN", "uy ban"),
        ("Ðà Nẵng", "da nang"),  # Icelandic ETH folds like Đ
        ("Hướng dẫn", "huong dan"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠàáảãạĐđỦỶủỷỳýỹỵ /-:0123456789"))
def test_fold_keeps_positions(text: str) -> None:
    text = nfc(text)
    assert len(fold(text)) == len(text)
    assert fold(fold(text)) == fold(text)


def test_normalise_ocr_fixes_glyphs_and_spaces() -> None:
    assert normalise_ocr("Số:  87⁄QÐ-UBND") == "Số: 87/QĐ-UBND"
    assert normalise_ocr("a\u00a0b\nc   d") == "a b\nc d"


def test_strip_tones_keeps_vowel_marks() -> None:
    assert strip_tones("Quyết định") == "Quyêt đinh"


@pytest.mark.parametrize("word", ["đất", "quyết", "Nguyễn", "khuỷu", "nghiêng", "giữ", "TTHC", "thuở"])
def test_plausible_syllables(word: str) -> None:
    assert is_plausible_syllable(word)


@pytest.mark.parametrize("word", ["dat", "quyêt", "tiép", "Äguyến", "xir", "dich"])
def test_implausible_syllables(word: str) -> None:
    assert not is_plausible_syllable(word)


def test_implausible_words_only_checks_lowercase_led_words() -> None:
    assert implausible_words("chuyển mục dich sử dung dat") == ["dich", "dat"]
    assert implausible_words("UBND QĐ TTHC") == []


def test_marks_and_caps() -> None:
    assert has_vietnamese_marks("đi") and not has_vietnamese_marks("thang")
    assert is_upper_text("KT. CHỦ TỊCH") and not is_upper_text("Về việc")


def test_similarity_helpers() -> None:
    assert similarity("QUYÉT ĐỊNH", "Quyết định") == 1.0
    assert best_match("CHÍ THỊ", ["Chỉ thị", "Chương trình"]) == ("Chỉ thị", 1.0)
    assert best_match("xyz", ["Chỉ thị"]) is None
    assert starts_like("Nơi nhận: - Như trên", "Nơi nhận") == 1.0
    assert starts_like("Kính gửi", "Nơi nhận") == 0.0
