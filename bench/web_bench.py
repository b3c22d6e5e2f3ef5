"""Response times of `digitize serve`'s pages on a large archive (SQLite).

    .venv/bin/python bench/web_bench.py [--docs 100000] [--repeats 10]

Builds the synthetic archive of bench/search_bench.py, then times each page through the
whole application (routing, sign-in check, templates or JSON) with Starlette's in-process
client, signed in as a văn thư. Prints a Markdown table (ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import search_bench  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from digitize.config import load_settings  # noqa: E402
from digitize.pipelines.archive import Archive  # noqa: E402
from digitize.web.app import create_app  # noqa: E402

PAGES = {
    "search page, one common word": "/search?q=ke+hoach",
    "search JSON, two words": "/search.json?q=chuyen+doi+so",
    "search, filters only (type + year)": "/search?type=Quyết+định&from=2024-01-01&to=2024-12-31",
    "search, signer filter": "/search?signer=nguyen",
    "document page": "/documents/{mid}",
    "document JSON": "/documents/{mid}.json",
    "review queue": "/review",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digitize-webbench-") as home:
        archive = Archive(load_settings({"home": home}, environ={}))
        build_s = search_bench.build(archive, args.docs)
        print(f"built {args.docs} records in {build_s:.0f} s", file=sys.stderr)
        app = create_app(archive, host="127.0.0.1")  # no users: the clerk at this machine
        client = TestClient(app, base_url="http://127.0.0.1:8080")
        print(f"\n### Page response times, {args.docs:,} documents (ms, {args.repeats} repeats)\n")
        print("| page | median | p95 |\n|---|---:|---:|")
        for name, path in PAGES.items():
            url = path.format(mid=args.docs // 2)
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                answer = client.get(url, follow_redirects=False)
                times.append((time.perf_counter() - t) * 1000)
                assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"| {name} | {statistics.median(times):.0f} | {p95:.0f} |")
        archive.close()


if __name__ == "__main__":
    main()
