"""The look-ahead across files: how ingest keeps every core busy and still commits in order.

Files wait in one line. A file is started (triaged, hashed, its pages sent to the pool) while
the files before it are still being read, until about two pages per worker are queued; the
file at the front is finished (its second look waited for, its outputs made, committed) as
soon as its work is done, and its result comes out before any later file's. So the pool never
runs dry waiting for one file, and Ctrl-C loses only the files in flight. The same scan named
twice in one run waits for its first copy to land (`finish_through`).

The line knows a file only as a `Job` and calls the pipeline's `Steps` on it; what the steps
do (OCR, the second look, the archive) is ingest.py's. A queue worker reads one file at a
time and needs none of this: it runs the steps in order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..metadata import Region
from ..ocr import searchable, sources
from ..ocr.page import PageResult, PageTask
from ..ocr.preprocess import Geometry
from ..records import IngestResult, Metadata, PageOcr, Word
from .executor import Pool


@dataclass
class Job:
    """One file in flight: its source, its pages' futures, its temporary folder."""

    path: Path
    started: float
    source: sources.Source
    work_dir: Path
    futures: dict[int, Future[PageResult]]
    layer_pages: dict[int, PageOcr]
    result: IngestResult
    executor: Pool
    settings: Any = None
    geometries: dict[int, Geometry] = field(default_factory=dict)
    tasks: dict[int, PageTask] = field(default_factory=dict)
    generations: dict[int, int] = field(default_factory=dict)  # the pool each page went to
    retries: dict[int, int] = field(default_factory=dict)  # pages read again after a worker died
    # filled in by _read_first once its pages are done
    read: bool = False
    failure: Exception | None = None
    pages: list[PageOcr] = field(default_factory=list)
    layers: list[searchable.TextLayer] = field(default_factory=list)
    first: Metadata | None = None
    looks: list[tuple[Region, Future[list[Word]]]] = field(default_factory=list)  # its second looks
    marks_asked: bool = False  # the second look at the signer's marks decided on (sent or not needed)
    look_words: dict[int, list[Word]] = field(default_factory=dict)  # second looks' words, by index


class Steps(Protocol):
    """What the line asks of the pipeline for one file."""

    def start(self, path: Path, line: Line) -> Job | IngestResult:
        """Triage the file and send its pages; a result at once if there is nothing to read."""

    def read_first(self, job: Job) -> None:
        """Wait for the pages, read the fields, send the second look (once)."""

    def send_marks(self, job: Job) -> bool:
        """Once the second looks are in, send the one at the signer's marks if the name is
        still doubtful: True when it was sent."""

    def finish(self, job: Job) -> IngestResult:
        """Wait for what is left, make the outputs and commit them."""

    def cleanup(self, job: Job) -> None:
        """Remove (or keep) the file's temporary folder."""


class Line:
    """The files of one run, in order: started ahead, finished at the front."""

    def __init__(self, steps: Steps, executor: Pool, jobs: int) -> None:
        self.steps, self.executor, self.jobs = steps, executor, jobs
        self.pending: deque[Job | IngestResult] = deque()
        self.in_flight: set[str] = set()  # the sha256 of every file started and not finished

    def run(self, paths: Iterable[Path]) -> Generator[IngestResult, None, None]:
        """One result per file, in order; the pool is shut down at the end, or on Ctrl-C."""
        pending = self.pending
        interrupted = False
        try:
            for path in paths:
                while pending and self._queued_pages() >= 2 * self.jobs:
                    if (done := self._advance_front()) is not None:
                        yield done
                pending.append(self.steps.start(path, self))
                while pending and self._front_ready(pending[0]):
                    yield self._finish_front()
            while pending:
                yield self._finish_front()
        except (KeyboardInterrupt, GeneratorExit):  # Ctrl-C, or the caller wants no more results
            interrupted = True
            raise
        finally:
            for item in pending:
                if isinstance(item, Job):
                    for fut in item.futures.values():
                        fut.cancel()
                    for _, look in item.looks:
                        look.cancel()
            self.executor.shutdown(interrupted=interrupted)  # first: no worker writes into a folder removed
            for item in pending:
                if isinstance(item, Job):
                    self.steps.cleanup(item)

    def finish_through(self, sha256: str) -> None:
        """Finish queued jobs in order, up to the one for `sha256`, keeping their places."""
        pending = self.pending
        for i, item in enumerate(pending):
            if isinstance(item, Job):
                try:
                    pending[i] = self.steps.finish(item)
                finally:
                    self.in_flight.discard(item.result.sha256 or "")
                if item.result.sha256 == sha256:
                    return

    def _front_ready(self, item: Job | IngestResult) -> bool:
        """Whether the first file in line can be finished without waiting: its pages and second
        looks are done (the second looks, and the one at the signer's marks they may call for,
        are sent here once the pages are in)."""
        if isinstance(item, IngestResult):
            return True
        if any(not f.done() for f in item.futures.values()):
            return False
        self.steps.read_first(item)
        while all(f.done() for _, f in item.looks):
            if not self.steps.send_marks(item):
                return True
        return False

    def _queued_pages(self) -> int:
        return len(self._unfinished_pages())

    def _unfinished_pages(self) -> list[Future[PageResult]]:
        return [f for item in self.pending if isinstance(item, Job) for f in item.futures.values()
                if not f.done()]

    def _advance_front(self) -> IngestResult | None:
        """Finish the first file in line, or, while its second look is still queued behind later
        files' pages, return None as soon as any page is done so that more pages can be sent:
        the pool never runs dry waiting for one small task."""
        front = self.pending[0]
        if isinstance(front, Job):
            self.steps.read_first(front)
            for _ in range(2):  # the second looks, then the one at the signer's marks
                looking: list[Future[Any]] = [f for _, f in front.looks if not f.done()]
                if looking:
                    others: list[Future[Any]] = self._unfinished_pages()  # the front's own are done
                    wait(looking + others, return_when=FIRST_COMPLETED)
                    if any(not f.done() for f in looking):
                        return None
                if not self.steps.send_marks(front):
                    break
        return self._finish_front()

    def _finish_front(self) -> IngestResult:
        item = self.pending.popleft()
        if isinstance(item, IngestResult):
            return item
        try:
            return self.steps.finish(item)
        finally:
            self.in_flight.discard(item.result.sha256 or "")
