"""What PDF/A costs when the searchable PDF is assembled: `graft_text_layers` with
--pdfa off, 2b and 1b on the same inputs, in ms per page and bytes per file.

Inputs: a generated 20-page colour scan (A4, 200 dpi JPEG pages, a layer of 250 words a page,
as OCR would give) and, when ../shared/samples-real is there, the real PDFs' working copies
(as ingest prepares them; no text layer). Run: .venv/bin/python bench/pdfa_cost.py
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.common import SAMPLES_REAL  # noqa: E402
from digitize.ocr import searchable, sources  # noqa: E402
from digitize.ocr.preprocess import Geometry  # noqa: E402
from digitize.records import PageOcr, Word  # noqa: E402

LEVELS = ("off", "2b", "1b")


def scan(folder: Path, pages: int) -> tuple[Path, list[searchable.TextLayer]]:
    """An A4 colour scan at 200 dpi, and a text layer of 25 lines of 10 words a page."""
    w, h, dpi = 1654, 2339, 200
    frames = []
    for _ in range(pages):
        img = Image.new("RGB", (w, h), (250, 248, 240))
        draw = ImageDraw.Draw(img)
        for line in range(25):
            draw.rectangle((150, 200 + 80 * line, 1500, 230 + 80 * line), fill=(40, 40, 40))
        buffer = io.BytesIO()
        img.save(buffer, format="JPEG", quality=80, dpi=(dpi, dpi))
        frames.append(buffer.getvalue())
        del img
    path = folder / "scan.pdf"
    path.write_bytes(img2pdf.convert(frames, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    words = [Word(f"từ{i}", 150 + 135 * (i % 10), 200 + 80 * (i // 10), 120, 30, 90.0, 1, 1, i // 10)
             for i in range(250)]
    layers = [searchable.TextLayer(n, PageOcr(n, w, h, dpi, "", words), Geometry((w, h), dpi))
              for n in range(1, pages + 1)]
    return path, layers


def timed(work_pdf: Path, layers: list[searchable.TextLayer], level: str, out: Path,
          repeats: int) -> tuple[float, int, bool]:
    """Median seconds of `repeats` runs, the output's size, and whether it claims the level."""
    seconds = []
    claimed = True
    for _ in range(repeats):
        t = time.perf_counter()
        notes = searchable.graft_text_layers(work_pdf, layers, out, docinfo={"title": "bench"}, pdfa=level)
        seconds.append(time.perf_counter() - t)
        claimed = not notes
    return statistics.median(seconds), out.stat().st_size, claimed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = [("generated scan", *scan(folder, args.pages))]
        if SAMPLES_REAL.is_dir():
            for i, path in enumerate(sorted(SAMPLES_REAL.glob("*.pdf"))):
                work = folder / f"real{i}"
                work.mkdir()
                size, kind = sources.check_file(path, max_file_mb=2048)
                source = sources.open_source(path, work, sha256="0" * 64, size=size, kind=kind)
                inputs.append((path.name, source.work_pdf, []))
        print("| input | pages | " + " | ".join(f"{lv} ms/page" for lv in LEVELS)
              + " | 2b − off ms/page | 2b − off bytes | claims 2b / 1b |")
        print("|---|---:|" + "---:|" * len(LEVELS) + "---:|---:|---|")
        extra_ms, extra_pages = 0.0, 0
        for name, work_pdf, layers in inputs:
            with pikepdf.open(work_pdf) as pdf:
                pages = len(pdf.pages)
            results = {lv: timed(work_pdf, layers, lv, folder / f"out-{lv}.pdf", args.repeats)
                       for lv in LEVELS}
            per_page = {lv: 1000 * results[lv][0] / pages for lv in LEVELS}
            extra = per_page["2b"] - per_page["off"]
            extra_ms += extra * pages
            extra_pages += pages
            claims = " / ".join("yes" if results[lv][2] else "no" for lv in ("2b", "1b"))
            print(f"| {name[:48]} | {pages} | " + " | ".join(f"{per_page[lv]:.1f}" for lv in LEVELS)
                  + f" | {extra:+.1f} | {results['2b'][1] - results['off'][1]:+,} | {claims} |")
        print(f"\nall inputs: PDF/A-2b adds {extra_ms / extra_pages:.2f} ms a page on average "
              f"({extra_pages} pages)")


if __name__ == "__main__":
    main()
