"""Make synthetic scans of Vietnamese administrative documents, with ground truth.

Each document is laid out per Nghị định 30/2020/NĐ-CP (Phụ lục I): agency block and
number top left, national motto and place/date top right, type name and abstract in the
centre, body, then "Nơi nhận" and the signer block on the last page. Pages are rendered
with Liberation Serif (the Times New Roman-metric font with Vietnamese glyphs), degraded
like a scanner would (skew, noise, blur, 90/180/270 rotation, low dpi, JPEG, bilevel) and
written as image-only PDFs, JPEG, PNG or multi-page TIFF files. ``truth.jsonl`` in the
output folder holds one object per file, with the keys of ``samples-real/truth.jsonl``
plus ``urgency``, ``degradation``, ``degradation_params`` and ``page_text``.

Everything is drawn from a seed: the same seed gives the same files, byte for byte.

Usage (from the repository root)::

    python -m samples.synth --out DIR [--count N] [--seed S] [--profile demo|bench|test|mixed]

From Python::

    from samples.synth import degrade, make_document, render_pages

    spec = make_document(random.Random(7), pages=1, dpi=200)
    images = render_pages(spec)             # upright, undegraded page images
    scans = [degrade(im, spec.tags, rng) for im in images]

Modules: ``vocabulary`` (the word lists of ``data/*.toml``), ``agencies`` and ``names``,
``compose`` and ``body`` (the text), ``document`` (one document from a seed), ``flow``
(layout), ``render`` (page images), ``scanner`` (degradations), ``files`` (writing),
``profiles`` (sample sets) and ``cli``.
"""

from .cli import main
from .document import make_document
from .files import write_document
from .model import DocSpec
from .profiles import DEFAULT_COUNTS, PROFILES, generate
from .render import render_pages
from .scanner import ALL_TAGS, ROTATIONS, degrade, draw_params, scan_pages
from .vocabulary import TYPES

__all__ = [
    "ALL_TAGS",
    "DEFAULT_COUNTS",
    "PROFILES",
    "ROTATIONS",
    "TYPES",
    "DocSpec",
    "degrade",
    "draw_params",
    "generate",
    "main",
    "make_document",
    "render_pages",
    "scan_pages",
    "write_document",
]
