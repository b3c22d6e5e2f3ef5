"""The second reader (trueocr) on the header band: handwritten numbers and days."""

from __future__ import annotations

import json
import shutil

from digitize.ocr.second_reader import _split_line

from ..conftest import json_lines


def test_a_line_is_cut_into_words_with_their_share_of_the_box() -> None:
    words = _split_line("Số: 87 /QĐ-UBND", [100, 50, 250, 80], 91.0, 3)
    assert [w.text for w in words] == ["Số:", "87", "/QĐ-UBND"]
    assert words[0].left == 100 and words[-1].right == 250
    assert all(w.top == 50 and w.height == 30 and w.conf == 91.0 and w.line == 3 for w in words)
    assert words[0].right <= words[1].left < words[1].right <= words[2].left
    assert _split_line("   ", [0, 0, 10, 10], 50.0, 1) == []


def test_handwritten_number_and_day_come_back_as_suggestions(run, samples_real, tmp_path) -> None:
    """A real scan whose number and day are written by hand: tesseract misses them, the
    second reader reads them, and they stay flagged for the clerk. The file is ingested
    under a neutral name, so nothing comes from the file name."""
    truth = {json.loads(line)["file"]: json.loads(line)
             for line in (samples_real / "truth.jsonl").read_text("utf-8").splitlines() if line}
    name = "qng_23_BC-UBND_2025_cai-cach-TTHC.pdf"
    assert truth[name]["handwritten_number"]
    scan = tmp_path / "scan.pdf"
    shutil.copyfile(samples_real / name, scan)
    row = json_lines(run("ingest", scan, "--json", "--jobs", "2").stdout)[0]
    record = json.loads(run("show", row["id"], "--json").stdout)
    from digitize.metadata.regions import AGREED_READINGS

    for field in ("number", "number_symbol", "issued_date"):
        assert record[field] == truth[name][field], field
        assert record["source"][field] == "ocr"
        # handwriting: under review, unless the two readers gave the same digits
        confirmed = record["confidence"][field] == AGREED_READINGS
        assert record["confidence"][field] < 0.7 or confirmed, field
        assert (field in record["needs_review"]) != confirmed or field == "number", field


def test_the_second_reader_restores_the_marks_of_a_doubtful_signer(run, samples_real, tmp_path) -> None:
    """A bilevel scan on which tesseract drops a name's tone mark, in both of its readings:
    the second reader's spelling, same letters and a name as spelt, is taken (and still
    flagged)."""
    truth = {json.loads(line)["file"]: json.loads(line)
             for line in (samples_real / "truth.jsonl").read_text("utf-8").splitlines() if line}
    name = "dng_1595_SGDDT-CTrTT_2019_congvan_bilevel-ccitt.pdf"
    scan = tmp_path / "scan.pdf"
    shutil.copyfile(samples_real / name, scan)
    # with vie+eng tesseract drops the mark (with the default vie it reads the name right)
    row = json_lines(run("ingest", scan, "--json", "--jobs", "2", "--lang", "vie+eng").stdout)[0]
    record = json.loads(run("show", row["id"], "--json").stdout)
    assert record["signer"] == truth[name]["signer"]
    assert record["confidence"]["signer"] < 0.7
