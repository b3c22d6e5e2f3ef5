"""The `digitize` command: parse options, call a pipeline, render the results."""

from __future__ import annotations

import logging
import sys
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__, render
from .config import OCR_MODES, Settings, load_settings, make_home
from .errors import DigitizeError, ExitCode, InputError, NotFound

if TYPE_CHECKING:
    from .pipelines.archive import Archive

log = logging.getLogger("digitize")


class Context:
    """Built once in the group callback; settings and archive are loaded on first use."""

    def __init__(self, overrides: dict[str, Any], config_file: Path | None, verbose: int, quiet: bool):
        self._overrides = overrides
        self._config_file = config_file
        self.verbose = verbose
        self.quiet = quiet
        self._settings: Settings | None = None
        self._archive: Archive | None = None

    def settings(self, **more: Any) -> Settings:
        if self._settings is None or more:
            self._settings = load_settings({**self._overrides, **more}, config_file=self._config_file)
            self._archive = None
        return self._settings

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            from .pipelines.archive import Archive

            self._archive = Archive(self.settings())
        return self._archive

    @property
    def reading(self) -> Archive:
        """The archive for a command that only reads: it must exist, and may be read-only."""
        if self._archive is None:
            from .pipelines.archive import Archive

            self._archive = Archive(self.settings(), reading=True)
        return self._archive


pass_ctx = click.make_pass_decorator(Context)


class DigitizeGroup(click.Group):
    """Turns our exceptions into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DigitizeError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing half-done was recorded, run the command again to finish",
                  ExitCode.INTERRUPTED)


def _fail(message: str, code: ExitCode) -> NoReturn:
    click.echo(f"digitize: error: {render.clean(message)}", err=True)
    sys.exit(int(code))


@click.group(cls=DigitizeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
@click.option("--home", type=click.Path(path_type=Path), help="Data home (DIGITIZE_HOME).")
@click.option("--db", "db_url", help="Database URL (DIGITIZE_DB_URL), default SQLite in the home.")
@click.option("--storage", "storage_url", help="Object store URL: file:///dir or s3://bucket/prefix.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Settings file (default: digitize.toml in the home).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, db_url: str | None, storage_url: str | None,
        config_file: Path | None, verbose: int, quiet: bool) -> None:
    """Turn scanned Vietnamese administrative documents into a searchable archive."""
    level = logging.WARNING - 10 * verbose if not quiet else logging.ERROR
    logging.basicConfig(level=max(level, logging.DEBUG), handlers=[render.TerminalLogHandler()])
    overrides = {"home": home, "db_url": db_url, "storage_url": storage_url}
    ctx.obj = Context(overrides, config_file, verbose, quiet)
    if ctx.invoked_subcommand and "--help" not in sys.argv[1:]:
        _log_to_file(ctx.obj)
    ctx.call_on_close(lambda: ctx.obj._archive.close() if ctx.obj._archive else None)


def _log_to_file(obj: Context) -> None:
    """With log_file set, keep an INFO log (rotated) for cron runs that print nothing."""
    try:
        settings = obj.settings()
    except DigitizeError:
        return  # reported by the command itself
    log_file = settings.log_file
    if log_file is None:
        return
    from logging.handlers import RotatingFileHandler

    try:
        if log_file.is_relative_to(settings.home):
            make_home(settings)  # a log in a new home: the home is made as home_mode says first
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(log_file, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8")
    except OSError as exc:  # a read-only home can still be searched: without its log
        log.warning("cannot write the log file %s (%s); going on without it", log_file,
                    exc.strerror or exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO))
    for stream_handler in root.handlers:
        if stream_handler is not handler and stream_handler.level == logging.NOTSET:
            stream_handler.setLevel(logging.WARNING - 10 * obj.verbose if not obj.quiet else logging.ERROR)


def password_options(command: Any) -> Any:
    """--password and --password-file, for every command that may open an encrypted PDF."""
    command = click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False),
                           help="File whose first line is the password for encrypted PDFs "
                           "(password_file setting).")(command)
    return click.option("--password", help="Password for encrypted PDFs (others on the machine may "
                        "see it in `ps`: prefer --password-file).")(command)


def _password(settings: Settings, password: str | None) -> str | None:
    from .config import read_password_file

    if password is not None:
        return password
    return read_password_file(settings.password_file) if settings.password_file else None


def _sweep(obj: Context) -> None:
    """Remove the work folders and unfinished writes that killed runs left behind."""
    from .pipelines.leftovers import sweep

    sweep(obj.archive)


# --- ingest -------------------------------------------------------------------------------

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ocr", type=click.Choice(OCR_MODES), help="auto: OCR pages without a real text layer "
              "(default); force: OCR every page; skip: never OCR.")
@click.option("--lang", help="Tesseract languages (default vie; vie+eng for English passages).")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), help="Parallel tesseracts (default: all cores).")
@password_options
@click.option("--page-timeout", type=click.FloatRange(1), help="Seconds of OCR allowed per page.")
@click.option("--keep-temp", is_flag=True, help="Keep the temporary work folders (for debugging).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file on stdout.")
@pass_ctx
def ingest(obj: Context, paths: tuple[Path, ...], ocr: str | None, lang: str | None, jobs: int | None,
           password: str | None, password_file: Path | None, page_timeout: float | None, keep_temp: bool,
           as_json: bool) -> None:
    """OCR scans (PDF, TIFF, JPEG, PNG; folders recursively) into the archive."""
    from .ocr.check import check_tools
    from .pipelines.ingest import IngestOptions, collect_files
    from .pipelines.ingest import ingest as run_ingest

    settings = obj.settings(ocr=ocr, lang=lang, jobs=jobs, page_timeout=page_timeout, keep_temp=keep_temp,
                            password_file=password_file)
    check_tools(settings.lang)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise NotFound(f"{missing[0]}: no such file or folder")
    files = collect_files(paths)
    if not files:
        raise InputError(f"no PDF, TIFF, JPEG or PNG files found in {', '.join(map(str, paths))}")
    options = IngestOptions(ocr=settings.ocr, password=_password(settings, password),
                            keep_temp=settings.keep_temp)
    _sweep(obj)
    obj.archive.preflight()  # the store and the database take a write: before any OCR
    reporter = render.IngestReporter(files, as_json=as_json, quiet=obj.quiet)
    fault: DigitizeError | None = None
    with reporter:
        for result in run_ingest(obj.archive, files, options, reporter):
            if result.fault is not None:  # the archive's, not the file's: stop, say it once
                fault = result.fault
                break
            reporter.result(result)
    reporter.summary()
    if fault is not None:
        _fail(f"{fault}; stopped there, {len(files) - len(reporter.results)} file(s) not archived",
              fault.exit_code)
    _exit_for_files(reporter.results, reporter.failed)


def _exit_for_files(results: list[Any], failed: int) -> None:
    """Exit 3 when files failed, or pages could not be read (their documents went in without
    that text): said in one line; else return."""
    from .pipelines.ingest import unread_pages_line

    line = unread_pages_line(results)
    if line:
        click.echo(f"digitize: error: {render.clean(line)}", err=True)
    if failed or line:
        sys.exit(int(ExitCode.FILES_FAILED))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--settle", type=click.FloatRange(0), default=5.0, show_default=True,
              help="Seconds a file must stay unchanged before it is taken.")
@click.option("--delete-done", is_flag=True, help="Delete archived files instead of moving them to done/.")
@click.option("--retry-failed", is_flag=True, help="Move failed/ files back for another try first.")
@click.option("--watch", is_flag=True, help="Keep running (filesystem events; SIGTERM stops it).")
@click.option("--poll", type=click.FloatRange(0.5), help="With --watch: poll every N seconds "
              "instead of filesystem events (network shares).")
@click.option("--rescan", type=click.FloatRange(1), default=300, show_default=True,
              help="With --watch: full rescan at least this often (seconds).")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), help="Parallel tesseracts (default: all cores).")
@password_options
@click.option("--json", "as_json", is_flag=True, help="A JSON summary of each pass on stdout.")
@pass_ctx
def inbox(obj: Context, folder: Path, settle: float, delete_done: bool, retry_failed: bool, watch: bool,
          poll: float | None, rescan: float, jobs: int | None, password: str | None,
          password_file: Path | None, as_json: bool) -> None:
    """Empty an inbox folder into the archive: for cron (one pass) or --watch.

    Archived files move to FOLDER/done/ (same sub-folders), failures to FOLDER/failed/ with a
    .error.json beside them. Quiet unless something happened.
    """
    from .ocr.check import check_tools
    from .pipelines.inbox import InboxOptions, Watcher, run_pass
    from .pipelines.ingest import IngestOptions

    if not folder.expanduser().is_dir():  # before a watcher is set on it
        raise NotFound(f"{folder}: inbox folder does not exist", advice="create it or fix the path")
    settings = obj.settings(jobs=jobs, password_file=password_file)
    check_tools(settings.lang)
    options = InboxOptions(settle=settle, delete_done=delete_done, retry_failed=retry_failed,
                           ingest=IngestOptions(ocr=settings.ocr, keep_temp=settings.keep_temp,
                                                password=_password(settings, password)))
    _sweep(obj)
    if not watch:
        summary = run_pass(obj.archive, folder, options)
        render.inbox_summary(summary, as_json=as_json)
        if summary.fault is None:  # a fault of the archive was said already, with its own code
            _exit_for_files(summary.results, summary.failed)
        sys.exit(int(summary.exit_code))
    with Watcher(folder, poll=poll, rescan=rescan) as watcher:
        while not watcher.stopping.is_set():
            summary = run_pass(obj.archive, folder, options, stop=watcher.stopping.is_set)
            render.inbox_summary(summary, as_json=as_json)
            options.retry_failed = False
            # after a fault of the archive, wait a whole poll/rescan period before trying again
            watcher.wait(summary.waiting > 0 and summary.fault is None, settle)


# --- reading the archive ----------------------------------------------------------------

@cli.command()
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable record.")
@pass_ctx
def show(obj: Context, doc_id: int, as_json: bool) -> None:
    """Show one document: fields with confidence and source, pages, a link to open it."""
    from .pipelines import records

    record = records.document_record(obj.reading, doc_id, with_url=True)
    if as_json:
        click.echo(render.json_text(record, indent=2))
    else:
        render.show_document(record)


@cli.command()
@click.argument("doc_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File (or folder) to write.")
@click.option("--original", is_flag=True, help="The original scan instead of the searchable PDF.")
@pass_ctx
def get(obj: Context, doc_id: int, output: Path, original: bool) -> None:
    """Write a document's searchable PDF (or its original) to a file."""
    from .pipelines import records

    _output_folder(output if output.is_dir() else output.parent)
    written = records.fetch_file(obj.reading, doc_id, output, original=original)
    if not obj.quiet:
        click.echo(render.clean(written))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one record per line; csv: UTF-8 with BOM, opens in Excel.")
@click.option("--with-text", is_flag=True, help="Include each page's text (jsonl).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default stdout).")
@pass_ctx
def export(obj: Context, fmt: str, with_text: bool, output: Path | None) -> None:
    """Export every document's record (jsonl, or CSV for Excel with Phụ lục VI headers)."""
    from .pipelines import records

    if output is not None:
        _output_folder(output.parent)
    # CSV starts with a UTF-8 BOM so that Excel reads the Vietnamese text right
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with click.open_file(str(output) if output else "-", "w", encoding=encoding, atomic=bool(output)) as out:
        if fmt == "jsonl":
            for record in records.iter_records(obj.reading, with_text=with_text):
                out.write(render.json_text(record) + "\n")
        else:
            records.write_csv(obj.reading, out)


def _output_folder(folder: Path) -> None:
    """-o names a file in a folder that must exist: a typo must not scatter new folders."""
    if not folder.is_dir():
        raise NotFound(f"{folder}: no such folder for -o", advice="create it first, or give -o a file "
                       "in a folder that exists")


class SearchCommand(click.Command):
    """search's command line: a query word may start with "-" ("-UBND", "-nam").

    click would take such a word for options (and "-nam" for `-n am`), and
    `ignore_unknown_options` does not help with words holding an n or h. So the words that
    are none of search's options go after a `--` before click reads the line, in their order.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _options_first(self.get_params(ctx), args))


def _options_first(params: list[click.Parameter], args: list[str]) -> list[str]:
    """The options (with their values) of a command line, then `--`, then every other word.

    An option is a name the command has (or any `--long`, so a typo is still reported); a
    short option's glued value counts only when it starts with a digit ("-n5", not "-nam").
    """
    with_value: set[str] = set()
    flags: set[str] = set()
    for param in params:
        if isinstance(param, click.Option):
            names = param.opts + param.secondary_opts
            (flags if param.is_flag or param.count else with_value).update(names)
    options: list[str] = []
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg in with_value:
            options.extend([arg, *islice(rest, 1)])
        elif arg.startswith("--") or arg in flags or (arg[:2] in with_value and arg[2:3].isdigit()):
            options.append(arg)
        else:
            words.append(arg)
    return [*options, "--", *words] if words else options


@cli.command(cls=SearchCommand)
@click.argument("query_words", metavar="[QUERY]...", nargs=-1)
@click.option("--type", "doc_type", help="Tên loại, e.g. 'Quyết định'.")
@click.option("--issuer", help="Issuing agency (part of the name, tone marks optional).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Issued on or after.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Issued on or before.")
@click.option("--number", help="Số or số và ký hiệu, e.g. 106 or 106/KH-UBND.")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Most results to show.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@pass_ctx
def search(obj: Context, query_words: tuple[str, ...], doc_type: str | None, issuer: str | None,
           date_from: Any, date_to: Any, number: str | None, limit: int, as_json: bool) -> None:
    """Find documents; tone marks optional ("quyet dinh" finds "QUYẾT ĐỊNH"), "phrases" quoted."""
    from .pipelines import records

    query = " ".join(query_words)
    hits = records.search(
        obj.reading, query, doc_type=doc_type, issuer=issuer,
        date_from=date_from.date().isoformat() if date_from else None,
        date_to=date_to.date().isoformat() if date_to else None, number=number, limit=limit,
    )
    if as_json:
        for hit in hits:
            click.echo(render.json_text(hit))
    else:
        render.search_results(hits, query)


@cli.command()
@click.argument("doc_id", type=int)
@click.option("--field", "field_name", required=True, help="Field name, e.g. number_symbol, issued_date.")
@click.option("--value", help="The correct value.")
@click.option("--clear", is_flag=True, help="The field does not exist on this document (null).")
@pass_ctx
def edit(obj: Context, doc_id: int, field_name: str, value: str | None, clear: bool) -> None:
    """Correct one field; the manual value wins over later re-extraction and is audited."""
    from .pipelines import review

    if (value is None) == (not clear):
        raise click.UsageError("give exactly one of --value or --clear")
    old, new = review.set_field(obj.archive, doc_id, field_name, None if clear else value)
    if not obj.quiet:
        click.echo(f"document {doc_id}: {field_name}: {old!r} -> {new!r}")


@cli.command("review")
@click.option("--list", "list_only", is_flag=True, help="Only list what needs review.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Confidence under which a field is shown.")
@click.option("-n", "--limit", type=click.IntRange(1), default=50, show_default=True,
              help="Most documents to go through.")
@pass_ctx
def review_cmd(obj: Context, list_only: bool, threshold: float | None, limit: int) -> None:
    """Go through fields the machine was unsure of: accept, correct or clear each one."""
    from .pipelines import review

    items = list(review.pending(obj.reading if list_only else obj.archive, limit=limit, threshold=threshold))
    if not items:
        click.echo("nothing to review")
        return
    if list_only:
        render.review_list(items)
        return
    render.review_session(obj.archive, items, review)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable counts.")
@pass_ctx
def stats(obj: Context, as_json: bool) -> None:
    """Counts by type, issuer, year and month; pages; documents needing review."""
    from .db import repository

    with obj.reading.session() as session:
        counts = repository.stats(session)
    if as_json:
        click.echo(render.json_text(counts, indent=2))
    else:
        render.stats(counts)


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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@pass_ctx
def reindex(obj: Context, if_needed: bool, reocr: bool, where_items: tuple[str, ...], import_from: str | None,
            restart: bool, jobs: int | None, password: str | None, password_file: Path | None,
            as_json: bool) -> None:
    """Re-read metadata (and rebuild the search index) after an upgrade; manual edits are kept."""
    from .pipelines import reindex as pipeline

    settings = obj.settings(jobs=jobs, password_file=password_file)
    where = pipeline.Where.parse(where_items)
    if reocr or import_from:
        from .ocr.check import check_tools

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
    from .ocr.check import dependency_report

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
    from .pipelines.verify import verify as run_verify

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
    from .config import config_path, write_setting
    from .pipelines.migrate import migrate

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

    from . import db
    from .pipelines.archive import database_error

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

    from . import db
    from .config import safe_url
    from .pipelines.archive import database_error

    engine = obj.reading.open_engine(upgrade=False)
    try:
        revision = db.current_revision(engine)
    except SQLAlchemyError as exc:
        raise database_error(exc, obj.settings().effective_db_url, "cannot read the database") from exc
    url = safe_url(obj.settings().effective_db_url)
    click.echo(f"{revision or 'empty'} (newest: {db.head_revision(engine)}) in {url}")


def main() -> None:
    cli(prog_name="digitize", auto_envvar_prefix="DIGITIZE")
