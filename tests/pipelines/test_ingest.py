"""The main job end to end: real tesseract, real PDFs, the JSON and exit-code contract."""

from __future__ import annotations

import gc
import subprocess
import weakref
from pathlib import Path

import pytest
from PIL import Image

from digitize.errors import ExitCode
from digitize.metrics import cer

from ..conftest import PAGE_LINES, json_lines, text_page_image

pytestmark = pytest.mark.slow


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _no_ocr(*args, **kwargs):
    raise AssertionError("OCR must not run here")


def test_ingest_gives_searchable_pdf_and_record(run, page_pdf, tmp_path):
    source = page_pdf("qd.pdf")
    result = run("ingest", source, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.OK, result.output
    (row,) = json_lines(result.stdout)
    assert set(row) >= {"file", "status", "id", "sha256", "pages", "error", "seconds"}
    assert row["status"] == "ingested" and row["pages"] == 1 and row["error"] is None
    out = tmp_path / "out.pdf"
    assert run("get", row["id"], "-o", out).exit_code == 0
    assert cer(pdftotext(out), "\n".join(PAGE_LINES)) < 0.05
    original = tmp_path / "orig.pdf"
    assert run("get", row["id"], "-o", original, "--original").exit_code == 0
    assert original.read_bytes() == source.read_bytes()


def test_rerun_reports_duplicates_without_ocr(run, page_pdf, monkeypatch):
    source = page_pdf("qd.pdf")
    first = run("ingest", source, "--json", "--jobs", "1")
    assert json_lines(first.stdout)[0]["status"] == "ingested"
    monkeypatch.setattr("digitize.pipelines.ingest.process_page", _no_ocr)
    again = run("ingest", source, "--json", "--jobs", "1")
    assert again.exit_code == ExitCode.OK
    (row,) = json_lines(again.stdout)
    assert row["status"] == "duplicate" and row["id"] == json_lines(first.stdout)[0]["id"]


def test_same_scan_twice_in_one_run_is_archived_once(run, page_pdf, tmp_path):
    source = page_pdf("qd.pdf")
    copy = tmp_path / "copy-of-qd.pdf"
    copy.write_bytes(source.read_bytes())
    result = run("ingest", source, copy, "--json", "--jobs", "2")
    rows = json_lines(result.stdout)
    assert [r["status"] for r in rows] == ["ingested", "duplicate"]
    assert rows[0]["id"] == rows[1]["id"]


def test_parallel_jobs_and_human_summary(run, page_pdf):
    a = page_pdf("a.pdf")
    b = page_pdf("b.pdf", lines=["THÔNG BÁO", "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh"])
    result = run("ingest", a, b, "--jobs", "2")
    assert result.exit_code == ExitCode.OK, result.output
    assert sum(line.startswith("ingested ") for line in result.stdout.splitlines()) == 2
    assert "pages/min" in result.stdout


def test_show_export_and_search(run, page_pdf):
    row = json_lines(run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1").stdout)[0]
    shown = run("show", row["id"], "--json")
    assert shown.exit_code == 0
    import json

    record = json.loads(shown.stdout)
    assert record["id"] == row["id"] and record["page_count"] == 1
    assert record["url"].startswith("file://")
    assert set(record["confidence"]) == set(record["source"])
    human = run("show", row["id"])
    assert "sha256" in human.stdout and row["sha256"] in human.stdout
    exported = json_lines(run("export", "--format", "jsonl", "--with-text").stdout)
    assert exported[0]["sha256"] == row["sha256"]
    assert "chuyển đổi số" in exported[0]["text"][0]
    hits = json_lines(run("search", "chuyen doi so", "--json").stdout)
    assert [h["id"] for h in hits] == [row["id"]]
    assert "[chuyển] [đổi] [số]" in hits[0]["snippet"]
    assert json_lines(run("search", '"doi so chuyen"', "--json").stdout) == []


def test_show_unknown_id(run):
    assert run("db", "upgrade").exit_code == ExitCode.OK  # an archive, without that document
    result = run("show", 12345)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no document with id 12345" in result.stderr


def test_upside_down_page_is_turned(run, page_pdf, tmp_path):
    source = page_pdf("flipped.pdf", rotate=180)
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    import json

    record = json.loads(run("show", row["id"], "--json").stdout)
    assert record["pages"][0]["rotation"] == 180
    out = tmp_path / "out.pdf"
    run("get", row["id"], "-o", out)
    assert cer(pdftotext(out), "\n".join(PAGE_LINES)) < 0.05


def test_images_become_pdf_pages(run, tmp_path):
    img = text_page_image(PAGE_LINES[:3])
    jpeg, png, tiff = tmp_path / "scan.jpg", tmp_path / "scan.png", tmp_path / "scan.tif"
    img.save(jpeg, dpi=(300, 300), quality=90)
    img.save(png, dpi=(300, 300))
    img.save(tiff, dpi=(300, 300), save_all=True, append_images=[img], compression="tiff_lzw")
    result = run("ingest", jpeg, png, tiff, "--json", "--jobs", "2")
    rows = json_lines(result.stdout)
    assert [r["status"] for r in rows] == ["ingested"] * 3
    assert [r["pages"] for r in rows] == [1, 1, 2]
    out = tmp_path / "out.pdf"
    run("get", rows[0]["id"], "-o", out)
    assert cer(pdftotext(out), "\n".join(PAGE_LINES[:3])) < 0.05


def test_exif_orientation_is_honoured(run, tmp_path):
    upright = text_page_image(PAGE_LINES[:3])
    stored = upright.rotate(90, expand=True)  # camera stored it sideways...
    exif = Image.Exif()
    exif[0x0112] = 8  # ...and says: turn 90° counter-clockwise to view
    path = tmp_path / "photo.jpg"
    stored.save(path, dpi=(300, 300), exif=exif, quality=90)
    row = json_lines(run("ingest", path, "--json", "--jobs", "1").stdout)[0]
    out = tmp_path / "out.pdf"
    run("get", row["id"], "-o", out)
    assert cer(pdftotext(out), "\n".join(PAGE_LINES[:3])) < 0.05


def test_timed_out_page_is_reported_not_fatal(run, page_pdf, monkeypatch):
    from digitize.ocr import tesseract

    def slow(*args, **kwargs):
        raise tesseract.OcrTimeout("tesseract took longer than 1 s")

    monkeypatch.setattr(tesseract, "ocr_page", slow)
    row = json_lines(run("ingest", page_pdf("slow.pdf"), "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested"
    assert any("took longer" in w for w in row["warnings"])


def test_one_page_rendered_at_a_time(run, page_pdf, monkeypatch):
    from digitize.ocr import raster

    alive: list[weakref.ref] = []
    most = pages = 0
    real_render = raster.render_page

    def tracking_render(*args, **kwargs):
        nonlocal most, pages
        gc.collect()
        most = max(most, sum(ref() is not None for ref in alive))
        image = real_render(*args, **kwargs)
        alive.append(weakref.ref(image))
        pages += not kwargs.get("colour")  # colour copies are for second looks at regions
        return image

    monkeypatch.setattr(raster, "render_page", tracking_render)
    row = json_lines(run("ingest", page_pdf("long.pdf", pages=6), "--json", "--jobs", "1",
                         "--ocr", "force").stdout)[0]
    assert row["status"] == "ingested" and row["pages"] == 6
    assert pages == 6
    assert most == 0  # no earlier page image is still in memory when the next is rendered


def test_born_digital_pdf_uses_its_text_layer(run, samples_real, monkeypatch, tmp_path):
    monkeypatch.setattr("digitize.pipelines.ingest.process_page", _no_ocr)
    source = samples_real / "qng_507_UBND-KGVX_2025_congvan_born-digital.pdf"
    row = json_lines(run("ingest", source, "--json").stdout)[0]
    assert row["status"] == "ingested"
    import json

    record = json.loads(run("show", row["id"], "--json").stdout)
    assert [p["source"] for p in record["pages"]] == ["text-layer"]
    assert "góp ý dự thảo" in json_lines(run("export", "--with-text").stdout)[0]["text"][0]


def test_signature_stamp_layer_still_gets_ocr(run, samples_real):
    source = samples_real / "qng_01_TTr-UBND_2025_mien-nhiem_1p.pdf"
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    import json

    record = json.loads(run("show", row["id"], "--json").stdout)
    assert [p["source"] for p in record["pages"]] == ["ocr"]
    text = json_lines(run("export", "--with-text").stdout)[0]["text"][0]
    assert "miễn nhiệm" in text and "Quảng Ngãi" in text


def test_search_shows_brackets_and_matches_in_plain_output(run, page_pdf):
    lines = ["Báo cáo [bổ sung] về chuyển đổi số"]
    run("ingest", page_pdf("b.pdf", lines=lines), "--jobs", "1")
    out = run("search", "chuyen doi").stdout
    assert "[chuyển] [đổi]" in out and " sung]" in out  # the printed brackets survive too


@pytest.mark.parametrize("lines,asks_osd", [(PAGE_LINES + PAGE_LINES[2:], False), (PAGE_LINES[:2], True)])
def test_bad_read_asks_osd_only_when_the_ink_leaves_doubt(tmp_path, monkeypatch, lines, asks_osd):
    """A page that reads badly (a fax, a pale copy) but whose many lines are surely upright
    costs no OSD pass; a sparse page that reads badly still asks OSD."""
    import img2pdf

    from digitize.ocr import page, tesseract

    calls: list[int] = []
    real = tesseract.detect_orientation

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tesseract, "detect_orientation", counting)
    monkeypatch.setattr(page, "_reads_well", lambda out: False)
    png, pdf = tmp_path / "p.png", tmp_path / "p.pdf"
    text_page_image(lines, size_in=(5.8, 4.0)).save(png, dpi=(300, 300))
    pdf.write_bytes(img2pdf.convert([str(png)], layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
    result = page.process_page(page.PageTask(pdf=pdf, number=1, width_pt=417.6, height_pt=288.0,
                                             native_dpi=300, out_dir=tmp_path, lang="vie"))
    assert bool(calls) is asks_osd
    assert result.ocr.rotation == 0 and "QUẢNG NGÃI" in result.ocr.text
