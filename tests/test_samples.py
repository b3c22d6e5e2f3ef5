"""The synthetic sample generator (samples.synth): deterministic, truthful, readable."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from samples import synth as ms

ROOT = Path(__file__).resolve().parents[1]

REAL_KEYS = [
    "file", "pages", "kind", "dpi", "handwritten_number", "number_symbol", "number", "symbol",
    "doc_type", "issued_date", "place", "issuer", "parent_issuer", "abstract", "signer",
    "signer_title", "verified", "notes",
]  # fmt: skip
EXTRA_KEYS = ["urgency", "degradation", "degradation_params", "page_text"]


def _docs(n: int = 40) -> list[ms.DocSpec]:
    return [ms.make_document(random.Random(f"test:{i}"), index=i) for i in range(n)]


def _strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def test_same_seed_same_document() -> None:
    a = ms.make_document(random.Random(42), pages=1)
    b = ms.make_document(random.Random(42), pages=1)
    assert a.truth() == b.truth()
    assert a.truth() != ms.make_document(random.Random(43), pages=1).truth()
    ia, ib = ms.render_pages(a, 60)[0], ms.render_pages(b, 60)[0]
    assert ia.tobytes() == ib.tobytes()


@pytest.mark.slow
def test_generate_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    ms.generate(tmp_path / "a", seed=7, profile="test")
    ms.generate(tmp_path / "b", seed=7, profile="test")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_truth_has_the_real_keys_and_is_nfc() -> None:
    real = ROOT.parent / "shared" / "samples-real" / "truth.jsonl"
    keys = REAL_KEYS
    if real.exists():
        keys = list(json.loads(real.read_text(encoding="utf-8").splitlines()[0]))
    for spec in _docs(15):
        truth = spec.truth()
        assert set(keys) <= set(truth)
        assert set(truth) == set(REAL_KEYS) | set(EXTRA_KEYS)
        assert truth["kind"] == "scan"
        assert len(truth["page_text"]) == truth["pages"] >= 1
        for s in _strings(truth):
            assert s == unicodedata.normalize("NFC", s)


def test_truth_matches_the_printed_page() -> None:
    for spec in _docs():
        t = spec.truth()
        first = t["page_text"][0]
        lines = first.split("\n")
        assert t["number_symbol"] == f"{t['number']}/{t['symbol']}"
        # "Số: 87 /QĐ-UBND" (number filled in later) is printed with a space
        assert t["number_symbol"] in first.replace(" /", "/")
        assert any(ln.startswith("Số: ") for ln in lines)
        date_line = spec.date_line
        assert date_line in lines and date_line.startswith(t["place"] + ", ngày ")
        day, month, year = map(int, re.findall(r"\d+", date_line.split(", ", 1)[1]))
        assert f"{year:04d}-{month:02d}-{day:02d}" == t["issued_date"]
        # the issue date line is printed once; other dates in the text are not it
        assert sum(text.count(date_line) for text in t["page_text"]) == 1
        issuer_lines = spec.agency.issuer_lines
        assert " ".join(issuer_lines) == t["issuer"]
        assert first.startswith(t["parent_issuer"] + "\n" if t["parent_issuer"] else "")
        assert "\n".join(issuer_lines) in first
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in first
        joined = " ".join(lines)
        if t["doc_type"] == "Công văn":
            assert "V/v " + t["abstract"] in joined
        else:
            type_name = ms.TYPES[t["doc_type"]][1]
            assert type_name + " " + t["abstract"] in joined
        if t["urgency"]:
            assert t["urgency"] in lines
        last = t["page_text"][-1].split("\n")
        assert last[-1] == t["signer"]
        assert " ".join(last[-1 - len(spec.signer_title_lines) : -1]) == t["signer_title"]
        assert "Nơi nhận:" in last and any(ln.startswith("- Lưu: VT") for ln in last)


def test_page_targets_and_dates_style() -> None:
    for pages in (1, 2, 3):
        spec = ms.make_document(random.Random(pages), pages=pages, doc_type="Kế hoạch")
        assert spec.page_count == pages
    new = ms.make_document(random.Random(5), year=2024)
    day = new.issued.day
    assert f"ngày {day:02d} tháng" in new.date_line


@pytest.mark.parametrize(
    ("kind", "tags", "dpi", "pages"),
    [
        ("pdf", [], 150, 2),
        ("pdf", ["bilevel"], 150, 1),
        ("pdf", ["rot90"], 100, 1),
        ("jpg", ["noise"], 100, 1),
        ("png", ["skew"], 100, 1),
        ("tiff", ["blur"], 100, 2),
        ("tiff", ["bilevel"], 100, 2),
    ],
)
def test_files_open_with_pages_and_dpi(
    tmp_path: Path, kind: str, tags: list[str], dpi: int, pages: int
) -> None:
    spec = ms.make_document(
        random.Random(3), pages=pages, dpi=dpi, tags=tags, file_kind=kind, doc_type="Báo cáo"
    )
    truth = ms.write_document(spec, tmp_path)
    path = tmp_path / truth["file"]
    assert truth["pages"] == pages and truth["dpi"] == dpi
    assert ("lowdpi" in truth["degradation"]) == (dpi < 300)
    landscape = "rot90" in tags
    if kind == "pdf":
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == pages
            for page in pdf.pages:
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                w, h = x1 - x0, y1 - y0
                assert (w > h) == landscape
                assert abs(min(w, h) - 595.3) < 1.5 and abs(max(w, h) - 841.9) < 1.5
                (image,) = page.get_images().values()
                assert abs(int(image.Width) / (w / 72) - dpi) < 1
                raw = image.Filter
                filters = list(raw) if isinstance(raw, pikepdf.Array) else [raw]
                assert filters == ["/CCITTFaxDecode" if "bilevel" in tags else "/DCTDecode"]
    else:
        with Image.open(path) as im:
            assert getattr(im, "n_frames", 1) == pages
            assert round(im.info["dpi"][0]) == dpi
            assert (im.width > im.height) == landscape


def test_degrade_tags() -> None:
    spec = ms.make_document(random.Random(1), pages=1, dpi=72)
    (img,) = ms.render_pages(spec)
    rng = random.Random(0)
    assert ms.degrade(img, ["rot90"], rng).size == (img.height, img.width)
    assert ms.degrade(img, ["rot180"], rng).size == img.size
    assert ms.degrade(img, ["bilevel"], rng).mode == "1"
    skewed = ms.degrade(img, ["skew"], rng)
    assert skewed.size == img.size and skewed.tobytes() != img.tobytes()
    noisy = ms.degrade(img, ["noise", "blur"], rng)
    assert noisy.size == img.size and noisy.mode == img.mode


def test_cli_profiles(tmp_path: Path) -> None:
    assert ms.main(["--out", str(tmp_path), "--profile", "test", "--seed", "3", "-q"]) == 0
    records = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert len(records) == 3 and all(r["pages"] == 1 for r in records)
    assert all((tmp_path / r["file"]).exists() for r in records)
    plan = ms.PROFILES["bench"]
    assert sum(p["pages"] for p in plan) >= 20
    covered = {t for p in plan for t in p["tags"]} | {"lowdpi"}
    assert covered >= set(ms.ALL_TAGS)
    assert {p["dpi"] for p in plan} >= {200, 300}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_a_clean_page(tmp_path: Path) -> None:
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    if "vie" not in langs.split():
        pytest.skip("tesseract-ocr-vie not installed")
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    spec = ms.make_document(random.Random(9), pages=1, dpi=300, doc_type="Kế hoạch")
    (img,) = ms.render_pages(spec)
    img.save(tmp_path / "p.png")
    ocr = subprocess.run(
        ["tesseract", str(tmp_path / "p.png"), "-", "-l", "vie"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    ).stdout
    ocr = " ".join(ocr.replace("\u00d0", "Đ").split())
    # order-free: each true line against its best-matching stretch of the OCR text
    errors = chars = 0
    for line in spec.page_text[0].split("\n"):
        hit = fuzz.partial_ratio_alignment(line, ocr)
        errors += Levenshtein.distance(line, ocr[hit.dest_start : hit.dest_end] if hit else "")
        chars += len(line)
    assert errors / chars < 0.03


def test_module_cli_remakes_the_committed_demo_set(tmp_path: Path) -> None:
    """`python -m samples.synth --profile demo` gives samples/demo again, byte for byte."""
    out = tmp_path / "demo"
    subprocess.run(
        [sys.executable, "-m", "samples.synth", "--profile", "demo", "--out", str(out), "-q"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    committed = sorted(p.name for p in (ROOT / "samples" / "demo").iterdir())
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (ROOT / "samples" / "demo" / name).read_bytes(), name


def test_word_lists_come_from_the_toml_data() -> None:
    from samples.synth import vocabulary

    assert vocabulary.load("agencies")["provinces"][0]["name"] == "Quảng Ngãi"
    assert list(vocabulary.TYPES) == list(vocabulary.load("vocabulary")["types"])
    assert set(vocabulary.TYPE_WEIGHTS) == set(vocabulary.TYPES) == set(vocabulary.ABSTRACTS)
    assert set(ms.PROFILES) == set(ms.DEFAULT_COUNTS) == {"demo", "bench", "test", "mixed", "hard", "english"}


def test_hard_profile() -> None:
    """The hard bench set (issue 13): 20 pages or more, every degradation real offices
    produce, yellowed paper and phone photos among them."""
    plan = ms.PROFILES["hard"]
    assert sum(p["pages"] for p in plan) >= 20
    covered = {t for p in plan for t in p["tags"]} | {"lowdpi"}
    assert covered >= set(ms.ALL_TAGS) | {"yellow", "photo"}
    spec = ms.make_document(random.Random(2), pages=1, dpi=72, color="rgb")
    (img,) = ms.render_pages(spec)
    rng = random.Random(0)
    yellow = ms.degrade(img, ["yellow"], rng)
    r, g, b = yellow.getpixel((2, 2))
    assert r > b + 30 and g > b + 20  # paper gone yellow
    photo = ms.degrade(img, ["photo"], rng)
    assert photo.size == img.size and photo.getpixel((0, 0)) != photo.getpixel((img.width // 2, 0))
