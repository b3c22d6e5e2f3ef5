"""The invisible text of an OCRed page, drawn from its words in a glyphless font.

What tesseract's PDF renderer (and OCRmyPDF's hOCR transform) draws, built in the parent
from the words it already has, so tesseract is not asked for a PDF:
- the font is tesseract's GlyphLessFont (`data/glyphless.ttf`, tesseract's `pdf.ttf`): a
  Type0 font (Identity-H) over a CIDFontType2 whose every CID draws the font's one empty
  glyph, half an em wide (a CIDToGIDMap sending every CID to glyph 1, as tesseract's is),
  and a ToUnicode CMap for the characters the file uses. One font object per file.
- text render mode 3 (invisible); each line of words on one baseline, its font size from
  the line's height, in tesseract's order (block, paragraph, line), so text comes out in
  the order it always did; each word starts at its box's left and is stretched (Tz) to its
  box's width, and a space follows it, stretched to the next word, so that extractors
  separate the words (a word set tight against the next ends a little early, for those
  that go by the gap). A line tesseract read standing on end (a page it read on its side)
  is laid the same way along its column.
- coordinates are points of the OCR copy (its pixels times 72/dpi), y up; `pdf.py` places
  the whole layer over the original page with `placement_matrix`.

A character in the Basic Multilingual Plane is its own code, as in tesseract's layer; one
beyond it gets a code from the surrogate range, which no character has, and the ToUnicode
CMap maps it back (UTF-16, with its surrogate pair).
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import groupby

import pikepdf

from ..records import PageOcr, Word

FONT_NAME = "/GlyphLessFont"  # the font's resource name in each page's layer
_CHAR_WIDTH = 0.5  # every glyph is half an em wide (DW 500; the .null glyph's advance)
# The em a line's text is set in reaches this far above its baseline (the font's Ascent), and
# the rest below (Descent): an extracted word's box then runs from the top of its line to
# about where descenders end, and the font size is near the type's own (tesseract's layer
# had the type's size, which is what pdftotext's layout analysis expects)
_ASCENT = 0.8
_SPACE = "0020"
# Extractors that go by position (poppler's pdftotext) put a space between two words only
# when they are this far apart, as a share of the font size (pdftotext -raw: about 0.15)
_MIN_GAP = 0.2
_FIRST_EXTRA, _LAST_EXTRA = 0xD800, 0xDFFF  # codes for characters beyond the BMP
_REPLACEMENT = 0xFFFD
# Marks and characters that reach below the baseline: a word with none of them, and a letter
# or digit, stands on the baseline. Vietnamese puts its dot below (nặng) on many words.
_BELOW = frozenset("gjpqyQ,;()[]{}|/\\_@$§µ¸")
_BELOW_CLASSES = (202, 220)  # canonical combining classes: attached below, below


@cache
def glyphless_ttf() -> bytes:
    return files("digitize.ocr").joinpath("data", "glyphless.ttf").read_bytes()


@cache
def _cid_to_gid() -> bytes:
    return zlib.compress(b"\x00\x01" * 65536, 9)  # every CID -> glyph 1


@cache
def _cid_set() -> bytes:
    return zlib.compress(b"\xff" * 8192, 9)  # a bit for each of the 65536 CIDs, all set


class Encoding:
    """The character codes of one file's invisible text, and the characters they stand for."""

    def __init__(self) -> None:
        self._hex: dict[str, str] = {" ": _SPACE}
        # code -> the character(s) it stands for; the space drawn between words is always used
        self.used: dict[int, str] = {int(_SPACE, 16): " "}
        self._next_extra = _FIRST_EXTRA

    def encode(self, text: str) -> str:
        """Hex codes (4 digits each) of the text's characters."""
        table = self._hex
        return "".join(table.get(ch) or self._add(ch) for ch in text)

    def _add(self, ch: str) -> str:
        cp = ord(ch)
        if cp < 0x10000 and not _FIRST_EXTRA <= cp <= _LAST_EXTRA:
            code, meaning = cp, ch
        elif cp > 0xFFFF and self._next_extra <= _LAST_EXTRA:
            code, meaning = self._next_extra, ch
            self._next_extra += 1
        else:  # a lone surrogate, or more characters beyond the BMP than there are codes
            code, meaning = _REPLACEMENT, "\ufffd"
        self.used[code] = meaning
        self._hex[ch] = hexcode = f"{code:04X}"
        return hexcode

    def to_unicode(self) -> bytes:
        """The ToUnicode CMap: each code used, to its character (UTF-16BE)."""
        entries = [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper()}>"
                   for code, text in sorted(self.used.items())]
        out = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for i in range(0, len(entries), 100):  # at most 100 entries a block
            chunk = entries[i:i + 100]
            out += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
        out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end", ""]
        return "\n".join(out).encode("ascii")


def add_font(pdf: pikepdf.Pdf, *, cid_set: bool = False) -> pikepdf.Object:
    """The GlyphLessFont as a Type0 font in `pdf`; `set_to_unicode` fills in its ToUnicode.
    With `cid_set` (PDF/A-1, as tesseract writes it), a CIDSet saying every CID is there:
    the CIDToGIDMap draws each with the font's one glyph."""
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.GlyphLessFont,
        Flags=5,  # fixed pitch, symbolic
        FontBBox=[0, -200, 500, 800], ItalicAngle=0, Ascent=800, Descent=-200, CapHeight=800,
        StemV=80, FontFile2=pdf.make_stream(glyphless_ttf(), Length1=len(glyphless_ttf())),
    ))
    if cid_set:
        descriptor.CIDSet = pdf.make_stream(b"")
        descriptor.CIDSet.write(_cid_set(), filter=pikepdf.Name.FlateDecode)
    cid_to_gid = pdf.make_stream(b"")
    cid_to_gid.write(_cid_to_gid(), filter=pikepdf.Name.FlateDecode)
    cid_font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=500,
        CIDToGIDMap=cid_to_gid,
    ))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.GlyphLessFont,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font],
        ToUnicode=pdf.make_stream(b""),
    ))


def set_to_unicode(font: pikepdf.Object, encoding: Encoding) -> None:
    font.ToUnicode.write(encoding.to_unicode())


@dataclass(slots=True)
class PageText:
    content: bytes  # a content stream using the font as FONT_NAME
    size: tuple[float, float]  # the OCR copy in points: the layer's page, y up


def page_text(ocr: PageOcr, encoding: Encoding) -> PageText | None:
    """The page's words as invisible text; None when there are none."""
    words = [w for w in ocr.words if w.text.strip()]
    if not words or ocr.width <= 0 or ocr.height <= 0 or ocr.dpi <= 0:
        return None
    k = 72.0 / ocr.dpi
    size = (ocr.width * k, ocr.height * k)
    lines = [list(group) for _, group in groupby(words, key=lambda w: (w.block, w.par, w.line))]
    ops = ["BT", "3 Tr"]
    for line, turn in zip(lines, _turns(lines), strict=True):
        # a line standing on end is laid out upright in a frame turned with it, then turned back
        framed = [_upright(w, turn, ocr.width, ocr.height) for w in line] if turn else line
        frame_height = ocr.width if turn else ocr.height
        baseline, above = line_metrics(framed)
        fs = max(round(above / _ASCENT * k, 2), 0.01)
        y = (frame_height - baseline) * k
        em = fs * _CHAR_WIDTH  # a glyph's advance at 100 % horizontal scaling
        ops.append(f"{FONT_NAME} {fs:.2f} Tf")
        for i, word in enumerate(framed):
            codes = encoding.encode(unicodedata.normalize("NFC", word.text.strip()))
            width = max(word.width, 1) * k
            if i + 1 < len(framed):  # the space reaches the next word
                gap = (framed[i + 1].left - word.left - word.width) * k
                if gap < _MIN_GAP * fs:  # words set tight: end this one early enough to keep apart
                    width = max(width - (_MIN_GAP * fs - gap), 0.5 * width)
                    gap = (framed[i + 1].left - word.left) * k - width
                gap = max(gap, 0.05 * fs)
            else:
                gap = 0.25 * fs
            ops.append(
                f"{_text_matrix(turn, word.left * k, y, size)} Tm {_tz(width, em * (len(codes) // 4))} Tz "
                f"<{codes}> Tj {_tz(gap, em)} Tz <{_SPACE}> Tj"
            )
    ops.append("ET")
    return PageText("\n".join(ops).encode("ascii"), size)


def _turns(lines: list[list[Word]]) -> list[int]:
    """How far each line's text is turned clockwise on the page: 0, or 90 (it reads down
    the page) or 270 (up the page), as on a page tesseract read on its side. A line of
    several words, most of them taller than wide, goes the way its words follow one
    another; a single word stands on end if it is taller than wide and most words of the
    page's other lines stand on end."""
    turns: list[int | None] = []
    votes = {0: 0, 90: 0, 270: 0}
    for line in lines:
        if len(line) < 2:
            turns.append(None)
            continue
        dx = (line[-1].left + line[-1].width / 2) - (line[0].left + line[0].width / 2)
        dy = (line[-1].top + line[-1].height / 2) - (line[0].top + line[0].height / 2)
        on_end = sum(1 if w.height > w.width else -1 for w in line if len(w.text) >= 2) > 0
        turn = (90 if dy > 0 else 270) if abs(dy) > abs(dx) and on_end else 0
        votes[turn] += len(line)
        turns.append(turn)
    upright = votes[0] >= votes[90] + votes[270]
    standing = 90 if votes[90] >= votes[270] else 270
    return [turn if turn is not None
            else 0 if upright or len(line[0].text) < 2 or line[0].height <= line[0].width else standing
            for line, turn in zip(lines, turns, strict=True)]


def _upright(word: Word, turn: int, width: int, height: int) -> Word:
    """The word's box in the page turned to make its line upright (`turn` undone)."""
    if turn == 90:  # turned back counter-clockwise: (x, y) -> (y, width - x)
        left, top = word.top, width - word.left - word.width
    else:  # 270, turned back clockwise: (x, y) -> (height - y, x)
        left, top = height - word.top - word.height, word.left
    return Word(word.text, left, top, word.height, word.width, word.conf, word.block, word.par, word.line)


def _text_matrix(turn: int, x: float, y: float, size: tuple[float, float]) -> str:
    """Tm for text at (x, y) of the upright frame (points, y up), on the page (points, y up)."""
    if turn == 90:  # frame (x, y) -> page (y, height - x)
        return f"0 -1 1 0 {y:.2f} {size[1] - x:.2f}"
    if turn == 270:  # frame (x, y) -> page (width - y, x)
        return f"0 1 -1 0 {size[0] - y:.2f} {x:.2f}"
    return f"1 0 0 1 {x:.2f} {y:.2f}"


def _tz(width: float, natural: float) -> str:
    return f"{max(100.0 * width / natural, 0.01):.2f}"


def line_metrics(line: list[Word]) -> tuple[float, float]:
    """Baseline (px from the top) of a line of words, and how far its words reach above it.

    TSV has no baselines. The line stands on the bottom of its words that have no
    descenders (the median of them); with none, a fifth of the usual word height above
    the words' bottom. Its text reaches from there to the top of the line's words. Boxes
    more than twice as tall as the line's usual word (a word run into a stamp or a rule)
    are left out of both.
    """
    heights = sorted(w.height for w in line)
    usual_height = heights[len(heights) // 2]
    usual = [w for w in line if w.height <= 2 * usual_height] or line
    on_baseline = sorted(w.top + w.height for w in usual if _stands_on_baseline(w.text))
    if on_baseline:
        baseline = float(on_baseline[len(on_baseline) // 2])
    else:
        bottoms = sorted(w.top + w.height for w in usual)
        baseline = bottoms[len(bottoms) // 2] - 0.2 * usual_height
    top = min(w.top for w in usual)
    return baseline, max(baseline - top, 0.5 * usual_height, 1.0)


def _stands_on_baseline(text: str) -> bool:
    letters = False
    for ch in unicodedata.normalize("NFD", text):
        if ch in _BELOW or unicodedata.combining(ch) in _BELOW_CLASSES:
            return False
        letters = letters or ch.isalnum()
    return letters
