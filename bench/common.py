"""Shared pieces of the benchmarks: the input set, measuring a process tree, text and CER.

Nothing here imports `digitize` except `digitize.metrics` (the project's CER), so the
benchmarks measure the installed command-line tools from the outside.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import psutil
from PIL import Image
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
BIN = Path(sys.executable).parent  # the venv's bin: digitize, ocrmypdf
SAMPLES_REAL = Path(os.environ.get("DIGITIZE_SAMPLES_REAL", REPO.parent / "shared" / "samples-real"))

sys.path.insert(0, str(REPO))
from digitize.metrics import normalise_for_cer  # noqa: E402

# --------------------------------------------------------------------------- the input set


@dataclass
class Doc:
    """One input file, as every tool gets it (a PDF), with what is known to be on it."""

    name: str
    pdf: Path
    pages: int
    group: str  # synthetic | real-scan | born-digital
    truth: dict[str, Any]
    tags: list[str]
    page_dpi: list[float]  # resolution of each page's largest image (for the floor's rendering)
    prior_text: bool = False  # a text layer in the page content (an old OCR layer)
    reference_text: str | None = None  # born-digital: the file's own text layer

    @property
    def page_text(self) -> list[str] | None:
        return self.truth.get("page_text")


def _native_dpis(pdf: Path) -> list[float]:
    out = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            box = page.cropbox
            w_pt, h_pt = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
            best = (0, 0)
            for img in page.get_images().values():
                px = (int(img.get("/Width", 0)), int(img.get("/Height", 0)))
                if px[0] * px[1] > best[0] * best[1]:
                    best = px
            if not best[0]:
                out.append(300.0)
                continue
            out.append(round(min(max(best) / (max(w_pt, h_pt) / 72), min(best) / (min(w_pt, h_pt) / 72)), 1))
    return out


def _content_has_text(pdf: Path) -> bool:
    """Does any page's own content stream show text (an old OCR layer)? Annotations
    (the Quảng Ngãi signature stamps are form widgets) do not count."""
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for operands, op in pikepdf.parse_content_stream(page):  # noqa: B007
                if str(op) in ("Tj", "TJ", "'", '"'):
                    return True
    return False


def _image_to_pdf(src: Path, dest: Path) -> None:
    """What digitize does with an image: img2pdf, lossless, at the image's own dpi."""
    with Image.open(src) as img:
        dpi = img.info.get("dpi")
        dpi = float(dpi[0]) if dpi and 50 <= float(dpi[0]) <= 2400 else round(min(img.size) / (210 / 25.4))
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    dest.write_bytes(img2pdf.convert(str(src), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid))


def prepare_inputs(out: Path = OUT, *, real: bool = True, profile: str = "bench") -> list[Doc]:
    """Generate the samples of a generator profile (once: the generator is deterministic)
    and list the set; `real` adds ../shared/samples-real.

    JPEG/PNG/TIFF samples become PDFs with img2pdf (as `digitize` does internally) so that
    every tool reads the very same file: OCRmyPDF takes no multi-page TIFF.
    """
    samples = out / "samples"
    if not (samples / "truth.jsonl").exists():
        subprocess.run([sys.executable, "-m", "samples.synth", "--profile", profile,
                        "--out", str(samples.resolve()), "-q"], cwd=REPO, check=True)
    inputs = out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    docs: list[Doc] = []
    for line in (samples / "truth.jsonl").read_text("utf-8").splitlines():
        truth = json.loads(line)
        src = samples / truth["file"]
        pdf = inputs / (src.stem + ".pdf")
        if not pdf.exists():
            if src.suffix.lower() == ".pdf":
                shutil.copyfile(src, pdf)
            else:
                _image_to_pdf(src, pdf)
        tags = list(truth.get("degradation") or [])
        docs.append(Doc(src.stem, pdf, truth["pages"], "synthetic", truth, tags, _native_dpis(pdf)))
    if real and (SAMPLES_REAL / "truth.jsonl").exists():
        for line in (SAMPLES_REAL / "truth.jsonl").read_text("utf-8").splitlines():
            truth = json.loads(line)
            pdf = SAMPLES_REAL / truth["file"]
            if pdf.suffix.lower() != ".pdf":  # a photo or a scan as an image: a PDF, as above
                src, pdf = pdf, inputs / (pdf.stem + ".pdf")
                if not pdf.exists():
                    _image_to_pdf(src, pdf)
            group = "born-digital" if truth.get("kind") == "born-digital" else "real-scan"
            ref = (SAMPLES_REAL / truth["file"]).with_suffix(".textlayer.txt")
            docs.append(Doc(pdf.stem, pdf, truth["pages"], group, truth, [], _native_dpis(pdf),
                            prior_text=group == "real-scan" and _content_has_text(pdf),
                            reference_text=ref.read_text("utf-8") if ref.exists() else None))
    return docs


# --------------------------------------------------------------------------- measuring


def become_subreaper() -> bool:
    """Orphaned grandchildren (pool workers, a forkserver) are reparented to us, so their
    CPU time lands in RUSAGE_CHILDREN when we reap them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every remaining child (orphans reparented to us), then return."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class TreeSampler(threading.Thread):
    """Sum of RSS over every descendant of this process, every `interval` seconds."""

    def __init__(self, interval: float = 0.05, probe: Callable[[], Any] | None = None,
                 keep_timeline: bool = False) -> None:
        super().__init__(daemon=True)
        self.interval, self.probe, self.keep = interval, probe, keep_timeline
        self.peak = 0
        self.peak_single = 0
        self.timeline: list[tuple[float, int, Any]] = []
        self._stop_event = threading.Event()
        self._me = psutil.Process()
        self._t0 = time.perf_counter()

    def run(self) -> None:
        while not self._stop_event.is_set():
            total = 0
            for proc in self._me.children(recursive=True):
                try:
                    rss = proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak = max(self.peak, total)
            if self.keep:
                self.timeline.append((time.perf_counter() - self._t0, total,
                                      self.probe() if self.probe else None))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Measurement:
    wall: float
    cpu: float  # user + system seconds of every process the run started
    peak_rss: int  # bytes, summed over the process tree (shared pages counted per process)
    peak_rss_single: int
    load_before: float
    timeline: list[tuple[float, int, Any]] = field(default_factory=list)


def measure(fn: Callable[[], Any], *, probe: Callable[[], Any] | None = None,
            keep_timeline: bool = False, interval: float = 0.05) -> tuple[Measurement, Any]:
    reap_orphans(5)
    load = os.getloadavg()[0]
    sampler = TreeSampler(interval, probe, keep_timeline)
    cpu0 = _cpu()
    sampler.start()
    t0 = time.perf_counter()
    try:
        value = fn()
    finally:
        wall = time.perf_counter() - t0
        reap_orphans()
        sampler.stop()
    return Measurement(wall, _cpu() - cpu0, sampler.peak, sampler.peak_single, load, sampler.timeline), value


def run(cmd: list[str], *, env: dict[str, str] | None = None, check: bool = True,
        timeout: float | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=timeout, check=False, cwd=cwd)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-800:]}")
    return proc


# --------------------------------------------------------------------------- where the CPU goes

PROFILED = ("tesseract", "pdftoppm", "pdfinfo", "pdftotext", "qpdf", "gs", "pngquant", "jbig2", "unpaper")


def tool_wrappers(folder: Path, log: Path) -> dict[str, str]:
    """Shims, first on PATH, that run each external tool under /usr/bin/time and log its CPU
    time and arguments: the environment to run a tool with."""
    folder.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    for name in PROFILED:
        real = shutil.which(name)
        if real is None or not Path("/usr/bin/time").exists():
            continue
        shim = folder / name
        shim.write_text(f'#!/bin/sh\nexec /usr/bin/time -a -o "{log}" -f "{name}\t%e\t%U\t%S\t%C" '
                        f'"{real}" "$@"\n')
        shim.chmod(0o755)
    # digitize runs tesseract in-process and logs each call to the same file itself
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", "DIGITIZE_PROFILE_LOG": str(log)}


def tool_profile(log: Path) -> dict[str, dict[str, float]]:
    """CPU seconds and calls per tool (tesseract split by page segmentation mode)."""
    out: dict[str, dict[str, float]] = {}
    if not log.exists():
        return out
    for line in log.read_text("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 5:
            continue
        name, _, user, system, cmd = parts[:5]
        if name == "trueocr":
            name = "second reader (trueocr)"
        elif name == "tesseract":
            if "--list-langs" in cmd or "--version" in cmd:
                name = "tesseract (version/langs)"
            else:
                m = re.search(r"--psm (\d+)", cmd)
                psm = m.group(1) if m else "3"
                name = {"0": "tesseract OSD (psm 0)", "3": "tesseract pages (psm 3)",
                        "6": "tesseract regions (psm 6)"}.get(psm, f"tesseract psm {psm}")
        try:
            cpu = float(user) + float(system)
        except ValueError:
            continue
        entry = out.setdefault(name, {"cpu": 0.0, "calls": 0})
        entry["cpu"] += cpu
        entry["calls"] += 1
    return out


# --------------------------------------------------------------------------- text and CER


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text layer of each page, as a search engine or a reader would get it."""
    out = run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]).stdout
    pages = out.split("\f")
    return [unicodedata.normalize("NFC", p) for p in pages[:-1]] if pages and not pages[-1].strip() else pages


def _norm(text: str) -> str:
    return normalise_for_cer(text)


def plain_distance(hyp: str, ref: str) -> tuple[int, int]:
    """Order-sensitive: edit distance between the whole texts (digitize.metrics.cer)."""
    r, h = _norm(ref), _norm(hyp)
    return Levenshtein.distance(h, r), len(r)


def best_window(needle: str, hay: str) -> int:
    """Edit distance between `needle` and the stretch of `hay` that matches it best."""
    if not needle:
        return 0
    if not hay:
        return len(needle)
    al = fuzz.partial_ratio_alignment(needle, hay)
    s0, e0 = al.dest_start, al.dest_end
    k = 2 + len(needle) // 8
    best = Levenshtein.distance(needle, hay[s0:e0])
    for s in range(max(0, s0 - k), min(len(hay), s0 + k) + 1):
        for e in range(max(s, e0 - k), min(len(hay), e0 + k) + 1):
            d = Levenshtein.distance(needle, hay[s:e], score_cutoff=best)
            if d < best:
                best = d
    return best


def line_distance(hyp: str, ref: str) -> tuple[int, int]:
    """Line-matched: each truth line against its best-aligned stretch of the hypothesis,
    so a two-column header read row by row costs nothing. Sum of distances, sum of lengths."""
    h = _norm(hyp)
    dist = total = 0
    for line in ref.splitlines():
        n = _norm(line)
        if not n:
            continue
        dist += best_window(n, h)
        total += len(n)
    return dist, total


FIELDS = ("parent_issuer", "issuer", "symbol", "place", "abstract", "signer_title", "signer")


def field_distances(hyp: str, truth: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Header-field CER parts: each truth field against its best-aligned stretch of the text.

    A field printed on two lines ("ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI") may come out with the
    other column's line between its halves, so each split at a word boundary is also tried,
    its two halves aligned apart (the space between them not counted).
    """
    h = _norm(hyp)
    out = {}
    for name in FIELDS:
        value = truth.get(name)
        if value:
            n = _norm(value)
            best = best_window(n, h)
            words = n.split(" ")
            for i in range(1, len(words)):
                if best == 0:
                    break
                best = min(best, best_window(" ".join(words[:i]), h) + best_window(" ".join(words[i:]), h))
            out[name] = (best, len(n))
    return out


def ratio(parts: list[tuple[int, int]]) -> float | None:
    dist = sum(d for d, _ in parts)
    total = sum(t for _, t in parts)
    return dist / total if total else None


# --------------------------------------------------------------------------- the machine


def _first_line(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
        return ((p.stdout or p.stderr).strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.SubprocessError):
        return "not found"


def machine_info() -> dict[str, str]:
    cpu = "?"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else platform.processor()
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    commit = _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "digitize"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "tesseract": _first_line(["tesseract", "--version"]),
        "ocrmypdf": _first_line([str(BIN / "ocrmypdf"), "--version"]),
        "ghostscript": _first_line(["gs", "--version"]),
        "poppler": _first_line(["pdftoppm", "-v"]),
        "pikepdf": pikepdf.__version__,
        "digitize": _first_line([str(BIN / "digitize"), "--version"]),
        "commit": commit + (" + uncommitted changes in digitize/" if dirty else ""),
    }
