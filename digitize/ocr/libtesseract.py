"""Tesseract in-process, through libtesseract's C API (ctypes, no compiler needed).

The `tesseract` program loads its language models afresh for every page: 0.05 s for
`vie`, 0.11 s for `vie+eng`, 5-10% of a page's OCR. A worker here keeps one engine per
language for its whole life and hands it the page's pixels straight from memory, with no
image file in between. Everything else is what the program does: the same library, the
same `user_defined_dpi`, page segmentation mode and TSV.

`load()` returns None when the library or a symbol is missing (an unusual build, another
OS): `tesseract.py` then runs the program, as before. DIGITIZE_TESSERACT=cli forces that.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import resource
import threading
import time
from dataclasses import dataclass

from PIL import Image

log = logging.getLogger(__name__)

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
_PSM_OSD_ONLY = 0
# orientation quadrant reported by OSD -> degrees clockwise that make the page upright
# (tesseract's OrientationIdToValue, as printed by `--psm 0` as "Rotate:")
_UPRIGHT_TURN = {0: 0, 1: 270, 2: 180, 3: 90}


# this thread's CPU time where the OS gives it (Linux), else the process's
_RUSAGE = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)


def _cpu() -> tuple[float, float, float]:
    if not os.environ.get("DIGITIZE_PROFILE_LOG"):
        return (0.0, 0.0, 0.0)  # not profiling: nothing to measure
    usage = resource.getrusage(_RUSAGE)
    return time.perf_counter(), usage.ru_utime, usage.ru_stime


def _profile(name: str, start: tuple[float, float, float], what: str) -> None:
    """With DIGITIZE_PROFILE_LOG set (the benchmarks), log the call like the benchmarks'
    /usr/bin/time shims log a program: name, wall, user, system, command; then the process
    id and the time it ended."""
    path = os.environ.get("DIGITIZE_PROFILE_LOG")
    if not path:
        return
    end = _cpu()
    line = (f"{name}\t{end[0] - start[0]:.3f}\t{end[1] - start[1]:.3f}\t{end[2] - start[2]:.3f}\t{what}"
            f"\t{os.getpid()}\t{time.time():.3f}\n")  # and which worker, when it ended
    with open(path, "a", encoding="utf-8") as log_file:  # one short append: atomic between workers
        log_file.write(line)


class EngineError(Exception):
    """The library refused: a language that cannot be loaded, an image it cannot take."""


class Timeout(EngineError):
    """Recognition passed its deadline."""


_VP, _CP, _INT, _FLOAT = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_float
_SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "TessVersion": (_CP, []),
    "TessBaseAPICreate": (_VP, []),
    "TessBaseAPIDelete": (None, [_VP]),
    "TessBaseAPIEnd": (None, [_VP]),
    "TessBaseAPIInit3": (_INT, [_VP, _CP, _CP]),
    "TessBaseAPISetVariable": (_INT, [_VP, _CP, _CP]),
    "TessBaseAPISetPageSegMode": (None, [_VP, _INT]),
    "TessBaseAPISetImage": (None, [_VP, _CP, _INT, _INT, _INT, _INT]),
    "TessBaseAPIRecognize": (_INT, [_VP, _VP]),
    "TessBaseAPIGetTsvText": (_VP, [_VP, _INT]),
    "TessBaseAPIDetectOrientationScript": (
        _INT, [_VP, ctypes.POINTER(_INT), ctypes.POINTER(_FLOAT), ctypes.POINTER(_CP), ctypes.POINTER(_FLOAT)]
    ),
    "TessBaseAPIClear": (None, [_VP]),
    "TessBaseAPIClearAdaptiveClassifier": (None, [_VP]),
    "TessDeleteText": (None, [_VP]),
    "TessMonitorCreate": (_VP, []),
    "TessMonitorDelete": (None, [_VP]),
    "TessMonitorSetDeadlineMSecs": (None, [_VP, _INT]),
}

_lib: ctypes.CDLL | None = None
_tried = False
_load_lock = threading.Lock()


def load() -> ctypes.CDLL | None:
    """The C library with its signatures declared, or None (then the program is used)."""
    global _lib, _tried
    with _load_lock:
        if _tried:
            return _lib
        _tried = True
        if os.environ.get("DIGITIZE_TESSERACT", "").lower() == "cli":
            return None
        # libgomp reads OMP_THREAD_LIMIT when it is loaded: one thread per engine
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        names = [ctypes.util.find_library("tesseract"), "libtesseract.so.5", "libtesseract.5.dylib"]
        for name in filter(None, names):
            try:
                lib = ctypes.CDLL(name)
                for symbol, (restype, argtypes) in _SIGNATURES.items():
                    fn = getattr(lib, symbol)
                    fn.restype, fn.argtypes = restype, argtypes
            except (OSError, AttributeError) as exc:
                log.debug("libtesseract %s not usable: %s", name, exc)
                continue
            version = lib.TessVersion().decode()
            if not _supported(version):
                log.debug("libtesseract %s is version %s; the program is used", name, version)
                continue
            _lib = lib
            break
        return _lib


def describe() -> str:
    """How tesseract is run here, for `doctor`."""
    lib = load()
    if lib is None:
        return "the tesseract program, one process per page (libtesseract not loaded)"
    return f"in-process, libtesseract {lib.TessVersion().decode()}"


def _supported(version: str) -> bool:
    """4.1 or later (4.0's TessBaseAPI insists on the "C" locale and aborts otherwise)."""
    parts = [int(p) for p in version.split(".")[:2] if p.isdigit()]
    return len(parts) == 2 and (4, 1) <= (parts[0], parts[1]) < (6, 0)


@dataclass(slots=True)
class OsdAnswer:
    rotate: int  # degrees clockwise to make the page upright
    confidence: float


class Engine:
    """One initialised TessBaseAPI for one language string, reused page after page."""

    def __init__(self, lib: ctypes.CDLL, lang: str) -> None:
        self._lib = lib
        self.lang = lang
        self._lock = threading.Lock()  # one recognition at a time per engine
        start = _cpu()
        self._api = lib.TessBaseAPICreate()
        # the library's chatter ("Detected 339 diacritics", "Estimating resolution as 271",
        # "Error opening data file") went to the program's stderr, which was captured; here
        # it would reach the terminal. (A process-wide setting: every engine is quiet.)
        lib.TessBaseAPISetVariable(self._api, b"debug_file", os.devnull.encode())
        if lib.TessBaseAPIInit3(self._api, None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(self._api)
            self._api = None
            raise EngineError(f"tesseract could not load the language data for '{lang}'; "
                              f"install it (Debian: tesseract-ocr-<lang>) or change `lang`")
        _profile("tesseract (loading models)", start, f"in-process -l {lang}")

    def close(self) -> None:
        if self._api:
            self._lib.TessBaseAPIEnd(self._api)
            self._lib.TessBaseAPIDelete(self._api)
            self._api = None

    def _set_image(self, image: Image.Image, dpi: int | None, psm: int) -> None:
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB" if image.mode in ("RGBA", "P", "CMYK", "LA") else "L")
        bpp = 1 if image.mode == "L" else 3
        data = image.tobytes()
        lib = self._lib
        lib.TessBaseAPISetPageSegMode(self._api, psm)
        # exactly what `tesseract --dpi N` sets; 0 lets tesseract estimate it, as for a file
        # that carries no resolution
        lib.TessBaseAPISetVariable(self._api, b"user_defined_dpi", str(int(dpi or 0)).encode())
        lib.TessBaseAPISetImage(self._api, data, image.width, image.height, bpp, image.width * bpp)

    def tsv(self, image: Image.Image, *, psm: int, dpi: int | None, timeout: float) -> str:
        """Recognise the image; its TSV with the header line, as `tesseract … tsv` writes."""
        lib = self._lib
        with self._lock:
            start = _cpu()
            self._set_image(image, dpi, psm)
            monitor = lib.TessMonitorCreate()
            try:
                if timeout > 0:  # 0: no limit, as for the program
                    lib.TessMonitorSetDeadlineMSecs(monitor, min(max(1, int(timeout * 1000)), 2**31 - 1))
                began = time.monotonic()
                failed = lib.TessBaseAPIRecognize(self._api, monitor) != 0
                if failed:
                    if timeout > 0 and time.monotonic() - began >= timeout * 0.99:
                        raise Timeout(f"tesseract took longer than {timeout:g} s")
                    raise EngineError("tesseract could not recognise the image")
                raw = lib.TessBaseAPIGetTsvText(self._api, 0)
                try:
                    text = ctypes.string_at(raw).decode("utf-8", "replace") if raw else ""
                finally:
                    if raw:
                        lib.TessDeleteText(raw)
            finally:
                lib.TessMonitorDelete(monitor)
                lib.TessBaseAPIClear(self._api)  # the page's results go; the models stay
                # and nothing learnt on this page carries over to the next (legacy models
                # adapt as they read; the program starts afresh for every page)
                lib.TessBaseAPIClearAdaptiveClassifier(self._api)
                _profile("tesseract", start, f"in-process -l {self.lang} --psm {psm} --dpi {dpi or 0}")
        return TSV_HEADER + text

    def orientation(self, image: Image.Image, *, dpi: int | None) -> OsdAnswer | None:
        """OSD (this engine must be the `osd` one): the turn that makes the page upright."""
        lib = self._lib
        deg, conf, script, script_conf = _INT(), _FLOAT(), _CP(), _FLOAT()
        with self._lock:
            start = _cpu()
            self._set_image(image, dpi, _PSM_OSD_ONLY)
            try:
                ok = lib.TessBaseAPIDetectOrientationScript(
                    self._api, ctypes.byref(deg), ctypes.byref(conf), ctypes.byref(script),
                    ctypes.byref(script_conf),
                )
            finally:
                lib.TessBaseAPIClear(self._api)
                _profile("tesseract", start, f"in-process --psm {_PSM_OSD_ONLY} --dpi {dpi or 0}")
        if not ok:
            return None
        return OsdAnswer(_UPRIGHT_TURN.get((deg.value // 90) % 4, 0), round(float(conf.value), 2))


_engines: dict[tuple[int, str], Engine] = {}
_failed: dict[tuple[int, str], EngineError] = {}
_engines_lock = threading.Lock()


def engine(lang: str) -> Engine | None:
    """This process's engine for `lang` (made on first use), or None without the library."""
    lib = load()
    if lib is None:
        return None
    key = (os.getpid(), lang)  # an engine inherited through fork() is not this process's
    with _engines_lock:
        if key in _failed:  # a language that cannot be loaded is not tried again on every page
            raise EngineError(str(_failed[key]))
        found = _engines.get(key)
        if found is None:
            if not _engines:
                atexit.register(_close_all)
            try:
                found = _engines[key] = Engine(lib, lang)
            except EngineError as exc:
                _failed[key] = exc
                raise
        return found


def _close_all() -> None:
    """End this process's engines before the library's own teardown, which otherwise
    reports every model still in use as a leak on stderr."""
    with _engines_lock:
        for (pid, _), found in list(_engines.items()):
            if pid == os.getpid():
                found.close()
        _engines.clear()
