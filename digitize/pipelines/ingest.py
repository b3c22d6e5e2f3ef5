"""Ingest: file -> triage -> pages -> OCR -> fields -> second look -> outputs -> archive.

The recipe for one file, in the order it runs:
1. `_start`: check and hash the file; a scan archived already is a `duplicate` (and heals a
   lost stored original); otherwise open it in a temporary folder and send its pages to OCR
   (`_submit_pages`; a page with a real text layer keeps it).
2. `_read_first`: collect the pages, read the fields, send the second look at weak regions
   (second_look.py).
3. `_finish`: wait for the second look, read the fields again with it, make the outputs
   (`_write_outputs`: the searchable PDF, checked, and ocr.json), and commit them through
   the archive contract (`commit_new`, or `commit_replacement` for a re-OCR).
Many files run at once: scheduler.Line starts files ahead and finishes them in order, calling
these steps. The commit order keeps the archive whole whatever happens (DESIGN.md): hash
first and stop on a duplicate; work on copies in a temporary folder; upload every object
under a content-addressed key and verify it; only then record the document in one
transaction.

A new output file is made in `_write_outputs` and declared in archive/contract.py (its key,
how it is stored). A queue worker takes the original from the store into a folder of its
own and calls `ingest` on that one copy (`jobs` 1: no look-ahead to do): the same steps and
the same two commits as here. What the record calls the scan is `Made.name` and
`Made.origin`, taken from the path in `_finish`: the place to pass the submitter's instead.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, CancelledError, Future
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import ArchiveError, DatabaseError, DigitizeError, InputError
from ..metadata.syllables import layer_reads_as_vietnamese
from ..ocr import integrity, searchable, sources, textlayer
from ..ocr.page import OVERTIME_MARK, PageResult, PageTask, overtime_result, process_page
from ..ocr.raster import RenderError
from ..records import IngestResult, Metadata, PageOcr, Progress
from ..storage import StorageError
from . import second_look
from .archive import Archive, store_problem, stored_original
from .archive.contract import (
    Made,
    SecondLook,
    commit_new,
    commit_replacement,
    content_type,
    find_document,
    write_ocr_json,
)
from .executor import Pool
from .leftovers import KEEP_MARK, work_folder
from .scheduler import Job, Line
from .second_look import read_metadata

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}


@dataclass(slots=True)
class IngestOptions:
    ocr: str = "auto"  # auto | force | skip
    password: str | None = None
    keep_temp: bool = False
    replace: bool = False  # re-OCR a document already archived (reindex --reocr)


def unread_pages_line(results: Iterable[IngestResult]) -> str | None:
    """One line on the pages archived without text (tesseract timed out or failed on them),
    or None: such a run exits 3, as one with failed files does."""
    unread = [r for r in results if r.unread_pages and r.status != "failed"]
    if not unread:
        return None
    first = unread[0]
    pages = sum(len(r.unread_pages) for r in unread)
    ids = [str(r.id) for r in unread if r.id is not None]
    again = (f"`digitize reindex --reocr --where id={ids[0]}`" if len(ids) == 1 else
             f"`digitize reindex --reocr --where id=N` for documents {', '.join(ids[:10])}"
             + ("…" if len(ids) > 10 else ""))
    return (f"some pages failed: {pages} page(s) in {len(unread)} file(s) could not be read (OCR timed out "
            f"or failed) and were archived without their text, first {first.file} page "
            f"{first.unread_pages[0]}; raise page_timeout (--page-timeout), then read them again "
            f"with {again}")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the scans inside folders named (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            ))
        else:
            files.append(path)
    return files


def ingest(
    archive: Archive, paths: Iterable[Path], options: IngestOptions, progress: Progress | None = None,
) -> Iterator[IngestResult]:
    """Ingest every file; yield one result per file, in order.

    Each file is committed as soon as its work is done and the files before it are in:
    never held back until later files are read (Ctrl-C then loses only files in flight).
    The files' pages share one pool; scheduler.Line decides when each file is started and
    finished, and calls the steps below to do it.
    """
    progress = progress or Progress()
    jobs = archive.settings.effective_jobs
    executor = Pool(jobs, preload=("digitize.ocr.page", "digitize.ocr.second_look"))
    line = Line(_Steps(archive, options, executor, progress), executor, jobs)
    with closing(line.run(paths)) as results:  # closed with this generator: the pool shut down
        for result in results:
            yield _emit(result, progress)


def _emit(result: IngestResult, progress: Progress) -> IngestResult:
    log.info("%s %r: id=%s pages=%s %.1f s%s%s", result.status, result.file, result.id, result.pages,
             result.seconds, f" sha256={result.sha256}" if result.sha256 else "",
             f" error: {result.error}" if result.error else "")
    progress.file_done(result)
    return result


@dataclass(slots=True)
class _Steps:
    """The steps of one file, as the line calls them (scheduler.Steps)."""

    archive: Archive
    options: IngestOptions
    executor: Pool
    progress: Progress

    def start(self, path: Path, line: Line) -> Job | IngestResult:
        return _start(self.archive, path, self.options, self.executor, line, self.progress)

    def read_first(self, job: Job) -> None:
        _read_first(job, self.progress)

    def send_marks(self, job: Job) -> bool:
        return second_look.send_marks(job)

    def finish(self, job: Job) -> IngestResult:
        return _finish(self.archive, job, self.options, self.progress)

    def cleanup(self, job: Job) -> None:
        _cleanup(job.work_dir, self.options)


def _start(
    archive: Archive, path: Path, options: IngestOptions, executor: Pool, line: Line, progress: Progress,
) -> Job | IngestResult:
    """Triage and hash the file, stop on a duplicate, then send its pages to OCR."""
    settings = archive.settings
    started = time.perf_counter()
    result = IngestResult(file=str(path), status="failed")
    work_dir: Path | None = None
    try:
        size, kind = sources.check_file(path, max_file_mb=settings.max_file_mb)
        result.sha256 = sha = sources.sha256_of(path)
        if sha in line.in_flight:  # the same scan twice in one run: let the first one land
            line.finish_through(sha)
        if duplicate := find_document(archive, sha):
            result.id, result.pages = duplicate
            if not options.replace:
                _heal_original(archive, path, sha, kind, result)
                result.status = "duplicate"
                return _done(result, started)
        work_dir = work_folder(settings)
        source = sources.open_source(
            path, work_dir, sha256=sha, size=size, kind=kind, password=options.password,
            max_pages=settings.max_pages, max_megapixels=settings.max_megapixels,
        )
        result.pages = source.page_count
        result.warnings.extend(source.warnings)
        progress.file_started(path, source.page_count)
        job = Job(path, started, source, work_dir, {}, {}, result, executor, settings)
        _submit_pages(job, options, settings, executor, progress)
        line.in_flight.add(sha)
        return job
    except (ArchiveError, DatabaseError) as exc:
        result.error, result.fault = str(exc), exc
    except DigitizeError as exc:
        result.error = str(exc)
    except Exception as exc:  # one bad file must not stop the batch
        log.exception("unexpected error on %s", path)
        result.error = f"{path}: internal error ({type(exc).__name__}: {exc}); please report it"
    except BaseException:  # Ctrl-C while the file was being opened or read: no copy left behind
        if work_dir is not None:
            _cleanup(work_dir, options)
        raise
    if work_dir is not None:
        _cleanup(work_dir, options)
    return _done(result, started)


def _heal_original(archive: Archive, path: Path, sha256: str, kind: str, result: IngestResult) -> None:
    """A scan archived already: if the stored original is missing or damaged, this identical
    copy puts it back (and the result says so)."""
    stored = stored_original(archive, sha256)
    if stored is None or stored[1] is None:
        return
    key, (what, detail) = stored[0], stored[1]
    problem = f"{what}: {detail}"
    if what == "unreadable":  # the store cannot say: nothing to heal from here
        result.warnings.append(f"could not check the archived original ({problem})")
        return
    try:
        archive.store.put(key, path, sha256=sha256, content_type=content_type(kind))
    except (StorageError, OSError) as exc:
        raise ArchiveError(f"{path}: the archived original is lost ({problem}) and could not be put back "
                           f"({store_problem(exc)}); the file is untouched, run the same command again "
                           "later") from exc
    log.warning("%s: the archived original was lost (%s); restored from this identical file", path, problem)
    result.warnings.append(f"the archived original was lost ({problem}); restored from this file")


def _submit_pages(
    job: Job, options: IngestOptions, settings: Any, executor: Pool, progress: Progress,
) -> None:
    layer_numbers = set()
    for info in job.source.pages:
        use_layer = options.ocr == "skip" or (
            options.ocr == "auto" and info.has_real_text and layer_reads_as_vietnamese(info.layer_text)
        )
        if use_layer:
            layer_numbers.add(info.number)
            continue
        task = PageTask(
            pdf=job.source.work_pdf, number=info.number, width_pt=info.width_pt,
            height_pt=info.height_pt, native_dpi=info.native_dpi, out_dir=job.work_dir,
            lang=settings.lang, ocr_dpi=settings.ocr_dpi, max_ocr_dpi=settings.max_ocr_dpi,
            max_megapixels=settings.max_megapixels, timeout=settings.page_timeout,
            deskew=not job.source.camera_photo, layer_text=info.layer_text,
        )
        job.tasks[info.number] = task
        job.futures[info.number] = future = executor.submit(process_page, task)
        job.generations[info.number] = executor.generation  # after: submit may start a new pool
        future.add_done_callback(partial(_page_finished, progress, job.path))
    job.layer_pages = textlayer.read_pages(job.source.work_pdf, layer_numbers)
    for number in layer_numbers - job.layer_pages.keys():  # pdftotext found nothing there
        info = job.source.pages[number - 1]
        job.layer_pages[number] = PageOcr(number, round(info.width_pt), round(info.height_pt), 72.0,
                                          info.layer_text, source="text-layer")


def _read_first(job: Job, progress: Progress) -> None:
    """Wait for the pages, read the metadata, and send weak regions for a second look."""
    if job.read:
        return
    job.read = True
    try:
        job.pages, job.layers = _collect_pages(job, progress)
        t = time.perf_counter()
        job.first = read_metadata(job.pages, [], job.path.name)
        job.looks = second_look.send(job, job.pages, job.first)
        job.result.timings["metadata"] = time.perf_counter() - t
    except Exception as exc:  # reported by _finish, with the file's name
        job.failure = exc


def _finish(archive: Archive, job: Job, options: IngestOptions, progress: Progress) -> IngestResult:
    """Wait for the pages and the second look, build the outputs, archive them, record the document."""
    result = job.result
    try:
        _read_first(job, progress)
        if job.failure is not None:
            raise job.failure
        assert job.first is not None
        pages = job.pages
        second_look.collect(job)  # wait for the second looks, then for the one at the marks
        second_look.send_marks(job)
        looks = second_look.collect(job)
        t = time.perf_counter()
        metadata = read_metadata(pages, looks, job.path.name, first=job.first,
                                 threshold=job.settings.review_threshold)
        result.timings["metadata"] = result.timings.get("metadata", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        out_pdf, ocr_json = _write_outputs(job, pages, job.layers, metadata, looks)
        result.timings["assemble"] = time.perf_counter() - t
        made = Made(job.source, job.path.name, str(job.path.resolve()), pages, metadata, out_pdf, ocr_json)
        if options.replace and result.id is not None:
            commit_replacement(archive, made, result)
        else:
            commit_new(archive, made, result, overwrite=options.replace)
    except (ArchiveError, DatabaseError) as exc:
        result.status, result.error, result.fault = "failed", str(exc), exc
    except DigitizeError as exc:
        result.status, result.error = "failed", str(exc)
    except Exception as exc:
        log.exception("unexpected error on %s", job.path)
        result.status = "failed"
        result.error = f"{job.path}: internal error ({type(exc).__name__}: {exc}); please report it"
    finally:
        if result.status == "failed":  # what is still queued for this file is not wanted
            for page_future in job.futures.values():
                page_future.cancel()
            for _, look in job.looks:
                look.cancel()
        _cleanup(job.work_dir, options)
    return _done(result, job.started)


def _page_finished(progress: Progress, path: Path, _future: Future[PageResult]) -> None:
    progress.page_done(path)


def _collect_pages(job: Job, progress: Progress) -> tuple[list[PageOcr], list[searchable.TextLayer]]:
    pages: list[PageOcr] = []
    layers: list[searchable.TextLayer] = []
    for info in job.source.pages:
        if info.number in job.layer_pages:
            pages.append(job.layer_pages[info.number])
            progress.page_done(job.path)
            continue
        try:
            page_result = _page_result(job, info.number)
        except RenderError as exc:
            raise InputError(f"{job.path}: {exc}", advice="check the file, or raise max_megapixels") from exc
        pages.append(page_result.ocr)
        job.result.warnings.extend(page_result.ocr.warnings)
        if page_result.error is not None:  # timed out or failed: the document goes in without it
            job.result.unread_pages.append(info.number)
        for name, seconds in page_result.timings.items():
            job.result.timings[name] = job.result.timings.get(name, 0.0) + seconds
        if page_result.geometry is not None:
            job.geometries[info.number] = page_result.geometry
        if page_result.geometry is not None and page_result.ocr.words:
            layers.append(searchable.TextLayer(info.number, page_result.ocr, page_result.geometry))
    return pages, layers


_MAX_RETRIES = 2  # a page whose worker dies again and again fails its file


def _page_result(job: Job, number: int) -> PageResult:
    """The page's OCR, read again in a fresh pool if a worker died while the page was in
    the pool (the OOM killer, a crash): every page in a broken pool is lost with it."""
    while True:
        try:
            return job.futures[number].result()
        except (BrokenExecutor, CancelledError):
            if (job.work_dir / OVERTIME_MARK.format(number)).exists():
                # its worker gave the page up, long past its timeout: not read again
                job.executor.restart(job.generations[number])
                return overtime_result(job.tasks[number])
            if job.retries.get(number, 0) >= _MAX_RETRIES:
                raise InputError(
                    f"{job.path}: a worker process died while reading page {number} (out of memory?)",
                    advice="retry the file alone with --jobs 1, or give the machine more memory",
                ) from None
            job.retries[number] = job.retries.get(number, 0) + 1
            log.warning("%s: a worker process died; reading page %d again", job.path, number)
            job.result.warnings.append(f"page {number}: a worker process died while reading it; read again")
            job.executor.restart(job.generations[number])
            job.futures[number] = job.executor.submit(process_page, job.tasks[number])
            job.generations[number] = job.executor.generation


def _write_outputs(
    job: Job, pages: list[PageOcr], layers: list[searchable.TextLayer], metadata: Metadata,
    looks: list[SecondLook],
) -> tuple[Path, Path]:
    out_pdf = job.work_dir / "searchable.pdf"
    job.result.warnings.extend(searchable.graft_text_layers(
        job.source.work_pdf, layers, out_pdf, docinfo=_docinfo(metadata, job.source.sha256),
        pdfa=job.settings.pdfa))
    if problem := integrity.unreadable(out_pdf):  # never archive what a colleague cannot open
        raise DigitizeError(f"{job.path}: the searchable PDF made from it is damaged ({problem}); "
                            "nothing was archived",
                            advice="check the file with `qpdf --check`; if it passes, please report it")
    ocr_json = write_ocr_json(job.work_dir / "ocr.json", job.source.sha256, job.path.name, pages, looks)
    return out_pdf, ocr_json


def _docinfo(metadata: Metadata, sha256: str) -> dict[str, str]:
    """The searchable PDF's own description (XMP and DocInfo): its title from the tên loại,
    số và ký hiệu and trích yếu; the number as its identifier; the original it was made
    from by its SHA-256 (dc:source), which is also the original's key in the archive."""
    number, doc_type, abstract = (metadata.value(k) for k in ("number_symbol", "doc_type", "abstract"))
    title = " ".join(x for x in (doc_type, number) if x)
    return {
        "title": f"{title}: {abstract}" if title and abstract else title or (abstract or ""),
        "subject": abstract or "",
        "identifier": number or "",
        "source": f"sha256:{sha256}",
        "creator": metadata.value("issuer") or "",
        "date": metadata.value("issued_date") or "",
        "type": doc_type or "",
        "language": "vi",
    }


def _done(result: IngestResult, started: float) -> IngestResult:
    result.seconds = time.perf_counter() - started
    return result


def _cleanup(work_dir: Path, options: IngestOptions) -> None:
    if options.keep_temp:
        (work_dir / KEEP_MARK).touch()
        log.info("temporary files kept in %s", work_dir)
    else:
        shutil.rmtree(work_dir, ignore_errors=True)


