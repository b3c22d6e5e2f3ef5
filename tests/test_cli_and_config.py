"""Settings layers, the schema, and the command-line surface."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from digitize import db
from digitize.cli import cli
from digitize.config import load_settings
from digitize.db.models import Base
from digitize.errors import ConfigError, ExitCode


def test_settings_layers(tmp_path: Path):
    (tmp_path / "digitize.toml").write_text('lang = "vie"\njobs = 3\nreview_threshold = 0.5\n')
    env = {"DIGITIZE_HOME": str(tmp_path), "DIGITIZE_JOBS": "4"}
    settings = load_settings({"review_threshold": 0.9}, environ=env)
    assert settings.lang == "vie"  # from the file
    assert settings.jobs == 4  # env beats file
    assert settings.review_threshold == 0.9  # flags beat env
    assert settings.effective_db_url == f"sqlite:///{tmp_path / 'digitize.sqlite3'}"
    assert settings.effective_storage_url == (tmp_path / "store").as_uri()


def test_bad_settings_are_named(tmp_path: Path):
    (tmp_path / "digitize.toml").write_text("jobs = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(environ={"DIGITIZE_HOME": str(tmp_path)})
    with pytest.raises(ConfigError, match="ocr mode"):
        load_settings({"ocr": "sometimes"}, environ={"DIGITIZE_HOME": str(tmp_path / "x")})


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migrations_build_the_schema_the_models_describe(tmp_path: Path, backend: str, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    else:
        from .conftest import fresh_postgres_db

        url = fresh_postgres_db(request.getfixturevalue("postgres"))
    engine = db.make_engine(url)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision(engine) == db.HEAD_REVISION
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "include_name": lambda name, type_, parents: not (
                type_ == "table" and name.startswith("search_index")),
        })
        assert compare_metadata(ctx, Base.metadata) == []


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append((prefix + name, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + name + " "))
    return out


@pytest.mark.parametrize("name,command", _commands(cli))
def test_every_command_has_help(name, command):
    assert command.help and len(command.help.strip()) > 10, f"`digitize {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"`digitize {name}` option {param.opts} has no help"


def test_help_does_not_open_the_database(tmp_path: Path):
    from click.testing import CliRunner

    home = tmp_path / "never"
    result = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert not home.exists()


def test_usage_error_is_clicks_code(run):
    assert run("ingest").exit_code == ExitCode.USAGE


def test_doctor_reports_everything_present(run):
    result = run("doctor")
    assert result.exit_code == ExitCode.OK, result.output
    assert "tesseract language 'vie'" in result.stdout and "missing" not in result.stdout


def test_doctor_names_what_is_missing(run, monkeypatch):
    from digitize.ocr import tesseract

    monkeypatch.setattr(tesseract, "languages", lambda: ["eng"])
    result = run("doctor")
    assert result.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "apt-get install tesseract-ocr-vie" in result.stdout


def test_ingest_refuses_to_start_without_language_data(run, tmp_path, monkeypatch):
    from digitize.ocr import check, tesseract

    check.check_tools.cache_clear()
    monkeypatch.setattr(tesseract, "languages", lambda: ["eng", "osd"])
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    result = run("ingest", tmp_path / "a.pdf")
    check.check_tools.cache_clear()
    assert result.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "no 'vie' language data" in result.stderr and "tesseract-ocr-vie" in result.stderr


def test_a_relative_home_is_the_current_folders(tmp_path: Path, monkeypatch, page_pdf):
    from click.testing import CliRunner

    pdf = page_pdf("rel.pdf")
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("DIGITIZE_"):
            monkeypatch.delenv(key)
    runner = CliRunner()
    ingest = runner.invoke(cli, ["--home", "rel-home", "ingest", "--jobs", "1", "--json", str(pdf)],
                           catch_exceptions=False)
    assert ingest.exit_code == 0, ingest.output
    got = runner.invoke(cli, ["--home", "rel-home", "get", "1", "-o", "out.pdf"], catch_exceptions=False)
    assert got.exit_code == 0, got.output
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "rel-home" / "digitize.sqlite3").is_file()
