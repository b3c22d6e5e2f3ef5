"""The invisible text lands over the line it transcribes, whatever was done to the OCR copy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import img2pdf
import numpy as np
import pikepdf
import pytest

from digitize.ocr import preprocess
from digitize.ocr.preprocess import Geometry
from digitize.ocr.searchable import placement_matrix

from ..conftest import text_page_image

_KEEP: list[pikepdf.Pdf] = []  # a page lives only as long as its Pdf


def _page(rotate: int = 0, box=(0, 0, 600, 800)) -> pikepdf.Page:
    pdf = pikepdf.new()
    _KEEP.append(pdf)
    pdf.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
    page = pdf.pages[0]
    page.obj.MediaBox = pikepdf.Array(list(box))
    if rotate:
        page.obj.Rotate = rotate
    return page


def _apply(m: np.ndarray, x: float, y: float) -> tuple[float, float]:
    v = m @ np.array([x, y, 1.0])
    return round(float(v[0]), 3), round(float(v[1]), 3)


def test_identity_maps_text_page_corners_to_page_corners():
    page = _page()
    geometry = Geometry(rendered_size=(2500, 3333), rendered_dpi=300)
    m = placement_matrix(page, geometry, (600, 800))
    assert _apply(m, 0, 0) == pytest.approx((0, 0), abs=0.5)
    assert _apply(m, 600, 800) == pytest.approx((600, 800), abs=0.5)


def test_upscaled_low_dpi_page_fits_the_page():
    page = _page()
    geometry = Geometry(rendered_size=(833, 1111), rendered_dpi=100, scale=3.0)
    # the text layer's page is the upscaled image in points at 300 dpi
    m = placement_matrix(page, geometry, (2499 * 72 / 300, 3333 * 72 / 300))
    assert _apply(m, 2499 * 72 / 300, 3333 * 72 / 300) == pytest.approx((600, 800), abs=1.0)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_page_maps_back(turn):
    """The OCR copy's top-left corner is where the turned page's top-left was."""
    page = _page()
    w, h = 2500, 3333
    geometry = Geometry(rendered_size=(w, h), rendered_dpi=300, rotate=turn)
    ow, oh = (h, w) if turn in (90, 270) else (w, h)
    m = placement_matrix(page, geometry, (ow * 72 / 300, oh * 72 / 300))
    top_left_of_ocr = _apply(m, 0, oh * 72 / 300)  # text page y-up: top-left is (0, height)
    expected = {90: (0, 0), 180: (600, 0), 270: (600, 800)}[turn]
    assert top_left_of_ocr == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize("page_rotate", [0, 90, 180, 270])
def test_page_rotate_and_crop_offset(page_rotate):
    box = (10, 20, 610, 820)
    page = _page(page_rotate, box)
    w, h = (800, 600) if page_rotate % 180 else (600, 800)  # displayed size, points
    geometry = Geometry(rendered_size=(w * 300 // 72, h * 300 // 72), rendered_dpi=300)
    m = placement_matrix(page, geometry, (w, h))
    # the displayed top-left corner, per the PDF spec's /Rotate (clockwise)
    expected = {0: (10, 820), 90: (10, 20), 180: (610, 20), 270: (610, 820)}[page_rotate]
    assert _apply(m, 0, h) == pytest.approx(expected, abs=1.0)


def test_skew_estimate_finds_the_angle():
    img = text_page_image(["Dòng chữ thứ nhất của văn bản hành chính"] * 8, size_in=(5.8, 4.0))
    for angle in (-3.0, 2.0):
        skewed = img.rotate(angle, expand=False, fillcolor=255)
        assert preprocess.estimate_skew(skewed) == pytest.approx(angle, abs=0.4)


def test_blank_page_detection():
    assert preprocess.is_blank(text_page_image([]))
    assert not preprocess.is_blank(text_page_image(["Một dòng chữ"] * 3))


@pytest.mark.slow
def test_skewed_page_text_sits_on_its_lines(run, tmp_path: Path):
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập Tự do Hạnh phúc",
             "Quảng Ngãi, ngày 05 tháng 02 năm 2025"]
    img = text_page_image(lines, size_in=(6.0, 3.0)).rotate(3, expand=False, fillcolor=255)
    frame = tmp_path / "skew.png"
    img.save(frame, dpi=(300, 300))
    source = tmp_path / "skew.pdf"
    source.write_bytes(img2pdf.convert(str(frame)))
    row_id = 1
    assert run("ingest", source, "--jobs", "1").exit_code == 0
    out = tmp_path / "out.pdf"
    run("get", row_id, "-o", out)
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True).stdout
    boxes = {m[4]: tuple(map(float, m[:4])) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', html)}
    # line 1 starts at x = 0.4 in = 28.8 pt; rotated 3° CCW about the centre, its first word
    # moves down on the left; the word boxes must follow the ink, not the deskewed copy
    assert "CỘNG" in boxes and "Quảng" in boxes
    x0, y0, _, _ = boxes["CỘNG"]
    assert abs(x0 - 28.8) < 12
    assert boxes["Quảng"][1] > y0 + 20  # third line is below the first


def _colour_scan(tmp_path: Path, dpi: int) -> Path:
    """An RGB scan with grain: black text lines and a red seal blot over part of them."""
    from PIL import Image, ImageDraw

    grey = text_page_image(["CHỦ TỊCH", "Nguyễn Văn An", "Trần Thị Bích Ngọc", "KT. GIÁM ĐỐC"] * 2,
                           dpi=dpi, size_in=(4.0, 5.0))
    speckle = np.random.default_rng(1).integers(0, 60, size=(grey.height, grey.width), dtype=np.uint8)
    # grain: a cut shifted by a pixel, or sampled on another grid, shows
    img = Image.fromarray(np.minimum(np.asarray(grey), 255 - speckle)).convert("RGB")
    seal = (dpi // 2, dpi, dpi * 2, dpi * 5 // 2)
    ImageDraw.Draw(img).ellipse(seal, outline=(220, 30, 30), width=dpi // 30)
    png = tmp_path / "scan.png"
    img.save(png, dpi=(dpi, dpi))
    out = tmp_path / "scan.pdf"
    out.write_bytes(img2pdf.convert([str(png)], layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    return out


_BOXES = {  # left, top, right, bottom as shares of the OCR copy
    "middle": (0.2, 0.3, 0.7, 0.6),
    "header, top left": (0.0, 0.04, 0.45, 0.2),
    "date, top right": (0.45, 0.04, 1.0, 0.2),
    "signer, bottom right": (0.5, 0.7, 1.0, 1.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("box_name", list(_BOXES))
@pytest.mark.parametrize("turn,skew,dpi,scale", [
    (0, 0.0, 300, 1.0), (0, 2.5, 300, 1.0), (90, -1.7, 300, 1.0), (180, 0.8, 200, 1.0),
    (270, 3.0, 100, 2.0), (0, -2.2, 96, 200 / 96),
])
def test_second_look_cuts_the_same_pixels_as_the_ocr_copy(tmp_path, turn, skew, dpi, scale, box_name):
    """reread cuts the region before transforming; it must give what cutting the OCR copy
    gives, wherever the box is (straightening moves a box far from the centre the most)."""
    from PIL import Image

    from digitize.ocr import raster
    from digitize.ocr.second_look import SecondLookTask, region_image

    pdf = _colour_scan(tmp_path, dpi)
    page = raster.render_page(pdf, 1, dpi, max_megapixels=50, width_pt=288, height_pt=360, colour=True)
    assert page.mode == "RGB"
    red = page.getchannel("R")
    geometry = Geometry(rendered_size=page.size, rendered_dpi=dpi, rotate=turn, skew=skew, scale=scale)
    full = raster.upscale(red, scale) if scale > 1 else red
    full = preprocess.deskew(preprocess.rotate_upright(full, turn), skew)
    ow, oh = full.size
    share = _BOXES[box_name]
    box = (round(ow * share[0]), round(oh * share[1]), round(ow * share[2]), round(oh * share[3]))
    expected = np.asarray(full.crop(box), dtype=float)
    got = region_image(SecondLookTask(pdf, 1, geometry, box))
    assert got.size == (box[2] - box[0], box[3] - box[1])
    diff = np.abs(np.asarray(got, dtype=float) - expected).mean()
    assert diff < 0.5  # grey levels: the same pixels, not merely the same place
    assert isinstance(got, Image.Image) and got.mode == "L"


def test_rendered_page_is_the_crop_box(tmp_path):
    """A page pdftoppm renders is the page as shown (its crop box), as its size and every
    placement count it, not its media box."""
    from digitize.ocr import raster

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(400, 300))
    page = pdf.pages[0]
    page.obj.MediaBox = pikepdf.Array([-50, -40, 450, 330])
    page.obj.CropBox = pikepdf.Array([0, 0, 400, 300])
    page.contents_add(pdf.make_stream(b"0 g 100 200 50 40 re f"))  # vector: no embedded image
    path = tmp_path / "cropped.pdf"
    pdf.save(path)
    image = raster.render_page(path, 1, 72, max_megapixels=50, width_pt=400, height_pt=300)
    assert image.size == (400, 300)
    ink = np.argwhere(np.asarray(image.convert("L")) < 128)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    assert (left, top, right + 1, bottom + 1) == pytest.approx((100, 300 - 240, 150, 300 - 200), abs=1)


def test_the_shown_box_follows_inheritance_and_is_clipped_to_the_media_box():
    import pikepdf

    from digitize.ocr.searchable import shown_box, shown_rotation, shown_size

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(600, 800))
    pdf.Root.Pages.CropBox = pikepdf.Array([10, 20, 500, 700])  # inherited by the page
    pdf.Root.Pages.Rotate = 90
    page = pdf.pages[0]
    assert shown_box(page) == (10.0, 20.0, 500.0, 700.0)
    assert shown_rotation(page) == 90 and shown_size(page) == (680.0, 490.0)
    page.obj.CropBox = pikepdf.Array([700, 900, -10, -10])  # reversed, and past the media box
    page.obj.Rotate = 0
    assert shown_box(page) == (0.0, 0.0, 600.0, 800.0) and shown_size(page) == (600.0, 800.0)
