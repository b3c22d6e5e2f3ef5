"""The second look: regions the first pass read weakly, read again, and the fields read anew.

Once a file's pages are read and its fields read from them (`read_metadata` with no second
looks), `send` picks the regions to read again (`metadata.regions_for_second_look`: the signer
block, the band where a framed urgency mark may have been dropped; with the second reader,
the Số and place-date lines) and sends them to the pool beside the pages of later files.
When they are in, `send_marks` may send one more (the signer's block to the second reader, for
the marks of a doubtful name); `collect` waits for their words, and `read_metadata` reads the
fields again from the pages with those words spliced in, keeping the surer reading field by
field. A second look is optional: one that fails is skipped, never the file.

The words are kept in ocr.json (archive.contract, key "rereads"), so `reindex` reads the
fields again the same way without OCR.
"""

from __future__ import annotations

import logging
from concurrent.futures import BrokenExecutor, CancelledError, Future
from dataclasses import replace

from ..metadata import (
    REVIEW_THRESHOLD,
    Region,
    best_of,
    confirmable_fields,
    extract_metadata,
    header_second_look,
    regions_for_second_look,
    restore_marks,
    splice_words,
)
from ..ocr import second_reader
from ..ocr.second_look import SecondLookTask, second_look_at
from ..records import Metadata, PageOcr, Word
from .archive.contract import SecondLook
from .scheduler import Job

log = logging.getLogger(__name__)


def read_metadata(
    pages: list[PageOcr], looks: list[SecondLook], source_name: str, first: Metadata | None = None,
    *, threshold: float = REVIEW_THRESHOLD,
) -> Metadata:
    """The fields, from the pages (`first`, when they were read already) and from any second
    look at a region: field by field the surer reading, the second reader's number and date
    where the first were weak, and a doubtful signer's marks ("weak", "doubtful": under
    `threshold`, the review threshold)."""
    meta = first if first is not None else extract_metadata(pages, source_name=source_name)
    blocks = [r for r in looks if r[0].reason in ("signer", "urgency")]
    header = [r for r in looks if r[0].reason == "header"]
    if blocks:
        meta = best_of(meta, extract_metadata(_spliced(pages, blocks), source_name=source_name))
    if header:
        other = extract_metadata(_spliced(pages, header), source_name=source_name)
        meta = header_second_look(meta, other, confirmable_fields(header), threshold=threshold)
    marks = [w for region, words in looks if region.reason == "signer-marks" for w in words]
    return restore_marks(meta, marks, threshold=threshold) if marks else meta


def _spliced(pages: list[PageOcr], looks: list[SecondLook]) -> list[PageOcr]:
    out = list(pages)
    for region, words in looks:
        out[region.page - 1] = splice_words(out[region.page - 1], region, words)
    return out


def send(job: Job, pages: list[PageOcr], first: Metadata) -> list[tuple[Region, Future[list[Word]]]]:
    """Send regions the first pass read weakly to be read again: the signer block and the
    empty band where a framed urgency mark may have been dropped (tesseract, red channel, one
    text block); with the second reader, the Số and place-date lines when the number or the
    day is weak (handwriting, which tesseract cannot read on a crop either), and the signer
    block too, for the marks of the name."""
    reasons = {"signer": "tesseract", "urgency": "tesseract"}
    if _second_reader_on(job):
        reasons["header"] = "trueocr"
    regions = [r for r in regions_for_second_look(pages, first, threshold=job.settings.review_threshold)
               if r.reason in reasons and r.page in job.geometries and pages[r.page - 1].source == "ocr"]
    return [(region, _submit(job, region, reasons[region.reason])) for region in regions]


def _second_reader_on(job: Job) -> bool:
    return bool(job.settings.second_reader) and second_reader.available()


def _submit(job: Job, region: Region, reader: str) -> Future[list[Word]]:
    settings = job.settings
    return job.executor.submit(second_look_at, SecondLookTask(
        job.source.work_pdf, region.page, job.geometries[region.page],
        (region.left, region.top, region.right, region.bottom), settings.lang,
        min(settings.page_timeout, 60.0), settings.max_megapixels, reader))


def send_marks(job: Job) -> bool:
    """Once the second looks are in: if the signer's name is still doubtful, send its block
    to the second reader, for the marks tesseract may have dropped (`restore_marks`). Only
    then, so that it costs nothing on the many blocks the second look settles. True when a
    task was sent."""
    if job.marks_asked or job.failure is not None or any(not f.done() for _, f in job.looks):
        return False
    job.marks_asked = True
    signer = [r for r, _ in job.looks if r.reason == "signer"]
    if not signer or not _second_reader_on(job):
        return False
    try:  # an extra look is optional: whatever goes wrong here, the file goes on without it
        threshold = job.settings.review_threshold
        name = read_metadata(job.pages, collect(job), job.path.name, first=job.first,
                             threshold=threshold).fields["signer"]
        if not name.value or name.confidence >= threshold:
            return False
        region = replace(signer[0], reason="signer-marks")
        job.looks.append((region, _submit(job, region, "trueocr")))
    except Exception:
        log.exception("%s: the second reader could not be asked about the signer", job.path)
        return False
    return True


def collect(job: Job) -> list[SecondLook]:
    """The words of every second look sent for the file (waiting for them)."""
    for i, (region, future) in enumerate(job.looks):
        if i not in job.look_words:
            job.look_words[i] = _words_or_none(job, region, future)
    return [(region, job.look_words[i]) for i, (region, _) in enumerate(job.looks)]


def _words_or_none(job: Job, region: Region, future: Future[list[Word]]) -> list[Word]:
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
