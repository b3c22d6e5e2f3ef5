"""Commands that keep the archive: reindex, doctor, verify, db, storage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from ..errors import ExitCode, NotFound

if TYPE_CHECKING:
    pass


from . import Context, _exit_for_files, _password, cli, pass_ctx, password_options, pdfa_option


@cli.command()
@click.option("--if-needed", is_flag=True, help="Only documents made by an older pipeline version.")
@click.option("--reocr", is_flag=True, help="OCR the stored originals again (slow) instead of "
              "re-reading the stored OCR.")
@click.option("--where", "where_items", multiple=True, metavar="KEY=VALUE",
              help="Filter: type=NAME, year=YYYY, id=N, id=A-B, id=A- or id=-B (repeatable).")
@click.option("--import", "import_from", metavar="SOURCE",
              help="Take in a folder or s3://bucket/prefix of PDFs never processed by digitize.")
@click.option("--restart", is_flag=True, help="Ignore the checkpoint of an interrupted reindex.")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), help="Worker processes (default: all cores).")
@password_options
@pdfa_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@pass_ctx
def reindex(obj: Context, if_needed: bool, reocr: bool, where_items: tuple[str, ...], import_from: str | None,
            restart: bool, jobs: int | None, password: str | None, password_file: Path | None,
            pdfa: str | None, as_json: bool) -> None:
    """Re-read metadata (and rebuild the search index) after an upgrade; manual edits are kept.
    --pdfa applies to the searchable PDFs that --reocr and --import write."""
    from ..pipelines import reindex as pipeline

    settings = obj.settings(jobs=jobs, password_file=password_file, pdfa=pdfa)
    where = pipeline.Where.parse(where_items)
    if reocr or import_from:
        from ..ocr.check import check_tools

        check_tools(settings.lang)
        secret = _password(settings, password)
        reporter = render.IngestReporter([], as_json=as_json, quiet=obj.quiet)
        with reporter, pipeline.temporary_folder(settings) as tmp:
            results = (pipeline.reocr(obj.archive, where, if_needed=if_needed, progress=reporter,
                                      password=secret)
                       if reocr else pipeline.import_into(obj.archive, import_from or "", tmp, reporter,
                                                          secret))
            for result in results:
                reporter.result(result)
        reporter.summary()
        _exit_for_files(reporter.results, reporter.failed)
        sys.exit(int(ExitCode.OK))
    with render.CountingProgress("documents", quiet=obj.quiet or as_json) as progress:
        summary = pipeline.reextract(obj.archive, where, if_needed=if_needed, restart=restart,
                                     jobs=settings.effective_jobs, on_progress=progress.advance)
    if as_json:
        click.echo(render.json_text(summary.to_json()))
    elif not obj.quiet or summary.failed:
        render.reindex_summary(summary)
    sys.exit(int(ExitCode.FILES_FAILED if summary.failed else ExitCode.OK))


# --- operations -----------------------------------------------------------------------------

@cli.command()
@pass_ctx
def doctor(obj: Context) -> None:
    """Check tesseract, its vie/eng/osd data, poppler, qpdf and the second reader; say how to
    install what is missing."""
    from ..ocr.check import dependency_report

    rows = dependency_report(second_reader_on=obj.settings().second_reader)
    render.doctor(rows)
    if any(not ok for _, ok, _, _ in rows):
        sys.exit(int(ExitCode.MISSING_DEPENDENCY))


@cli.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@cli.command()
@click.option("--deep", is_flag=True, help="Download every object and hash it (slow, thorough).")
@click.option("--repair", is_flag=True, help="Put back what can be put back (originals from an "
              "identical file, searchable PDFs and OCR by OCRing the original again; unfinished "
              "writes removed).")
@click.option("--from", "copies_in", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="With --repair: a folder (e.g. the inbox's done/) to look in for lost originals, "
              "by sha256 (repeatable).")
@password_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@pass_ctx
def verify(obj: Context, deep: bool, repair: bool, copies_in: tuple[Path, ...], password: str | None,
           password_file: Path | None, as_json: bool) -> None:
    """Check that the store holds what the database records: missing, damaged, orphaned objects
    and unfinished writes."""
    from ..pipelines.verify import verify as run_verify

    settings = obj.settings(password_file=password_file)
    if missing := [p for p in copies_in if not p.is_dir()]:
        raise NotFound(f"{missing[0]}: no such folder", advice="give --from a folder that holds copies")
    report = run_verify(obj.archive if repair else obj.reading, deep=deep, repair=repair, copies_in=copies_in,
                        password=_password(settings, password) if repair else None)
    if as_json:
        click.echo(render.json_text(report.to_json()))
    else:
        render.verify_report(report)
    if report.unresolved:
        sys.exit(int(ExitCode.CHECK_FAILED))


@cli.group("storage")
def storage_group() -> None:
    """The object store: move an archive between a local folder and S3."""


@storage_group.command("migrate")
@click.option("--to", "target", required=True, help="Target store: s3://bucket/prefix or file:///dir.")
@click.option("--no-switch", is_flag=True, help="Copy only; keep using the current store.")
@pass_ctx
def storage_migrate(obj: Context, target: str, no_switch: bool) -> None:
    """Copy every archived object to another store (resumable, verified), then switch to it."""
    from ..config import config_path, write_setting
    from ..pipelines.migrate import migrate

    report = migrate(obj.archive, target)
    click.echo(f"copied {report.copied}, already there {report.already}, failed {len(report.failed)}")
    for failure in report.failed:
        click.echo(f"failed     {render.clean(failure)}", err=True)
    if report.failed:
        click.echo("not switching: run the same command again to finish", err=True)
        sys.exit(int(ExitCode.STORAGE_ERROR))
    if not no_switch:
        path = config_path(obj.settings(), obj._config_file)
        write_setting(path, "storage_url", target)
        click.echo(f"now using {target} (storage_url in {path})")


@db_group.command("upgrade")
@pass_ctx
def db_upgrade(obj: Context) -> None:
    """Create or upgrade the schema to the newest revision."""
    from sqlalchemy.exc import SQLAlchemyError

    from .. import db
    from ..pipelines.archive import database_error

    engine = obj.archive.open_engine(upgrade=False)
    try:
        db.upgrade(engine)
        revision = db.current_revision(engine)
    except SQLAlchemyError as exc:
        raise database_error(exc, obj.settings().effective_db_url, "cannot upgrade the database") from exc
    click.echo(f"database at revision {revision}")


@db_group.command("current")
@pass_ctx
def db_current(obj: Context) -> None:
    """Print the schema revision of the database (and which database, without its password)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .. import db
    from ..config import safe_url
    from ..pipelines.archive import database_error

    engine = obj.reading.open_engine(upgrade=False)
    try:
        revision = db.current_revision(engine)
    except SQLAlchemyError as exc:
        raise database_error(exc, obj.settings().effective_db_url, "cannot read the database") from exc
    url = safe_url(obj.settings().effective_db_url)
    click.echo(f"{revision or 'empty'} (newest: {db.head_revision(engine)}) in {url}")
