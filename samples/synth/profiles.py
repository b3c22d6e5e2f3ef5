"""Sample sets (profiles, from data/profiles.toml) and writing a whole set with its truth."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .document import make_document
from .files import write_document
from .vocabulary import load

Plan = dict[str, Any]

_PROFILES = load("profiles")
# profile -> the make_document arguments of its first documents
PROFILES: dict[str, list[Plan]] = {name: p["plan"] for name, p in _PROFILES.items()}
DEFAULT_COUNTS: dict[str, int] = {name: p["count"] for name, p in _PROFILES.items()}


def generate(
    out_dir: Path,
    count: int | None = None,
    seed: int = 1,
    profile: str = "mixed",
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Write ``count`` documents and ``truth.jsonl`` into ``out_dir``; return the truth.

    Each document has its own generator, seeded by (seed, profile, position): a document does
    not change when another one before it does.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = PROFILES[profile]
    count = DEFAULT_COUNTS[profile] if count is None else count
    records = []
    for i in range(count):
        rng = random.Random(f"digitize-samples:{seed}:{profile}:{i}")
        t0 = time.perf_counter()
        spec = make_document(rng, index=i + 1, **(plan[i] if i < len(plan) else {}))
        rec = write_document(spec, out_dir)
        records.append(rec)
        if log:
            log(
                f"{rec['file']}: {rec['pages']} p, {rec['dpi']} dpi, "
                f"{','.join(rec['degradation']) or 'clean'} ({time.perf_counter() - t0:.2f} s)"
            )
    with open(out_dir / "truth.jsonl", "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records
