"""One page from working PDF to OCR result: render, straighten, recognise.

`process_page` is what a worker process runs; its input and output are small picklable
records, and it holds at most one page image in memory.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ..records import PageOcr
from . import preprocess, raster, tesseract

log = logging.getLogger(__name__)

# Most pages are upright, so OCR runs first and OSD only when the page reads badly, or
# before reading when the page's ink shows lines running down it (on its side); ink that
# is upside down is turned before reading. OSD
# answers on real rotated scans often come with low confidence (9-12), so a turn is only
# kept when the turned page reads well, or better than the page as it was.
_OSD_MIN = 0.5
_GOOD_CONF = 70.0  # mean word confidence of an upright page that reads normally
_SKEW_MIN = 0.3  # degrees: smaller skews are harmless and not worth resampling
# A scan of 150 dpi or more is read at its own resolution: enlarging it makes tesseract a
# third slower and reads no better (worse on speckled pages, where LANCZOS rings around the
# noise: BENCHMARKS.md). A coarser scan is enlarged to 200 dpi, which beats 300 at 100 dpi.
_UPSCALE_BELOW = 150.0
_UPSCALE_TO = 200


@dataclass(slots=True)
class PageTask:
    pdf: Path
    number: int
    width_pt: float
    height_pt: float
    native_dpi: float | None
    out_dir: Path
    lang: str = "vie"
    ocr_dpi: int = 300
    max_ocr_dpi: int = 400
    max_megapixels: float = 150.0
    timeout: float = 180.0
    deskew: bool = True
    layer_text: str = ""


@dataclass(slots=True)
class PageResult:
    ocr: PageOcr  # its words become the page's invisible text (pdf.py)
    geometry: preprocess.Geometry | None
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None


# Tesseract's deadline is checked between words: layout analysis and OSD run to their end.
# In a pool worker, a page still running this long after its timeout ends the worker, which
# first leaves OVERTIME_MARK beside the page; the parent reports the page as timed out.
_OVERTIME_FACTOR, _OVERTIME_GRACE = 2.0, 30.0
OVERTIME_MARK = "page-{:05d}.overtime"
POOL_WORKER_ENV = "DIGITIZE_POOL_WORKER"  # set in pool workers (pipelines.executor)


def overtime_limit(task: PageTask) -> float:
    return task.timeout * _OVERTIME_FACTOR + _OVERTIME_GRACE


@contextmanager
def _watchdog(task: PageTask) -> Iterator[None]:
    if not os.environ.get(POOL_WORKER_ENV) or task.timeout <= 0:
        yield  # in the parent (--jobs 1) nothing may end the process
        return

    def give_up() -> None:
        try:
            (task.out_dir / OVERTIME_MARK.format(task.number)).write_text(f"{overtime_limit(task):g}\n")
        finally:
            os._exit(70)

    timer = threading.Timer(overtime_limit(task), give_up)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def overtime_result(task: PageTask) -> PageResult:
    """What a page given up by its worker's watchdog reports: no text, a warning."""
    dpi = raster.choose_dpi(task.native_dpi, ocr_dpi=task.ocr_dpi, max_ocr_dpi=task.max_ocr_dpi)
    message = f"tesseract took longer than {overtime_limit(task):g} s"
    ocr = PageOcr(
        number=task.number, width=round(task.width_pt * dpi / 72), height=round(task.height_pt * dpi / 72),
        dpi=dpi, text="", source="none", layer_text=task.layer_text,
        warnings=[f"page {task.number}: {message}; page left without text"],
    )
    return PageResult(ocr, None, {}, error=message)


def process_page(task: PageTask) -> PageResult:
    with _watchdog(task):
        return _process_page(task)


def _process_page(task: PageTask) -> PageResult:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    dpi = raster.choose_dpi(task.native_dpi, ocr_dpi=task.ocr_dpi, max_ocr_dpi=task.max_ocr_dpi)
    page = raster.render_page(
        task.pdf, task.number, dpi, max_megapixels=task.max_megapixels,
        width_pt=task.width_pt, height_pt=task.height_pt,
    )
    dpi = float(page.info.get("dpi", (dpi, dpi))[0])  # a scan's own image comes at its own resolution
    timings["render"] = time.perf_counter() - t0
    geometry = preprocess.Geometry(rendered_size=page.size, rendered_dpi=dpi)
    result = PageOcr(
        number=task.number, width=page.width, height=page.height, dpi=dpi, text="",
        layer_text=task.layer_text,
    )
    if task.native_dpi is not None and task.native_dpi < 200:
        result.warnings.append(
            f"page {task.number} was scanned at {task.native_dpi:.0f} dpi; rescan at 200 dpi or more"
        )
    t1 = time.perf_counter()
    if preprocess.is_blank(page):
        result.blank, result.source = True, "none"
        timings["preprocess"] = time.perf_counter() - t1
        return PageResult(result, geometry, timings)
    image, geometry = _straighten(page, geometry, task, result, rotate=0, timings=timings)
    timings["preprocess"] = time.perf_counter() - t1 - timings.get("deskew", 0.0)
    t2 = time.perf_counter()
    deskew_before = timings.get("deskew", 0.0)
    try:
        out, image, geometry, result = _read_upright(page, image, geometry, task, result, timings)
    except (tesseract.OcrTimeout, tesseract.OcrFailed) as exc:
        result.source = "none"
        result.warnings.append(f"page {task.number}: {exc}; page left without text")
        return PageResult(result, geometry, timings, error=str(exc))
    finally:
        # what the readings cost, without OSD and the straightening of turned copies
        timings["tesseract"] = (time.perf_counter() - t2 - timings.get("osd", 0.0)
                                - (timings.get("deskew", 0.0) - deskew_before))
    result.width, result.height, result.dpi = image.width, image.height, _ocr_dpi(geometry)
    result.words, result.text, result.mean_conf = out.words, out.text, out.mean_conf
    result.seconds = round(time.perf_counter() - t0, 3)
    return PageResult(result, geometry, timings)


Reading = tuple[tesseract.TesseractResult, Image.Image, preprocess.Geometry, PageOcr]


def _read_upright(
    page: Image.Image, image: Image.Image, geometry: preprocess.Geometry, task: PageTask, result: PageOcr,
    timings: dict[str, float],
) -> Reading:
    """Read the page the right way up; most pages are, and are read once.

    A page whose lines run down it (on its side) is turned before it is read, the way its
    ink shows (or OSD, when the ink cannot tell), and a page whose ink is upside down (marks
    and ascenders below its lines) is turned before it is read, so neither is read twice; a
    page that reads badly asks OSD afterwards, unless its ink is surely upright. A turn is
    kept only when the turned page reads well, or better than the page as it was.
    """
    osd: tesseract.Orientation | None = None
    turned: Reading | None = None
    if preprocess.is_sideways(image):
        # the ink tells 90 from 270 on most pages (marks above the lines once turned); OSD,
        # 0.4-0.8 s of CPU, only where it cannot
        turn = preprocess.sideways_turn(image)
        if turn is None:
            osd = _orientation(image, geometry, task, timings)
            if osd is not None and osd.rotate in (90, 270) and osd.confidence >= _OSD_MIN:
                turn = osd.rotate
        if turn is not None:
            turned = _read_turned(page, geometry, task, result, turn, timings)
    elif preprocess.is_upside_down(image):
        turned = _read_turned(page, geometry, task, result, 180, timings)
    if turned is not None and _reads_well(turned[0]):
        return _turn_kept(turned, task, osd)
    out = _recognise(image, geometry, task)
    if turned is not None and _score(turned[0]) > _score(out):
        return _turn_kept(turned, task, osd)
    if not _reads_well(out) and (turned is not None or not preprocess.is_surely_upright(image)):
        # a page on its side or upside down reads badly; ask OSD, then check the answer. A
        # page whose ink leaves no doubt that it is upright (a fax, a pale copy) is not asked
        osd = osd or _orientation(image, geometry, task, timings)
        if (osd is not None and osd.rotate and osd.confidence >= _OSD_MIN
                and (turned is None or osd.rotate != turned[2].rotate)):
            second = _read_turned(page, geometry, task, result, osd.rotate, timings)
            if _score(second[0]) > _score(out):
                return _turn_kept(second, task, osd)
    return out, image, geometry, result


def _orientation(
    image: Image.Image, geometry: preprocess.Geometry, task: PageTask, timings: dict[str, float]
) -> tesseract.Orientation | None:
    t = time.perf_counter()
    try:
        return tesseract.detect_orientation(image, timeout=min(task.timeout, 60), dpi=_ocr_dpi(geometry))
    finally:
        timings["osd"] = timings.get("osd", 0.0) + time.perf_counter() - t


def _read_turned(
    page: Image.Image, geometry: preprocess.Geometry, task: PageTask, result: PageOcr, rotate: int,
    timings: dict[str, float],
) -> Reading:
    turned_result = _fresh(result)
    turned, turned_geometry = _straighten(page, _reset(geometry), task, turned_result, rotate, timings)
    return _recognise(turned, turned_geometry, task), turned, turned_geometry, turned_result


def _turn_kept(reading: Reading, task: PageTask, osd: tesseract.Orientation | None) -> Reading:
    if osd is not None and osd.rotate == reading[2].rotate:
        log.info("page %d turned %d degrees (OSD confidence %.1f)", task.number, osd.rotate, osd.confidence)
    else:
        log.info("page %d turned %d degrees (its ink reads upside down)", task.number, reading[2].rotate)
    return reading


def _ocr_dpi(geometry: preprocess.Geometry) -> int:
    return round(geometry.rendered_dpi * geometry.scale)


def _recognise(
    image: Image.Image, geometry: preprocess.Geometry, task: PageTask
) -> tesseract.TesseractResult:
    return tesseract.ocr_page(image, lang=task.lang, dpi=_ocr_dpi(geometry), timeout=task.timeout,
                              work=task.out_dir)


def _lying_share(out: tesseract.TesseractResult) -> float:
    """Share of words wider than tall. Tesseract can read a page on its side (it turns
    vertical text blocks itself), but then its words stand on end and the layout is lost."""
    words = [w for w in out.words if len(w.text) >= 3]
    return sum(1 for w in words if w.width >= w.height) / len(words) if words else 0.0


def _score(out: tesseract.TesseractResult) -> float:
    good = [w for w in out.words if w.conf >= 60 and len(w.text) >= 2]
    return (out.mean_conf or 0.0) * len(good) * _lying_share(out)


def _reads_well(out: tesseract.TesseractResult) -> bool:
    words = [w for w in out.words if len(w.text) >= 3]
    return len(words) >= 8 and (out.mean_conf or 0.0) >= _GOOD_CONF and _lying_share(out) >= 0.6


def _fresh(result: PageOcr) -> PageOcr:
    return PageOcr(
        number=result.number, width=result.width, height=result.height, dpi=result.dpi, text="",
        layer_text=result.layer_text, warnings=list(result.warnings),
    )


def _reset(geometry: preprocess.Geometry) -> preprocess.Geometry:
    return preprocess.Geometry(geometry.rendered_size, geometry.rendered_dpi)


def _straighten(
    page: Image.Image, geometry: preprocess.Geometry, task: PageTask, result: PageOcr, rotate: int,
    timings: dict[str, float] | None = None,
) -> tuple[Image.Image, preprocess.Geometry]:
    """Upscale a low-dpi scan, turn it upright, deskew it: the OCR copy only. The time spent
    on the skew (estimate and straightening) is added to `timings["deskew"]`."""
    target = min(task.ocr_dpi, _UPSCALE_TO)
    scale = target / geometry.rendered_dpi if geometry.rendered_dpi < min(target, _UPSCALE_BELOW) else 1.0
    image = raster.upscale(page, scale) if scale > 1.0 else page
    geometry.scale = scale
    if rotate:
        image = preprocess.rotate_upright(image, rotate)
        geometry.rotate = result.rotation = rotate
    if task.deskew:
        t = time.perf_counter()
        skew = preprocess.estimate_skew(image)
        if abs(skew) >= _SKEW_MIN:
            image = preprocess.deskew(image, -skew)
            geometry.skew = -skew
            result.skew = skew
        if timings is not None:
            timings["deskew"] = timings.get("deskew", 0.0) + time.perf_counter() - t
    return image, geometry
