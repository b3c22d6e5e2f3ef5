"""The command line: ``python -m samples.synth --out DIR [--profile P] [--count N] [--seed S]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .profiles import PROFILES, generate


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m samples.synth",
        description="Make synthetic scans of Vietnamese administrative documents, with ground truth.",
    )
    ap.add_argument("--out", required=True, type=Path, help="output folder")
    ap.add_argument("--count", type=int, default=None, help="number of files (profile default)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="mixed")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    recs = generate(args.out, args.count, args.seed, args.profile, log=None if args.quiet else print)
    if not args.quiet:
        print(f"{len(recs)} files, {sum(r['pages'] for r in recs)} pages -> {args.out / 'truth.jsonl'}")
    return 0
