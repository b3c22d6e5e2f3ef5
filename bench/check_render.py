#!/usr/bin/env python3
"""Check digitize's embedded-image page path against pdftoppm, on awkward PDFs.

    .venv/bin/python bench/check_render.py [PDF ...]

`digitize.ocr.raster.page_image` hands a scanned page to OCR as its embedded image (no
rasteriser). This builds image-only PDFs that exercise what can go wrong — CCITT with
/BlackIs1 and /Decode, 1-bit and 8-bit Flate with /Decode [1 0], palette and RGB images,
JPEG with /Decode, CMYK, /Rotate, images placed turned, flipped or offset by their matrix,
crop boxes, partial or sheared placements, a second image, vector paths, visible and
invisible text — plus the bench inputs and ../shared/samples-real, and compares each page
with `pdftoppm -gray` at the resolution the fast path reports: same size (to a pixel or
two: pdftoppm rounds), mean absolute grey difference small (about 0.1-0.2 on clean
constructions; JPEG decoders and pdftoppm's resampling at non-integral sizes make real
scans differ by 1-10), or "render" where the page must go to pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import img2pdf
import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, REPO, SAMPLES_REAL

sys.path.insert(0, str(REPO))
from digitize.ocr import raster

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def _page() -> Image.Image:
    im = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 40)
    d.text((100, 80), "TOP LEFT Cộng hòa", fill=0, font=font)
    d.text((700, 1600), "bottom right", fill=0, font=font)
    d.rectangle((50, 300, 400, 500), fill=90)
    return im


def build(folder: Path) -> list[tuple[Path, bool]]:
    """(pdf, whether the fast path should take it)."""
    folder.mkdir(parents=True, exist_ok=True)
    im = _page()
    out: list[tuple[Path, bool]] = []

    def from_image(name: str, img: Image.Image, fmt: str, ok: bool, **kw: object) -> Path:
        src = folder / f"{name}.{fmt.lower()}"
        img.save(src, fmt, dpi=(150, 150), **kw)
        pdf = folder / f"{name}.pdf"
        pdf.write_bytes(img2pdf.convert(str(src)))
        out.append((pdf, ok))
        return pdf

    bw = im.point(lambda v: 255 if v > 128 else 0).convert("1")
    jpeg = from_image("gray-jpeg", im, "JPEG", True, quality=90)
    from_image("rgb-flate", Image.merge("RGB", [im, im.point(lambda v: min(255, v + 30)), im]), "PNG", True)
    from_image("ccitt", bw, "TIFF", True, compression="group4")
    from_image("palette", im.convert("P"), "PNG", True)
    bw_flate = from_image("bilevel-flate", bw, "PNG", True)
    gray_flate = from_image("gray-flate", im, "PNG", True)
    from_image("cmyk-jpeg", im.convert("CMYK"), "JPEG", False)
    for deg in (90, 270):
        pdf = folder / f"rotate-{deg}.pdf"
        pdf.write_bytes(img2pdf.convert(str(folder / "gray-jpeg.jpeg"), rotation=img2pdf.Rotation[str(deg)]))
        out.append((pdf, True))

    def edit(name: str, base: Path, ok: bool, content: str | None = None, **changes: object) -> None:
        with pikepdf.open(base) as pdf:
            page = pdf.pages[0]
            w, h = float(page.mediabox[2]), float(page.mediabox[3])
            xname = next(iter(page.Resources.XObject.keys()))
            xobj = page.Resources.XObject[xname]
            if content:
                page.obj.Contents = pdf.make_stream(content.format(w=w, h=h, x=xname).encode())
            for key, value in changes.items():
                if key == "Decode":
                    xobj.Decode = pikepdf.Array(value)
                elif key == "BlackIs1":
                    parms = xobj.DecodeParms
                    parms = parms[0] if isinstance(parms, pikepdf.Array) else parms
                    parms.BlackIs1 = not bool(parms.get("/BlackIs1", False))
                else:
                    page.obj[f"/{key}"] = pikepdf.Array(value) if isinstance(value, list) else value
            pdf.save(folder / f"{name}.pdf")
        out.append((folder / f"{name}.pdf", ok))

    with pikepdf.open(jpeg) as pdf:
        w, h = float(pdf.pages[0].mediabox[2]), float(pdf.pages[0].mediabox[3])
    edit("placed-turned-90", jpeg, True, "q 0 {w} -{h} 0 {h} 0 cm {x} Do Q", MediaBox=[0, 0, h, w])
    edit("placed-turned-270", jpeg, True, "q 0 -{w} {h} 0 0 {w} cm {x} Do Q", MediaBox=[0, 0, h, w])
    edit("placed-turned-180", jpeg, True, "q -{w} 0 0 -{h} {w} {h} cm {x} Do Q")
    edit("placed-flipped", jpeg, True, "q -{w} 0 0 {h} {w} 0 cm {x} Do Q")
    edit("placed-turned-and-rotate", jpeg, True, "q 0 {w} -{h} 0 {h} 0 cm {x} Do Q", MediaBox=[0, 0, h, w],
         Rotate=90)
    edit("offset-mediabox", jpeg, True, "q {w} 0 0 {h} 100 200 cm {x} Do Q",
         MediaBox=[100, 200, 100 + w, 200 + h])
    edit("invisible-text", jpeg, True, "q {w} 0 0 {h} 0 0 cm {x} Do Q BT 3 Tr /F1 12 Tf 9 9 Td (a) Tj ET")
    edit("ccitt-blackis1-and-decode", folder / "ccitt.pdf", True, None, BlackIs1=True, Decode=[1, 0])
    edit("ccitt-decode", folder / "ccitt.pdf", True, None, Decode=[1, 0])
    edit("bilevel-flate-decode", bw_flate, True, None, Decode=[1, 0])
    edit("gray-flate-decode", gray_flate, True, None, Decode=[1, 0])
    edit("jpeg-decode", jpeg, False, None, Decode=[1, 0])
    edit("cropped", jpeg, False, "q {w} 0 0 {h} 0 0 cm {x} Do Q", CropBox=[20, 20, w - 20, h - 20])
    edit("partial", jpeg, False, f"q {w / 2} 0 0 {h / 2} 0 0 cm {{x}} Do Q")
    edit("sheared", jpeg, False, "q {w} 5 0 {h} 0 0 cm {x} Do Q")
    edit("anisotropic", jpeg, False, f"q {{w}} 0 0 {h * 1.02} 0 0 cm {{x}} Do Q",
         MediaBox=[0, 0, w, h * 1.02])
    edit("two-images", jpeg, False, "q {w} 0 0 {h} 0 0 cm {x} Do Q q 10 0 0 10 0 0 cm {x} Do Q")
    edit("vector-path", jpeg, False, "q {w} 0 0 {h} 0 0 cm {x} Do Q 0 0 100 100 re f")
    edit("visible-text", jpeg, False, "q {w} 0 0 {h} 0 0 cm {x} Do Q BT /F1 12 Tf 9 9 Td (a) Tj ET")
    return out


def compare(pdf: Path, number: int, tmp: Path) -> tuple[str, float | None]:
    got = raster.page_image(pdf, number, max_dpi=400, max_megapixels=150)
    if got is None:
        return "render", None
    image, dpi = got
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile",
                    str(pdf), str(tmp / "ref")], check=True, capture_output=True)
    ref = np.asarray(Image.open(tmp / "ref.pgm"), dtype=np.int16)
    got_a = np.asarray(image, dtype=np.int16)
    h, w = min(ref.shape[0], got_a.shape[0]), min(ref.shape[1], got_a.shape[1])
    note = "" if ref.shape == got_a.shape else f" ({image.size} vs {ref.shape[::-1]})"
    return f"image {dpi:g} dpi{note}", float(np.abs(got_a[:h, :w] - ref[:h, :w]).mean())


def main(argv: list[str]) -> int:
    cases = [(Path(a), None) for a in argv] or [
        *build(OUT / "render-check"),
        *((p, None) for p in sorted((OUT / "inputs").glob("*.pdf"))),
        *((p, None) for p in sorted(SAMPLES_REAL.glob("*.pdf"))),
    ]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pdf, expect in cases:
            with pikepdf.open(pdf) as doc:
                n = len(doc.pages)
            for number in range(1, n + 1):
                how, diff = compare(pdf, number, Path(tmp))
                wrong = (expect is not None and expect != (diff is not None)) or (
                    expect is not None and diff is not None and diff > 1.0)
                bad += wrong
                shown = "" if diff is None else f"mean |diff| {diff:.2f}"
                print(f"{'WRONG ' if wrong else ''}{pdf.name[:48]:48} p{number:<3} {how:28} {shown}")
    print(f"{bad} unexpected" if bad else "all as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
