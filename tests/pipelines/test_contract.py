"""The archive contract is declared once: keys written, keys recognised and objects checked agree."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from digitize.metadata import Region
from digitize.pipelines.archive.contract import (
    ARCHIVE_KEY,
    OBJECTS,
    expected,
    object_keys,
    read_ocr_json,
    write_ocr_json,
)
from digitize.records import PageOcr, Word

SHA = "ab" + "0" * 62


def test_every_key_object_keys_writes_is_recognised_and_only_the_original_names_its_sha256():
    keys = object_keys(SHA, "tiff")
    assert keys == {"original": f"originals/ab/{SHA}.tif", "pdf": f"pdf/{SHA}.pdf", "ocr": f"ocr/{SHA}.json"}
    for name, key in keys.items():
        for prefix in ("", "archive/2026/"):
            found = ARCHIVE_KEY.search(prefix + key)
            assert found is not None, key
            assert found.group(2) == (SHA if name == "original" else None)
    for other in (f"originals/{SHA}.pdf", f"pdf/{SHA[:63]}.pdf", "ocr/report.json", f"x{keys['pdf']}"):
        assert ARCHIVE_KEY.search(other) is None, other


def test_verify_checks_every_declared_object_of_a_record_against_its_columns():
    keys = object_keys(SHA, "pdf")
    doc = SimpleNamespace(original_key=keys["original"], sha256=SHA, size_bytes=10, pdf_key=keys["pdf"],
                          pdf_sha256="p" * 64, ocr_key=keys["ocr"], ocr_sha256="o" * 64)
    assert list(expected(doc)) == [(keys["original"], SHA, 10), (keys["pdf"], "p" * 64, None),
                                   (keys["ocr"], "o" * 64, None)]
    assert [k.name for k in OBJECTS] == list(keys)


def test_ocr_json_keeps_the_pages_and_the_second_looks(tmp_path: Path):
    page = PageOcr(1, 100, 200, 300.0, "Số: 12/QĐ-UBND", [Word("Số:", 1, 2, 3, 4, 90.0)])
    looks = [(Region(1, 10, 160, 90, 190, "signer"), [Word("Nguyễn", 5, 6, 7, 8, 80.0)])]
    path = write_ocr_json(tmp_path / "ocr.json", SHA, "scan.pdf", [page], looks)
    assert '"rereads"' in path.read_text("utf-8")  # the stored key stays, for archives written before
    assert read_ocr_json(path) == ([page], looks)


PIPELINES = Path(__file__).resolve().parents[2] / "digitize" / "pipelines"


def test_pipelines_stay_small_and_import_no_private_names_of_each_other():
    """Issue 11: what several pipelines need lives in the archive package, under public names."""
    import ast

    problems = []
    for path in sorted(PIPELINES.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        if (lines := len(path.read_text("utf-8").splitlines())) > 450:
            problems.append(f"{path.name}: {lines} lines")
        for node in ast.walk(tree):
            length = (getattr(node, "end_lineno", 0) or 0) - getattr(node, "lineno", 0) + 1
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and length > 60:
                problems.append(f"{path.name}: {node.name} is {length} lines")
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                if private:
                    problems.append(f"{path.name}: imports {private} from {node.module}")
    assert problems == []
