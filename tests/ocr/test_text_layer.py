"""The invisible text layer built from the OCR words: where it lands, what it says, its font."""

from __future__ import annotations

import math
import re
import subprocess
import unicodedata
from html import unescape
from pathlib import Path

import img2pdf
import pikepdf
import pytest

from digitize.ocr import invisible
from digitize.ocr.preprocess import Geometry
from digitize.ocr.searchable import TextLayer, graft_text_layers
from digitize.records import PageOcr, Word

from ..conftest import PAGE_LINES, _font, json_lines, text_page_image

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in displayed points, y down


def bbox_words(pdf: Path, page: int = 1) -> list[tuple[str, Box]]:
    """pdftotext's words and boxes, in the displayed (crop box) page's points."""
    html = subprocess.run(
        ["pdftotext", "-cropbox", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    return [(unescape(m[4]), (float(m[0]), float(m[1]), float(m[2]), float(m[3]))) for m in re.findall(
        r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', html)]


def raw_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _blank_pdf(path: Path, pages: int = 1, *, rotate: int = 0, crop: Box | None = None,
               size: tuple[float, float] = (600, 800)) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=size)
        page = pdf.pages[-1]
        if crop:
            x0, y0, x1, y1 = crop
            page.obj.MediaBox = pikepdf.Array([x0 - 30, y0 - 40, x1 + 25, y1 + 15])
            page.obj.CropBox = pikepdf.Array(list(crop))
        if rotate:
            page.obj.Rotate = rotate
    pdf.save(path)
    return path


def _line(texts: list[str], top: int, height: int, left: int = 100, gap: int = 40, line: int = 1,
          block: int = 1) -> list[Word]:
    words, x = [], left
    for text in texts:
        width = 30 * len(text)
        words.append(Word(text, x, top, width, height, 95.0, block, 1, line))
        x += width + gap
    return words


def _layer(words: list[Word], number: int = 1) -> TextLayer:
    """A plain page: an A4-ish OCR copy at 300 dpi, nothing done to it."""
    return TextLayer(number, PageOcr(number, 2500, 3333, 300, "", words), Geometry((2500, 3333), 300))


def _graft(tmp_path: Path, layers: list[TextLayer], source: Path | None = None) -> Path:
    out = tmp_path / "out.pdf"
    graft_text_layers(source or _blank_pdf(tmp_path / "in.pdf"), layers, out)
    return out


def _undo_deskew(x: float, y: float, skew: float, w: float, h: float) -> tuple[float, float]:
    """The point of the OCR copy before it was deskewed: deskew turned the copy `skew` degrees
    counter-clockwise (y down) about its centre, so turn it back clockwise."""
    t = math.radians(skew)
    dx, dy = x - w / 2, y - h / 2
    return w / 2 + dx * math.cos(t) - dy * math.sin(t), h / 2 + dx * math.sin(t) + dy * math.cos(t)


# turn, skew (as Geometry records it), enlargement, rendered dpi, the page's /Rotate, crop box
_CASES = [
    (0, 0.0, 1.0, 300, 0, None),
    (90, 0.0, 1.0, 300, 0, None),
    (180, 1.5, 1.0, 300, 0, None),
    (270, -2.0, 1.0, 200, 0, None),
    (0, 2.5, 1.0, 300, 90, (10, 20, 810, 620)),
    (0, 0.0, 2.0, 100, 180, (10, 20, 610, 820)),
    (90, -1.0, 200 / 96, 96, 270, (-5, 7, 795, 607)),
]


@pytest.mark.parametrize("turn,skew,scale,dpi,page_rotate,crop", _CASES)
def test_words_land_where_the_ocr_copy_had_them(tmp_path, turn, skew, scale, dpi, page_rotate, crop):
    """Whatever was done to the OCR copy (enlarged, turned, deskewed) and whatever the page's
    /Rotate and crop box, each word comes out of pdftotext with its text, over its place on
    the page as shown afterwards (turned upright: the OCR copy before deskewing)."""
    stored = (800, 600) if page_rotate % 180 else (600, 800)
    source = _blank_pdf(tmp_path / "in.pdf", rotate=page_rotate, crop=crop, size=stored)
    shown = (600, 800)  # crop boxes above are all 600 x 800 once turned by /Rotate
    geometry = Geometry((round(shown[0] * dpi / 72), round(shown[1] * dpi / 72)), dpi, rotate=turn,
                        skew=skew, scale=scale)
    ow, oh = geometry.ocr_size
    lines = [["CỘNG", "HÒA", "2025"], ["Số", "NAM", "HÀ"], ["ĐIỀU", "KHOẢN", "MỘT"]]
    height = round(oh * 0.02)
    words = [w for i, texts in enumerate(lines)
             for w in _line(texts, round(oh * (0.15 + 0.3 * i)), height, left=round(ow * 0.1),
                            gap=round(ow * 0.05), line=i + 1)]
    ocr = PageOcr(1, round(ow), round(oh), round(dpi * scale), "", words)
    out = _graft(tmp_path, [TextLayer(1, ocr, geometry)], source)
    k = 72 / dpi / scale
    found = dict(bbox_words(out))  # in reading order, which may take the words for columns
    assert sorted(found) == sorted(w.text for w in words)
    assert raw_text(out).split() == [w.text for w in words]  # in the order they were given
    for word in words:
        box = found[word.text]
        # the words stand on their bottoms; the font's em reaches a quarter as far below
        descent = word.height / 4
        middle = (word.left + word.width / 2, word.top + (word.height + descent) / 2)
        cx, cy = _undo_deskew(*middle, skew, ow, oh)
        assert ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) == pytest.approx((cx * k, cy * k), abs=0.5)
        assert box[2] - box[0] == pytest.approx(word.width * k, rel=0.05)
        if not skew:  # the box itself, edge by edge (a tilted word's box takes in its tilt)
            edges = (word.left * k, word.top * k, word.right * k, (word.bottom + descent) * k)
            assert box == pytest.approx(edges, abs=0.2)
    with pikepdf.open(out) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) == (page_rotate + turn) % 360


def test_one_line_one_baseline_and_the_words_of_a_line_stay_apart(tmp_path):
    """Words with descenders or marks below (g, p, y, the dot below) reach lower than the
    baseline; the line still stands on one baseline, that of the words without, and its
    font reaches up to the top of its tallest word."""
    words = [Word("Quyết", 100, 95, 150, 70, 90, 1, 1, 1), Word("định", 270, 90, 120, 65, 90, 1, 1, 1),
             Word("gặp", 410, 110, 100, 65, 90, 1, 1, 1), Word("HÒA", 530, 88, 110, 67, 90, 1, 1, 1),
             Word("2025", 660, 100, 120, 55, 90, 1, 1, 1)]
    baseline, above = invisible.line_metrics(words)
    assert baseline == 155  # the bottom of HÒA and 2025, the words without anything below
    assert above == 155 - 88  # up to the top of the tallest word
    out = _graft(tmp_path, [_layer(words)])
    found = bbox_words(out)
    assert [t for t, _ in found] == [w.text for w in words]
    # one baseline: every box from the line's top to a quarter of that below its baseline
    assert {round(box[1], 1) for _, box in found} == {round(88 * 72 / 300, 1)}
    assert {round(box[3], 1) for _, box in found} == {round((155 + (155 - 88) / 4) * 72 / 300, 1)}
    # only descenders: the baseline is a fifth of the usual height above their bottoms
    low = [Word("gặp", 100, 100, 100, 60, 90), Word("ngày", 220, 100, 120, 60, 90)]
    assert invisible.line_metrics(low)[0] == pytest.approx(160 - 12)


@pytest.mark.parametrize("gap", [30, 4, 0, -3])
def test_words_set_tight_still_come_apart(tmp_path, gap):
    """pdftotext puts a space between two words only when they are apart by some share of
    the font size: a word whose box touches the next ends a little early (never by more
    than half its width); one well apart keeps its box's width."""
    words = [Word("đường", 100, 100, 200, 50, 90), Word("bộ", 300 + gap, 100, 80, 50, 90)]
    out = _graft(tmp_path, [_layer(words)])
    assert raw_text(out).split("\n")[0] == "đường bộ"
    assert subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\n")[0] == "đường bộ"
    (_, first), (_, second) = bbox_words(out)
    k = 72 / 300
    assert (first[0], second[0]) == pytest.approx((100 * k, (300 + gap) * k), abs=0.01)
    if gap >= 30:
        assert first[2] == pytest.approx(300 * k, abs=0.01)
    else:  # a fifth of the font size between them (the line's height above its baseline is 0.8 of it)
        assert 200 * k * 0.9 < first[2] - first[0] < 200 * k
        size = invisible.line_metrics(words)[1] / 0.8
        assert second[0] - first[2] == pytest.approx(0.2 * size * k, abs=0.01)


@pytest.mark.parametrize("downward", [True, False])
def test_lines_standing_on_end(tmp_path, downward):
    """A page tesseract read on its side gives lines running down (or up) the page: each is
    laid along its column, word after word in its reading order, a lone word of the page
    too when it is taller than wide."""
    def column(texts: list[str], left: int, line: int) -> list[Word]:
        words, y = [], 400 if downward else 2600
        for text in texts:
            length = 30 * len(text)
            top = y if downward else y - length
            words.append(Word(text, left, top, 50, length, 95.0, 1, 1, line))
            y = top + length + 40 if downward else top - 40
        return words

    words = column(["CỘNG", "HÒA", "2025"], 1000, 1) + column(["NAM", "HÀ"], 1200, 2)
    words += column(["SỐ"], 1400, 3)
    out = _graft(tmp_path, [_layer(words)])
    assert raw_text(out).split() == [w.text for w in words]
    k = 72 / 300
    found = dict(bbox_words(out))
    for word in words:  # the em's part below the baseline lies left of a column read downward
        descent = word.width / 4
        left, right = (word.left - descent, word.right) if downward else (word.left, word.right + descent)
        edges = (left * k, word.top * k, right * k, word.bottom * k)
        assert found[word.text] == pytest.approx(edges, abs=0.2)


def test_font_is_embedded_once_per_file_and_the_text_is_invisible(tmp_path):
    words = _line(["Quyết", "định"], 100, 50) + _line(["số", "(12)"], 200, 50, line=2)
    geometry = Geometry((2500, 3333), 300)
    layers = [TextLayer(n, PageOcr(n, 2500, 3333, 300, "", list(words)), geometry) for n in (1, 2, 4)]
    layers.insert(2, TextLayer(3, PageOcr(3, 2500, 3333, 300, "", [Word(" ", 10, 10, 5, 5, 0)]), geometry))
    source = _blank_pdf(tmp_path / "in.pdf", pages=5)
    out = _graft(tmp_path, layers, source)
    with pikepdf.open(out) as pdf:
        dicts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
        type0 = [o for o in dicts if o.get("/Subtype") == "/Type0"]
        programs = [o for o in dicts if "/FontFile2" in o]
        assert len(type0) == 1 and len(programs) == 1
        font = type0[0]
        assert font.Encoding == "/Identity-H" and font.BaseFont == "/GlyphLessFont"
        (cid,) = font.DescendantFonts
        assert cid.Subtype == "/CIDFontType2" and cid.DW == 500
        assert set(cid.CIDToGIDMap.read_bytes()[1::2]) == {1} and len(cid.CIDToGIDMap.read_bytes()) == 131072
        assert programs[0].FontFile2.read_bytes() == invisible.glyphless_ttf()
        assert len(invisible.glyphless_ttf()) == 572
        assert b"beginbfchar" in font.ToUnicode.read_bytes()
        for number in (1, 2, 4):
            page = pdf.pages[number - 1]
            (name,) = list(page.Resources.XObject.keys())
            form = page.Resources.XObject[name]
            assert form.Resources.Font[invisible.FONT_NAME].objgen == font.objgen
            ops = [(op, operands) for operands, op in pikepdf.parse_content_stream(form)]
            assert [operands for op, operands in ops if op == pikepdf.Operator("Tr")] == [[3]]
            assert [str(op) for op, _ in ops[:2]] == ["BT", "Tr"]  # invisible before any text
            assert all(isinstance(o[0], pikepdf.String) for op, o in ops if op == pikepdf.Operator("Tj"))
        for number in (3, 5):  # no words, no layer
            page = pdf.pages[number - 1]
            assert "/XObject" not in page.get("/Resources", pikepdf.Dictionary())
    page = "Quyết định\nsố (12)\n"
    assert raw_text(out).split("\f")[:5] == [page, page, "", page, ""]


def test_no_words_no_font(tmp_path):
    geometry = Geometry((2500, 3333), 300)
    source = _blank_pdf(tmp_path / "in.pdf", pages=2)
    out = _graft(tmp_path, [TextLayer(1, PageOcr(1, 2500, 3333, 300, ""), geometry)], source)
    with pikepdf.open(out) as pdf:
        assert not any(isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font" for o in pdf.objects)
        with pikepdf.open(source) as before:
            assert pdf.pages[0].obj.Contents.read_bytes() == before.pages[0].obj.Contents.read_bytes()


def test_odd_characters_come_out_as_they_went_in(tmp_path):
    texts = [unicodedata.normalize("NFD", "Việt"), "(a)", "back\\slash", "𝐀𝐁", "😀", "<>&%", "Nam)", "Ủy"]
    words = _line(texts, 100, 50)
    out = _graft(tmp_path, [_layer(words)])
    expected = [unicodedata.normalize("NFC", t) for t in texts]
    assert raw_text(out).split("\f")[0].split() == expected
    assert [t for t, _ in bbox_words(out)] == expected
    with pikepdf.open(out) as pdf:
        form = next(iter(pdf.pages[0].Resources.XObject.values()))
        content = form.read_bytes()
        assert b"(" not in content and b"\\" not in content  # hex strings only
        assert b"<005600691EC70074>" in content  # V i ệ t: ệ composed
        assert b"<D83DDE00>" in form.Resources.Font[invisible.FONT_NAME].ToUnicode.read_bytes()  # 😀


def test_encoding_beyond_the_bmp_and_past_its_codes():
    enc = invisible.Encoding()
    assert enc.encode("Aệ") == "00411EC7"
    many = "".join(chr(0x20000 + i) for i in range(0x800 + 5))  # more than the surrogate range holds
    codes = enc.encode(many)
    assert codes[:8] == "D800D801" and codes[-4:] == "FFFD"
    assert enc.used[0xD800] == "\U00020000" and enc.used[0xFFFD] == "\ufffd"
    assert enc.encode("\ud800") == "FFFD"  # a lone surrogate
    cmap = enc.to_unicode().decode()
    blocks = [int(n) for n in re.findall(r"(\d+) beginbfchar", cmap)]
    assert sum(blocks) == len(enc.used) and max(blocks) <= 100
    assert "<D800> <D840DC00>" in cmap


def test_lines_keep_tesseracts_order(tmp_path):
    """A block tesseract read later but that sits higher on the page stays after: text comes
    out in tesseract's order, as it did from tesseract's own layer."""
    words = _line(["thứ", "nhất"], 900, 50, block=1) + _line(["thứ", "hai"], 300, 50, block=2)
    out = _graft(tmp_path, [_layer(words)])
    assert raw_text(out).split() == ["thứ", "nhất", "thứ", "hai"]


# --- end to end: real tesseract, pages built so that where each word was drawn is known ---

def _drawn_words(dpi: int) -> list[tuple[str, Box]]:
    """Each word of PAGE_LINES as text_page_image draws it: its ink box in points."""
    font = _font(round(12 * dpi / 72))
    out = []
    for i, line in enumerate(PAGE_LINES):
        x0, y = round(0.4 * dpi), round(0.4 * dpi) + i * round(20 * dpi / 72)
        parts = line.split(" ")
        for j, word in enumerate(parts):
            x = x0 + font.getlength(" ".join(parts[:j]) + (" " if j else ""))
            left, top, right, bottom = font.getbbox(word)
            k = 72 / dpi
            out.append((word, ((x + left) * k, (y + top) * k, (x + right) * k, (y + bottom) * k)))
    return out


def _scan(tmp_path: Path, case: str) -> tuple[Path, int, float, int]:
    """An image-only PDF of PAGE_LINES for the case: its path, dpi, skew (degrees
    counter-clockwise) and how far the image is stored turned (counter-clockwise)."""
    dpi = 100 if case == "100dpi" else 300
    img = text_page_image(PAGE_LINES, dpi=dpi, size_in=(5.8, 3.0))
    skew = 2.5 if case == "skewed" else 0.0
    if skew:
        img = img.rotate(skew, expand=False, fillcolor=255)
    stored = {"turned90": 90, "turned180": 180, "turned270": 270, "rotate90+crop": 90}.get(case, 0)
    if stored:
        img = img.rotate(stored, expand=True)  # the scan lies on its side, or upside down
    png, path = tmp_path / f"{case}.png", tmp_path / f"{case}.pdf"
    img.save(png, dpi=(dpi, dpi))
    path.write_bytes(img2pdf.convert([str(png)], layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    if case in ("rotate90+crop", "crop"):
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            page = pdf.pages[0]
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            page.obj.MediaBox = pikepdf.Array([x0 - 40, y0 - 30, x1 + 20, y1 + 50])
            if case == "crop":
                page.obj.CropBox = pikepdf.Array([x0 + 20, y0 + 10, x1 - 10, y1 - 15])
            else:  # /Rotate shows the scan upright
                page.obj.CropBox = pikepdf.Array([x0 + 12, y0 + 5, x1 - 8, y1 - 10])
                page.obj.Rotate = 90
            pdf.save(path)
    return path, dpi, skew, stored


def _shown(point: tuple[float, float], skew: float, stored: int, page: pikepdf.Page,
           size: tuple[float, float] = (5.8 * 72, 3.0 * 72)) -> tuple[float, float]:
    """Where a point of the upright page (points, y down) is shown on the PDF page: skewed
    about the centre, stored turned, drawn at the user space origin (img2pdf), then shown
    through the crop box and /Rotate (clockwise), as pdftotext -cropbox reports it."""
    w, h = size
    t = math.radians(skew)  # counter-clockwise on a y-down page
    dx, dy = point[0] - w / 2, point[1] - h / 2
    x, y = w / 2 + dx * math.cos(t) + dy * math.sin(t), h / 2 - dx * math.sin(t) + dy * math.cos(t)
    for _ in range(stored // 90):  # a quarter turn counter-clockwise, the image growing with it
        x, y, w, h = y, w - x, h, w
    ux, uy = x, h - y  # user space, y up
    box = page.cropbox if "/CropBox" in page.obj else page.mediabox
    x0, y0, x1, y1 = (float(v) for v in box)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    return {0: (ux - x0, y1 - uy), 90: (uy - y0, ux - x0), 180: (x1 - ux, uy - y0),
            270: (y1 - uy, x1 - ux)}[rotate]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["upright", "turned90", "turned180", "turned270", "skewed", "100dpi",
                                  "crop", "rotate90+crop"])
def test_ingested_text_sits_over_the_ink(run, tmp_path, case):
    """pdftotext gives back the OCR's words in the OCR's order, and each word's box lies over
    the ink of the word it transcribes, wherever the scan put it and however the searchable
    PDF shows the page (turned upright, or on its side if tesseract read it so)."""
    source, dpi, skew, stored = _scan(tmp_path, case)
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    out = tmp_path / "out.pdf"
    assert run("get", row["id"], "-o", out).exit_code == 0
    ocr_text = json_lines(run("export", "--format", "jsonl", "--with-text").stdout)[0]["text"][0]
    assert raw_text(out).split() == ocr_text.split()  # the OCR's words, in the OCR's order
    drawn = _drawn_words(dpi)
    once = {t for t, _ in drawn if sum(t == u for u, _ in drawn) == 1}
    found = [(t, box) for t, box in bbox_words(out) if t in once]
    assert len(found) >= 0.8 * len(once), (found, ocr_text)  # most words read exactly
    where = dict(drawn)
    with pikepdf.open(out) as pdf:
        page = pdf.pages[0]
        for text, box in found:
            x0, y0, x1, y1 = where[text]
            corners = [_shown(p, skew, stored, page) for p in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            ex, ey = sum(c[0] for c in corners) / 4, sum(c[1] for c in corners) / 4
            along = (corners[1][0] - corners[0][0], corners[1][1] - corners[0][1])  # the word's length
            ux, uy = along[0] / math.hypot(*along), along[1] / math.hypot(*along)
            dx, dy = (box[0] + box[2]) / 2 - ex, (box[1] + box[3]) / 2 - ey
            # lines are 20 pt apart, words farther than 3 pt
            assert abs(dx * ux + dy * uy) < 3 and abs(-dx * uy + dy * ux) < 5, (case, text, box, (ex, ey))
            length = box[2] - box[0] if abs(ux) > abs(uy) else box[3] - box[1]
            assert length == pytest.approx(math.hypot(*along), abs=3), (case, text, box)


@pytest.mark.slow
def test_blank_page_of_an_ingested_file_gets_no_layer(run, tmp_path):
    from PIL import Image

    pages = [tmp_path / "text.png", tmp_path / "blank.png"]
    text_page_image(PAGE_LINES[:3]).save(pages[0], dpi=(300, 300))
    Image.new("L", (1740, 900), 255).save(pages[1], dpi=(300, 300))
    source = tmp_path / "two.pdf"
    source.write_bytes(img2pdf.convert([str(p) for p in pages],
                                       layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    out = tmp_path / "out.pdf"
    run("get", row["id"], "-o", out)
    with pikepdf.open(out) as pdf:
        names = [[str(n) for n in p.Resources.get("/XObject", {})] for p in pdf.pages]
        assert sum(n.startswith("/OCR") for n in names[0]) == 1
        assert not any(n.startswith("/OCR") for n in names[1])


def test_the_space_between_words_maps_to_a_space():
    from digitize.ocr.invisible import Encoding

    encoding = Encoding()
    encoding.encode("ab")
    cmap = encoding.to_unicode().decode()
    assert "<0020> <0020>" in cmap and "<0061> <0061>" in cmap
