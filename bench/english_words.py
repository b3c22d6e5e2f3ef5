#!/usr/bin/env python3
"""How well each tool read the English on Vietnamese pages (the `english` set, issue 13).

    .venv/bin/python bench/english_words.py [--out bench/out/english]

Reads the first repetition's outputs of `bench/run.py --sets english` and scores only the
English: COVID-19, "Website", web and e-mail addresses, the programme, partner and software
names (`samples.synth.english`). Each is matched against its best-aligned stretch of the
page's text (as the line-matched CER does); the figure is summed distances over summed
lengths, and how many came out exact.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from run import texts_pdf, texts_tesseract

from samples.synth import english

NAMES = ["COVID-19", "Website", *english.PROGRAMMES, *english.PARTNERS, *english.SOFTWARE]
ADDRESS = re.compile(r"https?://[^\s;]+|www\.[^\s;]+|[\w.]+@[\w.]+[a-z]")


def english_terms(text: str) -> list[str]:
    """The English of a page's truth, in the order it is printed."""
    terms = [m.group(0).rstrip(".") for m in ADDRESS.finditer(text)]
    terms += [n for n in NAMES if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    return terms


def score(docs: list[common.Doc], texts: dict[str, list[str]]) -> dict[str, object]:
    dist = total = exact = count = 0
    misses = []
    for doc in docs:
        for n, ref in enumerate(doc.page_text or [], start=1):
            hay = common._norm(texts[doc.name][n - 1])
            for term in english_terms(ref):
                needle = common._norm(term)
                d = common.best_window(needle, hay)
                dist, total, count = dist + d, total + len(needle), count + 1
                exact += d == 0
                if d:
                    misses.append(term)
    return {"terms": count, "exact": exact, "cer": dist / total if total else None, "misses": misses}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=common.OUT / "english")
    args = ap.parse_args()
    docs = common.prepare_inputs(args.out, real=False, profile="english")
    res = json.loads((args.out / "results.json").read_text("utf-8"))
    rows = {}
    for tool in res["tools"]:
        rdir = args.out / "runs" / f"{tool}-r0"
        texts = texts_tesseract(docs, rdir) if tool == "tesseract" else texts_pdf(docs, rdir)
        rows[tool] = score(docs, texts)
    print("| tool | English terms exact | CER on the English terms | whole pages, line-matched CER |")
    print("|---|---|---|---|")
    for tool, r in rows.items():
        line = res["accuracy"][tool]["synthetic"]["line"]
        print(f"| {tool} | {r['exact']}/{r['terms']} | {100 * r['cer']:.2f}% | {100 * line:.2f}% |")
    for tool, r in rows.items():
        print(f"{tool} missed: {', '.join(r['misses'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
