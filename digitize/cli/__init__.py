"""The `digitize` command: parse options, call a pipeline, render the results.

This module holds the group, its options and what every command shares (the lazily opened
archive, password and PDF/A options, the one-line failure); the commands live by topic in
`intake` (ingest, inbox), `reading` (show, get, export, search, edit, review, stats),
`operations` (reindex, doctor, verify, db, storage) and `web` (serve, users). A new command
goes into the module of its topic, or a new one imported at the end of this file. Each command
imports the pipeline it calls inside its body, so that `digitize --help` starts at once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import __version__, fields, render
from ..config import PDFA_LEVELS, Settings, load_settings, make_home
from ..errors import DigitizeError, ExitCode, UsageError

if TYPE_CHECKING:
    from ..pipelines.archive import Archive

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
            from ..pipelines.archive import Archive

            self._archive = Archive(self.settings())
        return self._archive

    @property
    def reading(self) -> Archive:
        """The archive for a command that only reads: it must exist, and may be read-only."""
        if self._archive is None:
            from ..pipelines.archive import Archive

            self._archive = Archive(self.settings(), reading=True)
        return self._archive


pass_ctx = click.make_pass_decorator(Context)


class FieldChoice(click.Choice):
    """A metadata field's name (the registry's): `--help` and shell completion list them;
    any other name is a usage error (2) in our one-line form, with the valid names."""

    name = "field"

    def __init__(self) -> None:
        super().__init__(fields.NAMES)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value not in fields.BY_NAME:
            raise UsageError(f"unknown field {value!r}", advice=f"one of: {', '.join(fields.NAMES)}")
        return value


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


def pdfa_option(command: Any) -> Any:
    """--pdfa, for every command that writes searchable PDFs."""
    return click.option("--pdfa", type=click.Choice(PDFA_LEVELS, case_sensitive=False),
                        help="Archival format of the searchable PDF: PDF/A-2b (default), 1b, 3b, "
                        "or off for plain PDF (pdfa setting).")(command)


def _password(settings: Settings, password: str | None) -> str | None:
    from ..config import read_password_file

    if password is not None:
        return password
    return read_password_file(settings.password_file) if settings.password_file else None


def _sweep(obj: Context) -> None:
    """Remove the work folders and unfinished writes that killed runs left behind."""
    from ..pipelines.leftovers import sweep

    sweep(obj.archive)


def _exit_for_files(results: list[Any], failed: int) -> None:
    """Exit 3 when files failed, or pages could not be read (their documents went in without
    that text): said in one line; else return."""
    from ..pipelines.ingest import unread_pages_line

    line = unread_pages_line(results)
    if line:
        click.echo(f"digitize: error: {render.clean(line)}", err=True)
    if failed or line:
        sys.exit(int(ExitCode.FILES_FAILED))


def main() -> None:
    cli(prog_name="digitize", auto_envvar_prefix="DIGITIZE")


# the commands register on `cli` when their modules are imported
from . import intake, operations, reading, web  # noqa: E402, F401
