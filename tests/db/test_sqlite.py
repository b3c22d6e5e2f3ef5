"""digitize.db on the embedded SQLite database: the schema comes from the migrations, and a
search query is cut into terms as the clerk typed them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from digitize import db
from digitize.db.repository import parse_query


def test_a_new_database_is_migrated_to_the_head_revision(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    try:
        assert db.current_revision(engine) is None
        db.ensure_schema(engine)
        assert db.current_revision(engine) == db.head_revision(engine)
        assert "documents" in inspect(engine).get_table_names()
        db.ensure_schema(engine)  # at head already: nothing to do, and no error
        assert db.current_revision(engine) == db.head_revision(engine)
    finally:
        engine.dispose()


def test_a_quoted_phrase_is_one_term_of_several_words() -> None:
    assert parse_query('ke hoach "chuyen doi so" 2025') == [
        ["ke"], ["hoach"], ["chuyen", "doi", "so"], ["2025"],
    ]
    assert parse_query('"" - ,') == []  # nothing that is a word: no term
