"""Dev helper: cache OCR output (PageOcr JSON) for the real sample PDFs.

Usage: .venv/bin/python bench/dev_ocr_cache.py [PDF ...] [--out /tmp/ocrcache] [--jobs 2]
       .venv/bin/python bench/dev_ocr_cache.py --score [--truth truth.jsonl] [-v]
       .venv/bin/python bench/dev_ocr_cache.py --synth 20 --out /tmp/ocrcache-synth
       .venv/bin/python bench/dev_ocr_cache.py --syllables > digitize/metadata/syllables.py
       .venv/bin/python bench/dev_ocr_cache.py --reread /tmp/ocrcache-reread

Scans are rendered at 300 dpi (pdf2image/pdftoppm) and read with tesseract `vie+eng`
(OMP_THREAD_LIMIT=1, at most --jobs processes). Born-digital files (a text layer with real
content, not just a signature stamp) are turned into "text-layer" pages from
`pdftotext -bbox-layout` words instead. Every page also gets `layer_text` from
`pdftotext -raw`. One JSON list of PageOcr.to_json() per PDF: <out>/<stem>.json.
`--score` runs digitize.metadata.extract_metadata over the cached pages and prints
per-field accuracy against truth.jsonl (exact after NFC + whitespace squashing; the
abstract also as mean similarity) and the share of wrong fields under the 0.7 review
threshold. `--synth N` draws N documents with samples.synth, renders them
clean and upright at 300 dpi (its `render_pages`), OCRs them and writes the cache and a
truth.jsonl next to it. `--reread DIR` re-OCRs the regions that
digitize.metadata.regions asks for (signer block, header row) on the red channel with
--psm 6, splices the words in and writes the result to DIR (a preview of a second OCR
pass the pipeline could make). This is a development tool; the real pipeline lives in digitize.ocr.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from digitize.records import METADATA_FIELDS, PageOcr, Word

DPI = 300
SAMPLES = Path("/work/shared/samples-real")


def page_count(pdf: Path) -> int:
    """Number of pages from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def layer_text(pdf: Path, page: int) -> str:
    """The PDF's own text layer for one page (pdftotext -raw)."""
    cmd = ["pdftotext", "-f", str(page), "-l", str(page), "-raw", str(pdf), "-"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def is_born_digital(pdf: Path) -> bool:
    """A text layer with many Vietnamese header words, not only a stamp."""
    text = " ".join(layer_text(pdf, i) for i in range(1, page_count(pdf) + 1))
    return "Độc lập" in text and len(text) > 800


def bbox_pages(pdf: Path) -> list[PageOcr]:
    """Text-layer pages from pdftotext -bbox-layout, coordinates scaled to 300 dpi."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    scale = DPI / 72.0
    pages: list[PageOcr] = []
    for pno, pm in enumerate(
        re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S), 1
    ):
        words: list[Word] = []
        lines_text: list[str] = []
        for bno, block in enumerate(re.findall(r"<block.*?</block>", pm.group(3), re.S), 1):
            for lno, line in enumerate(re.findall(r"<line.*?</line>", block, re.S), 1):
                toks = []
                for m in re.finditer(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                    r"(.*?)</word>",
                    line,
                ):
                    x0, y0, x1, y1 = (float(m.group(k)) * scale for k in range(1, 5))
                    text = unicodedata.normalize("NFC", html.unescape(m.group(5)))
                    toks.append(text)
                    words.append(
                        Word(text, round(x0), round(y0), round(x1 - x0), round(y1 - y0), -1.0, bno, 1, lno)
                    )
                lines_text.append(" ".join(toks))
        pages.append(
            PageOcr(
                number=pno,
                width=round(float(pm.group(1)) * scale),
                height=round(float(pm.group(2)) * scale),
                dpi=DPI,
                text="\n".join(lines_text),
                words=words,
                source="text-layer",
                layer_text=layer_text(pdf, pno),
            )
        )
    return pages


def ocr_page(pdf: str, page: int) -> dict:
    """Render one page at 300 dpi and run tesseract; return PageOcr JSON."""
    from pdf2image import convert_from_path

    from digitize.ocr.tesseract import ocr_words

    t0 = time.time()
    img = convert_from_path(pdf, dpi=DPI, first_page=page, last_page=page)[0]
    words = ocr_words(img, lang="vie+eng", psm=3, timeout=300)
    text = _join(words) if words else ""
    confs = [w.conf for w in words if w.conf >= 0]
    po = PageOcr(
        number=page,
        width=img.width,
        height=img.height,
        dpi=DPI,
        text=unicodedata.normalize("NFC", text),
        words=words,
        source="ocr",
        mean_conf=sum(confs) / len(confs) if confs else None,
        seconds=round(time.time() - t0, 2),
        layer_text=layer_text(Path(pdf), page),
    )
    return po.to_json()


def ocr_image(img, number: int) -> dict:
    """OCR one upright page image into PageOcr JSON (no text layer)."""
    from digitize.ocr.tesseract import ocr_words

    words = ocr_words(img, lang="vie+eng", psm=3, timeout=300)
    confs = [w.conf for w in words if w.conf >= 0]
    return PageOcr(
        number=number,
        width=img.width,
        height=img.height,
        dpi=DPI,
        text=_join(words) if words else "",
        words=words,
        source="ocr",
        mean_conf=sum(confs) / len(confs) if confs else None,
    ).to_json()


def synth_doc(index: int, seed: int) -> tuple[dict, list[dict]]:
    """Draw, render (clean, 300 dpi) and OCR one synthetic document."""
    import random

    from samples.synth import make_document, render_pages

    rng = random.Random(f"dev-synth:{seed}:{index}")
    spec = make_document(rng, index=index, dpi=DPI, tags=[])
    pages = [ocr_image(im, n) for n, im in enumerate(render_pages(spec, DPI), 1)]
    truth = spec.truth()
    truth.pop("page_text", None)
    return truth, pages


def synth(out: Path, count: int, jobs: int, seed: int = 1) -> None:
    """Write OCR caches and truth.jsonl for `count` clean synthetic documents."""
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs) as ex, open(out / "truth.jsonl", "w") as fh:
        for truth, pages in ex.map(synth_doc, range(1, count + 1), [seed] * count):
            (out / f"{Path(truth['file']).stem}.json").write_text(json.dumps(pages, ensure_ascii=False))
            fh.write(json.dumps(truth, ensure_ascii=False) + "\n")
            print("synth", truth["file"], flush=True)


def _join(words: list[Word]) -> str:
    """Rebuild page text from words: one line per (block, par, line)."""
    out: list[str] = []
    key = None
    for w in words:
        k = (w.block, w.par, w.line)
        if k != key:
            out.append("\n" if out else "")
            key = k
        else:
            out.append(" ")
        out.append(w.text)
    return "".join(out)


SCORED = tuple(f for f in METADATA_FIELDS if f not in ("urgency", "signed_at", "language"))
HANDWRITTEN = ("number_symbol", "number", "issued_date")
THRESHOLD = 0.7


def _norm(value: object) -> str | None:
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def score(cache: Path, truth_path: Path, verbose: int, alt: Path | None = None) -> None:
    """Print the accuracy table of the metadata extractor over cached OCR."""
    from datetime import date

    from digitize.metadata import extract_metadata
    from digitize.metadata.text import exact_similarity

    rows = [json.loads(line) for line in truth_path.read_text().splitlines() if line.strip()]
    stats = {
        f: {"n": 0, "ok": 0, "wrong": 0, "flagged": 0, "hw": 0, "hw_ok": 0, "sim": 0.0, "alarm": 0}
        for f in SCORED
    }
    for row in rows:
        stem = Path(row["file"]).stem
        path = cache / f"{stem}.json"
        if not path.exists():
            print("missing OCR cache for", row["file"])
            continue
        pages = [PageOcr.from_json(p) for p in json.loads(path.read_text())]
        meta = extract_metadata(pages, today=date(2025, 11, 27))
        if alt is not None and (alt / path.name).exists():
            from digitize.metadata.regions import best_of

            alt_pages = [PageOcr.from_json(p) for p in json.loads((alt / path.name).read_text())]
            meta = best_of(meta, extract_metadata(alt_pages, today=date(2025, 11, 27)))
        for f in SCORED:
            fv = meta.fields[f]
            want, got = _norm(row.get(f)), _norm(fv.value)
            hand = bool(row.get("handwritten_number")) and f in HANDWRITTEN
            st = stats[f]
            st["n"] += 1
            st["hw"] += hand
            if f == "abstract" and want:
                st["sim"] += exact_similarity(got or "", want)
            if want == got:
                st["ok"] += 1
                st["hw_ok"] += hand
                st["alarm"] += fv.confidence < THRESHOLD and got is not None
                mark = "ok " if fv.confidence >= THRESHOLD or got is None else "low"
            else:
                st["wrong"] += 1
                st["flagged"] += fv.confidence < THRESHOLD
                mark = "BAD" if fv.confidence >= THRESHOLD else "flg"
            if verbose and (mark != "ok " or verbose > 1):
                print(f"{mark} {stem[:24]:24} {f:14} {fv.confidence:.2f} got={got!r} want={want!r}")
    _print_table(stats)


def _print_table(stats: dict) -> None:
    """Per field: accuracy (all / printed only), wrong fields flagged, right fields flagged."""
    print(f"{'field':14} {'acc':>5} {'printed':>7} {'wrong':>5} {'flagged':>7} {'right<0.7':>9}  note")
    tw = tf = ta = 0
    for f, st in stats.items():
        if not st["n"]:
            continue
        printed_n = st["n"] - st["hw"]
        printed = (st["ok"] - st["hw_ok"]) / printed_n if printed_n else float("nan")
        note = f"mean sim {st['sim'] / st['n']:.3f}" if f == "abstract" else ""
        if st["hw"]:
            note = f"{st['hw']} handwritten ({st['hw_ok']} read right)"
        print(
            f"{f:14} {st['ok'] / st['n']:5.0%} {printed:7.0%} {st['wrong']:5d}"
            f" {st['flagged']:4d}/{st['wrong']:<2d} {st['alarm']:9d}  {note}"
        )
        tw += st["wrong"]
        tf += st["flagged"]
        ta += st["alarm"]
    print(f"wrong fields flagged (< {THRESHOLD}): {tf}/{tw}; right fields under {THRESHOLD}: {ta}")


def syllables_module() -> str:
    """Source of digitize/metadata/syllables.py from tesseract's own `vie` word list."""
    import base64
    import tempfile
    import zlib

    tessdata = Path("/usr/share/tesseract-ocr/5/tessdata/vie.traineddata")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["combine_tessdata", "-u", str(tessdata), f"{tmp}/vie."], check=True, capture_output=True
        )
        subprocess.run(
            ["dawg2wordlist", f"{tmp}/vie.lstm-unicharset", f"{tmp}/vie.lstm-word-dawg", f"{tmp}/words.txt"],
            check=True,
            capture_output=True,
        )
        lines = Path(f"{tmp}/words.txt").read_text(encoding="utf-8").split()
    words = sorted({unicodedata.normalize("NFC", w).lower() for w in lines if w.isalpha()})
    blob = base64.b85encode(zlib.compress("\n".join(words).encode(), 9)).decode()
    chunks = "\n".join(f'    "{blob[i : i + 96]}"' for i in range(0, len(blob), 96))
    return SYLLABLES_TEMPLATE.format(count=len(words), blob=chunks)


SYLLABLES_TEMPLATE = '''"""The Vietnamese syllables of tesseract's own `vie` dictionary ({count} words).

Generated by `bench/dev_ocr_cache.py --syllables` from tessdata_fast `vie.traineddata`
(Apache-2.0, Copyright 2006-2022 Google Inc.): `combine_tessdata -u` then
`dawg2wordlist` on its lstm-word-dawg, lowercased, letters only. Used as a doubt
signal: a lowercase word outside this list ("dé" for "đề") is probably misread.
"""

from __future__ import annotations

import base64
import zlib
from functools import cache

_BLOB = (
{blob}
)


@cache
def syllables() -> frozenset[str]:
    """The dictionary as a set of lowercase NFC words."""
    return frozenset(zlib.decompress(base64.b85decode(_BLOB)).decode().split("\\n"))


def known_syllable(word: str) -> bool:
    """True when the lowercase form of `word` is in tesseract's Vietnamese dictionary."""
    return word.lower() in syllables() or word.lower() == "y"
'''


def _page_image(pdf: str, number: int):
    """Page `number` at 300 dpi: from a PDF, or "synth:SEED:INDEX" re-rendered."""
    if pdf.startswith("synth:"):
        import random

        from samples.synth import make_document, render_pages

        _, seed, index = pdf.split(":")
        spec = make_document(random.Random(f"dev-synth:{seed}:{index}"), index=int(index), dpi=DPI, tags=[])
        return render_pages(spec, DPI)[number - 1]
    from pdf2image import convert_from_path

    return convert_from_path(pdf, dpi=DPI, first_page=number, last_page=number)[0]


def reread_doc(src: str, pdf: str) -> list[dict]:
    """Re-OCR the regions digitize.metadata asks for (red channel, psm 6) and splice."""
    from digitize.metadata import extract_metadata
    from digitize.metadata.regions import regions_for_second_look, splice_words
    from digitize.ocr.tesseract import ocr_words

    pages = [PageOcr.from_json(p) for p in json.loads(Path(src).read_text())]
    for region in regions_for_second_look(pages, extract_metadata(pages)):
        if region.reason != "signer":
            continue  # the header wants another reader, not tesseract again
        img = _page_image(pdf, region.page)
        crop = img.crop((region.left, region.top, region.right, region.bottom))
        crop = crop.convert("RGB").split()[0] if crop.mode == "RGB" else crop.convert("L")
        words = ocr_words(crop, lang="vie+eng", psm=6, timeout=120)
        i = region.page - 1
        pages[i] = splice_words(pages[i], region, words)
    return [p.to_json() for p in pages]


def reread(cache: Path, out: Path, jobs: int, seed: int) -> None:
    """Write a copy of a cache (real samples, or --synth output) with weak regions re-read."""
    out.mkdir(parents=True, exist_ok=True)
    srcs = sorted(cache.glob("*.json"))
    pdfs = [
        str(SAMPLES / f"{p.stem}.pdf") if not p.stem.startswith("syn") else f"synth:{seed}:{int(p.stem[3:6])}"
        for p in srcs
    ]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        for src, pages in zip(srcs, ex.map(reread_doc, map(str, srcs), pdfs), strict=True):
            (out / src.name).write_text(json.dumps(pages, ensure_ascii=False))
            print("reread", src.name, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--synth", type=int, default=0, help="make N clean synthetic documents")
    ap.add_argument("--seed", type=int, default=1, help="seed for --synth")
    ap.add_argument("--syllables", action="store_true", help="print digitize/metadata/syllables.py")
    ap.add_argument("--reread", type=Path, help="write a re-read copy of the --out cache here")
    ap.add_argument("--alt", type=Path, help="with --score: a re-read cache to merge (best_of)")
    ap.add_argument("--truth", type=Path, default=SAMPLES / "truth.jsonl")
    ap.add_argument("-v", "--verbose", action="count", default=0)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=Path("/tmp/ocrcache"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    if args.score:
        score(args.out, args.truth, args.verbose, args.alt)
        return
    if args.reread:
        reread(args.out, args.reread, args.jobs, args.seed)
        return
    if args.syllables:
        sys.stdout.write(syllables_module())
        return
    if args.synth:
        synth(args.out, args.synth, args.jobs, args.seed)
        return
    pdfs = args.pdfs or sorted(SAMPLES.glob("*.pdf"))
    args.out.mkdir(parents=True, exist_ok=True)
    todo = []
    for pdf in pdfs:
        dest = args.out / f"{pdf.stem}.json"
        if dest.exists() and not args.force:
            continue
        if is_born_digital(pdf):
            dest.write_text(json.dumps([p.to_json() for p in bbox_pages(pdf)], ensure_ascii=False))
            print("text-layer", pdf.name, flush=True)
        else:
            todo.append(pdf)
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        futs = {
            pdf: [ex.submit(ocr_page, str(pdf), i) for i in range(1, page_count(pdf) + 1)] for pdf in todo
        }
        for pdf, fs in futs.items():
            pages = [f.result() for f in fs]
            (args.out / f"{pdf.stem}.json").write_text(json.dumps(pages, ensure_ascii=False))
            print("ocr", pdf.name, len(pages), "pages", flush=True)


if __name__ == "__main__":
    main()
