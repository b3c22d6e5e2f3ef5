"""Tables: documents, pages, events (audit). Changed only through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str] = mapped_column(String(512))
    source_path: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    original_key: Mapped[str] = mapped_column(String(256))
    pdf_key: Mapped[str] = mapped_column(String(256))
    ocr_key: Mapped[str] = mapped_column(String(256))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    ocr_sha256: Mapped[str | None] = mapped_column(String(64))
    ocr_lang: Mapped[str] = mapped_column(String(64))
    pipeline_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # metadata read off the page (Nghị định 30/2020, Phụ lục VI)
    number_symbol: Mapped[str | None] = mapped_column(String(128), index=True)
    number: Mapped[str | None] = mapped_column(String(32), index=True)
    symbol: Mapped[str | None] = mapped_column(String(96))
    issued_date: Mapped[str | None] = mapped_column(String(10), index=True)  # ISO date
    place: Mapped[str | None] = mapped_column(String(128))
    doc_type: Mapped[str | None] = mapped_column(String(64), index=True)
    abstract: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(512), index=True)
    parent_issuer: Mapped[str | None] = mapped_column(String(512))
    signer: Mapped[str | None] = mapped_column(String(128))
    signer_title: Mapped[str | None] = mapped_column(String(256))
    urgency: Mapped[str | None] = mapped_column(String(32))
    signed_at: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    # filter keys: the field folded (lower case, tone marks removed, đ -> d), written with
    # the search index, so that --type "quyet dinh" and --number 15/QD-UBND find them
    doc_type_folded: Mapped[str | None] = mapped_column(String(64), index=True)
    number_folded: Mapped[str | None] = mapped_column(String(32), index=True)
    number_symbol_folded: Mapped[str | None] = mapped_column(String(128), index=True)
    # per field: {"confidence": 0..1, "source": "ocr|text-layer|signature-stamp|filename|manual"}
    field_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Page.number"
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # ocr | text-layer | none
    text: Mapped[str] = mapped_column(Text, default="")
    mean_conf: Mapped[float | None] = mapped_column(Float)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    dpi: Mapped[float | None] = mapped_column(Float)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="pages")


class Event(Base):
    """The audit trail: who did what to which document, and when."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))  # ingest | edit | reindex | ...
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class User(Base):
    """Who may sign in to `digitize serve`: văn thư review and edit, cán bộ search and read.

    Only slow hashes are kept: the password's (scrypt) and the API token's (SHA-256 of a
    random 256-bit token, which needs no slow hash).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # van-thu | can-bo
    password_hash: Mapped[str] = mapped_column(String(256))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
