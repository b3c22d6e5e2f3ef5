"""folded filter keys: doc_type, number and number_symbol as the filters compare them

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_KEYS = (("doc_type", 64), ("number", 32), ("number_symbol", 128))


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for name, length in _KEYS:
            batch_op.add_column(sa.Column(f"{name}_folded", sa.String(length=length), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_documents_{name}_folded"), [f"{name}_folded"], unique=False)
    _fill_keys()


def _fill_keys() -> None:
    """Keys for the documents already archived, folded as the code folds new ones."""
    from digitize.metadata.text import fold

    def filter_key(value: str | None) -> str | None:  # as pipelines.archive.filter_key
        return " ".join(fold(value).split()) or None if value is not None else None

    conn = op.get_bind()
    documents = sa.table("documents", sa.column("id", sa.Integer),
                         *(sa.column(name, sa.String) for name, _ in _KEYS),
                         *(sa.column(f"{name}_folded", sa.String) for name, _ in _KEYS))
    rows = conn.execute(sa.select(documents.c.id, *(documents.c[name] for name, _ in _KEYS))).all()
    for row in rows:
        keys = {f"{name}_folded": filter_key(row._mapping[name]) for name, _ in _KEYS}
        if any(keys.values()):
            conn.execute(documents.update().where(documents.c.id == row.id).values(**keys))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for name, _ in reversed(_KEYS):
            batch_op.drop_index(batch_op.f(f"ix_documents_{name}_folded"))
            batch_op.drop_column(f"{name}_folded")
