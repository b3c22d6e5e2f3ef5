"""Field accuracy and OCR character error rate, end to end through `digitize ingest`.

    .venv/bin/python bench/accuracy.py [--synthetic 30] [--seed 5] [--real DIR] [--jobs 2]

Two sets: synthetic scans made by samples.synth (clean to moderately degraded:
clean 300 and 200 dpi, skew, noise, blur, bilevel) and the real scans in
../shared/samples-real/. Each set is ingested into a fresh embedded archive, every file
under a neutral name (doc-0001.pdf: the sample names carry the number and symbol, which
digitize would otherwise take from the file name); the exported records are compared with
the ground truth:
- per field: exact match after NFC and whitespace normalisation (the abstract also as mean
  similarity); on real scans the handwritten number/day are counted apart;
- the share of wrong fields that were flagged for review (confidence under 0.7 or empty);
- calibration: every field that carries a value, by confidence band, with the share right;
  and the count of wrong fields at or above the review threshold (the ones a clerk trusts);
- OCR character error rate of each page's text (synthetic only: real scans have no page
  text truth): order-sensitive, and line-matched (each truth line against its best-aligned
  stretch of the OCR, which does not penalise reading order).

The real set is split in two, deterministically, by the file name (`real_part`): a file
whose SHA-256 of the name is 0 modulo 3 is in the **untouched** part (about a third: 6 of
the 21 files), the rest is the **tuned** part. The method may be tuned on the tuned part
only; the untouched part is scored apart and its misses are hidden unless
--show-untouched is given, so that it stays a fair test of documents nobody tuned on.

`--records DIR` keeps the exported records (records-<set>.json) and `--rescore DIR`
scores them again without ingesting (the truth and split may have changed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/accuracy.py`: digitize and samples

from digitize.metrics import cer  # noqa: E402
from digitize.pipelines.ingest import collect_files  # noqa: E402
from digitize.records import METADATA_FIELDS  # noqa: E402

# the fields the ground truth has (signed_at and language are not in it)
FIELDS = [f for f in METADATA_FIELDS if f not in ("signed_at", "language")]
HANDWRITTEN = {"number_symbol", "number", "issued_date"}
THRESHOLD = 0.7
BANDS = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0]
SYNTHETIC_KINDS: list[tuple[str, list[str], int]] = [
    ("clean 300 dpi", [], 300),
    ("clean 200 dpi", [], 200),
    ("skew", ["skew"], 300),
    ("noise", ["noise"], 300),
    ("blur", ["blur"], 300),
    ("bilevel", ["bilevel"], 300),
]


def norm(value: Any) -> str | None:
    if value is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


def real_part(name: str) -> str:
    """'untouched' for about a third of the real files, chosen by a hash of the name."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16)
    return "untouched" if digest % 3 == 0 else "tuned"


def band(conf: float) -> int:
    """Index of the calibration band holding `conf` (the last band includes 1.0)."""
    for i in range(len(BANDS) - 2, -1, -1):
        if conf >= BANDS[i]:
            return i
    return 0


def make_synthetic(out: Path, count: int, seed: int) -> list[dict[str, Any]]:
    from samples.synth import make_document, write_document

    rng = random.Random(seed)
    truth = []
    for i in range(count):
        kind, tags, dpi = SYNTHETIC_KINDS[i % len(SYNTHETIC_KINDS)]
        spec = make_document(rng, index=i + 1, tags=tags, dpi=dpi, file_kind="pdf")
        record = write_document(spec, out)
        record["set_kind"] = kind
        truth.append(record)
    return truth


def ingest(files_dir: Path, home: Path, jobs: int) -> list[dict[str, Any]]:
    """Ingest copies of the scans under neutral names; records carry the original names."""
    blind = home.parent / f"{home.name}-files"
    blind.mkdir()
    names: dict[str, str] = {}
    scans = collect_files([files_dir])  # what `digitize ingest DIR` would take
    for i, path in enumerate(scans, start=1):
        neutral = f"doc-{i:04d}{path.suffix.lower()}"
        shutil.copyfile(path, blind / neutral)
        names[neutral] = path.name
    cli = [sys.executable, "-m", "digitize", "--home", str(home)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    subprocess.run(
        [*cli, "ingest", str(blind), "--jobs", str(jobs), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    out = subprocess.run([*cli, "export", "--with-text"], env=env, capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    for rec in records:
        rec["source_name"] = names.get(rec["source_name"], rec["source_name"])
    return records


def line_matched_cer(hypothesis: str, reference: str) -> float:
    errors = total = 0
    for line in reference.splitlines():
        line = norm(line) or ""
        if not line:
            continue
        found = fuzz.partial_ratio_alignment(line, hypothesis)
        errors += Levenshtein.distance(line, hypothesis[found.dest_start : found.dest_end])
        total += len(line)
    return errors / total if total else 0.0


def score(records: list[dict[str, Any]], truth: dict[str, dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, dict[str, int]] = {f: {"n": 0, "right": 0} for f in FIELDS}
    printed: dict[str, dict[str, int]] = {f: {"n": 0, "right": 0} for f in HANDWRITTEN}
    wrong = flagged = right_flagged = right = 0
    similarity: list[float] = []
    ocr = {"order": [], "line": []}
    by_kind: dict[str, dict[str, list[float]]] = {}
    misses: list[str] = []
    calibration = [{"n": 0, "right": 0} for _ in BANDS[:-1]]
    documents = 0
    for rec in records:
        t = truth.get(rec["source_name"])
        if t is None:
            continue
        documents += 1
        for f in FIELDS:
            if f not in t:
                continue
            ok = norm(rec.get(f)) == norm(t[f])
            conf = rec["confidence"].get(f) or 0.0
            low = rec.get(f) is None or conf < THRESHOLD
            fields[f]["n"] += 1
            fields[f]["right"] += ok
            if rec.get(f) is not None:
                calibration[band(conf)]["n"] += 1
                calibration[band(conf)]["right"] += ok
            if f in HANDWRITTEN and not t.get("handwritten_number"):
                printed[f]["n"] += 1
                printed[f]["right"] += ok
            if ok:
                right += 1
                right_flagged += low and rec.get(f) is not None
            else:
                wrong += 1
                flagged += low
                if not low:
                    misses.append(
                        f"{rec['source_name']}: {f} = {rec.get(f)!r} (truth {t[f]!r}, conf {conf:.2f})"
                    )
        if t.get("abstract"):
            similarity.append(fuzz.ratio(norm(rec.get("abstract")) or "", norm(t["abstract"])) / 100)
        for hyp, ref in zip(rec.get("text") or [], t.get("page_text") or [], strict=False):
            o, li = cer(hyp, ref), line_matched_cer(norm(hyp) or "", ref)
            ocr["order"].append(o)
            ocr["line"].append(li)
            kind = by_kind.setdefault(t.get("set_kind", "?"), {"order": [], "line": []})
            kind["order"].append(o)
            kind["line"].append(li)
    mean = lambda xs: sum(xs) / len(xs) if xs else None  # noqa: E731
    return {
        "documents": documents,
        "fields": {f: v["right"] / v["n"] if v["n"] else None for f, v in fields.items()},
        "printed": {f: v["right"] / v["n"] if v["n"] else None for f, v in printed.items()},
        "abstract_similarity": mean(similarity),
        "wrong": wrong,
        "wrong_flagged": flagged,
        "right": right,
        "right_flagged": right_flagged,
        "cer_order": mean(ocr["order"]),
        "cer_line": mean(ocr["line"]),
        "cer_by_kind": {k: {"order": mean(v["order"]), "line": mean(v["line"])} for k, v in by_kind.items()},
        "calibration": [
            {"band": f"{BANDS[i]:.2f}-{BANDS[i + 1]:.2f}", **c} for i, c in enumerate(calibration)
        ],
        "wrong_above_threshold": len(misses),
        "unflagged_misses": misses,
    }


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def report(results: dict[str, dict[str, Any]], show_untouched: bool = False) -> str:
    names = list(results)
    if not names:
        return "nothing to score (no synthetic set, and no truth.jsonl under --real)"
    lines = ["| field | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for f in FIELDS:
        cells = []
        for n in names:
            r = results[n]
            cell = pct(r["fields"][f])
            if f in HANDWRITTEN and n.startswith("samples-real"):
                cell += f" (printed only: {pct(r['printed'][f])})"
            cells.append(cell)
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    lines.append(
        "| abstract, mean similarity | "
        + " | ".join(pct(results[n]["abstract_similarity"]) for n in names)
        + " |"
    )
    lines.append(
        "| wrong fields flagged for review | "
        + " | ".join(f"{results[n]['wrong_flagged']}/{results[n]['wrong']}" for n in names)
        + " |"
    )
    lines.append(
        "| right fields flagged anyway | "
        + " | ".join(f"{results[n]['right_flagged']}/{results[n]['right']}" for n in names)
        + " |"
    )
    lines.append(
        f"| **wrong fields at or above {THRESHOLD}** | "
        + " | ".join(str(results[n]["wrong_above_threshold"]) for n in names)
        + " |"
    )
    lines.append(
        "| OCR CER, order-sensitive | " + " | ".join(pct(results[n]["cer_order"]) for n in names) + " |"
    )
    lines.append("| OCR CER, line-matched | " + " | ".join(pct(results[n]["cer_line"]) for n in names) + " |")
    for n in names:
        if results[n]["cer_by_kind"]:
            lines.append(
                f"\nOCR CER by kind ({n}): "
                + "; ".join(
                    f"{k} {pct(v['order'])} / {pct(v['line'])}"
                    for k, v in sorted(results[n]["cer_by_kind"].items())
                )
            )
    lines.append("\nCalibration (fields with a value: confidence band -> share right, count)\n")
    lines.append("| band | " + " | ".join(names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for i in range(len(BANDS) - 1):
        cells = []
        for n in names:
            c = results[n]["calibration"][i]
            cells.append(f"{pct(c['right'] / c['n']) if c['n'] else '-'} ({c['n']})")
        lines.append(f"| {results[names[0]]['calibration'][i]['band']} | " + " | ".join(cells) + " |")
    for n in names:
        if n.endswith("untouched") and not show_untouched:
            lines.append(f"- ({n}: misses hidden; --show-untouched to list them)")
            continue
        for miss in results[n]["unflagged_misses"]:
            lines.append(f"- unflagged miss ({n}): {miss}")
    return "\n".join(lines)


def kept(args: argparse.Namespace, name: str, make: Any) -> list[dict[str, Any]]:
    """Records from --rescore DIR, or made now (and kept in --records DIR if given)."""
    if args.rescore:
        return json.loads((args.rescore / f"records-{name}.json").read_text("utf-8"))
    records = make()
    if args.records:
        args.records.mkdir(parents=True, exist_ok=True)
        (args.records / f"records-{name}.json").write_text(json.dumps(records, ensure_ascii=False))
    return records


def synthetic_set(args: argparse.Namespace, tmp: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The generated set: its records and its truth (kept beside the records)."""
    if args.rescore:
        truth = json.loads((args.rescore / "truth-synthetic.json").read_text("utf-8"))
        return kept(args, "synthetic", None), truth
    files = tmp / "synthetic"
    files.mkdir()
    truth = {t["file"]: t for t in make_synthetic(files, args.synthetic, args.seed)}
    if args.records:
        args.records.mkdir(parents=True, exist_ok=True)
        (args.records / "truth-synthetic.json").write_text(json.dumps(truth, ensure_ascii=False))
    return kept(args, "synthetic", lambda: ingest(files, tmp / "home-syn", args.jobs)), truth


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--synthetic", type=int, default=30, help="synthetic documents (0: none)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "samples-real")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--records", type=Path, help="keep the exported records in this directory")
    parser.add_argument("--rescore", type=Path, help="score the records kept in this directory")
    parser.add_argument("--show-untouched", action="store_true", help="list the untouched part's misses")
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="digitize-accuracy-") as tmp:
        if args.synthetic and (not args.rescore or (args.rescore / "records-synthetic.json").is_file()):
            records, truth = synthetic_set(args, Path(tmp))
            results["synthetic"] = score(records, truth)
        kept_real = not args.rescore or (args.rescore / "records-real.json").is_file()
        if (args.real / "truth.jsonl").is_file() and kept_real:
            truth = {
                json.loads(line)["file"]: json.loads(line)
                for line in (args.real / "truth.jsonl").read_text("utf-8").splitlines()
                if line
            }
            records = kept(args, "real", lambda: ingest(args.real, Path(tmp) / "home-real", args.jobs))
            for part in ("tuned", "untouched"):
                subset = {k: v for k, v in truth.items() if real_part(k) == part}
                results[f"samples-real {part}"] = score(records, subset)
    print(report(results, args.show_untouched))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "accuracy.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
