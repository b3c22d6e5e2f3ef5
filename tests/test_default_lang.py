"""The default language is `vie` (issue 13), and it still reads the English a Vietnamese
office writes: COVID-19, web and e-mail addresses, "Website", programme names."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.ocr import page, second_look
from samples import synth as ms
from samples.synth import english


def test_the_default_language_is_vie() -> None:
    assert Settings().lang == "vie"
    assert page.PageTask.__dataclass_fields__["lang"].default == "vie"
    assert second_look.SecondLookTask.__dataclass_fields__["lang"].default == "vie"


def test_english_documents_carry_their_english_words() -> None:
    plan = ms.PROFILES["english"][0]
    spec = ms.make_document(random.Random("digitize-samples:1:english:0"), index=1, **plan)
    text = spec.page_text[0]
    for word in ("COVID-19", "Website", "e-mail:", "https://", "@", "www."):
        assert word in text
    plain = ms.make_document(random.Random("digitize-samples:1:english:0"), index=1,
                             **{**plan, "english": False})
    assert "COVID-19" not in plain.page_text[0]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_the_default_reads_english_words(tmp_path: Path) -> None:
    plan = ms.PROFILES["english"][0]  # a clean 300 dpi page
    spec = ms.make_document(random.Random("digitize-samples:1:english:0"), index=1, **plan)
    record = ms.write_document(spec, tmp_path)
    pdf = tmp_path / record["file"]
    task = page.PageTask(pdf=pdf, number=1, width_pt=595.3, height_pt=841.9, native_dpi=300,
                         out_dir=tmp_path)  # the default language
    text = page.process_page(task).ocr.text
    truth = record["page_text"][0]
    names = [n for n in ("COVID-19", *english.PROGRAMMES, *english.PARTNERS, *english.SOFTWARE)
             if n in truth]
    assert len(names) >= 4
    for name in names:
        assert name in text
