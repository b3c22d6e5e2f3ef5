"""What a document is made of: laid-out lines and paragraphs, pages, and the document itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .agencies import Agency
from .fmt import ascii_fold, nfc

PT_PER_INCH = 72.0
A4_PT = (595.276, 841.89)  # 210 x 297 mm
MM = 72.0 / 25.4

# The truth's "notes": the generator's old path, kept so that the truth stays byte for byte
NOTES = "synthetic (samples/make_samples.py)"

Token = tuple[str, str]  # (word, style)


def toks(text: str, style: str = "R") -> list[Token]:
    return [(w, style) for w in nfc(text).split()]


@dataclass
class TextLine:
    """One laid-out line; x/width give its box, y its baseline, all in points."""

    tokens: list[Token]
    size: float
    x: float
    width: float
    y: float
    align: str = "left"  # left | center | right | justify
    boxed: bool = False
    gap: float = 1.0  # multiple of the normal space between words (non-justified lines)

    @property
    def text(self) -> str:
        return " ".join(w for w, _ in self.tokens)


@dataclass
class Rule:
    x0: float
    x1: float
    y: float
    weight: float = 0.7


@dataclass
class PageLayout:
    lines: list[TextLine] = field(default_factory=list)  # in reading order
    rules: list[Rule] = field(default_factory=list)
    scribbles: list[list[tuple[float, float]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Para:
    """A block of running text to be wrapped."""

    tokens: list[Token]
    size: float
    align: str = "justify"
    indent: float = 0.0  # first line
    hang: float = 0.0  # following lines
    before: float = 0.0
    after: float = 0.0
    max_width: float | None = None
    keep_with_next: bool = False


Body = tuple[list[Para], list[list[Para]], list[Para]]  # head, growable units, tail


@dataclass
class DocSpec:
    """One synthetic document: its truth, its content, its layout and how it is scanned."""

    index: int
    doc_type: str
    type_code: str
    number: str
    symbol: str
    number_symbol: str
    number_printed: str  # "Số: 87/QĐ-UBND" as printed
    issued: dt.date
    date_line: str  # "Quảng Ngãi, ngày 05 tháng 02 năm 2025"
    place: str
    agency: Agency
    issuer: str
    parent_issuer: str | None
    abstract: str
    urgency: str | None
    signer: str
    signer_title_lines: list[str]
    recipients: list[str]  # Nơi nhận
    kinh_gui: list[str]
    dpi: int = 300
    tags: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    file_kind: str = "pdf"  # pdf | jpg | png | tiff
    color: str = "gray"  # gray | rgb
    seed: int = 0  # for the pixel-level randomness (noise)
    pages: list[PageLayout] = field(default_factory=list)
    style: dict[str, float] = field(default_factory=dict)

    @property
    def signer_title(self) -> str:
        return " ".join(self.signer_title_lines)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def page_text(self) -> list[str]:
        return [p.text for p in self.pages]

    @property
    def file_name(self) -> str:
        sym = ascii_fold(self.number_symbol).replace("/", "-")
        tags = "-".join(t for t in self.tags if t != "lowdpi") or "clean"
        ext = {"jpg": "jpg", "png": "png", "tiff": "tif", "pdf": "pdf"}[self.file_kind]
        return f"syn{self.index:03d}_{sym}_{self.issued.year}_{tags}_{self.dpi}dpi.{ext}"

    def truth(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "pages": self.page_count,
            "kind": "scan",
            "dpi": self.dpi,
            "handwritten_number": False,
            "number_symbol": self.number_symbol,
            "number": self.number,
            "symbol": self.symbol,
            "doc_type": self.doc_type,
            "issued_date": self.issued.isoformat(),
            "place": self.place,
            "issuer": self.issuer,
            "parent_issuer": self.parent_issuer,
            "abstract": self.abstract,
            "signer": self.signer,
            "signer_title": self.signer_title,
            "urgency": self.urgency,
            "verified": True,
            "notes": NOTES,
            "degradation": list(self.tags),
            "degradation_params": self.params,
            "page_text": self.page_text,
        }
