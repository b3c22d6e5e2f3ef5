"""Search latency and reindex throughput on a large archive (SQLite and PostgreSQL).

    .venv/bin/python bench/search_bench.py [--docs 100000] [--backend sqlite,postgresql]

Builds an archive of synthetic records (metadata + a page or two of text each, no OCR) with
the generator in samples/, then times `digitize search` queries of several kinds through the
same code path the CLI uses (catalog.search: full-text query, filters, snippets), and a
re-extraction of stored OCR (documents per second). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/search_bench.py`: digitize and samples

from sqlalchemy import insert, text  # noqa: E402

from digitize.config import load_settings  # noqa: E402
from digitize.db.models import Document, Page  # noqa: E402
from digitize.metadata.text import fold  # noqa: E402
from digitize.pipelines import catalog  # noqa: E402
from digitize.pipelines.archive import Archive  # noqa: E402
from samples.synth import make_document  # noqa: E402

UNIQUE_SPECS = 3000
BATCH = 2000


def make_specs(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_document(rng).truth() for _ in range(n)]


def rows_for(
    i: int, specs: list[dict[str, Any]], rng: random.Random
) -> tuple[dict, list[dict], str, str, str]:
    """One archive record: a generated document, renumbered and redated so each is distinct."""
    t = specs[i % len(specs)]
    other = specs[(i * 7919) % len(specs)]
    year = rng.randint(2000, 2026)
    number = str(rng.randint(1, 2999))
    symbol = t["symbol"]
    issued = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    pages = [*(t["page_text"][:1] or [t["abstract"] or ""]), *other["page_text"][1:2]]
    sha = f"{i:064x}"
    doc = {
        "id": i + 1,
        "sha256": sha,
        "source_name": f"scan-{i:06d}.pdf",
        "source_path": None,
        "kind": "pdf",
        "size_bytes": 250_000,
        "page_count": len(pages),
        "original_key": f"originals/{sha[:2]}/{sha}.pdf",
        "pdf_key": f"pdf/{sha}.pdf",
        "ocr_key": f"ocr/{sha}.json",
        "pdf_sha256": None,
        "ocr_sha256": None,
        "ocr_lang": "vie+eng",
        "pipeline_version": "1",
        "number_symbol": f"{number}/{symbol}",
        "number": number,
        "symbol": symbol,
        "issued_date": issued,
        "place": t["place"],
        "doc_type": t["doc_type"],
        "abstract": t["abstract"],
        "issuer": t["issuer"],
        "parent_issuer": t["parent_issuer"],
        "signer": t["signer"],
        "signer_title": t["signer_title"],
        "urgency": t.get("urgency"),
        "signed_at": None,
        "language": "vi",
        "field_meta": {},
        "needs_review": rng.random() < 0.1,
    }
    page_rows = [
        {
            "document_id": i + 1,
            "number": n + 1,
            "source": "ocr",
            "text": body,
            "mean_conf": 90.0,
            "rotation": 0,
            "skew": 0.0,
            "dpi": 300.0,
            "blank": False,
        }
        for n, body in enumerate(pages)
    ]
    head = " ".join(
        str(doc[k] or "")
        for k in ("number_symbol", "doc_type", "abstract", "issuer", "parent_issuer", "signer", "place")
    )
    meta = fold(head)
    body = meta + "\n" + fold("\n".join(pages))
    issuer = fold(" ".join(str(doc[k] or "") for k in ("issuer", "parent_issuer")))
    return doc, page_rows, issuer, meta, body


def build(archive: Archive, n: int) -> float:
    started = time.perf_counter()
    specs = make_specs(min(UNIQUE_SPECS, n))
    QUERIES["a signer's name (rare)"] = [{"query": specs[i]["signer"]} for i in range(0, 40, 10)]
    rng = random.Random(11)
    sqlite = archive.engine.dialect.name == "sqlite"
    index_sql = text(
        "INSERT INTO search_index (rowid, issuer, body) VALUES (:id, :issuer, :body)"
        if sqlite
        else "INSERT INTO search_index (document_id, issuer, body) VALUES (:id, :issuer, :body)"
    )
    for start in range(0, n, BATCH):
        docs, pages, index = [], [], []
        for i in range(start, min(n, start + BATCH)):
            doc, page_rows, issuer, meta, body = rows_for(i, specs, rng)
            docs.append(doc)
            pages.extend(page_rows)
            index.append({"id": doc["id"], "issuer": issuer, "meta": meta, "body": body})
        with archive.engine.begin() as conn:
            conn.execute(insert(Document), docs)
            conn.execute(insert(Page), pages)
            conn.execute(index_sql, index)
    if not sqlite:
        with archive.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            conn.execute(text("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))"))
    return time.perf_counter() - started


QUERIES: dict[str, list[dict[str, Any]]] = {
    "one common word": [{"query": w} for w in ("quyet", "ke hoach", "bao cao", "thong bao", "uy ban")],
    "two words, tone marks typed": [
        {"query": q} for q in ("chuyển đổi số", "cải cách hành chính", "phòng chống dịch", "giáo dục đào tạo")
    ],
    "phrase": [{"query": f'"{q}"'} for q in ("chuyen doi so", "thu tuc hanh chinh", "ngan sach nha nuoc")],
    "a signer's name (rare)": [],  # filled from the generated documents in build()
    "filters only (type + year)": [
        {"query": "", "doc_type": t, "date_from": "2024-01-01", "date_to": "2024-12-31"}
        for t in ("Kế hoạch", "Quyết định", "Báo cáo")
    ],
    "word + issuer": [
        {"query": "ke hoach", "issuer": i} for i in ("uy ban nhan dan", "so giao duc", "so tai nguyen")
    ],
    "number lookup": [{"query": "", "number": n} for n in ("15", "1518", "42")],
    "no match": [{"query": q} for q in ("xyzzyq", "khongcotu")],
}


def time_queries(archive: Archive, repeats: int) -> dict[str, tuple[float, float, int]]:
    out = {}
    for kind, variants in QUERIES.items():
        times, hits = [], 0
        for _ in range(repeats):
            for q in variants:
                t = time.perf_counter()
                found = catalog.search(
                    archive, q["query"], **{k: v for k, v in q.items() if k != "query"}, limit=20
                )
                times.append((time.perf_counter() - t) * 1000)
                hits += len(found)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        out[kind] = (statistics.median(times), p95, hits // max(1, repeats * len(variants)))
    return out


def reindex_rate(archive: Archive, sample: int) -> float | None:
    """Documents per second for re-extraction from stored OCR JSON, on the first `sample` records."""
    ocr_dir = ROOT / "bench" / "out" / "ocr-json"
    jsons = sorted(ocr_dir.glob("*.json")) if ocr_dir.is_dir() else []
    if not jsons:
        return None
    store = archive.store
    from digitize.ocr.sources import sha256_of
    from digitize.pipelines.reindex import Where, reextract

    with archive.engine.begin() as conn:
        for i in range(1, sample + 1):
            key = f"ocr/{i:064x}.json"
            src = jsons[i % len(jsons)]
            store.put(key, src, sha256=sha256_of(src))
            conn.execute(text("UPDATE documents SET ocr_key = :k WHERE id = :i"), {"k": key, "i": i})
    summary = reextract(archive, Where(id_from=1, id_to=sample), restart=True, jobs=2)
    return summary.rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--reindex-sample", type=int, default=1000)
    args = parser.parse_args()
    results = {}
    for backend in args.backend.split(","):
        with tempfile.TemporaryDirectory(prefix="digitize-searchbench-") as home:
            server = None
            overrides: dict[str, Any] = {"home": home}
            if backend == "postgresql":
                sys.path.insert(0, str(ROOT / "tests"))
                from pg import PostgresServer

                server = PostgresServer().start()
                overrides["db_url"] = server.create_database("bench")
            archive = Archive(load_settings(overrides, environ={}))
            try:
                build_s = build(archive, args.docs)
                queries = time_queries(archive, args.repeats)
                rate = reindex_rate(archive, args.reindex_sample)
            finally:
                archive.close()
                if server:
                    server.stop()
        results[backend] = {"build_s": build_s, "queries": queries, "reindex_docs_per_s": rate}
        print(f"{backend}: built {args.docs} records in {build_s:.0f} s", file=sys.stderr)
    print(f"\n### Search latency, {args.docs:,} documents (ms, {args.repeats} repeats of each query)\n")
    backends = list(results)
    print("| query kind | " + " | ".join(f"{b} median | {b} p95" for b in backends) + " | hits |")
    print("|---|" + "---:|---:|" * len(backends) + "---:|")
    for kind in QUERIES:
        cells = " | ".join(
            f"{results[b]['queries'][kind][0]:.1f} | {results[b]['queries'][kind][1]:.1f}" for b in backends
        )
        print(f"| {kind} | {cells} | {results[backends[0]]['queries'][kind][2]} |")
    print("\n| backend | build (s) | reindex without OCR (documents/s) |\n|---|---:|---:|")
    for b in backends:
        rate = results[b]["reindex_docs_per_s"]
        print(
            f"| {b} | {results[b]['build_s']:.0f} | {f'{rate:.0f}' if rate else 'n/a (no OCR JSON sample)'} |"
        )
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "search_bench.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
