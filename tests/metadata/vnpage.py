"""Build PageOcr pages from a few printed lines, the way tesseract reports them.

Each `line(y, (text, x), ...)` becomes one tesseract line (block, par, line numbers
shared), its words laid out left to right from each part's x. Several parts on one
line reproduce tesseract's habit of joining the left and right header columns.
Coordinates are pixels of an A4 page at 300 dpi.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from digitize.records import PageOcr, Word

WIDTH, HEIGHT = 2480, 3508
CENTRE = int(0.535 * WIDTH)
LEFT_COL = 700  # centre of the agency column
RIGHT_COL = 1700  # centre of the Quốc hiệu column


@dataclass
class Line:
    """One OCR line: parts (text, left x), a top y, word height and confidence."""

    y: int
    parts: list[tuple[str, int]]
    size: int = 50
    conf: float | Sequence[float] = 96.0
    words: list[Word] = field(default_factory=list)


def text_width(text: str, size: int) -> int:
    """Rough printed width of a word or phrase (Times at `size` px height)."""
    return int(len(text) * 0.52 * size)


def line(y: int, *parts: tuple[str, int], size: int = 50, conf: float | Sequence[float] = 96.0) -> Line:
    """A line with parts at given left x positions."""
    return Line(y, list(parts), size, conf)


def centred(
    y: int, text: str, centre: int = CENTRE, size: int = 50, conf: float | Sequence[float] = 96.0
) -> Line:
    """A line centred on `centre` (the page's text block by default)."""
    return line(y, (text, centre - text_width(text, size) // 2), size=size, conf=conf)


def at(text: str, centre: int, size: int = 50) -> tuple[str, int]:
    """A part centred on `centre` (use inside `line` to join columns)."""
    return text, centre - text_width(text, size) // 2


def _words(ln: Line, block: int) -> list[Word]:
    words: list[Word] = []
    confs = ln.conf
    for text, x in ln.parts:
        for token in text.split():
            width = text_width(token, ln.size)
            words.append(Word(token, x, ln.y, width, ln.size, 0.0, block, 1, 1))
            x += width + int(0.3 * ln.size)
    for i, w in enumerate(words):
        w.conf = float(confs if isinstance(confs, int | float) else confs[min(i, len(confs) - 1)])
    return words


def page(
    lines: Sequence[Line],
    *,
    number: int = 1,
    source: str = "ocr",
    layer_text: str = "",
) -> PageOcr:
    """A PageOcr holding `lines` (text-layer pages get conf -1 like real ones)."""
    words: list[Word] = []
    for block, ln in enumerate(lines, 1):
        words += _words(ln, block)
    if source == "text-layer":
        for w in words:
            w.conf = -1.0
    text = "\n".join(" ".join(t for t, _ in ln.parts) for ln in lines)
    return PageOcr(
        number=number,
        width=WIDTH,
        height=HEIGHT,
        dpi=300,
        text=text,
        words=words,
        source=source,  # type: ignore[arg-type]
        layer_text=layer_text,
    )


def header_lines(
    *,
    agency: Sequence[str] = ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"),
    so: str = "Số: 87/QĐ-UBND",
    date_line: str = "Quảng Ngãi, ngày 05 tháng 02 năm 2025",
    national: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    motto: str = "Độc lập - Tự do - Hạnh phúc",
    joined: bool = False,
    so_conf: float | Sequence[float] = 96.0,
    top: int = 300,
) -> list[Line]:
    """The top of a first page: agency block, Quốc hiệu, Số and the place-date line.

    With `joined`, each row is one tesseract line holding both columns (as real scans
    often come out).
    """
    rows: list[Line] = []
    left = list(agency) + [""] * max(0, 2 - len(agency))
    right = [national, motto]
    for i in range(max(len(left), 2)):
        y = top + 62 * i
        parts = [p for p in (at(left[i], LEFT_COL) if left[i] else None,) if p]
        rparts = [at(right[i], RIGHT_COL)] if i < 2 else []
        if joined:
            rows.append(line(y, *parts, *rparts))
        else:
            rows += [line(y, p) for p in parts] + [line(y, p) for p in rparts]
    y = top + 62 * max(len(left), 2) + 60
    so_part, date_part = (so, 480), at(date_line, RIGHT_COL)
    if joined:
        rows.append(line(y, so_part, date_part, conf=so_conf))
    else:
        rows += [line(y, so_part, conf=so_conf), line(y, date_part)]
    return rows


def body_lines(
    top: int, n: int = 6, text: str = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
) -> list[Line]:
    """Justified body lines starting at the left margin."""
    return [line(top + 70 * i, (text, 420)) for i in range(n)]


def signer_lines(
    top: int,
    titles: Sequence[str] = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    name: str | None = "Trần Phước Hiền",
    recipients: Sequence[str] = ("- Như trên;", "- CT, PCT UBND tỉnh;", "- Lưu: VT, KTN."),
    joined: bool = True,
) -> list[Line]:
    """The bottom block: Nơi nhận list left, titles right, the name under the signature."""
    rows: list[Line] = []
    left = ["Nơi nhận:", *recipients]
    for i in range(max(len(left), len(titles))):
        y = top + 58 * i
        lp = [(left[i], 420)] if i < len(left) else []
        rp = [at(titles[i], RIGHT_COL)] if i < len(titles) else []
        if joined:
            rows.append(line(y, *lp, *rp))
        else:
            rows += [line(y, p) for p in lp] + [line(y, p) for p in rp]
    if name:
        rows.append(line(top + 58 * max(len(left), len(titles)) + 300, at(name, RIGHT_COL)))
    return rows
