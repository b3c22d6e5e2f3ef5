"""Issue 17, items 4 and 5: `reindex --reocr` makes the same page-by-page decision as ingest
(a real text layer is kept, never OCRed over), and the README's own example works."""

from __future__ import annotations

import json
import subprocess

from digitize.records import METADATA_FIELDS, FieldValue, Metadata

from ..conftest import json_lines


def _no_ocr(*args, **kwargs):
    raise AssertionError("OCR must not run on a page with a real text layer")


def _text(path) -> str:
    proc = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)
    return proc.stdout.decode()


def test_reocr_keeps_a_born_digital_text_layer(run, samples_real, monkeypatch, tmp_path):
    source = samples_real / "qng_507_UBND-KGVX_2025_congvan_born-digital.pdf"
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    before = json.loads(run("show", row["id"], "--json").stdout)
    monkeypatch.setattr("digitize.pipelines.ingest.process_page", _no_ocr)
    result = run("reindex", "--reocr", "--where", f"id={row['id']}", "--json", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (again,) = json_lines(result.stdout)
    assert again["status"] == "reindexed", again
    after = json.loads(run("show", row["id"], "--json").stdout)
    assert [p["source"] for p in after["pages"]] == ["text-layer"]
    assert after["confidence"] == before["confidence"]  # no field fell to an OCR reading
    out = tmp_path / "out.pdf"
    assert run("get", row["id"], "-o", out).exit_code == 0
    assert _text(out).count("góp ý dự thảo") == _text(source).count("góp ý dự thảo") >= 1  # one layer


def _extractor(pages, *, source_name=None, **kwargs):
    values = {"number_symbol": "15/QĐ-UBND", "doc_type": "Quyết định", "issued_date": "2025-02-05"}
    return Metadata({name: FieldValue(values.get(name), 0.95 if name in values else 0.0, "ocr")
                     for name in METADATA_FIELDS})


def test_reocr_with_the_readme_filters_prints_its_results(run, page_pdf, monkeypatch):
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", _extractor)
    doc = json_lines(run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1").stdout)[0]["id"]
    result = run("reindex", "--reocr", "--where", "type=Quyết định", "--where", "year=2025", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert f"id={doc}" in result.stdout and "reindexed" in result.stdout
    assert "digitize reindex" in result.stdout  # the summary counts what was re-read
