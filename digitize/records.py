"""Plain dataclasses exchanged between the layers.

`ocr`, `metadata`, `storage` and `db` never import each other; they meet here.
Coordinates are in the page's own pixel space (origin top-left, y down), as tesseract
reports them; `PageOcr.width`/`height` give that space's size so a consumer can reason in
fractions of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from .errors import DigitizeError
from .fields import NAMES

PageSource = Literal["ocr", "text-layer", "none"]
#: What became of one input file (`reindexed`: by reindex --reocr).
IngestStatus = Literal["ingested", "duplicate", "failed", "reindexed"]
#: Why a region gets a second look ("top": the top of the first page, shown for review).
LookReason = Literal["signer", "header", "urgency", "signer-marks", "top"]
#: What is wrong with a stored object (verify).
ProblemKind = Literal["missing", "size", "checksum", "damaged", "orphan", "unreadable", "partial"]
FieldSource = Literal["ocr", "text-layer", "signature-stamp", "filename", "manual"]


@dataclass(slots=True)
class Word:
    """One recognised word with its box (tesseract TSV level 5)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100; -1 when unknown (text layer words)
    block: int = 0
    par: int = 0
    line: int = 0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(slots=True)
class PageOcr:
    """What one page says, from OCR or from a trusted text layer."""

    number: int  # 1-based
    width: int
    height: int
    dpi: float
    text: str
    words: list[Word] = field(default_factory=list)
    source: PageSource = "ocr"
    rotation: int = 0  # degrees clockwise applied to make the page upright
    skew: float = 0.0  # degrees of deskew applied to the OCR copy
    blank: bool = False
    mean_conf: float | None = None
    seconds: float = 0.0
    layer_text: str = ""  # text found in the original's own text layer (e.g. a signature stamp)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # field by field: asdict() would copy every word into a dict first, only to drop it
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["warnings"] = list(self.warnings)
        data["words"] = [
            [w.text, w.left, w.top, w.width, w.height, round(w.conf, 1), w.block, w.par, w.line]
            for w in self.words
        ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageOcr:
        data = dict(data)
        data["words"] = [Word(*row) for row in data.get("words", [])]
        return cls(**data)


@dataclass(slots=True)
class FieldValue:
    """One metadata field as read: a value, how sure we are, and where it came from."""

    value: str | None
    confidence: float  # 0..1
    source: FieldSource = "ocr"


@dataclass(slots=True)
class Metadata:
    """Metadata fields by name (see METADATA_FIELDS)."""

    fields: dict[str, FieldValue] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        fv = self.fields.get(name)
        return fv.value if fv else None


# The document-level fields, in the order they are shown and exported (declared in fields.py).
METADATA_FIELDS: tuple[str, ...] = NAMES


@dataclass(slots=True)
class IngestResult:
    file: str
    status: IngestStatus
    id: int | None = None
    sha256: str | None = None
    pages: int | None = None
    error: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    needs_review: list[str] = field(default_factory=list)
    fault: DigitizeError | None = None  # failed by a fault of the archive, not of the file
    unread_pages: list[int] = field(default_factory=list)  # archived without text: OCR timed out or failed

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "status": self.status, "id": self.id, "sha256": self.sha256,
            "pages": self.pages, "error": self.error, "seconds": round(self.seconds, 3),
            "warnings": self.warnings, "needs_review": self.needs_review, "unread_pages": self.unread_pages,
            "timings": {k: round(v, 3) for k, v in sorted(self.timings.items())},
        }


class Progress:
    """Hooks the CLI implements to show progress; the default shows nothing."""

    def file_started(self, path: Path, pages: int) -> None: ...

    def page_done(self, path: Path) -> None: ...

    def file_done(self, result: IngestResult) -> None: ...
