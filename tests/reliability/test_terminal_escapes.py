"""Item 17 of issue 17: control characters in file names and field values never reach the
terminal raw (ingest, show, search, review); --json stays JSON and keeps the values."""

from __future__ import annotations

import json

import pytest

from digitize.records import METADATA_FIELDS, FieldValue, Metadata
from digitize.render import clean, json_text

from ..conftest import json_lines

pytestmark = pytest.mark.slow

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's window title
CLEAR = "\x1b[2J"  # clears the screen
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


def _no_raw_controls(text: str) -> None:
    assert not any(c in text for c in RAW), repr(text)


def test_clean_escapes_every_control_but_keeps_the_text():
    assert clean(f"a{TITLE}b{CLEAR}c") == "a\\x1b]0;pwned\\x07b\\x1b[2Jc"
    assert clean("x\x9by\u202ez\x7f") == "x\\x9by\\u202ez\\x7f"
    assert clean("two\nlines", multiline=True) == "two\nlines"
    assert clean("two\nlines") == "two\\x0alines"
    assert clean("Quyết định số 15/QĐ-UBND") == "Quyết định số 15/QĐ-UBND"


def test_json_text_escapes_what_json_dumps_leaves_raw():
    value = {"v": f"{TITLE}{CLEAR}\x9b\u202e\x7fđ"}
    text = json_text(value)
    _no_raw_controls(text)
    assert json.loads(text) == value and "đ" in text


@pytest.fixture
def evil_archive(run, page_pdf, tmp_path, monkeypatch):
    """A scan whose file name holds escape sequences, read with such a value in a field."""
    abstract = f"Về việc {TITLE}phê duyệt{CLEAR} \x9b\u202ekế hoạch"

    def extract(pages, *, source_name=None, **kwargs):
        values = {"doc_type": ("Quyết định", 0.95), "abstract": (abstract, 0.5)}
        return Metadata({name: FieldValue(*values.get(name, (None, 0.0)), "ocr") for name in METADATA_FIELDS})

    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", extract)
    scan = page_pdf("plain.pdf")
    evil = scan.rename(tmp_path / f"cv{TITLE}{CLEAR}.pdf")
    return evil, abstract


def test_no_control_character_reaches_the_terminal(run, evil_archive, tmp_path):
    evil, abstract = evil_archive
    ingested = run("ingest", evil, "--jobs", "1")
    assert ingested.exit_code == 0, ingested.output
    assert "ingested" in ingested.stdout and "\\x1b]0;pwned\\x07" in ingested.stdout
    broken = tmp_path / f"bad{CLEAR}.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    failed = run("ingest", broken, "--jobs", "1")
    assert failed.exit_code != 0 and "bad\\x1b[2J.pdf" in failed.stderr
    missing = run("ingest", tmp_path / f"gone{TITLE}.pdf")
    assert "gone\\x1b]0;pwned\\x07.pdf" in missing.stderr
    shown = run("show", "1")
    assert shown.stdout.count("pwned") == 2  # in the name and in the value (its table cell wraps)
    outputs = [ingested, failed, missing, shown, run("search", "phe duyet"), run("review", "--list"),
               run("review", input="\n\n\nq\n"), run("stats")]
    for result in outputs:
        _no_raw_controls(result.stdout + result.stderr)
    # the value itself is untouched: --json gives it back exactly, as valid JSON
    record = json.loads(run("show", "1", "--json").stdout)
    assert record["abstract"] == abstract and record["source_name"] == evil.name
    hits = json_lines(run("search", "phe duyet", "--json").stdout)
    assert hits[0]["abstract"] == abstract
    for text in (run("show", "1", "--json").stdout, run("search", "phe duyet", "--json").stdout,
                 run("ingest", evil, "--json").stdout):
        _no_raw_controls(text)


def test_review_enter_keeps_the_value_itself(run, evil_archive):
    """The prompt shows the value cleaned; accepting it keeps the stored value, not the
    cleaned text."""
    _evil, abstract = evil_archive
    assert run("ingest", _evil, "--jobs", "1").exit_code == 0
    session = run("review", input="\n\n\nq\n")
    assert session.exit_code == 0, session.output
    _no_raw_controls(session.stdout)
    shown = "Về việc \\x1b]0;pwned\\x07phê duyệt\\x1b[2J \\x9b\\u202ekế hoạch"
    assert f"abstract [0.50] [{shown}]" in session.stdout
    record = json.loads(run("show", "1", "--json").stdout)
    assert record["abstract"] == abstract and record["source"]["abstract"] == "manual"
