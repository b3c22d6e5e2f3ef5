"""What the CLI shows a person: progress, summaries, records. Only the CLI imports this."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click

from .errors import UsageError
from .records import IngestResult
from .records import Progress as ProgressHooks

if TYPE_CHECKING:  # rich is imported where it is used: `digitize --help` starts at once
    from rich.console import Console
    from rich.progress import Progress

_STATUS_STYLE = {"ingested": "green", "reindexed": "green", "duplicate": "cyan", "failed": "bold red"}

# What a file name or a field value must not send to a terminal: C0 controls (ESC starts
# escape sequences: window titles, clearing the screen), DEL, C1 controls (U+009B is a CSI
# on its own) and the bidi overrides and isolates that make text read other than it is.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps tab and newline
_CONTROL_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")  # json.dumps escapes C0 itself


def clean(text: object, *, multiline: bool = False) -> str:
    """`text` made safe for a terminal: each control character shown as an escape (`\\x1b`,
    `\\u202e`) instead of being sent; newlines kept only in a text of several lines."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE
    return pattern.sub(_escaped, str(text))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object, *, multiline: bool = False) -> str:
    """`clean`, and escaped for rich markup: any value printed through a rich console."""
    from rich.markup import escape as esc

    return esc(clean(text, multiline=multiline))


def json_text(obj: Any, **kwargs: Any) -> str:
    """JSON as json.dumps writes it, with the controls it leaves raw (DEL, C1, bidi) escaped
    as \\uXXXX too: the same JSON once parsed, but nothing a terminal acts on."""
    return _CONTROL_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}",
                                json.dumps(obj, ensure_ascii=False, **kwargs))


class _CleanFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return clean(super().format(record), multiline=True)


class TerminalLogHandler(logging.StreamHandler):
    """Log lines on stderr: file names in messages cannot send control characters, and
    while a progress bar is shown the lines go above it (through the stderr it installs)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(_CleanFormatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # whatever it is now: rich's proxy while a bar is live
        super().emit(record)


class IngestReporter(ProgressHooks):
    """Progress bar on a terminal (stderr), plain lines otherwise, JSON lines with --json."""

    def __init__(self, files: list[Path], *, as_json: bool, quiet: bool) -> None:
        from rich.console import Console

        self.files = files
        self.as_json = as_json
        self.quiet = quiet
        self.err = Console(stderr=True)
        self.out = Console(highlight=False, soft_wrap=True, emoji=False)
        self.results: list[IngestResult] = []
        self.started = time.perf_counter()
        self.pages_done = 0
        self._progress: Progress | None = None
        self._files_task: Any = None
        self._pages_task: Any = None

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)

    def __enter__(self) -> IngestReporter:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if self.err.is_terminal and not self.quiet:
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.fields[rate]}"), console=self.err, transient=True,
            )
            self._files_task = self._progress.add_task("files", total=len(self.files) or None, rate="")
            self._pages_task = self._progress.add_task("pages", total=None, rate="")
            self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    # hooks called by the pipeline
    def file_started(self, path: Path, pages: int) -> None:
        if self._progress is not None:
            task = self._progress.tasks[self._pages_task]
            self._progress.update(self._pages_task, total=(task.total or 0) + pages)

    def page_done(self, path: Path) -> None:
        self.pages_done += 1
        if self._progress is not None:
            minutes = (time.perf_counter() - self.started) / 60
            self._progress.update(self._pages_task, advance=1,
                                  rate=f"{self.pages_done / minutes:.1f} pages/min" if minutes else "")

    def file_done(self, result: IngestResult) -> None:
        if self._progress is not None:
            self._progress.update(self._files_task, advance=1, description=safe(Path(result.file).name[:30]))

    def _print(self, text: str, *, err: bool = False, markup: bool = True) -> None:
        """One whole line: above the live bar when it goes to the bar's terminal (a console
        printing past the bar would run into it, and the bar's redraw would overwrite it)."""
        console = self.err if err else self.out
        if self._progress is not None and console.is_terminal:
            console = self._progress.console
        elif not markup:
            click.echo(text, err=err)
            return
        console.print(text, markup=markup, emoji=False, highlight=False, soft_wrap=True)

    def result(self, result: IngestResult) -> None:
        self.results.append(result)
        if self.as_json:
            self._print(json_text(result.to_json()), markup=False)
            return
        if result.status == "failed":
            self._print(f"failed     {clean(result.error)}", err=True, markup=False)
            return
        if self.quiet:
            return
        review = f"  review: {', '.join(result.needs_review)}" if result.needs_review else ""
        self._print(
            f"[{_STATUS_STYLE[result.status]}]{result.status:<10}[/] {safe(result.file)}  id={result.id}  "
            f"{result.pages} page(s)  {result.seconds:.1f} s{review}"
        )
        for warning in result.warnings:
            self._print(f"           [yellow]warning:[/] {safe(warning)}")

    def summary(self) -> None:
        from rich.table import Table

        if self.as_json:
            return
        elapsed = time.perf_counter() - self.started
        done = "reindexed" if any(r.status == "reindexed" for r in self.results) else "ingested"
        counts = {s: sum(r.status == s for r in self.results) for s in (done, "duplicate", "failed")}
        pages = sum(r.pages or 0 for r in self.results if r.status == done)
        ppm = pages / (elapsed / 60) if elapsed > 0 else 0.0
        if self.quiet:
            click.echo(f"{done} {counts[done]}, duplicate {counts['duplicate']}, "
                       f"failed {counts['failed']}; {pages} pages in {elapsed:.1f} s")
            return
        title = "digitize reindex" if done == "reindexed" else "digitize ingest"
        table = Table(title=title, show_header=True)
        for col in (done, "duplicate", "failed", "pages", "time", "pages/min"):
            table.add_column(col, justify="right")
        table.add_row(str(counts[done]), str(counts["duplicate"]),
                      f"[red]{counts['failed']}[/]" if counts["failed"] else "0",
                      str(pages), f"{elapsed:.1f} s", f"{ppm:.1f}")
        self.out.print(table)
        review = sum(1 for r in self.results if r.needs_review)
        if review:
            self.out.print(f"{review} document(s) have fields to check: run `digitize review`")


class CountingProgress:
    """A spinner with a count and rate on a terminal (stderr); nothing otherwise."""

    def __init__(self, what: str, *, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self._progress = None
        if console.is_terminal and not quiet:
            self._progress = Progress(TextColumn(what), MofNCompleteColumn(), TimeElapsedColumn(),
                                      console=console, transient=True)
            self._task = self._progress.add_task(what, total=None)

    def __enter__(self) -> CountingProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, count: int = 1) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=count)


def show_document(record: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .fields import NAMES

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    console.print(f"[bold]Document {record['id']}[/]  {safe(record['source_name'])}")
    console.print(f"  sha256   {record['sha256']}")
    console.print(f"  pages    {record['page_count']}  ({record['kind']}, {record['size_bytes']} bytes)")
    console.print(f"  added    {record['created_at']}")
    if record.get("url"):
        console.print(f"  open     {safe(record['url'])}")
    table = Table(show_header=True, header_style="bold")
    for col in ("field", "value", "confidence", "source"):
        table.add_column(col)
    review = set(record["needs_review"])
    for name in NAMES:
        value = record.get(name)
        conf = record["confidence"].get(name) or 0.0
        style = "yellow" if name in review else ""
        table.add_row(f"[{style}]{name}[/]" if style else name, "" if value is None else safe(value),
                      f"{conf:.2f}", record["source"].get(name) or "")
    console.print(table)
    if review:
        console.print(f"[yellow]to review:[/] {', '.join(record['needs_review'])}")
    for page in record["pages"]:
        state = "blank" if page["blank"] else page["source"]
        conf = f"conf {page['mean_conf']:.0f}" if page["mean_conf"] is not None else ""
        turn = f"turned {page['rotation']}°" if page["rotation"] else ""
        console.print(f"  page {page['number']}: {state} {conf} {turn} {page['chars']} chars".rstrip())


def search_results(hits: list[dict[str, Any]], query: str) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    if not hits:
        console.print(f"no documents match {query!r}" if query else "no documents")
        return
    for hit in hits:
        head = " · ".join(str(x) for x in (hit["number_symbol"], hit["doc_type"], hit["issued_date"]) if x)
        console.print(f"[bold]{hit['id']:>6}[/]  {safe(head or hit['source_name'])}")
        if hit.get("abstract"):
            console.print(f"        {safe(hit['abstract'])}")
        if hit.get("snippet"):
            console.print(f"        [dim]{safe(hit['snippet'], multiline=True)}[/]")


def doctor(rows: list[tuple[str, bool, str, str]]) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    for what, ok, found, how in rows:
        mark = "[green]ok[/]     " if ok else "[red]missing[/]"
        console.print(f"{mark} {safe(what)}: {safe(found)}" + ("" if ok else f"  -> {safe(how)}"))
    if all(ok for _, ok, _, _ in rows):
        console.print("everything digitize needs is installed")
    sys.stdout.flush()


def inbox_summary(summary: Any, *, as_json: bool) -> None:
    """Cron mails any output: say nothing when nothing happened (unless --json)."""
    for result in summary.results:
        if result.status == "failed":
            click.echo(f"failed     {clean(result.error)}", err=True)
    if as_json:
        click.echo(json_text(summary.to_json()))
    elif summary.busy:
        click.echo(clean(summary.line()))
    if summary.error:  # a fault of the archive: said once per pass, not once per file
        click.echo(f"digitize: error: {clean(summary.error)}", err=True)


def stats(counts: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    console.print(f"[bold]{counts['documents']}[/] documents, {counts['pages']} pages, "
                  f"{counts['needs_review']} needing review")
    for title, key in (("by type", "by_type"), ("by issuer", "by_issuer"), ("by year", "by_year"),
                       ("by month", "by_month")):
        if not counts[key]:
            continue
        table = Table(title=title, title_justify="left", show_header=False)
        table.add_column("value")
        table.add_column("documents", justify="right")
        for value, n in counts[key]:
            table.add_row(safe(value), str(n))
        console.print(table)


def reindex_summary(summary: Any) -> None:
    click.echo(f"reindex: {summary.seen} documents seen, {summary.updated} changed, "
               f"{summary.unchanged} unchanged, {summary.skipped} up to date, {summary.failed} failed "
               f"({summary.seconds:.1f} s, {summary.rate:.0f} documents/s)")
    for error in summary.errors[:20]:
        click.echo(f"failed     {clean(error)}", err=True)


def review_list(items: list[Any]) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    for item in items:
        fields = ", ".join(f"{name} ({conf:.2f})" for name, _, conf in item.fields)
        console.print(f"[bold]{item.doc_id:>6}[/]  {safe(item.source_name)}: {fields}")


_REVIEW_HELP = ("Enter: keep this value · type the right value · '-': no such field · "
                "'s': next document · 'q': quit")


def review_session(archive: Any, items: list[Any], review: Any) -> None:
    """Prompt for each doubtful field, showing the OCR text of where it is printed."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    console.print(f"[dim]{_REVIEW_HELP}[/]")
    changed = 0
    for item in items:
        console.rule(f"document {item.doc_id}: {safe(item.source_name)}")
        shown_region = None
        for name, value, conf in item.fields:
            region = review.region_text(archive, item.doc_id, name)
            if region != shown_region:
                console.print(f"[dim]{safe(region, multiline=True)}[/]")
                shown_region = region
            answer = _review_field(console, archive, item.doc_id, review, name, value, conf)
            if answer == "q":
                console.print(f"{changed} field(s) saved")
                return
            if answer == "s":
                break
            changed += answer == "saved"
    console.print(f"{changed} field(s) saved")


def _review_field(console: Console, archive: Any, doc_id: int, review: Any, name: str,
                  value: str | None, conf: float) -> str:
    """Prompt for one field until the answer can be stored: "saved", "kept", "s" or "q".

    A value the archive refuses (a date that does not exist) is said in one line and
    asked again, rather than ending the session.
    """
    # the value is shown cleaned, but Enter keeps the value itself
    shown = f" [{clean(value)}]" if value else ""
    while True:
        answer = click.prompt(f"{name} [{conf:.2f}]{shown}", default="", show_default=False)
        answer = (answer or value or "").strip()
        if answer in ("q", "s"):
            return answer
        if not answer and value is None:
            return "kept"  # nothing read and nothing typed: leave it for later
        try:
            review.set_field(archive, doc_id, name, None if answer == "-" or not answer else answer)
        except UsageError as exc:
            console.print(f"[red]{safe(str(exc))}[/]")
            continue
        return "saved"


def verify_report(report: Any) -> None:
    for problem in report.problems:
        state = "repaired" if problem.repaired else problem.kind
        who = f"document {problem.doc_id}" if problem.doc_id is not None else "no document"
        click.echo(clean(f"{state:<10} {problem.key} ({who}): {problem.detail}"))
    bad = len(report.unresolved)
    click.echo(f"verify: {report.documents} documents, {report.objects} objects, "
               f"{len(report.problems)} problems, {bad} unresolved")
