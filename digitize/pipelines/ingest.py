"""Ingest: file -> triage -> pages -> OCR -> searchable PDF -> metadata -> archive.

The commit order keeps the archive whole whatever happens (DESIGN.md): hash first and stop
on a duplicate; work on copies in a temporary folder; upload every object under a
content-addressed key and verify it; only then record the document in one transaction.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Future, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from .. import __version__
from ..db import repository
from ..errors import ArchiveError, DatabaseError, DigitizeError, InputError
from ..metadata import (
    REVIEW_THRESHOLD,
    Region,
    best_of,
    confirmable_fields,
    extract_metadata,
    regions_to_reread,
    restore_marks,
    second_opinion,
    splice_words,
)
from ..metadata.derived import follow_manual
from ..metadata.syllables import layer_reads_as_vietnamese
from ..metadata.text import fold
from ..ocr import integrity, second_reader, sources, textlayer
from ..ocr import pdf as searchable
from ..ocr.page import OVERTIME_MARK, PageResult, PageTask, overtime_result, process_page
from ..ocr.preprocess import Geometry
from ..ocr.raster import RenderError
from ..ocr.reread import RereadTask, reread_region
from ..records import METADATA_FIELDS, FieldValue, IngestResult, Metadata, PageOcr, Progress, Word
from ..storage import StorageError
from .archive import Archive, current_actor, filter_keys, store_problem, stored_original
from .executor import Pool
from .leftovers import KEEP_MARK, work_folder

log = logging.getLogger(__name__)

# What a record was made with. Raise it when the extraction (or what OCR keeps for it)
# changes what a document's fields would be: `reindex --if-needed` then re-reads the older
# records. 2: the extractor's fixes for noisy reads, urgency and header second looks.
PIPELINE_VERSION = "2"
SUPPORTED_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}
_EXT = {"pdf": "pdf", "tiff": "tif", "jpeg": "jpg", "png": "png"}


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


@dataclass
class _Job:
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
    second_look: list[tuple[Region, Future[list[Word]]]] = field(default_factory=list)
    followed_up: bool = False  # the second reader asked about the signer's marks, if need be
    looked: dict[int, list[Word]] = field(default_factory=dict)  # second looks' words, by index


Reread = tuple[Region, list[Word]]


def read_metadata(
    pages: list[PageOcr], rereads: list[Reread], source_name: str, first: Metadata | None = None,
) -> Metadata:
    """The fields, from the pages (`first`, when they were read already) and from any second
    look at a region: field by field the surer reading, the second reader's number and date
    where the first were weak, and a doubtful signer's marks."""
    meta = first if first is not None else extract_metadata(pages, source_name=source_name)
    looks = [r for r in rereads if r[0].reason in ("signer", "urgency")]
    header = [r for r in rereads if r[0].reason == "header"]
    if looks:
        meta = best_of(meta, extract_metadata(_spliced(pages, looks), source_name=source_name))
    if header:
        other = extract_metadata(_spliced(pages, header), source_name=source_name)
        meta = second_opinion(meta, other, confirmable_fields(header))
    marks = [w for region, words in rereads if region.reason == "signer-marks" for w in words]
    return restore_marks(meta, marks) if marks else meta


def _spliced(pages: list[PageOcr], rereads: list[Reread]) -> list[PageOcr]:
    out = list(pages)
    for region, words in rereads:
        out[region.page - 1] = splice_words(out[region.page - 1], region, words)
    return out


def rereads_to_json(rereads: list[Reread]) -> list[dict[str, Any]]:
    return [{"page": r.page, "left": r.left, "top": r.top, "right": r.right, "bottom": r.bottom,
             "reason": r.reason, "words": PageOcr(0, 0, 0, 0, "", words).to_json()["words"]}
            for r, words in rereads]


def rereads_from_json(rows: list[dict[str, Any]]) -> list[Reread]:
    return [(Region(row["page"], row["left"], row["top"], row["right"], row["bottom"], row["reason"]),
             [Word(*w) for w in row["words"]]) for row in rows]


def ingest(
    archive: Archive, paths: Iterable[Path], options: IngestOptions, progress: Progress | None = None,
) -> Iterator[IngestResult]:
    """Ingest every file; yield one result per file, in order.

    Each file is committed as soon as its work is done and the files before it are in:
    never held back until later files are read (Ctrl-C then loses only files in flight).
    """
    progress = progress or Progress()
    settings = archive.settings
    jobs = settings.effective_jobs
    executor = Pool(jobs, preload=("digitize.ocr.page", "digitize.ocr.reread"))
    pending: deque[_Job | IngestResult] = deque()
    in_flight: set[str] = set()
    interrupted = False
    try:
        for path in paths:
            while pending and _queued_pages(pending) >= 2 * jobs:
                if (done := _advance_front(archive, pending, in_flight, options, progress)) is not None:
                    yield done
            item = _start(archive, path, options, executor, in_flight, pending, progress)
            pending.append(item)
            while pending and _front_ready(pending[0], progress):
                yield _finish_front(archive, pending, in_flight, options, progress)
        while pending:
            yield _finish_front(archive, pending, in_flight, options, progress)
    except (KeyboardInterrupt, GeneratorExit):  # Ctrl-C, or the caller wants no more results
        interrupted = True
        raise
    finally:
        for item in pending:
            if isinstance(item, _Job):
                for fut in item.futures.values():
                    fut.cancel()
                for _, look in item.second_look:
                    look.cancel()
        executor.shutdown(interrupted=interrupted)  # first: no worker writes into a folder removed
        for item in pending:
            if isinstance(item, _Job):
                _cleanup(item.work_dir, options)


def _front_ready(item: _Job | IngestResult, progress: Progress) -> bool:
    """Whether the first file in line can be finished without waiting: its pages and second
    looks are done (a second look, or its follow-up, is sent here once the pages are in)."""
    if isinstance(item, IngestResult):
        return True
    if any(not f.done() for f in item.futures.values()):
        return False
    _read_first(item, progress)
    while all(f.done() for _, f in item.second_look):
        if not _follow_up(item):
            return True
    return False


def _queued_pages(pending: deque[_Job | IngestResult]) -> int:
    return len(_unfinished_pages(pending))


def _unfinished_pages(pending: deque[_Job | IngestResult]) -> list[Future[PageResult]]:
    return [f for item in pending if isinstance(item, _Job) for f in item.futures.values() if not f.done()]


def _advance_front(
    archive: Archive, pending: deque[_Job | IngestResult], in_flight: set[str],
    options: IngestOptions, progress: Progress,
) -> IngestResult | None:
    """Finish the first file in line, or, while its second look is still queued behind later
    files' pages, return None as soon as any page is done so that more pages can be sent:
    the pool never runs dry waiting for one small task."""
    front = pending[0]
    if isinstance(front, _Job):
        _read_first(front, progress)
        for _ in range(2):  # the second looks, then the follow-up they may ask for
            looking: list[Future[Any]] = [f for _, f in front.second_look if not f.done()]
            if looking:
                others: list[Future[Any]] = _unfinished_pages(pending)  # the front's own are done
                wait(looking + others, return_when=FIRST_COMPLETED)
                if any(not f.done() for f in looking):
                    return None
            if not _follow_up(front):
                break
    return _finish_front(archive, pending, in_flight, options, progress)


def _emit(result: IngestResult, progress: Progress) -> IngestResult:
    log.info("%s %r: id=%s pages=%s %.1f s%s%s", result.status, result.file, result.id, result.pages,
             result.seconds, f" sha256={result.sha256}" if result.sha256 else "",
             f" error: {result.error}" if result.error else "")
    progress.file_done(result)
    return result


def _finish_front(
    archive: Archive, pending: deque[_Job | IngestResult], in_flight: set[str],
    options: IngestOptions, progress: Progress,
) -> IngestResult:
    item = pending.popleft()
    if isinstance(item, IngestResult):
        return _emit(item, progress)
    try:
        return _emit(_finish(archive, item, options, progress), progress)
    finally:
        in_flight.discard(item.result.sha256 or "")


def _start(
    archive: Archive, path: Path, options: IngestOptions, executor: Pool,
    in_flight: set[str], pending: deque[_Job | IngestResult], progress: Progress,
) -> _Job | IngestResult:
    """Triage and hash the file, stop on a duplicate, then send its pages to OCR."""
    settings = archive.settings
    started = time.perf_counter()
    result = IngestResult(file=str(path), status="failed")
    work_dir: Path | None = None
    try:
        size, kind = sources.check_file(path, max_file_mb=settings.max_file_mb)
        result.sha256 = sha = sources.sha256_of(path)
        if sha in in_flight:  # the same scan twice in one run: let the first one land
            _finish_through(archive, pending, sha, in_flight, options, progress)
        if duplicate := _find_duplicate(archive, sha):
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
        job = _Job(path, started, source, work_dir, {}, {}, result, executor, settings)
        _submit_pages(job, options, settings, executor, progress)
        in_flight.add(sha)
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


def _finish_through(
    archive: Archive, pending: deque[_Job | IngestResult], sha256: str, in_flight: set[str],
    options: IngestOptions, progress: Progress,
) -> None:
    """Finish queued jobs in order, up to the one for `sha256`, keeping their places."""
    for i, item in enumerate(pending):
        if isinstance(item, _Job):
            try:
                pending[i] = _finish(archive, item, options, progress)
            finally:
                in_flight.discard(item.result.sha256 or "")
            if item.result.sha256 == sha256:
                return


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
        archive.store.put(key, path, sha256=sha256, content_type=_content_type(kind))
    except (StorageError, OSError) as exc:
        raise ArchiveError(f"{path}: the archived original is lost ({problem}) and could not be put back "
                           f"({store_problem(exc)}); the file is untouched, run the same command again "
                           "later") from exc
    log.warning("%s: the archived original was lost (%s); restored from this identical file", path, problem)
    result.warnings.append(f"the archived original was lost ({problem}); restored from this file")


def _find_duplicate(archive: Archive, sha256: str) -> tuple[int, int] | None:
    with archive.session() as session:
        doc = repository.find_by_sha256(session, sha256)
        return (doc.id, doc.page_count) if doc else None


def _submit_pages(
    job: _Job, options: IngestOptions, settings: Any, executor: Pool, progress: Progress,
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


def _read_first(job: _Job, progress: Progress) -> None:
    """Wait for the pages, read the metadata, and send weak regions for a second look."""
    if job.read:
        return
    job.read = True
    try:
        job.pages, job.layers = _collect_pages(job, progress)
        t = time.perf_counter()
        job.first = extract_metadata(job.pages, source_name=job.path.name)
        job.second_look = _second_look(job, job.pages, job.first)
        job.result.timings["metadata"] = time.perf_counter() - t
    except Exception as exc:  # reported by _finish, with the file's name
        job.failure = exc


def _finish(archive: Archive, job: _Job, options: IngestOptions, progress: Progress) -> IngestResult:
    """Wait for the pages and the second look, build the outputs, archive them, record the document."""
    result = job.result
    try:
        _read_first(job, progress)
        if job.failure is not None:
            raise job.failure
        assert job.first is not None
        pages = job.pages
        _rereads(job)  # wait for the second looks, then for what they may ask for
        _follow_up(job)
        rereads = _rereads(job)
        t = time.perf_counter()
        metadata = read_metadata(pages, rereads, job.path.name, first=job.first)
        result.timings["metadata"] = result.timings.get("metadata", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        out_pdf, ocr_json = _write_outputs(job, pages, job.layers, metadata, rereads)
        result.timings["assemble"] = time.perf_counter() - t
        _archive(archive, job, pages, metadata, out_pdf, ocr_json, replace=options.replace)
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
            for _, look in job.second_look:
                look.cancel()
        _cleanup(job.work_dir, options)
    return _done(result, job.started)


def _page_finished(progress: Progress, path: Path, _future: Future[PageResult]) -> None:
    progress.page_done(path)


def _collect_pages(job: _Job, progress: Progress) -> tuple[list[PageOcr], list[searchable.TextLayer]]:
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


def _page_result(job: _Job, number: int) -> PageResult:
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


def _second_look(job: _Job, pages: list[PageOcr], first: Metadata) -> list[tuple[Region, Future[list[Word]]]]:
    """Send regions the first pass read weakly to be read again: the signer block and the
    empty band where a framed urgency mark may have been dropped (tesseract, red channel, one
    text block); with the second reader, the Số and place-date lines when the number or the
    day is weak (handwriting, which tesseract cannot read on a crop either), and the signer
    block too, for the marks of the name."""
    reasons = {"signer": "tesseract", "urgency": "tesseract"}
    if _second_reader_on(job):
        reasons["header"] = "trueocr"
    regions = [r for r in regions_to_reread(pages, first)
               if r.reason in reasons and r.page in job.geometries and pages[r.page - 1].source == "ocr"]
    return [(region, _submit_reread(job, region, reasons[region.reason])) for region in regions]


def _second_reader_on(job: _Job) -> bool:
    return bool(job.settings.second_reader) and second_reader.available()


def _submit_reread(job: _Job, region: Region, reader: str) -> Future[list[Word]]:
    settings = job.settings
    return job.executor.submit(reread_region, RereadTask(
        job.source.work_pdf, region.page, job.geometries[region.page],
        (region.left, region.top, region.right, region.bottom), settings.lang,
        min(settings.page_timeout, 60.0), settings.max_megapixels, reader))


def _follow_up(job: _Job) -> bool:
    """Once the second looks are in: if the signer's name is still doubtful, send its block
    to the second reader, for the marks tesseract may have dropped (`restore_marks`). Only
    then, so that it costs nothing on the many blocks the second look settles. True when a
    task was sent."""
    if job.followed_up or job.failure is not None or any(not f.done() for _, f in job.second_look):
        return False
    job.followed_up = True
    signer = [r for r, _ in job.second_look if r.reason == "signer"]
    if not signer or not _second_reader_on(job):
        return False
    try:  # an extra look is optional: whatever goes wrong here, the file goes on without it
        name = read_metadata(job.pages, _rereads(job), job.path.name, first=job.first).fields["signer"]
        if not name.value or name.confidence >= REVIEW_THRESHOLD:
            return False
        region = replace(signer[0], reason="signer-marks")
        job.second_look.append((region, _submit_reread(job, region, "trueocr")))
    except Exception:
        log.exception("%s: the second reader could not be asked about the signer", job.path)
        return False
    return True


def _rereads(job: _Job) -> list[Reread]:
    """The words of every second look sent for the file (waiting for them)."""
    for i, (region, future) in enumerate(job.second_look):
        if i not in job.looked:
            job.looked[i] = _words_or_none(job, region, future)
    return [(region, job.looked[i]) for i, (region, _) in enumerate(job.second_look)]


def _words_or_none(job: _Job, region: Region, future: Future[list[Word]]) -> list[Word]:
    """A second look that failed (its worker died, or anything else) is only a second look:
    go without it."""
    try:
        return future.result()
    except (BrokenExecutor, CancelledError):
        log.warning("%s: a worker process died; the second look at page %d (%s) was skipped",
                    job.path, region.page, region.reason)
    except Exception as exc:
        log.warning("%s: the second look at page %d (%s) failed: %s: %s", job.path, region.page,
                    region.reason, type(exc).__name__, exc)
    return []


def _write_outputs(
    job: _Job, pages: list[PageOcr], layers: list[searchable.TextLayer], metadata: Metadata,
    rereads: list[Reread],
) -> tuple[Path, Path]:
    out_pdf = job.work_dir / "searchable.pdf"
    searchable.graft_text_layers(job.source.work_pdf, layers, out_pdf, docinfo=_docinfo(metadata))
    if problem := integrity.unreadable(out_pdf):  # never archive what a colleague cannot open
        raise DigitizeError(f"{job.path}: the searchable PDF made from it is damaged ({problem}); "
                            "nothing was archived",
                            advice="check the file with `qpdf --check`; if it passes, please report it")
    ocr_json = job.work_dir / "ocr.json"
    ocr_json.write_text(json.dumps({
        "digitize": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "sha256": job.source.sha256,
        "source_name": job.path.name,
        "pages": [p.to_json() for p in pages],
        "rereads": rereads_to_json(rereads),
    }, ensure_ascii=False), "utf-8")
    return out_pdf, ocr_json


def _docinfo(metadata: Metadata) -> dict[str, str]:
    number, doc_type, abstract = (metadata.value(k) for k in ("number_symbol", "doc_type", "abstract"))
    title = " ".join(x for x in (doc_type, number) if x)
    return {
        "title": f"{title}: {abstract}" if title and abstract else title or (abstract or ""),
        "subject": abstract or "",
        "identifier": number or "",
        "creator": metadata.value("issuer") or "",
        "language": "vi",
    }


# The layout object_keys() writes: an original (group 2: its sha256), or an output made from one.
ARCHIVE_KEY = re.compile(
    r"(^|/)(?:originals/[0-9a-f]{2}/([0-9a-f]{64})\.\w+|pdf/[0-9a-f]{64}\.pdf|ocr/[0-9a-f]{64}\.json)$"
)


def object_keys(sha256: str, kind: str) -> dict[str, str]:
    """Content-addressed keys: never derived from a user-supplied name."""
    return {
        "original": f"originals/{sha256[:2]}/{sha256}.{_EXT[kind]}",
        "pdf": f"pdf/{sha256}.pdf",
        "ocr": f"ocr/{sha256}.json",
    }


def _archive(
    archive: Archive, job: _Job, pages: list[PageOcr], metadata: Metadata, out_pdf: Path, ocr_json: Path,
    *, replace: bool = False,
) -> None:
    source, result, settings = job.source, job.result, archive.settings
    keys = object_keys(source.sha256, source.kind)
    t = time.perf_counter()
    pdf_sha, ocr_sha = sources.sha256_of(out_pdf), sources.sha256_of(ocr_json)
    described = object_metadata(job.path.name, metadata)
    try:
        archive.store.put(keys["original"], source.path, sha256=source.sha256,
                          content_type=_content_type(source.kind), metadata=described)
        # A new scan's outputs are written create-only: another run ingesting the same scan at
        # the same time may have stored its own rendition (other bytes) first, and then that
        # one is kept and recorded, whichever run's record commits (re-OCR replaces them).
        pdf_sha = archive.store.put(keys["pdf"], out_pdf, sha256=pdf_sha, content_type="application/pdf",
                                    metadata=described, keep_existing=not replace).sha256 or pdf_sha
        ocr_sha = archive.store.put(keys["ocr"], ocr_json, sha256=ocr_sha, content_type="application/json",
                                    keep_existing=not replace).sha256 or ocr_sha
    except (StorageError, OSError) as exc:
        if not _unchanged_source(source):  # the file's doing, not the store's
            raise InputError(f"{job.path}: changed or removed while it was being archived",
                             advice="put the finished scan back and run the same command again") from exc
        raise ArchiveError(f"{job.path}: could not archive ({store_problem(exc)}); the original is "
                           "untouched, run the same command again later") from exc
    result.timings["store"] = time.perf_counter() - t
    t = time.perf_counter()
    if replace and result.id is not None:
        with archive.session() as session:
            doc = repository.get_document(session, result.id, with_pages=True)
            if doc is None:
                raise DigitizeError(f"{job.path}: document {result.id} vanished while it was re-read")
            metadata = follow_manual(metadata, repository.manual_values(doc))
            repository.replace_ocr(session, doc, pages, metadata, pdf_sha256=pdf_sha, ocr_sha256=ocr_sha,
                                   ocr_lang=settings.lang,
                                   pipeline_version=PIPELINE_VERSION, actor=current_actor(),
                                   review_threshold=settings.review_threshold)
            index_for_search(session, doc.id, metadata_of(doc), pages)
            result.needs_review = repository.fields_needing_review(doc, settings.review_threshold)
        result.timings["db"] = time.perf_counter() - t
        result.status = "reindexed"
        return
    new = repository.NewDocument(
        sha256=source.sha256, source_name=job.path.name, source_path=str(job.path.resolve()),
        kind=source.kind, size_bytes=source.size, original_key=keys["original"], pdf_key=keys["pdf"],
        ocr_key=keys["ocr"], pdf_sha256=pdf_sha, ocr_sha256=ocr_sha, ocr_lang=settings.lang,
        pipeline_version=PIPELINE_VERSION, pages=pages, metadata=metadata,
    )
    try:
        with archive.session() as session:
            doc = repository.add_document(session, new, actor=current_actor(),
                                          review_threshold=settings.review_threshold)
            index_for_search(session, doc.id, metadata, pages)
            doc_id = doc.id  # assigned at the flush: not the document's until the commit succeeds
            needs_review = repository.fields_needing_review(doc, settings.review_threshold)
    except DatabaseError as exc:
        # another run archived the same scan meanwhile: the unique sha256 stopped a double
        dup = _find_duplicate(archive, source.sha256) if isinstance(exc.__cause__, IntegrityError) else None
        if dup:
            result.status, result.id = "duplicate", dup[0]
            return
        raise
    result.id, result.needs_review = doc_id, needs_review
    result.timings["db"] = time.perf_counter() - t
    result.status = "ingested"


def _unchanged_source(source: sources.Source) -> bool:
    try:
        return source.path.stat().st_size == source.size
    except OSError:
        return False


def object_metadata(source_name: str, metadata: Metadata) -> dict[str, str]:
    """A few fields stored with the objects, so other S3 tools can tell what a file is."""
    fields = {"source-name": source_name}
    for name in ("number_symbol", "doc_type", "issued_date", "issuer"):
        if value := metadata.value(name):
            fields[name.replace("_", "-")] = value[:200]
    return fields


def metadata_of(doc: Any) -> Metadata:
    """The metadata a document holds now (manual corrections included), for the search index."""
    meta = doc.field_meta or {}
    return Metadata({
        name: FieldValue(getattr(doc, name), float((meta.get(name) or {}).get("confidence") or 0.0),
                         (meta.get(name) or {}).get("source") or "ocr")
        for name in METADATA_FIELDS
    })


_SEARCH_FIELDS = ("number_symbol", "doc_type", "abstract", "issuer", "parent_issuer", "signer", "place")


def index_for_search(session: Any, doc_id: int, metadata: Metadata, pages: list[PageOcr]) -> None:
    """The full-text index holds folded text: the metadata apart (it ranks higher), and
    everything (metadata and every page's text) together; the filter keys (type, number)
    folded the same way."""
    meta = fold(" ".join(metadata.value(k) or "" for k in _SEARCH_FIELDS))
    body = meta + "\n" + fold("\n".join(p.text for p in pages))
    issuer = fold(" ".join(metadata.value(k) or "" for k in ("issuer", "parent_issuer")))
    repository.index_document(session, doc_id, issuer=issuer, meta=meta, body=body,
                              folded=filter_keys(metadata))


def _content_type(kind: str) -> str:
    return {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}[kind]


def _done(result: IngestResult, started: float) -> IngestResult:
    result.seconds = time.perf_counter() - started
    return result


def _cleanup(work_dir: Path, options: IngestOptions) -> None:
    if options.keep_temp:
        (work_dir / KEEP_MARK).touch()
        log.info("temporary files kept in %s", work_dir)
    else:
        shutil.rmtree(work_dir, ignore_errors=True)


