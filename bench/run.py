#!/usr/bin/env python3
"""`make bench`: digitize against OCRmyPDF and raw tesseract, on the same input, in one run.

    .venv/bin/python bench/run.py [--reps 3] [--quick] [--long | --long-only] [--tools a,b]
                                  [--sets bench,hard]

The input sets (`--sets`, each run and reported on its own, tools interleaved within it):
  bench    the generated bench samples (python -m samples.synth --profile bench, written to
           bench/out/samples) and ../shared/samples-real
  hard     the generator's `hard` profile (24 pages, two degradations a page: skew, turns,
           noise, blur, heavy JPEG, bilevel, yellowed paper, phone photos), in bench/out/hard
  english  the `english` profile (English words on Vietnamese pages), in bench/out/english;
           bench/english_words.py scores the English of its outputs
Every tool reads the same PDFs
(image samples go through img2pdf first, as digitize does with them anyway). The scan pages
are timed together; the two born-digital files are run apart (they need no OCR).

Tools, interleaved: each repetition runs every tool once, the order rotated per repetition.
  tesseract    the floor: `tesseract -l vie` on pages rendered beforehand (pdftoppm -gray at
               the page's native dpi, not timed), two at a time, OMP_THREAD_LIMIT=1, txt out
  ocrmypdf     `ocrmypdf -l vie --jobs 2` per file, defaults (PDF/A output)
  ocrmypdf-dr  the same with `--deskew --rotate-pages`
  ocrmypdf-x2  `ocrmypdf -l vie --jobs 1`, two files at a time (OCRmyPDF's best batch throughput)
  digitize     `digitize ingest --jobs 2` (its defaults: `vie`) into a fresh home, then `digitize get`
  digitize-ve  the same with `--lang vie+eng`
OCRmyPDF needs per-file flags: `--invalidate-digital-signatures` always (the Quảng Ngãi
scans are signed), `--redo-ocr` (default run) or `--force-ocr` (with --deskew, which redo
does not allow) on a scan with an old OCR layer, `--skip-text` on born-digital files.

Measured: wall time, CPU time of every process started (RUSAGE_CHILDREN; this process is a
child subreaper so pool workers and forkservers are counted too), peak RSS summed over the
process tree (psutil, every 50 ms), and the character error rate of each tool's text layer
(`pdftotext -raw`; tesseract's own txt for the floor) against the ground truth.

`--long` adds a 300-page PDF (bench pages concatenated) through digitize with --jobs 1 and 2,
RSS sampled over time against pages done. Results: bench/out/results.json and
bench/out/report.md (the tables BENCHMARKS.md quotes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import pikepdf
from common import BIN, OUT, Doc, measure, run

JOBS = 2
ENV1 = {"OMP_THREAD_LIMIT": "1"}
ALL_TOOLS = ["tesseract", "ocrmypdf", "ocrmypdf-dr", "ocrmypdf-x2", "digitize", "digitize-ve"]
QUICK_TOOLS = ["tesseract", "ocrmypdf", "digitize"]
KINDS = ["clean", "skew", "noise", "blur", "rot90", "rot180", "rot270", "lowdpi", "jpeg", "bilevel",
         "yellow", "photo"]
# the sets `make bench` measures: generator profile, with samples-real or not, folder under --out
SETS = {"bench": ("bench", True, ""), "hard": ("hard", False, "hard"),
        "english": ("english", False, "english")}
DEFAULT_SETS = "bench,hard"

# --------------------------------------------------------------------------- the tools


def prerender(docs: list[Doc], out: Path) -> dict[tuple[str, int], tuple[Path, float]]:
    """Pages for the floor, rendered once (pdftoppm -gray, native dpi); not timed."""
    pages = {}
    for doc in docs:
        d = out / "pages" / doc.name
        d.mkdir(parents=True, exist_ok=True)
        for n in range(1, doc.pages + 1):
            dpi = doc.page_dpi[n - 1]
            path = d / f"p{n:03d}.pgm"
            if not path.exists():
                run(["pdftoppm", "-gray", "-r", f"{dpi:g}", "-f", str(n), "-l", str(n), "-singlefile",
                     str(doc.pdf), str(path.with_suffix(""))])
            pages[(doc.name, n)] = (path, dpi)
    return pages


def tool_tesseract(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    pages = ctx["pages"]
    env = {**ENV1, **ctx.get("env", {})}
    out.mkdir(parents=True, exist_ok=True)
    todo = [(doc.name, n) for doc in docs for n in range(1, doc.pages + 1)]

    def one(key: tuple[str, int]) -> None:
        path, dpi = pages[key]
        run(["tesseract", str(path), str(out / f"{key[0]}-{key[1]:03d}"), "-l", "vie", "--dpi",
             str(round(dpi)), "txt"], env=env)

    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(one, todo))
    return {}


def texts_tesseract(docs: list[Doc], out: Path) -> dict[str, list[str]]:
    return {doc.name: [(out / f"{doc.name}-{n:03d}.txt").read_text("utf-8")
                       for n in range(1, doc.pages + 1)] for doc in docs}


def ocrmypdf_cmd(doc: Doc, dest: Path, *, jobs: int, deskew: bool) -> list[str]:
    cmd = [str(BIN / "ocrmypdf"), "-q", "-l", "vie", "--jobs", str(jobs), "--invalidate-digital-signatures"]
    if doc.group == "born-digital":
        cmd.append("--skip-text")
    elif doc.prior_text:
        cmd.append("--force-ocr" if deskew else "--redo-ocr")
    if deskew:
        cmd += ["--deskew", "--rotate-pages"]
    return [*cmd, str(doc.pdf), str(dest)]


def _ocrmypdf(docs: list[Doc], out: Path, *, jobs: int, parallel: int, deskew: bool,
             extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    failures = {}

    def one(doc: Doc) -> None:
        proc = run(ocrmypdf_cmd(doc, out / f"{doc.name}.pdf", jobs=jobs, deskew=deskew), check=False,
                   env=extra_env)
        if proc.returncode != 0:
            failures[doc.name] = f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"

    if parallel == 1:
        for doc in docs:
            one(doc)
    else:
        with ThreadPoolExecutor(parallel) as pool:
            list(pool.map(one, docs))
    return {"failures": failures}


def tool_ocrmypdf(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    return _ocrmypdf(docs, out, jobs=JOBS, parallel=1, deskew=False)


def tool_ocrmypdf_dr(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    return _ocrmypdf(docs, out, jobs=JOBS, parallel=1, deskew=True)


def tool_ocrmypdf_x2(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    return _ocrmypdf(docs, out, jobs=1, parallel=JOBS, deskew=False)


# digitize's CLI, reporting the CPU time of its own (parent) process on exit
_MAIN_CPU = ("import atexit, resource, sys; atexit.register(lambda: sys.stderr.write("
             "'MAIN-CPU %f\\n' % sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))); "
             "sys.argv[0] = 'digitize'; from digitize.cli import main; main()")


def _digitize(docs: list[Doc], out: Path, lang: str | None, jobs: int = JOBS,
              pythonpath: str | None = None, extra_env: dict[str, str] | None = None,
              main_cpu: bool = False) -> dict[str, Any]:
    home = out / "home"
    shutil.rmtree(home, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    exe = ([sys.executable, "-c", _MAIN_CPU] if main_cpu else
           [sys.executable, "-m", "digitize"] if pythonpath else [str(BIN / "digitize")])
    cmd = [*exe, "--home", str(home), "-q", "ingest", "--jobs", str(jobs), "--json"]
    if lang:
        cmd += ["--lang", lang]
    env = {"DIGITIZE_TMP_DIR": str(out), **({"PYTHONPATH": pythonpath} if pythonpath else {}),
           **(extra_env or {})}
    # `python -m` puts the working directory first on sys.path: run a variant from its own folder
    proc = run([*cmd, *(str(d.pdf) for d in docs)], check=False, env=env,
               cwd=Path(pythonpath) if pythonpath else None)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode not in (0, 3) or not results:
        raise RuntimeError(f"digitize exited {proc.returncode}: {proc.stderr[-800:]}")
    cpu = [float(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAIN-CPU ")]
    return {"results": results, "main_cpu": cpu[-1] if cpu else None}


def fetch_digitize(docs: list[Doc], out: Path, info: dict[str, Any]) -> None:
    """`digitize get ID -o` for each document (after the timed run)."""
    by_file = {r["file"]: r for r in info["results"]}
    for doc in docs:
        r = by_file.get(str(doc.pdf))
        if r and r.get("id") is not None:
            run([str(BIN / "digitize"), "--home", str(out / "home"), "-q", "get", str(r["id"]),
                 "-o", str(out / f"{doc.name}.pdf")])


def tool_digitize(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    return _digitize(docs, out, None)  # the defaults a user gets (`vie` since issue 13)


def tool_digitize_ve(docs: list[Doc], out: Path, ctx: dict[str, Any]) -> dict[str, Any]:
    return _digitize(docs, out, "vie+eng")


TOOLS = {
    "tesseract": tool_tesseract, "ocrmypdf": tool_ocrmypdf, "ocrmypdf-dr": tool_ocrmypdf_dr,
    "ocrmypdf-x2": tool_ocrmypdf_x2, "digitize": tool_digitize, "digitize-ve": tool_digitize_ve,
}


def texts_pdf(docs: list[Doc], out: Path) -> dict[str, list[str]]:
    texts = {}
    for doc in docs:
        pdf = out / f"{doc.name}.pdf"
        texts[doc.name] = common.pdf_page_texts(pdf) if pdf.exists() else [""] * doc.pages
    return texts


# --------------------------------------------------------------------------- accuracy


def accuracy(docs: list[Doc], texts: dict[str, list[str]]) -> dict[str, Any]:
    """Per page plain and line-matched distances (synthetic), field distances (real)."""
    pages = []
    files = {}
    for doc in docs:
        got = texts.get(doc.name, [])
        got = got + [""] * (doc.pages - len(got))
        if doc.page_text:
            for n, ref in enumerate(doc.page_text, start=1):
                pages.append({"doc": doc.name, "page": n, "tags": doc.tags,
                              "plain": common.plain_distance(got[n - 1], ref),
                              "line": common.line_distance(got[n - 1], ref)})
        else:
            whole = "\n".join(got)
            entry: dict[str, Any] = {"fields": common.field_distances(whole, doc.truth)}
            if doc.reference_text is not None:  # made with pdftotext -layout: compare line by line
                entry["line"] = common.line_distance(whole, doc.reference_text.replace("\f", "\n"))
            files[doc.name] = entry
    return {"pages": pages, "files": files}


def summarise_accuracy(acc: dict[str, Any]) -> dict[str, Any]:
    pages = acc["pages"]
    out: dict[str, Any] = {"synthetic": {
        "pages": len(pages),
        "plain": common.ratio([tuple(p["plain"]) for p in pages]),
        "line": common.ratio([tuple(p["line"]) for p in pages]),
    }, "kinds": {}, "files": {}}
    for kind in KINDS:
        sel = [p for p in pages if (kind in p["tags"]) or (kind == "clean" and not p["tags"])]
        if sel:
            out["kinds"][kind] = {"pages": len(sel), "plain": common.ratio([tuple(p["plain"]) for p in sel]),
                                  "line": common.ratio([tuple(p["line"]) for p in sel])}
    real_parts = []
    for name, entry in acc["files"].items():
        parts = [tuple(v) for v in entry["fields"].values()]
        real_parts += parts if "line" not in entry else []
        out["files"][name] = {"fields": common.ratio(parts),
                              "per_field": {k: v[0] / v[1] for k, v in entry["fields"].items()},
                              "line": common.ratio([tuple(entry["line"])]) if "line" in entry else None}
    out["real_fields"] = common.ratio(real_parts)
    return out


# --------------------------------------------------------------------------- profile


def profile_triage(docs: list[Doc]) -> dict[str, float]:
    """What digitize does in the parent before any OCR, per file: hash, open/repair, page
    infos and text-layer detection (digitize.ocr.sources), timed in this process."""
    import tempfile

    from digitize.ocr import sources

    t_hash = t_open = 0.0
    for doc in docs:
        t = time.perf_counter()
        sha = sources.sha256_of(doc.pdf)
        t_hash += time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            sources.open_source(doc.pdf, Path(tmp), sha256=sha, size=doc.pdf.stat().st_size, kind="pdf")
            t_open += time.perf_counter() - t
    t = time.perf_counter()
    run([str(BIN / "digitize"), "--version"])
    t_start = time.perf_counter() - t
    return {"hash": t_hash, "open": t_open, "startup": t_start}


def profile_tools(scan: list[Doc], out: Path, tools: list[str], ctx: dict[str, Any]) -> dict[str, Any]:
    """One more run of each tool with every external program timed by a shim: how much of
    the CPU is tesseract's, and which passes; for digitize also its parent process."""
    prof: dict[str, Any] = {}
    for tool in tools:
        pdir = out / "runs" / f"{tool}-profile"
        shutil.rmtree(pdir, ignore_errors=True)
        log = out / f"profile-{tool}.log"
        env = common.tool_wrappers(out / "shims", log)
        if tool == "digitize":
            m, info = measure(lambda pdir=pdir, env=env: _digitize(scan, pdir, None, extra_env=env,
                                                                   main_cpu=True))
        elif tool == "tesseract":
            m, info = measure(lambda pdir=pdir, env=env: tool_tesseract(scan, pdir, {**ctx, "env": env}))
        else:
            m, info = measure(lambda pdir=pdir, env=env: _ocrmypdf(scan, pdir, jobs=JOBS, parallel=1,
                                                                   deskew=False, extra_env=env))
        prof[tool] = {"wall": m.wall, "cpu": m.cpu, "tools": common.tool_profile(log),
                      "main_cpu": info.get("main_cpu")}
        if tool == "digitize":
            tot: dict[str, float] = defaultdict(float)
            for r in info["results"]:
                for k, v in r["timings"].items():
                    tot[k] += v
            prof[tool]["timings"] = dict(tot)
        print(f"  profile {tool}: {m.cpu / sum(d.pages for d in scan):.2f} s/page CPU", flush=True)
    return prof


# --------------------------------------------------------------------------- the long run


def build_long(docs: list[Doc], dest: Path, pages: int) -> Path:
    if dest.exists():
        with pikepdf.open(dest) as pdf:
            if len(pdf.pages) == pages:
                return dest
    out = pikepdf.new()
    opened = []  # qpdf reads a foreign page's streams when saving: keep the sources open
    synth = [d for d in docs if d.group == "synthetic"]
    while len(out.pages) < pages:
        for doc in synth:  # a fresh open each cycle: every page is its own copy, as in a real scan
            src = pikepdf.open(doc.pdf)
            opened.append(src)
            for page in src.pages:
                if len(out.pages) < pages:
                    out.pages.append(page)
    out.save(dest)
    for src in opened:
        src.close()
    return dest


def long_run(docs: list[Doc], out: Path, pages: int, jobs_list: list[int]) -> dict[str, Any]:
    pdf = build_long(docs, out / f"long{pages}.pdf", pages)
    results = {}
    for jobs in jobs_list:
        rdir = out / f"long-j{jobs}"
        shutil.rmtree(rdir, ignore_errors=True)
        rdir.mkdir(parents=True)

        calls = rdir / "tesseract.log"  # digitize logs each in-process tesseract call here

        def done(calls: Path = calls) -> int:  # page readings so far (a turned page may count twice)
            if not calls.exists():
                return 0
            return sum("--psm 3" in line for line in calls.read_text("utf-8", "replace").splitlines())

        long_doc = Doc("long", pdf, pages, "synthetic", {}, [], [])
        env = {"DIGITIZE_PROFILE_LOG": str(calls)}
        m, info = measure(lambda rdir=rdir, jobs=jobs, doc=long_doc, env=env:
                          _digitize([doc], rdir, "vie", jobs, extra_env=env),
                          probe=done, keep_timeline=True, interval=0.25)
        r = info["results"][0]
        marks = {}
        peak_so_far = 0
        for t, rss, n in m.timeline:
            peak_so_far = max(peak_so_far, rss)
            for frac in (0.1, 0.5, 1.0):
                if frac not in marks and n is not None and n >= frac * pages:
                    marks[frac] = {"t": round(t, 1), "rss": rss, "peak_so_far": peak_so_far}
        results[str(jobs)] = {
            "pages": pages, "status": r["status"], "wall": m.wall, "cpu": m.cpu, "peak_rss": m.peak_rss,
            "peak_rss_single": m.peak_rss_single, "pages_per_min": pages / m.wall * 60,
            "timings": r["timings"], "marks": {str(k): v for k, v in marks.items()},
            "timeline": [(round(t, 2), rss, n) for t, rss, n in m.timeline[::max(1, len(m.timeline) // 400)]],
            "load_before": m.load_before,
        }
        print(f"  long --jobs {jobs}: {m.wall:.0f} s, {pages / m.wall * 60:.1f} pages/min, "
              f"peak RSS {m.peak_rss / 2**20:.0f} MiB", flush=True)
    return results


# --------------------------------------------------------------------------- report


def _table(add: Any, first: str, columns: list[str], rows: list[tuple[str, list[Any]]],
           cell: Any, *, end: bool = True) -> None:
    """A Markdown table: one row per (label, values), each value through `cell` ("–" if empty)."""
    add("|" + "|".join(f" {c} " if c else " " for c in [first, *columns]) + "|")
    add("|---|" + "---|" * len(columns))
    for label, values in rows:
        add(f"| {label} | " + " | ".join(cell(v) if v else "–" for v in values) + " |")
    if end:
        add("")


def _med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


def report(res: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    mi = res["machine"]
    add(f"Machine: {mi['cores']} cores, {mi['cpu']}, {mi['memory']}; {mi['os']}; Python {mi['python']}")
    add(f"Tools: {mi['tesseract']}; ocrmypdf {mi['ocrmypdf']}; Ghostscript {mi['ghostscript']}; "
        f"{mi['poppler']}; pikepdf {mi['pikepdf']}; {mi['digitize']} ({mi['commit']})")
    add(f"Run: {res['started']}, {res['reps']} repetition(s), tools in rotated order; "
        f"scan set {res['scan_pages']} pages in {res['scan_files']} files.")
    add("")
    speed = res.get("speed", {})
    if speed:
        n = res["scan_pages"]
        add("| tool | wall s/page, median (min–max) | CPU s/page | peak RSS of the tree | pages/min |")
        add("|---|---|---|---|---|")
        for tool, reps in speed.items():
            walls = [r["wall"] / n for r in reps]
            cpus = [r["cpu"] / n for r in reps]
            rss = [r["peak_rss"] / 2**20 for r in reps]
            add(f"| {tool} | {_med(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | {_med(cpus):.2f} | "
                f"{_med(rss):.0f} MiB | {60 / _med(walls):.1f} |")
        add("")
        base = {t: _med([r["wall"] for r in reps]) for t, reps in speed.items()}
        cbase = {t: _med([r["cpu"] for r in reps]) for t, reps in speed.items()}
        for d in [t for t in base if t.startswith("digitize")]:
            parts = [f"{d}/{o}: wall {base[d] / base[o]:.2f}, CPU {cbase[d] / cbase[o]:.2f}"
                     for o in ("tesseract", "ocrmypdf", "ocrmypdf-dr", "ocrmypdf-x2") if o in base]
            if parts:
                add(f"Ratios — {'; '.join(parts)}.")
        add("")
    acc = res.get("accuracy", {})
    if acc:
        add("Character error rate of the text layer (synthetic pages: plain = order-sensitive, "
            "digitize.metrics.cer; line = each truth line against its best-aligned stretch; "
            "real scans: header fields against their best-aligned stretch):")
        add("")
        add("| tool | synthetic plain | synthetic line-matched | real scans, header fields |")
        add("|---|---|---|---|")
        for tool, a in acc.items():
            add(f"| {tool} | {_pct(a['synthetic']['plain'])} | {_pct(a['synthetic']['line'])} | "
                f"{_pct(a['real_fields'])} |")
        add("")
        tools = list(acc)
        add("Per degradation kind, line-matched CER (plain CER in brackets); a page counts under each of "
            "its file's tags:")
        add("")
        kinds = [k for k in KINDS if acc[tools[0]]["kinds"].get(k)]
        _table(add, "kind (pages)", tools,
               [(f"{k} ({acc[tools[0]]['kinds'][k]['pages']})", [acc[t]["kinds"].get(k, {}) for t in tools])
                for k in kinds],
               lambda k: f"{_pct(k.get('line'))} ({_pct(k.get('plain'))})")
        add("Real files, header-field CER (born-digital: in brackets, line-matched CER against the file's "
            "own text layer, `.textlayer.txt`):")
        add("")
        names = sorted({n for a in acc.values() for n in a["files"]})
        _table(add, "file", tools, [(n, [acc[t]["files"].get(n) for t in tools]) for n in names],
               lambda f: _pct(f["fields"]) + (f" ({_pct(f['line'])})" if f.get("line") is not None else ""))
    bd = res.get("born_digital")
    if bd:
        add(f"Born-digital files ({bd['pages']} pages, run apart): " + "; ".join(
            f"{t} {_med([r['wall'] for r in reps]):.2f} s wall, {_med([r['cpu'] for r in reps]):.2f} s CPU"
            for t, reps in bd["speed"].items()) + ".")
        add("")
    prof = res.get("profile")
    if prof:
        n = res["scan_pages"]
        add("CPU by process (one extra run with every external program timed by a shim; CPU seconds per "
            "page, calls in brackets; the tool's own processes do the rest: decoding and preparing images, "
            "PDF assembly, metadata, hashing, database):")
        add("")
        names = sorted({k for p in prof.values() for k in p["tools"]})
        _table(add, "", list(prof), [(k, [p["tools"].get(k) for p in prof.values()]) for k in names],
               lambda e: f"{e['cpu'] / n:.3f} ({int(e['calls'])} calls)", end=False)
        rest = [(p["cpu"] - sum(e["cpu"] for e in p["tools"].values())) / n for p in prof.values()]
        add("| the tool's own (Python) processes | " + " | ".join(f"{r:.3f}" for r in rest) + " |")
        mains = [p.get("main_cpu") for p in prof.values()]
        if any(mains):
            add("| … of which its parent process | " + " | ".join(
                "–" if m is None else f"{m / n:.3f}" for m in mains) + " |")
        add("| **total CPU** | " + " | ".join(f"**{p['cpu'] / n:.3f}**" for p in prof.values()) + " |")
        shares = [sum(e["cpu"] for k, e in p["tools"].items() if k.startswith("tesseract")) / p["cpu"]
                  for p in prof.values()]
        add("| tesseract's share | " + " | ".join(f"{100 * x:.0f}%" for x in shares) + " |")
        add("")
    tm = res.get("digitize_timings")
    if tm:
        n = res["scan_pages"]
        add("digitize's own stage timings (`--json` timings: wall seconds per page, summed over pages in "
            "the workers (render, preprocess, osd, tesseract) and over files in the parent (metadata, "
            "assemble, store, db); median repetition; `metadata` includes waiting for the second-look "
            "tasks it hands to the workers):")
        add("")
        add("| stage | s/page | share of staged time |")
        add("|---|---|---|")
        total = sum(tm.values())
        for k, v in sorted(tm.items(), key=lambda kv: -kv[1]):
            add(f"| {k} | {v / n:.3f} | {100 * v / total:.1f}% |")
        tri = res.get("triage")
        if tri:
            add(f"| (triage: hash) | {tri['hash'] / n:.3f} | not staged |")
            add(f"| (triage: open, repair, page infos, text layer) | {tri['open'] / n:.3f} | not staged |")
            add(f"| (process start-up, `digitize --version`) | {tri['startup']:.2f} s once | not staged |")
        add("")
    lg = res.get("long")
    if lg:
        add("| 300-page PDF | wall | pages/min | CPU s/page | peak RSS (tree) "
            "| RSS at 10% / 50% / 100% of pages |")
        add("|---|---|---|---|---|---|")
        for jobs, r in lg.items():
            marks = " / ".join(f"{r['marks'][k]['rss'] / 2**20:.0f}" if k in r["marks"] else "?"
                               for k in ("0.1", "0.5", "1.0"))
            add(f"| --jobs {jobs} | {r['wall']:.0f} s | {r['pages_per_min']:.1f} | "
                f"{r['cpu'] / r['pages']:.2f} | {r['peak_rss'] / 2**20:.0f} MiB | {marks} MiB |")
        add("")
    return "\n".join(lines)


def rescore(out: Path, *, real: bool) -> int:
    """Accuracy again from the first repetition's outputs (after a change to the measures)."""
    res = json.loads((out / "results.json").read_text("utf-8"))
    docs = common.prepare_inputs(out, real=real)
    scan = [d for d in docs if d.group != "born-digital"]
    born = [d for d in docs if d.group == "born-digital"]
    raw = {}
    for tool in res["accuracy_raw"]:
        rdir = out / "runs" / f"{tool}-r0"
        texts = texts_tesseract(scan, rdir) if tool == "tesseract" else texts_pdf(scan, rdir)
        bdir = out / "runs" / f"{tool}-born-r0"
        extra = born if bdir.exists() else []
        raw[tool] = accuracy(scan + extra, {**texts, **(texts_pdf(extra, bdir) if extra else {})})
    res["accuracy_raw"] = raw
    res["accuracy"] = {t: summarise_accuracy(a) for t, a in raw.items()}
    (out / "results.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")
    text = report(res)
    (out / "report.md").write_text(text + "\n", "utf-8")
    print(text)
    return 0


# --------------------------------------------------------------------------- main


def run_set(name: str, docs: list[Doc], tools: list[str], reps: int, out: Path, *, quick: bool,
            profile: bool) -> dict[str, Any]:
    """Every tool on one input set, `reps` interleaved repetitions; the set's results."""
    scan = [d for d in docs if d.group != "born-digital"]
    born = [d for d in docs if d.group == "born-digital"]
    res: dict[str, Any] = {"set": name, "machine": common.machine_info(),
                           "started": time.strftime("%Y-%m-%d %H:%M"),
                           "reps": reps, "tools": tools, "scan_pages": sum(d.pages for d in scan),
                           "scan_files": len(scan)}
    print(f"set {name}: {len(scan)} scan files, {res['scan_pages']} pages; {len(born)} born-digital; "
          f"tools {tools}, {reps} rep(s)", flush=True)
    ctx = {"pages": prerender(scan, out)} if "tesseract" in tools else {}
    speed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    texts: dict[str, dict[str, list[str]]] = {}
    timings: dict[str, list[dict[str, float]]] = defaultdict(list)
    bd_speed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    bd_texts: dict[str, dict[str, list[str]]] = {}
    for rep in range(reps):
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]
        for tool in order:
            rdir = out / "runs" / f"{tool}-r{rep}"
            shutil.rmtree(rdir, ignore_errors=True)
            m, info = measure(lambda tool=tool, rdir=rdir: TOOLS[tool](scan, rdir, ctx))
            speed[tool].append({"wall": m.wall, "cpu": m.cpu, "peak_rss": m.peak_rss,
                                "peak_rss_single": m.peak_rss_single, "load_before": m.load_before,
                                "failures": info.get("failures", {})})
            print(f"  {name} rep {rep} {tool:12} {m.wall / res['scan_pages']:.2f} s/page wall, "
                  f"{m.cpu / res['scan_pages']:.2f} s/page CPU, {m.peak_rss / 2**20:.0f} MiB "
                  f"(load {m.load_before:.1f})", flush=True)
            if tool.startswith("digitize"):
                tot: dict[str, float] = defaultdict(float)
                for r in info["results"]:
                    for k, v in r["timings"].items():
                        tot[k] += v
                timings[tool].append(dict(tot))
                fetch_digitize(scan, rdir, info)
            if rep == 0:
                read = texts_tesseract if tool == "tesseract" else texts_pdf
                texts[tool] = read(scan, rdir)
            # the born-digital files, apart: no OCR to do, only the pass-through
            if born and tool in ("ocrmypdf", "digitize"):
                bdir = out / "runs" / f"{tool}-born-r{rep}"
                shutil.rmtree(bdir, ignore_errors=True)
                m, info = measure(lambda tool=tool, bdir=bdir: TOOLS[tool](born, bdir, ctx))
                bd_speed[tool].append({"wall": m.wall, "cpu": m.cpu, "peak_rss": m.peak_rss})
                if tool == "digitize":
                    fetch_digitize(born, bdir, info)
                if rep == 0:
                    bd_texts[tool] = texts_pdf(born, bdir)
    res["speed"] = dict(speed)
    res["accuracy_raw"] = {t: accuracy(scan + (born if t in bd_texts else []),
                                       {**x, **bd_texts.get(t, {})}) for t, x in texts.items()}
    res["accuracy"] = {t: summarise_accuracy(a) for t, a in res["accuracy_raw"].items()}
    if born:
        res["born_digital"] = {"pages": sum(d.pages for d in born), "speed": dict(bd_speed)}
    res["timings"] = dict(timings)
    if "digitize" in timings:
        reps_t = timings["digitize"]
        walls = [r["wall"] for r in speed["digitize"]]
        mid = walls.index(sorted(walls)[len(walls) // 2])
        res["digitize_timings"] = reps_t[mid]
        res["triage"] = profile_triage(scan)
    if profile:
        profiled = ("digitize",) if quick or name != "bench" else ("tesseract", "digitize", "ocrmypdf")
        res["profile"] = profile_tools(scan, out, [t for t in profiled if t in tools], ctx)
    return res


def _write(out: Path, name: str, res: dict[str, Any]) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")
    text = report(res)
    (out / name.replace("results", "report").replace(".json", ".md")).write_text(text + "\n", "utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="one repetition of tesseract, ocrmypdf and digitize; profile digitize only")
    ap.add_argument("--long", action="store_true", help="also the 300-page run (about 12 minutes)")
    ap.add_argument("--long-only", action="store_true", help="only the 300-page run")
    ap.add_argument("--long-pages", type=int, default=300)
    ap.add_argument("--tools", help=f"comma-separated, from {','.join(ALL_TOOLS)}")
    ap.add_argument("--sets", default=DEFAULT_SETS,
                    help=f"comma-separated input sets, from {','.join(SETS)} (default {DEFAULT_SETS}); "
                         "each but bench goes to a folder of its own under --out")
    ap.add_argument("--no-real", action="store_true", help="leave out ../shared/samples-real")
    ap.add_argument("--no-profile", action="store_true",
                    help="skip the extra runs that time each external tool")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--report", type=Path, metavar="RESULTS_JSON",
                    help="only print the tables of a results file")
    ap.add_argument("--rescore", action="store_true",
                    help="recompute the accuracy tables from the outputs of the last run in --out")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=DIR",
                    help="also run digitize-NAME: the digitize package in DIR (A/B runs of a change)")
    args = ap.parse_args(argv)
    if args.report:
        print(report(json.loads(args.report.read_text("utf-8"))))
        return 0
    if args.rescore:
        return rescore(args.out, real=not args.no_real)
    tools = args.tools.split(",") if args.tools else (QUICK_TOOLS if args.quick else ALL_TOOLS)
    for spec in args.variant:
        name, _, path = spec.partition("=")
        TOOLS[f"digitize-{name}"] = (lambda docs, out, ctx, path=path:
                                     _digitize(docs, out, None, pythonpath=str(Path(path).resolve())))
        tools.append(f"digitize-{name}")
    reps = 1 if args.quick else args.reps
    if not common.become_subreaper():
        print("warning: not a child subreaper; CPU time of pool workers may be missing", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    texts = []
    if not args.long_only:
        for set_name in args.sets.split(","):
            profile, real, folder = SETS[set_name]
            out = args.out / folder if folder else args.out
            docs = common.prepare_inputs(out, real=real and not args.no_real, profile=profile)
            res = run_set(set_name, docs, tools, reps, out, quick=args.quick, profile=not args.no_profile)
            texts.append(f"## Set {set_name}\n\n" + _write(out, "results.json", res))
        if len(texts) > 1:
            (args.out / "report-sets.md").write_text("\n".join(texts) + "\n", "utf-8")
    if args.long or args.long_only:
        docs = common.prepare_inputs(args.out, real=not args.no_real)
        print(f"long run: {args.long_pages} pages", flush=True)
        res = {"machine": common.machine_info(), "started": time.strftime("%Y-%m-%d %H:%M"), "reps": 1,
               "tools": ["digitize"], "scan_pages": args.long_pages, "scan_files": 1,
               "long": long_run(docs, args.out, args.long_pages, [1, 2])}
        texts.append(_write(args.out, "results-long.json", res))
    print()
    print("\n".join(texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
