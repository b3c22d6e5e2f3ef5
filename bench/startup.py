#!/usr/bin/env python3
"""How fast commands that read no page start: `digitize --help` and `digitize search`.

    .venv/bin/python bench/startup.py [--reps 15]

Each command runs `--reps` times as a whole process (the interpreter's start included), on an
embedded archive (SQLite, local folder) holding one ingested demo page; the table gives the
best and the median wall time. The best run is the figure that depends least on the
machine's other load; `python -X importtime -m digitize …` says where the rest goes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PAGE = ROOT / "samples" / "demo" / "syn001_2014-QD-UBND_2011_clean_200dpi.pdf"


def _wall(argv: list[str], reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    digitize = [sys.executable, "-m", "digitize"]
    with tempfile.TemporaryDirectory() as tmp:
        home = ["--home", str(Path(tmp) / "home")]
        subprocess.run([*digitize, *home, "-q", "ingest", "--jobs", "1", str(DEMO_PAGE)], check=True,
                       stdout=subprocess.DEVNULL)
        commands = {
            "digitize --help": [*digitize, "--help"],
            "digitize ingest --help": [*digitize, "ingest", "--help"],
            "digitize search 'quyet dinh'": [*digitize, *home, "search", "quyet dinh"],
            "digitize stats": [*digitize, *home, "stats"],
        }
        print(f"| command | best (s) | median (s) |  ({args.reps} runs each)")
        print("|---|---:|---:|")
        for name, argv in commands.items():
            times = _wall(argv, args.reps)
            print(f"| `{name}` | {min(times):.3f} | {statistics.median(times):.3f} |")


if __name__ == "__main__":
    main()
