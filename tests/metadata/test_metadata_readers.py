"""The field readers run in one explicit order that meets every reader's declared needs."""

from __future__ import annotations

from datetime import date

import pytest
from vnpage import body_lines, header_lines, page

from digitize.metadata import extract_metadata
from digitize.metadata.readers import READERS, Reading, check_order, run
from digitize.metadata.readers.context import HEADER
from digitize.records import METADATA_FIELDS, PageOcr, Word


def test_the_order_meets_every_need_and_fills_every_field() -> None:
    check_order(READERS)
    provided = {name for reader in READERS for name in reader.provides}
    assert set(METADATA_FIELDS) <= provided


def test_a_reader_moved_before_its_inputs_is_refused() -> None:
    names = [r.name for r in READERS]
    number = READERS[names.index("number")]
    moved = [r for r in READERS if r is not number]
    moved.insert(names.index("issuer"), number)  # the number before the issuer it needs
    with pytest.raises(ValueError, match="'number' runs before issuer"):
        check_order(moved)


def test_readers_that_need_the_header_wait_for_it() -> None:
    # a page of words with no header: the header readers are skipped, nothing fails
    words = [Word("lorem", 100, 3000, 200, 50, 95.0, 1, 1, 1)]
    reading = Reading([PageOcr(1, 2480, 3508, 300, "lorem", words)], date(2025, 11, 27))
    run(reading, [r for r in READERS if r.name != "header"])
    assert reading.header is None
    needs_header = {n for r in READERS if HEADER in r.needs for n in r.provides}
    assert not needs_header & set(reading.fields)


def test_the_readers_fill_the_header_fields() -> None:
    meta = extract_metadata([page(header_lines() + body_lines(900))], today=date(2025, 11, 27))
    assert meta.value("issuer") and meta.value("number_symbol") and meta.value("issued_date")
