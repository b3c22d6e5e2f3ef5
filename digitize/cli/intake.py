"""Commands that take scans in: `ingest` and `inbox`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import render
from ..config import OCR_MODES
from ..errors import DigitizeError, InputError, NotFound

if TYPE_CHECKING:
    pass


from . import Context, _exit_for_files, _fail, _password, _sweep, cli, pass_ctx, password_options, pdfa_option

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
@pdfa_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file on stdout.")
@pass_ctx
def ingest(obj: Context, paths: tuple[Path, ...], ocr: str | None, lang: str | None, jobs: int | None,
           password: str | None, password_file: Path | None, page_timeout: float | None, keep_temp: bool,
           pdfa: str | None, as_json: bool) -> None:
    """OCR scans (PDF, TIFF, JPEG, PNG; folders recursively) into the archive."""
    from ..ocr.check import check_tools
    from ..pipelines.ingest import IngestOptions, collect_files
    from ..pipelines.ingest import ingest as run_ingest

    settings = obj.settings(ocr=ocr, lang=lang, jobs=jobs, page_timeout=page_timeout, keep_temp=keep_temp,
                            password_file=password_file, pdfa=pdfa)
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
@pdfa_option
@click.option("--json", "as_json", is_flag=True, help="A JSON summary of each pass on stdout.")
@pass_ctx
def inbox(obj: Context, folder: Path, settle: float, delete_done: bool, retry_failed: bool, watch: bool,
          poll: float | None, rescan: float, jobs: int | None, password: str | None,
          password_file: Path | None, pdfa: str | None, as_json: bool) -> None:
    """Empty an inbox folder into the archive: for cron (one pass) or --watch.

    Archived files move to FOLDER/done/ (same sub-folders), failures to FOLDER/failed/ with a
    .error.json beside them. Quiet unless something happened.
    """
    from ..ocr.check import check_tools
    from ..pipelines.inbox import InboxOptions, Watcher, run_pass
    from ..pipelines.ingest import IngestOptions

    if not folder.expanduser().is_dir():  # before a watcher is set on it
        raise NotFound(f"{folder}: inbox folder does not exist", advice="create it or fix the path")
    settings = obj.settings(jobs=jobs, password_file=password_file, pdfa=pdfa)
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
