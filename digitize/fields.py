"""The one registry of metadata fields: each field declared once, and every layer reads it.

A declaration says what a field is called (its name in code, in the database and in
`edit --field`; its Phụ lục VI name (Nghị định 30/2020) for the CSV export and the review
column; an English label), what kind of value it holds, which documents must have it
(review flags it when missing or unsure), how search uses it, which field it follows, and
which header reader fills it. The extractor, the database, review, export and search read
this table rather than lists of their own.

Adding a field: declare it here (with `since` set to the next pipeline version, so that
`reindex --if-needed` reads the archive again for it), write its reader in
digitize/metadata, and add its column to db.models.Document with an Alembic migration
(tests/test_fields_registry.py checks the model and the exports agree with this table).

A leaf module: it imports nothing of digitize, so any layer (and a command that reads no
page) may import it at no cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

#: What a value holds. "date": an ISO date (a clerk's typing is turned into one);
#: "timestamp": an ISO date and time; "number": digits kept as text (leading zeros matter);
#: "code": a short code (a language); "text": anything else.
Kind = Literal["text", "number", "date", "timestamp", "code"]
#: The search index columns a field's words go to: "meta" ranks above page text,
#: "issuer" is what `search --issuer` matches.
SearchGroup = Literal["meta", "issuer"]
#: Where on the page a field is printed: what review shows the clerk beside it.
Region = Literal["header", "signature"]


@dataclass(frozen=True, slots=True)
class Field:
    """One metadata field of a document (Phụ lục VI, document level)."""

    name: str  # in code, the database column, `edit --field`, jsonl
    vi: str  # Phụ lục VI name: the "Cần kiểm tra" column, the CSV header
    en: str  # English label
    csv_column: int  # its place among the CSV columns (Phụ lục VI order, see CSV_COLUMNS)
    reader: str  # the name of the reader that fills it (digitize.metadata.readers)
    element: str | None = None  # Phụ lục VI element name, written after `vi` in the CSV header
    kind: Kind = "text"
    # the document types that must have it ("all": every document); missing or unsure,
    # review flags it. Type names as `doc_type` holds them ("Quyết định").
    expected_for: frozenset[str] | Literal["all"] = frozenset()
    search: tuple[SearchGroup, ...] = ()
    folded_filter: bool = False  # kept folded beside it (documents.<name>_folded) for a filter
    on_objects: bool = False  # stored with the archived objects, for other S3 tools
    derived_from: str | None = None  # follows that field (a clerk's correction of it too)
    region: Region = "header"
    since: int = 1  # the pipeline version that first filled it

    @property
    def csv_header(self) -> str:
        """"Trích yếu nội dung (Subject)": the name, and the element name where there is one."""
        return f"{self.vi} ({self.element})" if self.element else self.vi

    def expected(self, doc_type: str | None) -> bool:
        """Whether a document of this type must have the field."""
        if self.expected_for == "all":
            return True
        return doc_type is not None and doc_type.casefold() in {t.casefold() for t in self.expected_for}


_ALL: Literal["all"] = "all"

#: Every field, in the order `show` and the jsonl export give them.
FIELDS: tuple[Field, ...] = (
    Field("number_symbol", "Số và ký hiệu", "Number and symbol", 30, "number", expected_for=_ALL,
          search=("meta",), folded_filter=True, on_objects=True),
    Field("number", "Số của văn bản", "Number", 10, "number", element="CodeNumber", kind="number",
          folded_filter=True, derived_from="number_symbol"),
    Field("symbol", "Ký hiệu của văn bản", "Symbol", 20, "number", element="CodeNotation",
          derived_from="number_symbol"),
    Field("issued_date", "Ngày, tháng, năm văn bản", "Date issued", 40, "date", element="IssuedDate",
          kind="date", expected_for=_ALL, on_objects=True),
    Field("place", "Địa danh", "Place", 140, "date", search=("meta",)),
    Field("doc_type", "Tên loại văn bản", "Document type", 50, "doc_type", element="TypeName",
          expected_for=_ALL, search=("meta",), folded_filter=True, on_objects=True),
    Field("abstract", "Trích yếu nội dung", "Abstract", 80, "doc_type", element="Subject",
          expected_for=_ALL, search=("meta",)),
    Field("issuer", "Tên cơ quan, tổ chức ban hành văn bản", "Issuing agency", 60, "issuer",
          element="OrganName", expected_for=_ALL, search=("meta", "issuer"), on_objects=True),
    Field("parent_issuer", "Tên cơ quan chủ quản", "Parent agency", 70, "issuer",
          search=("meta", "issuer")),
    Field("signer", "Họ tên người ký", "Signer", 120, "signer", element="FullName", expected_for=_ALL,
          search=("meta",), region="signature"),
    Field("signer_title", "Chức vụ người ký", "Signer's position", 110, "signer", element="Position",
          expected_for=_ALL, region="signature"),
    Field("urgency", "Mức độ khẩn", "Urgency", 130, "urgency", element="Priority"),
    Field("signed_at", "Thời gian ký số", "Signed (digital signature)", 150, "stamp", kind="timestamp"),
    Field("language", "Ngôn ngữ", "Language", 90, "language", element="Language", kind="code"),
)

#: The record's own columns of the CSV export (not fields read off the page), by place.
RECORD_COLUMNS: tuple[tuple[int, str, str], ...] = (
    (0, "id", "Mã định danh (Id)"),
    (100, "page_count", "Số trang (PageAmount)"),
    (160, "source_name", "Tệp gốc"),
    (170, "sha256", "SHA-256"),
    (180, "needs_review", "Cần kiểm tra"),
)

# --- lookups -----------------------------------------------------------------------------------

#: The field names, in FIELDS order.
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: Mapping[str, Field] = MappingProxyType({f.name: f for f in FIELDS})

#: The CSV export's (key, header) pairs: fields and record columns, Phụ lục VI order.
CSV_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (key, header) for _, key, header in sorted(
        [(f.csv_column, f.name, f.csv_header) for f in FIELDS] + list(RECORD_COLUMNS))
)

#: source field -> the fields derived from it (number and symbol from number_symbol)
DERIVED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    source: tuple(f.name for f in FIELDS if f.derived_from == source)
    for source in dict.fromkeys(f.derived_from for f in FIELDS if f.derived_from)
})

#: The fields whose words the search index holds apart: "meta" ranks above page text,
#: "issuer" is what `search --issuer` matches.
SEARCH_META: tuple[str, ...] = tuple(f.name for f in FIELDS if "meta" in f.search)
SEARCH_ISSUER: tuple[str, ...] = tuple(f.name for f in FIELDS if "issuer" in f.search)
#: The fields whose filters compare folded keys (documents.<name>_folded).
FOLDED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.folded_filter)
#: The fields stored with the archived objects (S3 user metadata).
OBJECT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.on_objects)
#: The fields a clerk types as a date (stored as ISO dates).
DATE_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.kind == "date")

#: The newest pipeline version a field needs (pipelines.archive.contract.PIPELINE_VERSION is at least it).
NEWEST_SINCE: int = max(f.since for f in FIELDS)


def field(name: str) -> Field:
    """The declaration of `name` (KeyError for a name that is not a field)."""
    return BY_NAME[name]


def expected_fields(doc_type: str | None) -> list[str]:
    """The fields a document of this type must have (urgency, the parent agency are optional)."""
    return [f.name for f in FIELDS if f.expected(doc_type)]
