"""A page lying on its side is turned the way its ink shows, with no OSD pass (issue 13):
OSD costs 0.4-0.8 s of CPU a page, and the marks above Vietnamese lines name the turn."""

from __future__ import annotations

from pathlib import Path

import img2pdf
import numpy as np
import pytest

from digitize.ocr import page, preprocess, tesseract
from tests.conftest import PAGE_LINES, text_page_image


@pytest.mark.parametrize("turn", [90, 270])
def test_a_page_on_its_side_is_read_without_osd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, turn: int
) -> None:
    calls: list[int] = []
    real = tesseract.detect_orientation

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tesseract, "detect_orientation", counting)
    upright = text_page_image(PAGE_LINES + PAGE_LINES[2:], size_in=(5.8, 4.0))
    lying = upright.rotate(turn, expand=True)  # counter-clockwise: turning it `turn` clockwise mends it
    png, pdf = tmp_path / "p.png", tmp_path / "p.pdf"
    lying.save(png, dpi=(300, 300))
    pdf.write_bytes(img2pdf.convert([str(png)], layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
    w_pt, h_pt = lying.width * 72 / 300, lying.height * 72 / 300
    result = page.process_page(page.PageTask(pdf=pdf, number=1, width_pt=w_pt, height_pt=h_pt,
                                             native_dpi=300, out_dir=tmp_path))
    assert result.ocr.rotation == turn and "QUẢNG NGÃI" in result.ocr.text
    assert not calls


def test_the_ink_names_no_turn_on_an_upright_or_sparse_page() -> None:
    upright = text_page_image(PAGE_LINES + PAGE_LINES[2:], size_in=(5.8, 4.0))
    assert preprocess.sideways_turn(upright.rotate(90, expand=True)) == 90
    assert preprocess.sideways_turn(upright.rotate(270, expand=True)) == 270
    assert preprocess.sideways_turn(text_page_image(PAGE_LINES[:2]).rotate(90, expand=True)) is None


def test_deskew_gives_pillows_pixels() -> None:
    """The fast path (OpenCV, when installed) straightens to within one grey level of
    Pillow's bilinear rotation, about the centre and about a point of its own (the last
    pixels at the image's edge, where the two treat the border apart, left out)."""
    from PIL import Image

    image = text_page_image(PAGE_LINES, size_in=(4.0, 3.0))
    for center in (None, (301.5, 200.0)):
        fast = np.asarray(preprocess.deskew(image, 2.3, center=center), dtype=int)
        slow = np.asarray(image.rotate(2.3, resample=Image.Resampling.BILINEAR, center=center,
                                       fillcolor=255), dtype=int)
        assert np.abs(fast - slow)[6:-6, 6:-6].max() <= 1
