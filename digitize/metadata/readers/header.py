"""The header page: the first of the first two pages that carries a Quốc hiệu or "Số:"."""

from __future__ import annotations

from digitize.metadata.header import find_header
from digitize.metadata.readers.context import HEADER, FieldReader, Reading
from digitize.records import PageOcr


def first_page(r: Reading) -> PageOcr | None:
    for page in r.pages[:2]:
        header = find_header(page, r.segs[page.number])
        if header.national is not None or header.so_line:
            return page
    return r.pages[0] if r.pages else None


def read_header(r: Reading) -> None:
    first = first_page(r)
    if first is not None:
        r.header = find_header(first, r.segs[first.number])


HEADER_READER = FieldReader("header", read_header, provides=(HEADER,))
