"""Ingest end to end on the fake tesseract (the fast tier): a three-page decision goes into
the embedded archive (SQLite and the local store), comes back as a duplicate without OCR,
and a date read with low confidence is flagged for review."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import img2pdf

from digitize.errors import ExitCode

from .. import fakeocr
from ..conftest import json_lines
from ..fakeocr import Part

DPI = 150  # a scan's own resolution: read as it is, and small pages keep the tier fast
LEFT, RIGHT = 2.0, 5.9  # inches: centres of the agency and Quốc hiệu columns on A4


def _first_page(number: str, date_conf: float) -> list[Part]:
    return [
        Part("ỦY BAN NHÂN DÂN", LEFT, 0.8, centre=True, size_pt=13),
        Part("TỈNH QUẢNG NGÃI", LEFT, 1.05, centre=True, size_pt=13, bold=True),
        Part("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", RIGHT, 0.8, centre=True, size_pt=13, bold=True),
        Part("Độc lập - Tự do - Hạnh phúc", RIGHT, 1.05, centre=True, size_pt=13, bold=True),
        Part(f"Số: {number}/QĐ-UBND", LEFT, 1.5, centre=True, size_pt=13),
        Part("Quảng Ngãi, ngày 05 tháng 02 năm 2025", RIGHT, 1.5, centre=True, size_pt=13, conf=date_conf),
        Part("QUYẾT ĐỊNH", 4.13, 2.2, centre=True, size_pt=14, bold=True),
        Part("Về việc phê duyệt kế hoạch chuyển đổi số năm 2025", 4.13, 2.5, centre=True, size_pt=14,
             bold=True),
        *[Part("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", 1.2, 3.2 + 0.3 * i,
               size_pt=13) for i in range(4)],
    ]


def _page(number: int) -> list[Part]:
    return [Part(f"Điều {number}. Giao Sở Thông tin và Truyền thông chủ trì thực hiện kế hoạch.", 1.2,
                 1.0 + 0.3 * i, size_pt=13) for i in range(6)]


def _last_page() -> list[Part]:
    return [
        *_page(3)[:3],
        Part("Nơi nhận:", 1.2, 3.0, size_pt=12, bold=True),
        Part("- Như Điều 3;", 1.2, 3.25, size_pt=11),
        Part("- Lưu: VT, KGVX.", 1.2, 3.45, size_pt=11),
        Part("KT. CHỦ TỊCH", RIGHT, 3.0, centre=True, size_pt=13, bold=True),
        Part("PHÓ CHỦ TỊCH", RIGHT, 3.25, centre=True, size_pt=13, bold=True),
        Part("Trần Phước Hiền", RIGHT, 4.4, centre=True, size_pt=13, bold=True),
    ]


def _decision(tmp_path: Path, name: str = "qd-87.pdf", number: str = "87",
              date_conf: float = 96.0) -> Path:
    """A scanned three-page decision (image-only PDF) whose words the fake knows."""
    frames = []
    for i, parts in enumerate([_first_page(number, date_conf), _page(2), _last_page()], 1):
        image = fakeocr.typeset_and_remember(parts, dpi=DPI)
        frame = tmp_path / f"{Path(name).stem}-{i}.png"
        image.save(frame, dpi=(DPI, DPI))
        frames.append(str(frame))
    out = tmp_path / name
    out.write_bytes(img2pdf.convert(frames, layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))
    return out


def _show(run, doc_id: str) -> dict:
    result = run("show", doc_id, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    return json.loads(result.stdout)


def test_a_three_page_decision_is_archived_searchable_and_described(run, fake_ocr, tmp_path, home):
    source = _decision(tmp_path)
    result = run("ingest", source, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    (row,) = json_lines(result.stdout)
    assert row["status"] == "ingested" and row["pages"] == 3 and row["error"] is None
    assert fake_ocr.pages_read() == 3  # each page read once: all upright and read well
    shown = _show(run, row["id"])
    fields = shown.get("metadata", shown)
    flat = json.dumps(fields, ensure_ascii=False)
    assert "87/QĐ-UBND" in flat and "2025-02-05" in flat and "Trần Phước Hiền" in flat
    out = tmp_path / "out.pdf"
    assert run("get", row["id"], "-o", out).exit_code == ExitCode.OK
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Điều 2. Giao Sở Thông tin" in text and "Trần Phước Hiền" in text  # the invisible layer
    found = run("search", "chuyen doi so", "--json")
    assert found.exit_code == ExitCode.OK, found.output
    assert row["id"] in [hit["id"] for hit in json_lines(found.stdout)]  # tone marks folded
    assert list(home.rglob("*.sqlite*")) or list(home.rglob("*.db"))  # the embedded database


def test_the_same_scan_again_is_a_duplicate_and_is_not_read(run, fake_ocr, tmp_path):
    source = _decision(tmp_path)
    first = json_lines(run("ingest", source, "--json").stdout)[0]
    read = fake_ocr.pages_read()
    again = run("ingest", source, "--json")
    assert again.exit_code == ExitCode.OK, again.output
    (row,) = json_lines(again.stdout)
    assert row["status"] == "duplicate" and row["id"] == first["id"]
    assert fake_ocr.pages_read() == read


def test_a_date_read_with_low_confidence_is_flagged_for_review(run, fake_ocr, tmp_path):
    sure = json_lines(run("ingest", _decision(tmp_path, "sure.pdf"), "--json").stdout)[0]
    doubtful = json_lines(run("ingest", _decision(tmp_path, "doubt.pdf", number="88", date_conf=30.0),
                              "--json").stdout)[0]
    assert doubtful["status"] == "ingested"
    assert sure["needs_review"] == []
    assert doubtful["needs_review"] == ["issued_date"]
