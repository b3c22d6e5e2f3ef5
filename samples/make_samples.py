#!/usr/bin/env python3
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

Usage::

    python samples/make_samples.py --out DIR [--count N] [--seed S]
                                   [--profile demo|bench|test|mixed]

Importable (put ``samples/`` on ``sys.path``, then ``import make_samples``)::

    spec = make_document(random.Random(7), pages=1, dpi=200)
    images = render_pages(spec)             # upright, undegraded page images
    scans = [degrade(im, spec.tags, rng) for im in images]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import img2pdf
import numpy as np
import pikepdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

# --------------------------------------------------------------------------- geometry

PT_PER_INCH = 72.0
A4_PT = (595.276, 841.89)  # 210 x 297 mm
MM = 72.0 / 25.4

ALL_TAGS = ("skew", "noise", "blur", "rot90", "rot180", "rot270", "lowdpi", "jpeg", "bilevel")
ROTATIONS = {"rot90": 90, "rot180": 180, "rot270": 270}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_fold(text: str) -> str:
    """'Quyết định Đ' -> 'Quyet dinh D' (for file names)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------------------- fonts

FONT_FILES = {
    "R": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
FC_STYLES = {"R": "Regular", "B": "Bold", "I": "Italic", "BI": "Bold Italic"}
FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/liberation2",
    "/usr/share/fonts/truetype/liberation",
)


@cache
def font_path(style: str) -> str:
    """Path of Liberation Serif (2.x, with Vietnamese glyphs) in ``style`` (R/B/I/BI)."""
    for folder in FONT_DIRS:
        candidate = Path(folder) / FONT_FILES[style]
        if candidate.exists() and _has_vietnamese(str(candidate)):
            return str(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Liberation Serif:style={FC_STYLES[style]}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if out and Path(out).exists() and _has_vietnamese(out):
            return out
    raise SystemExit(
        "Liberation Serif 2.x with Vietnamese glyphs not found: apt-get install fonts-liberation2"
    )


def _has_vietnamese(path: str) -> bool:
    f = ImageFont.truetype(path, 40)
    missing = f.getmask("\uffff").getbbox()
    return all(f.getmask(c).getbbox() != missing for c in "ỹỮđẶ")


@cache
def font(style: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(style), round(px * 4) / 4)


_REF_PX = 200.0


@cache
def _ref_width(word: str, style: str) -> float:
    return font(style, _REF_PX).getlength(word) / _REF_PX


def text_width(word: str, style: str, size: float) -> float:
    """Advance width of ``word`` in points at ``size`` pt (unhinted reference metrics)."""
    return _ref_width(word, style) * size


# --------------------------------------------------------------------------- layout model

Token = tuple[str, str]  # (word, style)


def toks(text: str, style: str = "R") -> list[Token]:
    return [(w, style) for w in nfc(text).split()]


@dataclass
class TextLine:
    """One laid-out line; x/width give its box, y its baseline, all in points."""

    tokens: list[Token]
    size: float
    x: float
    width: float
    y: float
    align: str = "left"  # left | center | right | justify
    boxed: bool = False
    gap: float = 1.0  # multiple of the normal space between words (non-justified lines)

    @property
    def text(self) -> str:
        return " ".join(w for w, _ in self.tokens)


@dataclass
class Rule:
    x0: float
    x1: float
    y: float
    weight: float = 0.7


@dataclass
class PageLayout:
    lines: list[TextLine] = field(default_factory=list)  # in reading order
    rules: list[Rule] = field(default_factory=list)
    scribbles: list[list[tuple[float, float]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Para:
    """A block of running text to be wrapped."""

    tokens: list[Token]
    size: float
    align: str = "justify"
    indent: float = 0.0  # first line
    hang: float = 0.0  # following lines
    before: float = 0.0
    after: float = 0.0
    max_width: float | None = None
    keep_with_next: bool = False


def wrap(
    tokens: Sequence[Token], size: float, width: float, first_indent: float = 0.0, hang: float = 0.0
) -> list[list[Token]]:
    """Greedy word wrap; returns lines of tokens."""
    lines: list[list[Token]] = []
    cur: list[Token] = []
    cur_w = 0.0
    for tok in tokens:
        w = text_width(tok[0], tok[1], size)
        space = text_width(" ", "R", size)
        avail = width - (first_indent if not lines else hang)
        if cur and cur_w + space + w > avail:
            lines.append(cur)
            cur, cur_w = [tok], w
        else:
            cur_w = cur_w + space + w if cur else w
            cur.append(tok)
    if cur:
        lines.append(cur)
    return lines


def wrap_balanced(tokens: Sequence[Token], size: float, width: float) -> list[list[Token]]:
    """Wrap into as few lines as greedy wrapping, but with lines of similar length."""
    n = len(wrap(tokens, size, width))
    lo, hi = width * 0.4, width
    for _ in range(12):
        mid = (lo + hi) / 2
        if len(wrap(tokens, size, mid)) > n:
            lo = mid
        else:
            hi = mid
    return wrap(tokens, size, hi)


# --------------------------------------------------------------------------- vocabulary

TYPES: dict[str, tuple[str, str]] = {
    "Quyết định": ("QĐ", "QUYẾT ĐỊNH"),
    "Kế hoạch": ("KH", "KẾ HOẠCH"),
    "Báo cáo": ("BC", "BÁO CÁO"),
    "Thông báo": ("TB", "THÔNG BÁO"),
    "Tờ trình": ("TTr", "TỜ TRÌNH"),
    "Chỉ thị": ("CT", "CHỈ THỊ"),
    "Nghị quyết": ("NQ", "NGHỊ QUYẾT"),
    "Hướng dẫn": ("HD", "HƯỚNG DẪN"),
    "Chương trình": ("CTr", "CHƯƠNG TRÌNH"),
    "Nghị định": ("NĐ", "NGHỊ ĐỊNH"),
    "Thông tư": ("TT", "THÔNG TƯ"),
    "Công văn": ("", ""),
}
TYPE_WEIGHTS = {
    "Công văn": 24,
    "Quyết định": 20,
    "Kế hoạch": 12,
    "Báo cáo": 10,
    "Thông báo": 8,
    "Tờ trình": 6,
    "Chỉ thị": 5,
    "Nghị quyết": 5,
    "Hướng dẫn": 5,
    "Chương trình": 2,
    "Nghị định": 2,
    "Thông tư": 2,
}

# (name, "TỈNH"/"THÀNH PHỐ", districts as (unit, name))
PROVINCES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Quảng Ngãi",
        "tỉnh",
        [("huyện", "Mộ Đức"), ("huyện", "Bình Sơn"), ("huyện", "Tư Nghĩa"), ("huyện", "Nghĩa Hành")],
    ),
    (
        "Ninh Bình",
        "tỉnh",
        [("huyện", "Gia Viễn"), ("huyện", "Yên Khánh"), ("huyện", "Kim Sơn"), ("huyện", "Nho Quan")],
    ),
    (
        "Đà Nẵng",
        "thành phố",
        [("huyện", "Hòa Vang"), ("quận", "Liên Chiểu"), ("quận", "Sơn Trà"), ("quận", "Cẩm Lệ")],
    ),
    (
        "Nghệ An",
        "tỉnh",
        [("huyện", "Diễn Châu"), ("huyện", "Quỳnh Lưu"), ("huyện", "Nghi Lộc"), ("huyện", "Đô Lương")],
    ),
    (
        "Thanh Hóa",
        "tỉnh",
        [("huyện", "Thọ Xuân"), ("huyện", "Hoằng Hóa"), ("huyện", "Quảng Xương"), ("huyện", "Nga Sơn")],
    ),
    ("Bình Định", "tỉnh", [("huyện", "Phù Cát"), ("huyện", "Tuy Phước"), ("huyện", "Phù Mỹ")]),
    ("Lâm Đồng", "tỉnh", [("huyện", "Đức Trọng"), ("huyện", "Di Linh"), ("huyện", "Lâm Hà")]),
    ("Hà Tĩnh", "tỉnh", [("huyện", "Cẩm Xuyên"), ("huyện", "Đức Thọ"), ("huyện", "Hương Sơn")]),
    ("Cần Thơ", "thành phố", [("huyện", "Phong Điền"), ("huyện", "Cờ Đỏ"), ("huyện", "Thới Lai")]),
    ("Quảng Trị", "tỉnh", [("huyện", "Hải Lăng"), ("huyện", "Triệu Phong"), ("huyện", "Gio Linh")]),
    ("Hà Nội", "thành phố", [("huyện", "Gia Lâm"), ("huyện", "Đông Anh"), ("huyện", "Sóc Sơn")]),
    ("Khánh Hòa", "tỉnh", [("huyện", "Diên Khánh"), ("huyện", "Cam Lâm"), ("huyện", "Vạn Ninh")]),
    ("An Giang", "tỉnh", [("huyện", "Chợ Mới"), ("huyện", "Châu Phú"), ("huyện", "Thoại Sơn")]),
    ("Hải Dương", "tỉnh", [("huyện", "Gia Lộc"), ("huyện", "Thanh Miện"), ("huyện", "Nam Sách")]),
    ("Đắk Lắk", "tỉnh", [("huyện", "Krông Pắc"), ("huyện", "Ea Kar"), ("huyện", "Krông Năng")]),
]

# (name, code, công văn units)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("Sở Giáo dục và Đào tạo", "SGDĐT", ["GDTrH", "GDTH", "KHTC", "VP", "CTrTT"]),
    ("Sở Tài nguyên và Môi trường", "STNMT", ["QLĐĐ", "MT", "VP", "TNN"]),
    ("Sở Nội vụ", "SNV", ["TCBC", "XDCQ", "VP", "CCVC"]),
    ("Sở Y tế", "SYT", ["NVY", "KHTC", "VP", "NVD"]),
    ("Sở Tài chính", "STC", ["QLNS", "TCDN", "VP", "QLGCS"]),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT", ["ĐKKD", "TH", "VP"]),
    ("Sở Xây dựng", "SXD", ["QLXD", "HTKT", "VP"]),
    ("Sở Thông tin và Truyền thông", "STTTT", ["BCVT", "CNTT", "VP"]),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT", ["KH", "TTBVTV", "VP"]),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", ["LĐVL", "BTXH", "VP"]),
]
MINISTRIES: list[tuple[str, str, list[str]]] = [
    ("Bộ Nội vụ", "BNV", ["VTLTNN", "TCBC", "VP"]),
    ("Bộ Tài chính", "BTC", ["NSNN", "HCSN", "VP"]),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT", ["GDTrH", "GDĐH", "VP"]),
    ("Bộ Y tế", "BYT", ["KCB", "DP", "VP"]),
    ("Bộ Tài nguyên và Môi trường", "BTNMT", ["TNN", "ĐĐ", "VP"]),
]
DISTRICT_OFFICES = [
    ("Phòng Giáo dục và Đào tạo", "PGDĐT"),
    ("Phòng Tài nguyên và Môi trường", "PTNMT"),
    ("Phòng Nội vụ", "PNV"),
    ("Phòng Tài chính - Kế hoạch", "PTCKH"),
]

TOPICS = [
    "cải cách thủ tục hành chính",
    "chuyển đổi số",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "bảo đảm trật tự, an toàn giao thông",
    "phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "quản lý, sử dụng đất đai",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "bảo vệ môi trường",
    "văn thư, lưu trữ",
    "số hóa tài liệu lưu trữ",
    "thu, chi ngân sách nhà nước",
    "phòng, chống tham nhũng, tiêu cực",
    "tiếp công dân, giải quyết khiếu nại, tố cáo",
    "bảo đảm an toàn thực phẩm",
    "phổ biến, giáo dục pháp luật",
    "thực hành tiết kiệm, chống lãng phí",
    "quản lý chất lượng công trình xây dựng",
    "tuyển sinh vào lớp 10",
    "phát triển du lịch",
    "chăm sóc sức khỏe ban đầu cho nhân dân",
    "bảo hiểm xã hội, bảo hiểm y tế",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "phòng, chống dịch bệnh",
]
FIELDS = [
    "đất đai",
    "môi trường",
    "giáo dục và đào tạo",
    "y tế",
    "tài chính",
    "xây dựng",
    "nội vụ",
    "văn hóa",
    "lao động",
    "giao thông vận tải",
]

GENERIC = [
    "Tăng cường công tác kiểm tra, giám sát việc thực hiện; kịp thời phát hiện, chấn chỉnh "
    "những tồn tại, hạn chế trong quá trình triển khai.",
    "Nâng cao vai trò, trách nhiệm của người đứng đầu cơ quan, đơn vị trong việc lãnh đạo, "
    "chỉ đạo, tổ chức thực hiện nhiệm vụ được giao.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan nhà "
    "nước, bảo đảm công khai, minh bạch.",
    "Bố trí đủ nguồn lực, kinh phí để thực hiện các nhiệm vụ theo kế hoạch đã đề ra.",
    "Thường xuyên rà soát, cập nhật, bổ sung các văn bản có liên quan, bảo đảm phù hợp với "
    "tình hình thực tế của địa phương.",
    "Đẩy mạnh công tác thông tin, tuyên truyền để cán bộ, công chức, viên chức và nhân dân "
    "hiểu rõ, đồng thuận và tích cực tham gia thực hiện.",
    "Phân công cụ thể nhiệm vụ cho từng cơ quan, đơn vị, cá nhân; xác định rõ thời hạn hoàn "
    "thành và sản phẩm đầu ra.",
    "Kịp thời tổng hợp những khó khăn, vướng mắc phát sinh, đề xuất cấp có thẩm quyền xem "
    "xét, giải quyết theo quy định.",
    "Thực hiện nghiêm chế độ thông tin, báo cáo định kỳ và đột xuất theo yêu cầu của cơ quan cấp trên.",
    "Việc triển khai thực hiện phải bảo đảm thiết thực, hiệu quả, tiết kiệm, tránh hình thức, lãng phí.",
    "Tiếp tục rà soát, đơn giản hóa thủ tục hành chính, cắt giảm thời gian giải quyết hồ sơ "
    "cho người dân và doanh nghiệp.",
    "Chú trọng công tác đào tạo, bồi dưỡng nâng cao trình độ chuyên môn, nghiệp vụ cho đội "
    "ngũ cán bộ, công chức làm công tác chuyên môn.",
    "Tổ chức sơ kết, đánh giá kết quả thực hiện, rút ra bài học kinh nghiệm và đề xuất giải "
    "pháp trong thời gian tới.",
    "Phối hợp chặt chẽ giữa các cấp, các ngành trong quá trình tổ chức thực hiện, bảo đảm "
    "thống nhất, đồng bộ.",
    "Tập trung chỉ đạo giải quyết dứt điểm các hồ sơ tồn đọng, không để phát sinh khiếu nại, "
    "kiến nghị kéo dài.",
    "Tăng cường kỷ luật, kỷ cương hành chính; nâng cao tinh thần trách nhiệm của cán bộ, "
    "công chức trong thực thi công vụ.",
    "Công khai đầy đủ, kịp thời các thông tin có liên quan trên Cổng thông tin điện tử của "
    "cơ quan, đơn vị theo quy định.",
]

# Laws quoted in "Căn cứ" lines: (text, date) -- only quoted when older than the document.
LAWS = [
    ("Luật Tổ chức chính quyền địa phương", dt.date(2015, 6, 19)),
    (
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
        dt.date(2019, 11, 22),
    ),
    ("Luật Ngân sách nhà nước", dt.date(2015, 6, 25)),
    ("Luật Lưu trữ", dt.date(2011, 11, 11)),
    ("Luật Đất đai", dt.date(2013, 11, 29)),
    ("Luật Ban hành văn bản quy phạm pháp luật", dt.date(2015, 6, 22)),
    ("Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân", dt.date(2003, 11, 26)),
    ("Luật Bảo vệ môi trường", dt.date(2020, 11, 17)),
    ("Luật Giáo dục", dt.date(2019, 6, 14)),
    ("Luật Phòng, chống thiên tai", dt.date(2013, 6, 19)),
]
DECREES = [
    ("Nghị định số 30/2020/NĐ-CP", dt.date(2020, 3, 5), "về công tác văn thư"),
    (
        "Nghị định số 61/2018/NĐ-CP",
        dt.date(2018, 4, 23),
        "về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
    ),
    (
        "Nghị định số 107/2021/NĐ-CP",
        dt.date(2021, 8, 6),
        "sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP",
    ),
    (
        "Nghị định số 163/2016/NĐ-CP",
        dt.date(2016, 12, 21),
        "quy định chi tiết thi hành một số điều của Luật Ngân sách nhà nước",
    ),
    ("Nghị định số 110/2004/NĐ-CP", dt.date(2004, 4, 8), "về công tác văn thư"),
    ("Nghị định số 63/2010/NĐ-CP", dt.date(2010, 6, 8), "về kiểm soát thủ tục hành chính"),
    (
        "Nghị định số 45/2020/NĐ-CP",
        dt.date(2020, 4, 8),
        "về thực hiện thủ tục hành chính trên môi trường điện tử",
    ),
]

SURNAMES = [
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trương", 1),
    ("Lương", 1),
    ("Phùng", 1),
]
MIDDLE_M = [
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quốc",
    "Thanh",
    "Ngọc",
    "Xuân",
    "Hoàng",
    "Công",
    "Đình",
    "Phước",
    "Tấn",
    "Trọng",
    "Quang",
    "Anh",
]
MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Kim", "Minh", "Thị Thu", "Thị Minh"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Hiền",
    "Long",
    "Hải",
    "Việt",
    "Nam",
    "Sơn",
    "Bình",
    "Khánh",
    "Phúc",
    "Thắng",
    "Cường",
    "Trung",
    "Hiếu",
    "Nghĩa",
    "Toàn",
    "Tâm",
    "Đạt",
    "Lộc",
    "Thành",
    "Quân",
    "Vinh",
    "Huy",
    "Tùng",
    "Hưng",
    "Lâm",
    "Kiên",
    "Phong",
]
GIVEN_F = [
    "Hương",
    "Lan",
    "Hà",
    "Thảo",
    "Nhung",
    "Yến",
    "Phượng",
    "Hằng",
    "Hạnh",
    "Mai",
    "Hoa",
    "Huyền",
    "Trang",
    "Linh",
    "Ngân",
    "Oanh",
    "Thủy",
    "Vân",
    "Loan",
    "Dung",
]


def person_name(rng: random.Random) -> str:
    surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
    if rng.random() < 0.3:
        middle, given = rng.choice(MIDDLE_F), rng.choice(GIVEN_F)
    else:
        middle, given = rng.choice(MIDDLE_M), rng.choice(GIVEN_M)
    if rng.random() < 0.1:  # double surname, "Trần Nguyễn Minh Thành"
        middle = rng.choice([s for s, _ in SURNAMES if s != surname]) + " " + middle
    return nfc(f"{surname} {middle} {given}")


def upper(text: str) -> str:
    return nfc(text.upper())


# --------------------------------------------------------------------------- agencies


@dataclass
class Agency:
    kind: str
    issuer_lines: list[str]  # printed lines of the issuing agency (bold caps)
    parent: str | None
    code: str  # the agency part of the symbol
    units: list[str]  # công văn units
    place: str
    name: str  # in running text
    short: str  # short form in running text
    head: str  # title of the head (caps)
    deputy: str
    head_text: str  # "Chủ tịch UBND tỉnh"
    scope: str  # "trên địa bàn tỉnh Quảng Ngãi"
    types: list[str]
    collective: str | None = None  # "ỦY BAN NHÂN DÂN" for "TM. ..."
    office: str | None = None  # "CHÁNH VĂN PHÒNG"
    authority: str = ""  # line above "Căn cứ" in a Quyết định
    superior: str = "Ủy ban nhân dân tỉnh"
    city: bool = False  # a centrally-run city: "thành phố" where a province says "tỉnh"
    lower: str = "các cơ quan, đơn vị trực thuộc"


def make_agency(rng: random.Random, doc_type: str, year: int) -> Agency:
    pkind, ag = _make_agency(rng, doc_type, year)
    ag.city = pkind == "thành phố" and ag.kind in ("ubnd_tinh", "ubnd_huyen", "hdnd", "so", "phong")
    return ag


def _make_agency(rng: random.Random, doc_type: str, year: int) -> tuple[str, Agency]:
    province, pkind, districts = rng.choice(PROVINCES)
    pk_caps = upper(pkind)
    p_caps = upper(province)
    ubnd = "UỶ BAN NHÂN DÂN" if year < 2021 and rng.random() < 0.25 else "ỦY BAN NHÂN DÂN"
    scope_p = f"trên địa bàn {pkind} {province}"
    kinds = {
        "ubnd_tinh": (
            35,
            [
                "Quyết định",
                "Kế hoạch",
                "Báo cáo",
                "Thông báo",
                "Tờ trình",
                "Chỉ thị",
                "Công văn",
                "Chương trình",
            ],
        ),
        "so": (25, ["Quyết định", "Kế hoạch", "Báo cáo", "Thông báo", "Tờ trình", "Hướng dẫn", "Công văn"]),
        "ubnd_huyen": (
            15,
            ["Quyết định", "Kế hoạch", "Báo cáo", "Thông báo", "Tờ trình", "Công văn", "Chỉ thị"],
        ),
        "hdnd": (6, ["Nghị quyết", "Báo cáo", "Thông báo", "Chương trình", "Kế hoạch", "Công văn"]),
        "phong": (5, ["Kế hoạch", "Báo cáo", "Hướng dẫn", "Thông báo", "Công văn"]),
        "bo": (8, ["Quyết định", "Thông tư", "Kế hoạch", "Hướng dẫn", "Báo cáo", "Thông báo", "Công văn"]),
        "chinhphu": (3, ["Nghị định", "Nghị quyết"]),
        "ttg": (4, ["Quyết định", "Chỉ thị", "Công văn"]),
    }
    names = [k for k, (_, types) in kinds.items() if doc_type in types]
    kind = rng.choices(names, [kinds[k][0] for k in names])[0]
    types = kinds[kind][1]
    if kind == "ubnd_tinh":
        return pkind, Agency(
            kind,
            [ubnd, f"{pk_caps} {p_caps}"],
            None,
            "UBND",
            ["KGVX", "KTTH", "NC", "TH", "TTHC", "NNTN", "CNXD", "VX"],
            province,
            f"Ủy ban nhân dân {pkind} {province}",
            f"UBND {pkind}",
            "CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            f"Chủ tịch UBND {pkind}",
            scope_p,
            types,
            ubnd,
            "CHÁNH VĂN PHÒNG",
            upper(f"{ubnd} {pkind} {province}")
            if rng.random() < 0.5
            else upper(f"chủ tịch {ubnd} {pkind} {province}"),
            superior="Thủ tướng Chính phủ",
            lower="các sở, ban, ngành tỉnh",
        )
    if kind == "ubnd_huyen":
        unit, district = rng.choice(districts)
        return pkind, Agency(
            kind,
            [ubnd, upper(f"{unit} {district}")],
            None,
            "UBND",
            ["VP", "TNMT", "TCKH", "NV", "VHTT"],
            district,
            f"Ủy ban nhân dân {unit} {district}",
            f"UBND {unit}",
            "CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            f"Chủ tịch UBND {unit}",
            f"trên địa bàn {unit} {district}",
            types,
            ubnd,
            "CHÁNH VĂN PHÒNG",
            upper(f"chủ tịch {ubnd} {unit} {district}"),
            superior=f"UBND {pkind}",
            lower="các xã, thị trấn",
        )
    if kind == "hdnd":
        return pkind, Agency(
            kind,
            ["HỘI ĐỒNG NHÂN DÂN", f"{pk_caps} {p_caps}"],
            None,
            "HĐND",
            ["VP", "KTNS", "VHXH"],
            province,
            f"Hội đồng nhân dân {pkind} {province}",
            f"HĐND {pkind}",
            "CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            f"Thường trực HĐND {pkind}",
            scope_p,
            types,
            "THƯỜNG TRỰC HĐND",
            None,
            upper(f"hội đồng nhân dân {pkind} {province}"),
            superior="Ủy ban Thường vụ Quốc hội",
            lower="các Ban của HĐND tỉnh",
        )
    if kind == "so":
        name, code, units = rng.choice(DEPARTMENTS)
        parent = f"{ubnd} {pk_caps} {p_caps}"
        if rng.random() < 0.7 or text_width(parent, "R", 13) > 185:
            parent = f"UBND {pk_caps} {p_caps}"
        return pkind, Agency(
            kind,
            [upper(name)],
            parent,
            code,
            units,
            province,
            name,
            name,
            "GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            f"Giám đốc {name}",
            scope_p,
            types,
            None,
            "CHÁNH VĂN PHÒNG",
            upper(f"giám đốc {name}"),
            lower="các phòng, đơn vị trực thuộc Sở",
        )
    if kind == "phong":
        unit, district = rng.choice(districts)
        name, code = rng.choice(DISTRICT_OFFICES)
        return pkind, Agency(
            kind,
            [upper(name)],
            upper(f"UBND {unit} {district}"),
            code,
            [],
            district,
            name,
            name,
            "TRƯỞNG PHÒNG",
            "PHÓ TRƯỞNG PHÒNG",
            f"Trưởng {name}",
            f"trên địa bàn {unit} {district}",
            types,
            None,
            None,
            upper(f"trưởng {name}"),
            superior=f"UBND {unit}",
            lower="các trường học, đơn vị trực thuộc",
        )
    if kind == "bo":
        name, code, units = rng.choice(MINISTRIES)
        return pkind, Agency(
            kind,
            [upper(name)],
            None,
            code,
            units,
            "Hà Nội",
            name,
            name,
            "BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            f"Bộ trưởng {name}",
            "trên phạm vi toàn quốc",
            types,
            None,
            "CHÁNH VĂN PHÒNG",
            upper(f"bộ trưởng {name}"),
            superior="Chính phủ",
            lower="các Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương",
        )
    if kind == "chinhphu":
        return pkind, Agency(
            kind,
            ["CHÍNH PHỦ"],
            None,
            "CP",
            [],
            "Hà Nội",
            "Chính phủ",
            "Chính phủ",
            "THỦ TƯỚNG",
            "PHÓ THỦ TƯỚNG",
            "Thủ tướng Chính phủ",
            "trên phạm vi cả nước",
            types,
            "CHÍNH PHỦ",
            None,
            "CHÍNH PHỦ",
            superior="Quốc hội",
            lower="các bộ, cơ quan ngang bộ",
        )
    return pkind, Agency(  # ttg
        kind,
        ["THỦ TƯỚNG CHÍNH PHỦ"],
        None,
        "TTg",
        ["KGVX", "CN", "NN", "QHĐP"],
        "Hà Nội",
        "Thủ tướng Chính phủ",
        "Thủ tướng Chính phủ",
        "THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
        "Thủ tướng Chính phủ",
        "trên phạm vi cả nước",
        types,
        None,
        None,
        "THỦ TƯỚNG CHÍNH PHỦ",
        superior="Chính phủ",
        lower="các bộ, ngành, địa phương",
    )


def signer_block(rng: random.Random, ag: Agency, doc_type: str, year: int) -> list[str]:
    """Title lines above the signature, as printed."""
    tm, kt, tl = ("T/M", "K/T", "T/L") if year < 2011 and rng.random() < 0.5 else ("TM.", "KT.", "TL.")
    opts: list[list[str]] = []
    if ag.kind in ("ubnd_tinh", "ubnd_huyen"):
        if doc_type == "Công văn":
            opts = [
                [f"{kt} {ag.head}", ag.deputy],
                [ag.head],
                [f"{tl} {ag.head}", ag.office or ""],
                [f"{tl} {ag.head}", f"{kt} {ag.office}", "PHÓ CHÁNH VĂN PHÒNG"],
            ]
        elif doc_type == "Thông báo":
            opts = [
                [f"{tl} {ag.head}", f"{kt} {ag.office}", "PHÓ CHÁNH VĂN PHÒNG"],
                [f"{tl} {ag.head}", ag.office or ""],
                [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy],
            ]
        else:
            opts = [
                [f"{tm} {ag.collective}", ag.head],
                [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy],
                [f"{kt} {ag.head}", ag.deputy],
                [ag.head],
            ]
    elif ag.kind == "hdnd":
        opts = (
            [[ag.head]]
            if doc_type == "Nghị quyết"
            else [[f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy], [f"{tm} {ag.collective}", ag.head]]
        )
    elif ag.kind == "so":
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy], [ag.head], [f"{kt} {ag.head}", ag.deputy]]
        if doc_type == "Công văn":
            opts.append([f"{tl} {ag.head}", "CHÁNH VĂN PHÒNG"])
        if rng.random() < 0.1:
            opts = [[f"Q. {ag.head}"]]
    elif ag.kind == "phong":
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy]]
    elif ag.kind == "bo":
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy]]
        if doc_type == "Công văn":
            opts += [[f"{tl} {ag.head}", "CHÁNH VĂN PHÒNG"], [f"TUQ. {ag.head}", "CHÁNH VĂN PHÒNG"]]
    elif ag.kind == "chinhphu":
        opts = [[f"{tm} {ag.collective}", ag.head], [f"{tm} {ag.collective}", f"{kt} {ag.head}", ag.deputy]]
    else:
        opts = [[ag.head], [f"{kt} {ag.head}", ag.deputy]]
    return [nfc(x) for x in rng.choice(opts)]


# --------------------------------------------------------------------------- dates & numbers


def fmt_date_line(d: dt.date, zeros: bool) -> str:
    day = f"{d.day:02d}" if zeros else str(d.day)
    month = f"{d.month:02d}" if zeros and d.month <= 2 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def fmt_date_short(rng: random.Random, d: dt.date) -> str:
    if rng.random() < 0.5:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day}/{d.month}/{d.year}"


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def fmt_pct(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def earlier(rng: random.Random, d: dt.date, lo: int = 10, hi: int = 500) -> dt.date:
    return d - dt.timedelta(days=rng.randint(lo, hi))


def later(rng: random.Random, d: dt.date, lo: int = 10, hi: int = 90) -> dt.date:
    return d + dt.timedelta(days=rng.randint(lo, hi))


# --------------------------------------------------------------------------- the document


@dataclass
class DocSpec:
    """One synthetic document: its truth, its content, its layout and how it is scanned."""

    index: int
    doc_type: str
    type_code: str
    number: str
    symbol: str
    number_symbol: str
    number_printed: str  # "Số: 87/QĐ-UBND" as printed
    issued: dt.date
    date_line: str  # "Quảng Ngãi, ngày 05 tháng 02 năm 2025"
    place: str
    agency: Agency
    issuer: str
    parent_issuer: str | None
    abstract: str
    urgency: str | None
    signer: str
    signer_title_lines: list[str]
    recipients: list[str]  # Nơi nhận
    kinh_gui: list[str]
    dpi: int = 300
    tags: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    file_kind: str = "pdf"  # pdf | jpg | png | tiff
    color: str = "gray"  # gray | rgb
    seed: int = 0  # for the pixel-level randomness (noise)
    pages: list[PageLayout] = field(default_factory=list)
    style: dict[str, float] = field(default_factory=dict)

    @property
    def signer_title(self) -> str:
        return " ".join(self.signer_title_lines)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def page_text(self) -> list[str]:
        return [p.text for p in self.pages]

    @property
    def file_name(self) -> str:
        sym = ascii_fold(self.number_symbol).replace("/", "-")
        tags = "-".join(t for t in self.tags if t != "lowdpi") or "clean"
        ext = {"jpg": "jpg", "png": "png", "tiff": "tif", "pdf": "pdf"}[self.file_kind]
        return f"syn{self.index:03d}_{sym}_{self.issued.year}_{tags}_{self.dpi}dpi.{ext}"

    def truth(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "pages": self.page_count,
            "kind": "scan",
            "dpi": self.dpi,
            "handwritten_number": False,
            "number_symbol": self.number_symbol,
            "number": self.number,
            "symbol": self.symbol,
            "doc_type": self.doc_type,
            "issued_date": self.issued.isoformat(),
            "place": self.place,
            "issuer": self.issuer,
            "parent_issuer": self.parent_issuer,
            "abstract": self.abstract,
            "signer": self.signer,
            "signer_title": self.signer_title,
            "urgency": self.urgency,
            "verified": True,
            "notes": "synthetic (samples/make_samples.py)",
            "degradation": list(self.tags),
            "degradation_params": self.params,
            "page_text": self.page_text,
        }


class Ctx:
    """What the body text generators need to know about the document."""

    def __init__(self, rng: random.Random, ag: Agency, issued: dt.date, topic: str, doc_type: str):
        self.rng, self.ag, self.issued, self.topic, self.doc_type = rng, ag, issued, topic, doc_type
        self.year = issued.year
        self.used: set[str] = set()

    def ref(self) -> str:
        """A reference to an earlier document, with its (non-issue) date."""
        rng = self.rng
        d = earlier(rng, self.issued, 15, 700)
        n = rng.randint(1, 2400)
        when = fmt_date_short(rng, d) if rng.random() < 0.6 else fmt_date_line(d, d.year >= 2020)
        if when[0].isdigit():
            when = "ngày " + when
        kinds = [
            (f"Công văn số {n}/{self.ag.code}-{rng.choice(self.ag.units or ['VP'])}", self.ag.short),
            (f"Quyết định số {n}/QĐ-UBND", "UBND tỉnh"),
            (f"Nghị quyết số {n % 150 + 1}/NQ-HĐND", "Hội đồng nhân dân tỉnh"),
            (f"Chỉ thị số {n % 40 + 1:02d}/CT-TTg", "Thủ tướng Chính phủ"),
            (f"Kế hoạch số {n}/KH-UBND", "UBND tỉnh"),
            (f"Công văn số {n}/BNV-VP", "Bộ Nội vụ"),
        ]
        what, who = rng.choice(kinds)
        return f"{what} {when} của {who}"

    def dept(self) -> str:
        return self.rng.choice([d[0] for d in DEPARTMENTS] + ["Công an tỉnh", "Văn phòng UBND tỉnh"])

    def dept_head(self) -> str:
        d = self.dept()
        if d.startswith("Văn phòng"):
            return "Chánh " + d
        return "Giám đốc " + d

    def deadline(self) -> str:
        return "ngày " + fmt_date_short(self.rng, later(self.rng, self.issued, 7, 120))

    def sentence(self) -> str:
        rng, ag = self.rng, self.ag
        topic = self.topic if rng.random() < 0.7 else rng.choice(TOPICS)
        d1, d2 = rng.sample([d[0] for d in DEPARTMENTS] + ["Công an tỉnh"], 2)
        n1 = rng.randint(800, 25000)
        n2 = int(n1 * rng.uniform(0.9, 0.99))
        money = rng.randint(2, 950) * 1_000_000
        templates = [
            f"{d1} chủ trì, phối hợp với {d2} tổ chức triển khai thực hiện công "
            f"tác {topic} {ag.scope}; định kỳ báo cáo kết quả về {ag.short} trước {self.deadline()}.",
            f"{self.dept()} chủ trì, phối hợp với các cơ quan, đơn vị liên quan hướng dẫn, kiểm "
            f"tra, đôn đốc việc thực hiện {topic}; tổng hợp, báo cáo {ag.head_text} kết quả thực "
            f"hiện.",
            f"Giao {self.dept()} tham mưu {ag.short} ban hành văn bản chỉ đạo, hướng dẫn thực hiện "
            f"{topic} năm {self.year}, bảo đảm đúng quy định.",
            f"Tổ chức rà soát, đánh giá thực trạng công tác {topic}; xác định rõ những kết quả đạt "
            f"được, tồn tại, hạn chế và nguyên nhân.",
            f"Phấn đấu đến hết năm {self.year}, tỷ lệ hồ sơ giải quyết đúng hạn đạt trên "
            f"{rng.randint(90, 98)}%; {rng.randint(70, 100)}% cơ quan, đơn vị hoàn thành nhiệm vụ "
            f"về {topic}.",
            f"Kinh phí thực hiện {topic} được bố trí từ nguồn ngân sách nhà nước theo phân cấp "
            f"hiện hành và các nguồn huy động hợp pháp khác.",
            f"Trong kỳ, {ag.lower} đã tiếp nhận {fmt_int(n1)} hồ sơ, trong đó giải quyết đúng hạn "
            f"{fmt_int(n2)} hồ sơ, đạt tỷ lệ {fmt_pct(100 * n2 / n1)}%; số hồ sơ đang giải quyết "
            f"là {fmt_int(rng.randint(5, 400))} hồ sơ.",
            f"Tổng kinh phí thực hiện là {fmt_int(money)} đồng, trong đó ngân sách tỉnh "
            f"{fmt_int(money // 2)} đồng, còn lại từ nguồn vốn lồng ghép các chương trình, dự án.",
            f"Đã tổ chức {rng.randint(2, 30)} lớp tập huấn về {topic} cho "
            f"{fmt_int(rng.randint(100, 3000))} lượt cán bộ, công chức, viên chức tham gia.",
            f"Thực hiện {self.ref()}, {ag.short} đã chỉ đạo các cơ quan, đơn vị triển khai thực hiện "
            f"nghiêm túc, đạt được nhiều kết quả tích cực.",
            f"Công tác {topic} còn một số tồn tại, hạn chế như: việc phối hợp giữa các cơ quan, "
            f"đơn vị có lúc chưa chặt chẽ; chất lượng tham mưu ở một số nơi chưa cao.",
        ]
        for _ in range(8):
            text = rng.choice(GENERIC) if rng.random() < 0.35 else rng.choice(templates)
            key = text[:40] if text in GENERIC else str(templates.index(text))
            if key not in self.used:
                break
        if len(self.used) > 20:  # a long document: allow repeats, but not back to back
            self.used = {key}
        self.used.add(key)
        return text

    def paragraph(self, k: int | None = None) -> str:
        k = k or self.rng.randint(1, 3)
        return " ".join(self.sentence() for _ in range(k))

    def can_cu(self) -> list[str]:
        rng = self.rng
        laws = [x for x in LAWS if x[1] < self.issued]
        decrees = [x for x in DECREES if x[1] < self.issued]
        lines = []
        for name, d in rng.sample(laws, min(len(laws), rng.randint(1, 2))):
            lines.append(f"Căn cứ {name} {fmt_date_line(d, d.year >= 2020)};")
        for name, d, what in rng.sample(decrees, min(len(decrees), rng.randint(0, 2))):
            lines.append(f"Căn cứ {name} {fmt_date_line(d, d.year >= 2020)} của Chính phủ {what};")
        if rng.random() < 0.6 and self.ag.kind not in ("bo", "ttg", "chinhphu"):
            lines.append(f"Căn cứ {self.ref()} về {self.topic};")
        return lines


def abstract_for(rng: random.Random, doc_type: str, ctx: Ctx, normative: bool) -> str:
    t, y, ag = ctx.topic, ctx.year, ctx.ag
    scope = ag.scope.replace("trên địa bàn ", "")
    quoted = ctx.ref()
    prev = ctx.issued.replace(day=1) - dt.timedelta(days=1)
    quarter = ["I", "II", "III", "IV"][(prev.month - 1) // 3]
    period = rng.choice(
        [
            f"tháng {prev.month:02d}/{prev.year}",
            f"quý {quarter} năm {prev.year}",
            f"6 tháng đầu năm {y}",
            f"năm {y - 1}",
        ]
    )
    options: dict[str, list[str]] = {
        "Quyết định": [
            f"Về việc phê duyệt Kế hoạch {t} năm {y}",
            f"Về việc ban hành Quy chế phối hợp trong công tác {t} {ag.scope}",
            f"Về việc thành lập Ban Chỉ đạo {t} {scope}",
            f"Về việc công bố Danh mục thủ tục hành chính lĩnh vực {rng.choice(FIELDS)} thuộc "
            f"thẩm quyền giải quyết của {ag.name}",
            f"Về việc kiện toàn Tổ công tác {t} {scope}",
            f"Về việc phê duyệt dự toán kinh phí thực hiện {t} năm {y}",
        ],
        "Kế hoạch": [
            f"Triển khai thực hiện công tác {t} năm {y}",
            f"Thực hiện {t} giai đoạn {y} - {y + 5} {ag.scope}",
            f"Triển khai thực hiện {quoted} về {t}",
            f"Kiểm tra công tác {t} năm {y}",
        ],
        "Báo cáo": [
            f"Tình hình, kết quả thực hiện công tác {t} {period}",
            f"Kết quả thực hiện công tác {t} năm {y - 1} và phương hướng, nhiệm vụ năm {y}",
            f"Sơ kết thực hiện {quoted} về {t}",
        ],
        "Thông báo": [
            f"Kết luận của {ag.head_text} tại cuộc họp về {t}",
            f"Về việc tổ chức Hội nghị tổng kết công tác {t} năm {y - 1}",
            f"Về việc tuyển dụng viên chức năm {y}",
        ],
        "Tờ trình": [
            f"Về việc đề nghị phê duyệt Kế hoạch {t} năm {y}",
            f"Về việc đề nghị bổ sung kinh phí thực hiện {t}",
            f"Đề nghị ban hành Nghị quyết quy định chính sách hỗ trợ {t} {ag.scope}",
        ],
        "Chỉ thị": [
            f"Về việc tăng cường công tác {t}",
            f"Về việc đẩy mạnh {t} {ag.scope}",
            f"Về tăng cường kỷ luật, kỷ cương hành chính trong công tác {t}",
        ],
        "Nghị quyết": [
            f"Quy định mức chi hỗ trợ {t} {ag.scope}"
            if normative
            else f"Về việc thông qua Đề án {t} giai đoạn {y} - {y + 5}",
            f"Về việc phê duyệt chủ trương đầu tư các dự án {t} năm {y}",
        ],
        "Hướng dẫn": [
            f"Thực hiện nhiệm vụ {t} năm {y}",
            f"Tổ chức thực hiện {quoted}",
        ],
        "Chương trình": [
            f"Thực hành tiết kiệm, chống lãng phí năm {y}",
            f"Công tác năm {y} của {ag.name}",
        ],
        "Nghị định": [
            f"Về công tác {t}",
            f"Quy định chi tiết một số điều của {rng.choice(LAWS)[0]}",
        ],
        "Thông tư": [
            f"Hướng dẫn thực hiện công tác {t}",
            f"Quy định chế độ báo cáo thống kê ngành {rng.choice(FIELDS)}",
        ],
        "Công văn": [
            f"triển khai thực hiện công tác {t} năm {y}",
            f"góp ý dự thảo Quyết định về {t}",
            f"báo cáo kết quả công tác {t} năm {y - 1}",
            f"tăng cường công tác {t}",
            f"đôn đốc thực hiện {quoted}",
            f"tham mưu thực hiện {t}",
        ],
    }
    if doc_type == "Quyết định" and normative:
        return nfc(f"Ban hành Quy định về {t} {ag.scope}")
    return nfc(rng.choice(options[doc_type]))


def recipients_for(rng: random.Random, ag: Agency, doc_type: str, units: str) -> list[str]:
    first = {
        "Quyết định": "Như Điều 3;",
        "Nghị quyết": "Như Điều 3;",
        "Công văn": "Như trên;",
        "Tờ trình": "Như trên;",
    }.get(doc_type)
    pool = {
        "ubnd_tinh": [
            "Văn phòng Chính phủ;",
            "Bộ Nội vụ;",
            "TT Tỉnh ủy, TT HĐND tỉnh;",
            "CT, các PCT UBND tỉnh;",
            "Các sở, ban, ngành tỉnh;",
            "UBND các huyện, thị xã, thành phố;",
            "VPUB: CVP, PCVP, KTTH;",
            "Cổng TTĐT tỉnh;",
        ],
        "ubnd_huyen": [
            "UBND tỉnh (b/c);",
            "TT Huyện ủy, TT HĐND huyện;",
            "CT, các PCT UBND huyện;",
            "Các phòng, ban thuộc huyện;",
            "UBND các xã, thị trấn;",
        ],
        "hdnd": [
            "Ủy ban Thường vụ Quốc hội;",
            "Chính phủ;",
            "TT Tỉnh ủy, TT HĐND, UBND tỉnh;",
            "Đại biểu HĐND tỉnh;",
            "Các sở, ban, ngành tỉnh;",
            "Công báo tỉnh;",
        ],
        "so": ["UBND tỉnh (b/c);", "Giám đốc, các PGĐ Sở;", "Các phòng, đơn vị thuộc Sở;", "Website Sở;"],
        "phong": ["UBND huyện (b/c);", "Lãnh đạo Phòng;", "Các trường học trên địa bàn;"],
        "bo": [
            "Thủ tướng Chính phủ (để b/c);",
            "Các Thứ trưởng;",
            "Các bộ, cơ quan ngang bộ;",
            "UBND các tỉnh, thành phố trực thuộc TW;",
            "Cổng TTĐT Bộ;",
        ],
        "chinhphu": [
            "Ban Bí thư Trung ương Đảng;",
            "Thủ tướng, các Phó Thủ tướng Chính phủ;",
            "Các bộ, cơ quan ngang bộ;",
            "HĐND, UBND các tỉnh, thành phố trực thuộc TW;",
            "Văn phòng Trung ương Đảng;",
            "Văn phòng Quốc hội;",
        ],
        "ttg": [
            "Các bộ, cơ quan ngang bộ;",
            "UBND các tỉnh, thành phố trực thuộc TW;",
            "VPCP: BTCN, các PCN;",
        ],
    }[ag.kind]
    items = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
    if first:
        items.insert(0, first)
    items.append(f"Lưu: VT, {units}.")
    return [nfc("- " + x) for x in items]


# --------------------------------------------------------------------------- body builders

Body = tuple[list[Para], list[list[Para]], list[Para]]  # head, growable units, tail


def _builders(spec: DocSpec, ctx: Ctx, sz: float, st: dict[str, float]) -> Body:
    rng, ag, dtp = ctx.rng, ctx.ag, spec.doc_type
    ind, gap = st["indent"], st["para_gap"]

    def p(text: str, style: str = "R", lead: str = "", **kw: Any) -> Para:
        tokens = toks(lead, "B") + toks(text, style) if lead else toks(text, style)
        kw.setdefault("indent", ind)
        kw.setdefault("after", gap)
        return Para(tokens, sz, **kw)

    def heading(text: str, align: str = "justify", style: str = "B") -> Para:
        return Para(
            toks(text, style),
            sz,
            align=align,
            indent=ind if align != "center" else 0,
            after=gap,
            before=gap,
            keep_with_next=True,
        )

    def center(text: str, style: str = "B", before: float = 0.0) -> Para:
        return Para(toks(text, style), sz, align="center", before=before, after=gap, keep_with_next=True)

    head: list[Para] = []
    units: list[list[Para]] = []
    tail: list[Para] = []
    closing_who = ag.short
    if dtp in ("Quyết định", "Nghị quyết", "Nghị định", "Thông tư"):
        if dtp != "Thông tư":
            head.append(center(ag.authority, before=gap))
        if dtp == "Nghị quyết" and ag.kind == "hdnd":
            head.append(
                center(f"KHÓA {rng.choice(['XI', 'XII', 'XIII', 'XIV'])}, KỲ HỌP THỨ {rng.randint(2, 25)}")
            )
        cc_style = "I"
        for line in ctx.can_cu():
            head.append(p(line, cc_style, after=gap / 2))
        if dtp in ("Quyết định", "Thông tư"):
            if ag.kind in ("bo", "ttg", "chinhphu"):
                who = rng.choice(
                    [
                        "Vụ trưởng Vụ Pháp chế",
                        "Vụ trưởng Vụ Tổ chức cán bộ",
                        "Vụ trưởng Vụ Kế hoạch - Tài chính",
                    ]
                )
                head.append(p(f"Theo đề nghị của {who}.", cc_style))
            else:
                dname, dcode, _ = rng.choice(DEPARTMENTS)
                when = fmt_date_short(rng, earlier(rng, ctx.issued, 3, 40))
                head.append(
                    p(
                        f"Theo đề nghị của Giám đốc {dname} tại Tờ trình số "
                        f"{rng.randint(1, 300)}/TTr-{dcode} ngày {when}.",
                        cc_style,
                    )
                )
        elif dtp == "Nghị quyết":
            head.append(
                p(
                    f"Xét Tờ trình số {rng.randint(1, 300)}/TTr-UBND "
                    f"{'ngày ' + fmt_date_short(rng, earlier(rng, ctx.issued, 5, 40))} của "
                    f"Ủy ban nhân dân tỉnh; Báo cáo thẩm tra của các Ban Hội đồng nhân dân "
                    f"tỉnh; ý kiến thảo luận của đại biểu Hội đồng nhân dân tỉnh tại kỳ họp.",
                    cc_style,
                )
            )
        verb = {
            "Quyết định": "QUYẾT ĐỊNH:",
            "Nghị quyết": "QUYẾT NGHỊ:",
            "Nghị định": "Chính phủ ban hành Nghị định.",
            "Thông tư": f"{ag.head_text.split(' Bộ')[0]} ban hành Thông tư.",
        }[dtp]
        head.append(center(verb, "B" if verb.isupper() else "R", before=gap))
        art1 = spec.abstract[0].lower() + spec.abstract[1:]
        art1 = art1.replace("về việc ", "", 1)
        head.append(p(f"{art1[0].upper()}{art1[1:]}, với những nội dung chủ yếu như sau:", lead="Điều 1."))
        for i in range(1, 26):
            items = [p(f"{i}. {ctx.paragraph(1)}")]
            if rng.random() < 0.3:
                items += [p(f"{c}) {ctx.sentence()}") for c in "ab"]
            units.append(items)
        eff = later(rng, ctx.issued, 0, 30)
        tail.append(
            p(
                f"{'Nghị quyết' if dtp == 'Nghị quyết' else dtp} này có hiệu lực kể từ "
                f"{'ngày ký' if rng.random() < 0.5 else fmt_date_line(eff, eff.year >= 2020)}.",
                lead="Điều 2.",
            )
        )
        who = "Chánh Văn phòng " + ag.short + ", " if ag.office else ""
        tail.append(
            p(
                f"{who}{ctx.dept_head()}, Thủ trưởng {ag.lower} và các cơ quan, đơn vị, "
                f"cá nhân có liên quan chịu trách nhiệm thi hành {dtp} này./.",
                lead="Điều 3.",
            )
        )
        return head, units, tail
    if dtp in ("Tờ trình", "Công văn") and spec.kinh_gui:
        kg = spec.kinh_gui
        if len(kg) == 1:
            head.append(
                Para(toks("Kính gửi:", "R") + toks(kg[0]), sz, align="center", before=gap, after=2 * gap)
            )
        else:
            head.append(Para(toks("Kính gửi:") + toks(kg[0]), sz, align="kg", before=gap))
            for k in kg[1:]:
                head.append(Para(toks(k), sz, align="kg-cont"))
            head[-1].after = 2 * gap
    if dtp == "Công văn":
        head.append(p(f"Thực hiện {ctx.ref()} về việc {spec.abstract}; {ag.short} có ý kiến như sau:"))
        for i in range(1, 26):
            units.append([p(f"{i}. {ctx.paragraph()}")])
        tail.append(p("Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."))
        return head, units, tail
    if dtp == "Tờ trình":
        for line in ctx.can_cu()[:2]:
            head.append(p(line))
        head.append(
            p(f"{ag.short} kính trình {spec.kinh_gui[0].rstrip(';.')} xem xét, phê duyệt nội dung như sau:")
        )
        sections = [
            "I. SỰ CẦN THIẾT",
            "II. MỤC ĐÍCH, QUAN ĐIỂM",
            "III. NỘI DUNG ĐỀ NGHỊ",
            "IV. KINH PHÍ THỰC HIỆN",
        ]
    elif dtp == "Kế hoạch":
        head.append(
            p(
                f"Thực hiện {ctx.ref()} về {ctx.topic}; {ag.short} ban hành Kế hoạch triển "
                f"khai thực hiện như sau:"
            )
        )
        sections = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"]
    elif dtp == "Báo cáo":
        head.append(
            p(f"Thực hiện {ctx.ref()}, {ag.short} báo cáo kết quả thực hiện công tác {ctx.topic} như sau:")
        )
        sections = [
            "I. KẾT QUẢ THỰC HIỆN",
            "II. KHÓ KHĂN, VƯỚNG MẮC",
            "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
            "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        ]
    elif dtp == "Thông báo":
        meet = earlier(rng, ctx.issued, 2, 15)
        head.append(
            p(
                f"Ngày {fmt_date_short(rng, meet)}, {ag.head_text} chủ trì cuộc họp về "
                f"{ctx.topic}. Tham dự cuộc họp có đại diện lãnh đạo {ctx.dept()}, "
                f"{ctx.dept()} và các cơ quan, đơn vị có liên quan. Sau khi nghe báo cáo và "
                f"ý kiến của các đại biểu dự họp, {ag.head_text} kết luận như sau:"
            )
        )
        sections = []
        closing_who = ag.short
    elif dtp == "Chỉ thị":
        head.append(
            p(
                f"Thời gian qua, công tác {ctx.topic} {ag.scope} đã đạt được một số kết quả "
                f"quan trọng. Tuy nhiên, bên cạnh đó vẫn còn những tồn tại, hạn chế cần "
                f"khắc phục. Để tăng cường công tác {ctx.topic}, {ag.head_text} yêu cầu:"
            )
        )
        sections = []
    else:  # Hướng dẫn, Chương trình
        head.append(p(f"Căn cứ {ctx.ref()}; {ag.short} hướng dẫn thực hiện như sau:"))
        sections = ["I. NHỮNG VẤN ĐỀ CHUNG", "II. NỘI DUNG CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN"]

    n_units = 16
    per_section = max(2, n_units // max(1, len(sections))) if sections else n_units
    for s_i in range(max(1, len(sections))):
        for j in range(1, per_section + 1):
            unit: list[Para] = []
            if sections and j == 1:
                unit.append(heading(sections[s_i]))
            if rng.random() < 0.45:
                lead_words = rng.choice(
                    ["Tăng cường", "Tổ chức", "Đẩy mạnh", "Nâng cao", "Kết quả", "Về công tác", "Triển khai"]
                )
                unit.append(p(ctx.paragraph(), lead=f"{j}. {lead_words} {ctx.topic}."))
            else:
                unit.append(p(f"{j}. {ctx.paragraph()}"))
            if rng.random() < 0.3:
                unit += [p(f"- {ctx.sentence()}") for _ in range(rng.randint(1, 3))]
            units.append(unit)
    to_whom = spec.kinh_gui[0].rstrip(";.") if spec.kinh_gui else ag.superior
    closing = {
        "Kế hoạch": f"Trên đây là Kế hoạch {ctx.topic} của {ag.short}. Trong quá trình triển "
        f"khai thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về "
        f"{ctx.dept()} để tổng hợp, báo cáo {ag.head_text} xem xét, chỉ đạo./.",
        "Báo cáo": f"Trên đây là báo cáo kết quả thực hiện công tác {ctx.topic} của {ag.short}, "
        f"kính báo cáo {ag.superior} theo dõi, chỉ đạo./.",
        "Thông báo": f"{closing_who} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.",
        "Tờ trình": f"{ag.short} kính trình {to_whom} xem xét, quyết định./.",
        "Chỉ thị": f"Yêu cầu Thủ trưởng {ag.lower} nghiêm túc triển khai thực hiện Chỉ thị này./.",
    }.get(
        dtp,
        f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về {ag.short} để "
        f"được hướng dẫn, giải quyết./.",
    )
    tail.append(p(closing))
    return head, units, tail


# --------------------------------------------------------------------------- layout engine


class Flow:
    """Places paragraphs top to bottom, breaking pages."""

    def __init__(self, spec: DocSpec, st: dict[str, float]):
        self.spec, self.st = spec, st
        self.left, self.right = st["margin_left"], A4_PT[0] - st["margin_right"]
        self.top, self.bottom = st["margin_top"], A4_PT[1] - st["margin_bottom"]
        self.pages: list[PageLayout] = [PageLayout()]
        self.y = self.top

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    def lh(self, size: float) -> float:
        return size * self.st["leading"]

    def new_page(self) -> None:
        self.pages.append(PageLayout())
        size = self.st["body"]
        n = len(self.pages)
        y = self.top - 0.35 * size
        self.page.lines.append(TextLine(toks(str(n)), size, self.left, self.right - self.left, y, "center"))
        self.y = self.top + 1.2 * size

    def place(
        self, tokens: list[Token], size: float, x: float, width: float, align: str, **kw: Any
    ) -> TextLine:
        if self.y + self.lh(size) > self.bottom:
            self.new_page()
        self.y += self.lh(size)
        line = TextLine(tokens, size, x, width, self.y - 0.25 * size, align, **kw)
        self.page.lines.append(line)
        return line

    def para(self, p: Para, next_lines: int = 0) -> None:
        width = min(self.right - self.left, p.max_width or 1e9)
        x0 = self.left + (self.right - self.left - width) / 2
        if p.align in ("kg", "kg-cont"):
            kg_w = text_width("Kính gửi:", "R", p.size) + text_width(" ", "R", p.size)
            x0 = self.left + 0.22 * (self.right - self.left)
            if p.align == "kg-cont":
                x0 += kg_w
            self.y += p.before
            self.place(p.tokens, p.size, x0, width, "left")
            self.y += p.after
            return
        lines = wrap(p.tokens, p.size, width, p.indent if p.align == "justify" else 0, p.hang)
        self.y += p.before if self.y > self.top + 1.5 * p.size else 0
        if p.keep_with_next and self.y + self.lh(p.size) * (len(lines) + next_lines) > self.bottom:
            self.new_page()
        for i, ln in enumerate(lines):
            last = i == len(lines) - 1
            if p.align == "justify":
                off = p.indent if i == 0 else p.hang
                self.place(ln, p.size, x0 + off, width - off, "left" if last else "justify")
            else:
                self.place(ln, p.size, x0, width, p.align)
        self.y += p.after


def _header(fl: Flow, spec: DocSpec, st: dict[str, float], rng: random.Random) -> None:
    """Two-column header on page 1, then urgency, type name and abstract."""
    page = fl.page
    hs = st["header"]
    content_w = fl.right - fl.left
    qh = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    tn = "Độc lập - Tự do - Hạnh phúc"
    qh_size = hs
    date_text = spec.date_line
    right_w = max(text_width(qh, "B", qh_size), text_width(date_text, "I", st["date"]))
    right_c = fl.right - right_w / 2 + st["right_shift"]
    left_w = min(content_w - right_w - 8, 0.45 * content_w)
    left_c = fl.left + left_w / 2 - st["left_shift"]
    lead = hs * 1.22
    y0 = fl.top + hs

    # left block (a name too long for the column is set smaller, as clerks do)
    natural = max(
        [text_width(ln, "B", 1.0) * 1.01 for ln in spec.agency.issuer_lines]
        + [text_width(spec.parent_issuer or "", "R", 1.0) * 1.03]
    )
    ls = min(hs, (left_w - 2) / natural)
    left: list[TextLine] = []
    y = y0
    if spec.parent_issuer:
        left.append(TextLine(toks(spec.parent_issuer), ls, left_c - left_w / 2, left_w, y, "center"))
        y += lead
    widest = 0.0
    for ln in spec.agency.issuer_lines:
        left.append(TextLine(toks(ln, "B"), ls, left_c - left_w / 2, left_w, y, "center"))
        widest = max(widest, text_width(ln, "B", ls))
        y += lead
    rule_w = widest * rng.uniform(0.3, 0.5)
    page.rules.append(Rule(left_c - rule_w / 2, left_c + rule_w / 2, y - lead + 0.5 * hs))
    # right block
    right: list[TextLine] = []
    yr = y0
    right.append(TextLine(toks(qh, "B"), qh_size, right_c - right_w / 2, right_w, yr, "center"))
    yr += lead
    right.append(TextLine(toks(tn, "B"), st["motto"], right_c - right_w / 2, right_w, yr, "center"))
    tn_w = text_width(tn, "B", st["motto"])
    page.rules.append(Rule(right_c - tn_w / 2, right_c + tn_w / 2, yr + 0.45 * st["motto"]))
    yr += lead
    # number / date row
    y_row = max(y, yr) + 0.6 * lead
    num_line = TextLine(toks(spec.number_printed), st["number"], left_c - left_w / 2, left_w, y_row, "center")
    left.append(num_line)
    right.append(TextLine(toks(date_text, "I"), st["date"], right_c - right_w / 2, right_w, y_row, "center"))
    y = y_row
    if spec.doc_type == "Công văn":
        y += lead * 0.25
        vv_size = st["vv"]
        for vv in wrap_balanced(toks("V/v " + spec.abstract), vv_size, left_w * 0.95):
            y += vv_size * 1.15
            left.append(TextLine(vv, vv_size, left_c - left_w / 2, left_w, y, "center"))
    if spec.urgency:
        y += 2.1 * hs
        left.append(
            TextLine(toks(spec.urgency, "B"), hs + 1, left_c - left_w / 2, left_w, y, "center", boxed=True)
        )
        y += 0.4 * hs
    page.lines.extend(left)
    page.lines.extend(right)
    fl.y = y + 0.8 * lead

    if spec.doc_type != "Công văn":
        ts = st["title"]
        fl.y += st["title_gap"]
        fl.place(toks(TYPES[spec.doc_type][1], "B"), ts, fl.left, content_w, "center")
        abs_w = content_w * st["abstract_w"]
        last = None
        for abs_line in wrap_balanced(toks(spec.abstract, "B"), ts, abs_w):
            last = fl.place(abs_line, ts, fl.left, content_w, "center")
        if last is not None and st["abstract_rule"]:
            c = fl.left + content_w / 2
            w = content_w * 0.22
            page.rules.append(Rule(c - w / 2, c + w / 2, last.y + 0.55 * ts))
            fl.y += 0.6 * ts
        fl.y += st["title_gap"] * 0.6
    else:
        fl.y += 0.3 * lead


def _footer(fl: Flow, spec: DocSpec, st: dict[str, float], rng: random.Random, probe: bool = False) -> bool:
    """Nơi nhận (left) and signer block (right). Returns False if it did not fit (probe)."""
    content_w = fl.right - fl.left
    rs, ss = st["recip"], st["sign"]
    left_w = content_w * 0.47
    recip_lines: list[tuple[list[Token], float, float]] = [(toks("Nơi nhận:", "BI"), rs + 1, 0)]
    for item in spec.recipients:
        for i, ln in enumerate(wrap(toks(item), rs, left_w - 6, 0, 6)):
            recip_lines.append((ln, rs, 0 if i == 0 else 6))
    sig_c = fl.left + content_w * st["sign_center"]
    sig_w = content_w * 0.55
    title = spec.signer_title_lines
    space = st["sign_space"]
    h_left = sum(sz * 1.18 for _, sz, _ in recip_lines)
    h_right = len(title) * ss * 1.25 + space + ss * 1.3
    need = max(h_left, h_right) + 0.6 * ss
    y = fl.y + 0.4 * ss
    if y + need > fl.bottom:
        if probe:
            return False
        fl.new_page()
        y = fl.y + 0.4 * ss
    page = fl.page
    yl = y
    for ln, sz, off in recip_lines:
        yl += sz * 1.18
        page.lines.append(TextLine(ln, sz, fl.left + off, left_w, yl, "left"))
    yr = y
    for t in title:
        yr += ss * 1.25
        page.lines.append(TextLine(toks(t, "B"), ss, sig_c - sig_w / 2, sig_w, yr, "center"))
    sig_top = yr + 0.3 * ss
    yr += space + ss * 1.3
    page.lines.append(TextLine(toks(spec.signer, "B"), ss, sig_c - sig_w / 2, sig_w, yr, "center"))
    page.scribbles.extend(_scribble(rng, sig_c, sig_top, space - 0.4 * ss))
    fl.y = max(yl, yr)
    return True


def _scribble(rng: random.Random, cx: float, top: float, h: float) -> list[list[tuple[float, float]]]:
    """A hand signature: a couple of smooth looping strokes, in points."""
    strokes = []
    w = rng.uniform(55, 90)
    x0 = cx - w / 2 + rng.uniform(-10, 10)
    for s in range(rng.randint(1, 2)):
        pts = []
        n = 60
        f1, f2 = rng.uniform(2.0, 4.0), rng.uniform(5.0, 9.0)
        a1, a2 = h * rng.uniform(0.18, 0.3), h * rng.uniform(0.05, 0.12)
        ph = rng.uniform(0, math.tau)
        base = top + h * (0.45 + 0.15 * s)
        for i in range(n):
            t = i / (n - 1)
            x = x0 + t * w * (1 - 0.3 * s) + 6 * math.sin(f2 * t * math.tau)
            yv = base - a1 * math.sin(f1 * t * math.tau + ph) - a2 * math.cos(f2 * t * math.tau)
            pts.append((x, yv - 10 * t))
        strokes.append(pts)
    return strokes


def layout(
    spec: DocSpec, st: dict[str, float], body: Body, n_units: int, seed: int
) -> list[PageLayout] | None:
    """Lay the document out with the first ``n_units`` growable units; None if the footer would
    sit alone on its page."""
    rng = random.Random(seed)
    fl = Flow(spec, st)
    _header(fl, spec, st, rng)
    head, units, tail = body
    paras = head + [p for u in units[:n_units] for p in u] + tail
    for i, p in enumerate(paras):
        fl.para(p, next_lines=1 if i + 1 < len(paras) else 0)
    pages_before = len(fl.pages)
    _footer(fl, spec, st, rng)
    if len(fl.pages) > pages_before:
        last = fl.pages[-1]
        if sum(1 for ln in last.lines if ln.align in ("justify", "left")) <= len(spec.recipients) + 1:
            return None
    return fl.pages


def _style(rng: random.Random) -> dict[str, float]:
    body = rng.choice([13.0, 14.0, 14.0])
    header = rng.choice([12.0, 13.0])
    return {
        "body": body,
        "header": header,
        "motto": header + 1,
        "number": 13.0,
        "date": rng.choice([13.0, 14.0]),
        "vv": 12.0,
        "title": 14.0,
        "recip": 11.0,
        "sign": rng.choice([13.0, 14.0]),
        "sign_space": rng.uniform(62, 90),
        "sign_center": rng.uniform(0.72, 0.78),
        "leading": rng.uniform(1.18, 1.38),
        "indent": rng.uniform(26, 38),
        "para_gap": rng.uniform(2, 6),
        "margin_left": rng.uniform(28, 33) * MM,
        "margin_right": rng.uniform(15, 20) * MM,
        "margin_top": rng.uniform(17, 24) * MM,
        "margin_bottom": rng.uniform(18, 24) * MM,
        "title_gap": rng.uniform(10, 20),
        "abstract_w": rng.uniform(0.72, 0.9),
        "abstract_rule": float(rng.random() < 0.6),
        "left_shift": rng.uniform(0, 12),
        "right_shift": rng.uniform(-4, 6),
    }


def make_document(
    rng: random.Random,
    *,
    index: int = 0,
    doc_type: str | None = None,
    pages: int | None = None,
    dpi: int | None = None,
    tags: Sequence[str] | None = None,
    file_kind: str | None = None,
    color: str | None = None,
    year: int | None = None,
) -> DocSpec:
    """Draw one document from ``rng``: content, truth, layout and scan settings.

    Any argument left None is drawn at random. ``pages`` (1-3) is met by growing the body.
    """
    if doc_type is None:
        doc_type = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
    if year is None:
        year = rng.choice([2020, 2021, 2022, 2023, 2024, 2025] * 3 + list(range(1999, 2020)))
    start = dt.date(year, 1, 2)
    end = dt.date(year, 12, 30) if year < 2025 else dt.date(2025, 6, 30)
    issued = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    while issued.weekday() == 6:
        issued += dt.timedelta(days=1)
    zeros = year >= 2020 or (year >= 2011 and rng.random() < 0.6)
    ag = make_agency(rng, doc_type, year)
    loc = _localizer(ag)
    code = TYPES[doc_type][0]
    per_day = {
        "Công văn": 6,
        "Quyết định": 3,
        "Kế hoạch": 0.7,
        "Báo cáo": 0.8,
        "Thông báo": 0.6,
        "Tờ trình": 0.4,
        "Chỉ thị": 0.05,
        "Nghị quyết": 0.3,
        "Hướng dẫn": 0.2,
        "Chương trình": 0.1,
        "Nghị định": 0.5,
        "Thông tư": 0.1,
    }[doc_type]
    per_day *= {
        "ubnd_tinh": 1.5,
        "so": 0.8,
        "ubnd_huyen": 1.0,
        "hdnd": 0.3,
        "phong": 0.3,
        "bo": 1.5,
        "chinhphu": 1.0,
        "ttg": 1.2,
    }[ag.kind]
    day_of_year = issued.timetuple().tm_yday
    num = max(1, round(day_of_year * per_day * rng.uniform(0.6, 1.3)))
    if rng.random() < 0.1:
        num = rng.randint(1, 9)  # exercise the leading zero
    number = f"{num:02d}" if zeros else str(num)
    normative = (
        doc_type in ("Nghị định", "Thông tư")
        or (doc_type == "Nghị quyết" and rng.random() < 0.5)
        or (doc_type == "Quyết định" and ag.kind == "ubnd_tinh" and rng.random() < 0.15)
    )
    if doc_type == "Công văn":
        unit = rng.choice(ag.units) if ag.units else ""
        symbol = f"{ag.code}-{unit}" if unit else ag.code
    else:
        symbol = f"{code}-{ag.code}"
        if normative:
            symbol = f"{year}/{symbol}"
    number_symbol = nfc(f"{number}/{symbol}")
    # sometimes the number was filled in after the form was printed: "Số: 87 /QĐ-UBND"
    number_printed = f"Số: {number} /{symbol}" if rng.random() < 0.2 else f"Số: {number_symbol}"
    topic = rng.choice(TOPICS)
    ctx = Ctx(rng, ag, issued, topic, doc_type)
    abstract = loc(abstract_for(rng, doc_type, ctx, normative))
    urgency = rng.choices([None, "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"], [88, 6, 3, 3])[0]
    if doc_type in ("Nghị định", "Thông tư", "Nghị quyết", "Báo cáo", "Chương trình"):
        urgency = None
    title = signer_block(rng, ag, doc_type, year)
    units_for_luu = rng.choice(ag.units) if ag.units else "VP"
    recipients = recipients_for(rng, ag, doc_type, units_for_luu)
    kinh_gui: list[str] = []
    if doc_type == "Tờ trình":
        kinh_gui = [
            {
                "ubnd_tinh": "Hội đồng nhân dân tỉnh",
                "ubnd_huyen": "Ủy ban nhân dân tỉnh",
                "so": "Ủy ban nhân dân tỉnh",
            }.get(ag.kind, ag.superior)
        ]
    elif doc_type == "Công văn":
        if rng.random() < 0.5:
            kinh_gui = [
                rng.choice(
                    {
                        "ubnd_huyen": [
                            "UBND các xã, thị trấn",
                            "Phòng Tài nguyên và Môi trường",
                            "Phòng Giáo dục và Đào tạo",
                            "Công an huyện",
                        ],
                        "phong": ["Các trường Tiểu học, THCS trên địa bàn", "Hiệu trưởng các trường mầm non"],
                        "bo": [
                            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
                            "Các bộ, cơ quan ngang bộ",
                        ],
                        "ttg": ["Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"],
                    }.get(ag.kind, [d[0] for d in DEPARTMENTS] + ["Công an tỉnh", "Bộ Nội vụ"])
                )
            ]
        else:
            pool = {
                "ubnd_huyen": ["Các phòng, ban thuộc huyện", "UBND các xã, thị trấn", "Công an huyện"],
                "phong": ["Các trường Mầm non", "Các trường Tiểu học", "Các trường THCS"],
                "bo": [
                    "Các bộ, cơ quan ngang bộ",
                    "Ủy ban nhân dân các tỉnh, thành phố",
                    "Các cơ quan, đơn vị thuộc Bộ",
                ],
                "ttg": ["Các bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh, thành phố"],
            }.get(ag.kind, ["Các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố", "Công an tỉnh"])
            items = pool[: rng.randint(2, len(pool))]
            kinh_gui = [f"- {k}{'.' if i == len(items) - 1 else ';'}" for i, k in enumerate(items)]
    recipients = [loc(r) for r in recipients]
    kinh_gui = [loc(k) for k in kinh_gui]
    spec = DocSpec(
        index=index,
        doc_type=doc_type,
        type_code=code,
        number=number,
        symbol=nfc(symbol),
        number_symbol=number_symbol,
        number_printed=nfc(number_printed),
        issued=issued,
        date_line=nfc(f"{ag.place}, {fmt_date_line(issued, zeros)}"),
        place=nfc(ag.place),
        agency=ag,
        issuer=nfc(" ".join(ag.issuer_lines)),
        parent_issuer=nfc(ag.parent) if ag.parent else None,
        abstract=abstract,
        urgency=urgency,
        signer=person_name(rng),
        signer_title_lines=title,
        recipients=recipients,
        kinh_gui=[nfc(k) for k in kinh_gui],
    )
    _wrap_issuer(spec)
    st = _style(rng)
    spec.style = st
    body = _builders(spec, ctx, st["body"], st)
    for para in body[0] + [q for u in body[1] for q in u] + body[2]:
        para.tokens = [(loc(w), style) for w, style in para.tokens]
    target = pages if pages is not None else rng.choices([1, 2, 3], [45, 40, 15])[0]
    layout_seed = rng.getrandbits(32)
    spec.pages = _fit(spec, st, body, target, layout_seed)
    _scan_settings(rng, spec, dpi=dpi, tags=tags, file_kind=file_kind, color=color)
    return spec


def _localizer(ag: Agency) -> Callable[[str], str]:
    """Generic text says "tỉnh"; a centrally-run city says "thành phố" (and "Thành ủy")."""
    if not ag.city:
        return lambda text: text

    def loc(text: str) -> str:
        text = text.replace("Tỉnh ủy", "Thành ủy").replace("tỉnh", "thành phố")
        return text.replace("huyện, thị xã, thành phố", "quận, huyện")

    return loc


def _wrap_issuer(spec: DocSpec) -> None:
    """Long agency names go on two lines (the truth joins them with a space)."""
    ag = spec.agency
    fixed = {
        "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI": ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI"],
        "PHÒNG TÀI CHÍNH - KẾ HOẠCH": ["PHÒNG TÀI CHÍNH -", "KẾ HOẠCH"],
    }
    if len(ag.issuer_lines) == 1 and ag.issuer_lines[0] in fixed:
        ag.issuer_lines = fixed[ag.issuer_lines[0]]
    elif len(ag.issuer_lines) == 1 and text_width(ag.issuer_lines[0], "B", 13) > 165:
        words = ag.issuer_lines[0].split()

        def cost(i: int) -> float:
            a = text_width(" ".join(words[:i]), "B", 13)
            b = text_width(" ".join(words[i:]), "B", 13)
            if max(a, b) > 165:
                return 1e6 + max(a, b)
            return abs(a - b) - (80 if words[i - 1] == "VÀ" else 0)

        best = min(range(1, len(words)), key=cost)
        ag.issuer_lines = [" ".join(words[:best]), " ".join(words[best:])]
    spec.issuer = nfc(" ".join(ag.issuer_lines))


def _fit(spec: DocSpec, st: dict[str, float], body: Body, target: int, seed: int) -> list[PageLayout]:
    """Choose how much body text makes exactly ``target`` pages (or as close as it gets)."""
    best: list[PageLayout] | None = None
    for n in range(len(body[1]) + 1):
        pages = layout(spec, st, body, n, seed)
        if pages is None:
            continue
        if len(pages) > target:
            break
        best = pages  # the most text that still fits in ``target`` pages
    if best is None:
        best = layout(spec, st, body, 0, seed) or []
    return best


# --------------------------------------------------------------------------- scan settings


def _scan_settings(
    rng: random.Random,
    spec: DocSpec,
    *,
    dpi: int | None,
    tags: Sequence[str] | None,
    file_kind: str | None,
    color: str | None,
) -> None:
    if tags is None:
        if rng.random() < 0.35:
            chosen: list[str] = []
        else:
            pool = {
                "skew": 25,
                "noise": 15,
                "blur": 12,
                "rot90": 6,
                "rot180": 6,
                "rot270": 6,
                "jpeg": 12,
                "bilevel": 12,
            }
            chosen = []
            for _ in range(1 if rng.random() < 0.7 else 2):
                t = rng.choices(list(pool), list(pool.values()))[0]
                if t in chosen or (t in ROTATIONS and any(c in ROTATIONS for c in chosen)):
                    continue
                if {t, *chosen} >= {"jpeg", "bilevel"}:
                    continue
                chosen.append(t)
        tags = chosen
    tags = [t for t in tags if t != "clean"]
    if dpi is None:
        dpi = (
            150
            if "lowdpi" in tags and rng.random() < 0.3
            else (200 if "lowdpi" in tags else rng.choices([300, 200, 150], [65, 30, 5])[0])
        )
    tags = [t for t in tags if t != "lowdpi"]
    if dpi < 300:
        tags.append("lowdpi")
    if file_kind is None:
        file_kind = rng.choices(["pdf", "jpg", "png", "tiff"], [70, 10, 8, 12])[0]
        if file_kind in ("jpg", "png") and spec.page_count > 1:
            file_kind = "tiff" if rng.random() < 0.5 else "pdf"
        if file_kind == "png" and ({"noise", "jpeg"} & set(tags)):
            file_kind = "pdf"
        if file_kind == "jpg" and "bilevel" in tags:
            file_kind = "png"
    if color is None:
        color = "gray" if "bilevel" in tags or rng.random() < 0.6 else "rgb"
    spec.dpi, spec.tags, spec.file_kind, spec.color = dpi, list(tags), file_kind, color
    spec.seed = rng.getrandbits(63)
    spec.params = draw_params(rng, spec.tags, spec.page_count)


def draw_params(rng: random.Random, tags: Sequence[str], n_pages: int) -> dict[str, Any]:
    """Degradation parameters (all recorded in the truth)."""
    params: dict[str, Any] = {}
    if "skew" in tags:
        params["skew_deg"] = [round(rng.choice([-1, 1]) * rng.uniform(1.0, 4.0), 2) for _ in range(n_pages)]
    for t, deg in ROTATIONS.items():
        if t in tags:
            params["rotation_deg"] = deg
    if "blur" in tags:
        params["blur_px300"] = round(rng.uniform(1.0, 1.8), 2)
    if "noise" in tags:
        params["noise_sigma"] = round(rng.uniform(5, 12), 1)
        params["salt_pepper"] = round(rng.uniform(0.001, 0.004), 4)
        params["background"] = rng.randint(228, 245)
    if "bilevel" in tags:
        params["threshold"] = rng.randint(140, 180)
    params["jpeg_quality"] = rng.randint(20, 35) if "jpeg" in tags else rng.randint(75, 85)
    return params


# --------------------------------------------------------------------------- rendering


def render_pages(spec: DocSpec, dpi: int | None = None) -> list[Image.Image]:
    """Draw the laid-out pages, upright and undegraded (mode L, or RGB for colour scans)."""
    dpi = dpi or spec.dpi
    s = dpi / PT_PER_INCH
    size = (round(A4_PT[0] * s), round(A4_PT[1] * s))
    rgb = spec.color == "rgb"
    paper: Any = (252, 250, 244) if rgb else 255
    ink: Any = (22, 22, 28) if rgb else 0
    sign_ink: Any = (30, 45, 150) if rgb else 70
    out = []
    for page in spec.pages:
        im = Image.new("RGB" if rgb else "L", size, paper)
        d = ImageDraw.Draw(im)
        for rule in page.rules:
            d.line(
                [(rule.x0 * s, rule.y * s), (rule.x1 * s, rule.y * s)],
                fill=ink,
                width=max(1, round(rule.weight * s)),
            )
        for line in page.lines:
            _draw_line(d, line, s, ink)
        for stroke in page.scribbles:
            d.line(
                [(x * s, y * s) for x, y in stroke],
                fill=sign_ink,
                width=max(1, round(1.1 * s)),
                joint="curve",
            )
        out.append(im)
    return out


def _draw_line(d: ImageDraw.ImageDraw, line: TextLine, s: float, ink: Any) -> None:
    px = line.size * s
    space = font("R", px).getlength(" ")
    widths = [font(st, px).getlength(w) for w, st in line.tokens]
    natural = sum(widths) + space * line.gap * (len(widths) - 1)
    x0, box_w = line.x * s, line.width * s
    gap = space * line.gap
    if line.align == "justify" and len(widths) > 1:
        gap = (box_w - sum(widths)) / (len(widths) - 1)
        gap = min(max(gap, 0.6 * space), 4 * space)
        x = x0
    elif line.align == "center":
        x = x0 + (box_w - natural) / 2
    elif line.align == "right":
        x = x0 + box_w - natural
    else:
        x = x0
    y = line.y * s
    start = x
    # draw runs of same-style words in one call
    i = 0
    while i < len(line.tokens):
        st = line.tokens[i][1]
        j = i
        if line.align != "justify":
            while j + 1 < len(line.tokens) and line.tokens[j + 1][1] == st and line.gap == 1.0:
                j += 1
        run = " ".join(w for w, _ in line.tokens[i : j + 1])
        d.text((x, y), run, font=font(st, px), fill=ink, anchor="ls")
        x += font(st, px).getlength(run) + gap
        i = j + 1
    if line.boxed:
        pad = 0.35 * px
        d.rectangle(
            [start - pad, y - 0.95 * px, x - gap + pad, y + 0.35 * px],
            outline=ink,
            width=max(1, round(0.08 * px)),
        )


# --------------------------------------------------------------------------- degradation


def degrade(
    img: Image.Image,
    tags: Sequence[str],
    rng: random.Random | np.random.Generator,
    params: dict[str, Any] | None = None,
    page: int = 0,
    dpi: int = 300,
) -> Image.Image:
    """Make a clean page image look scanned.

    Order as in a scanner: skew (page placed crooked), blur (optics), noise (sensor, dust),
    bilevel (1-bit mode), then the whole-page rotation. JPEG compression ("jpeg") happens when
    the file is written. Missing ``params`` are drawn from ``rng``.
    """
    if isinstance(rng, np.random.Generator):
        nrng = rng
        prng = random.Random(int(rng.integers(2**62)))
    else:
        prng = rng
        nrng = np.random.default_rng(rng.getrandbits(63))
    params = params if params is not None else draw_params(prng, tags, page + 1)
    white: Any = 255 if img.mode == "L" else (252, 250, 244)
    if "skew" in tags:
        angle = params["skew_deg"][page % len(params["skew_deg"])]
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=white)
    if "blur" in tags:
        img = img.filter(ImageFilter.GaussianBlur(params["blur_px300"] * dpi / 300))
    if "noise" in tags:
        img = _noise(img, params, nrng, dpi)
    if "bilevel" in tags:
        gray = img.convert("L")
        thr = params.get("threshold", 160)
        img = gray.point(lambda v: 255 if v > thr else 0).convert("1", dither=Image.Dither.NONE)
    rot = params.get("rotation_deg")
    if rot:
        img = img.rotate(rot, expand=True)
    return img


def _noise(img: Image.Image, params: dict[str, Any], nrng: np.random.Generator, dpi: int) -> Image.Image:
    """Greyish paper, sensor grain, salt and pepper, and a little dust."""
    bg = params.get("background", 238)
    img = img.point(lambda v: v * bg // 255)
    w, h = img.size
    # grain a little coarser than a pixel: drawn at half size, scaled up
    sigma = params.get("noise_sigma", 8)
    small = nrng.standard_normal(((h + 1) // 2, (w + 1) // 2), dtype=np.float32) * sigma + 128
    grain = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8))
    grain = grain.resize((w, h), Image.Resampling.BILINEAR)
    if img.mode == "RGB":
        grain = Image.merge("RGB", (grain, grain, grain))
    img = ImageChops.add(img, grain, scale=1.0, offset=-128)
    d = ImageDraw.Draw(img)
    dark: Any = 25 if img.mode == "L" else (25, 25, 25)
    light: Any = 255 if img.mode == "L" else (255, 255, 255)
    k = int(params.get("salt_pepper", 0.002) * w * h)
    xs, ys = nrng.integers(0, w, k).tolist(), nrng.integers(0, h, k).tolist()
    pts = list(zip(xs, ys, strict=True))
    d.point(pts[: k // 2], fill=dark)
    d.point(pts[k // 2 :], fill=light)
    r_max = max(1, round(2.5 * dpi / 300))
    n = int(nrng.integers(80, 250))
    dust = zip(
        nrng.integers(0, w, n).tolist(),
        nrng.integers(0, h, n).tolist(),
        nrng.integers(1, r_max + 1, n).tolist(),
        strict=True,
    )
    for x, y, r in dust:
        d.ellipse([x - r, y - r, x + r, y + r], fill=dark)
    return img


# --------------------------------------------------------------------------- writing files


def scan_pages(spec: DocSpec) -> list[Image.Image]:
    """The document's pages as they come off the scanner."""
    nrng = np.random.default_rng(spec.seed)
    return [
        degrade(im, spec.tags, nrng, spec.params, page=i, dpi=spec.dpi)
        for i, im in enumerate(render_pages(spec))
    ]


def _encode(im: Image.Image, spec: DocSpec) -> bytes:
    """Bytes of one page for embedding: JPEG, or CCITT G4 TIFF for bilevel pages."""
    buf = io.BytesIO()
    if im.mode == "1":
        im.save(buf, format="TIFF", compression="group4", dpi=(spec.dpi, spec.dpi))
    else:
        im.save(
            buf, format="JPEG", quality=spec.params["jpeg_quality"], dpi=(spec.dpi, spec.dpi), optimize=True
        )
    return buf.getvalue()


def write_document(spec: DocSpec, out_dir: Path) -> dict[str, Any]:
    """Scan, write the file and return its truth record."""
    pages = scan_pages(spec)
    path = out_dir / spec.file_name
    dpi = (spec.dpi, spec.dpi)
    if spec.file_kind == "pdf":
        data = img2pdf.convert([_encode(im, spec) for im in pages], nodate=True)
        # img2pdf asks pikepdf for a deterministic /ID only on versions it compares as
        # strings ("10.x" < "6.2"): save again to make the bytes depend on the seed alone
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/ID" in pdf.trailer:
                del pdf.trailer["/ID"]  # qpdf would keep its random first half
            pdf.save(path, deterministic_id=True)
    elif spec.file_kind == "jpg":
        pages[0].save(path, format="JPEG", quality=spec.params["jpeg_quality"], dpi=dpi, optimize=True)
    elif spec.file_kind == "png":
        pages[0].save(path, format="PNG", dpi=dpi)
    else:
        comp = "group4" if pages[0].mode == "1" else "jpeg"
        kw = {} if comp == "group4" else {"quality": spec.params["jpeg_quality"]}
        pages[0].save(
            path, format="TIFF", save_all=True, append_images=pages[1:], compression=comp, dpi=dpi, **kw
        )
    return spec.truth()


# --------------------------------------------------------------------------- profiles

Plan = dict[str, Any]

PROFILES: dict[str, list[Plan]] = {
    "demo": [
        {"doc_type": "Quyết định", "pages": 1, "dpi": 200, "tags": [], "file_kind": "pdf"},
        {
            "doc_type": "Công văn",
            "pages": 1,
            "dpi": 200,
            "tags": ["skew"],
            "file_kind": "pdf",
            "color": "rgb",
        },
        {
            "doc_type": "Kế hoạch",
            "pages": 1,
            "dpi": 200,
            "tags": ["blur"],
            "file_kind": "jpg",
            "color": "gray",
        },
        {"doc_type": "Báo cáo", "pages": 2, "dpi": 300, "tags": ["bilevel"], "file_kind": "pdf"},
    ],
    "bench": [
        {"doc_type": "Quyết định", "pages": 3, "dpi": 300, "tags": [], "file_kind": "pdf"},
        {"doc_type": "Công văn", "pages": 2, "dpi": 300, "tags": [], "file_kind": "pdf", "color": "rgb"},
        {"doc_type": "Kế hoạch", "pages": 2, "dpi": 200, "tags": [], "file_kind": "pdf"},
        {"doc_type": "Báo cáo", "pages": 2, "dpi": 300, "tags": ["skew"], "file_kind": "pdf"},
        {"doc_type": "Thông báo", "pages": 1, "dpi": 200, "tags": ["skew"], "file_kind": "pdf"},
        {"doc_type": "Tờ trình", "pages": 2, "dpi": 300, "tags": ["noise"], "file_kind": "pdf"},
        {"doc_type": "Chỉ thị", "pages": 2, "dpi": 300, "tags": ["blur"], "file_kind": "pdf"},
        {"doc_type": "Công văn", "pages": 1, "dpi": 300, "tags": ["rot90"], "file_kind": "pdf"},
        {"doc_type": "Nghị quyết", "pages": 2, "dpi": 300, "tags": ["rot180"], "file_kind": "pdf"},
        {"doc_type": "Hướng dẫn", "pages": 1, "dpi": 200, "tags": ["rot270"], "file_kind": "pdf"},
        {"doc_type": "Công văn", "pages": 1, "dpi": 150, "tags": [], "file_kind": "pdf"},
        {"doc_type": "Quyết định", "pages": 1, "dpi": 300, "tags": ["jpeg"], "file_kind": "pdf"},
        {"doc_type": "Kế hoạch", "pages": 2, "dpi": 300, "tags": ["bilevel"], "file_kind": "pdf"},
        {"doc_type": "Báo cáo", "pages": 2, "dpi": 200, "tags": ["bilevel"], "file_kind": "tiff"},
        {"doc_type": "Công văn", "pages": 1, "dpi": 300, "tags": [], "file_kind": "jpg", "color": "rgb"},
        {"doc_type": "Thông báo", "pages": 1, "dpi": 300, "tags": ["skew"], "file_kind": "png"},
        {
            "doc_type": "Tờ trình",
            "pages": 1,
            "dpi": 200,
            "tags": ["blur", "noise"],
            "file_kind": "pdf",
            "color": "rgb",
        },
    ],
    "test": [
        {"doc_type": "Quyết định", "pages": 1, "dpi": 300, "tags": [], "file_kind": "pdf"},
        {"doc_type": "Công văn", "pages": 1, "dpi": 200, "tags": [], "file_kind": "png"},
        {"doc_type": "Kế hoạch", "pages": 1, "dpi": 200, "tags": ["skew"], "file_kind": "pdf"},
    ],
    "mixed": [],
}
DEFAULT_COUNTS = {"demo": 4, "bench": 17, "test": 3, "mixed": 10}


def generate(
    out_dir: Path,
    count: int | None = None,
    seed: int = 1,
    profile: str = "mixed",
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Write ``count`` documents and ``truth.jsonl`` into ``out_dir``; return the truth."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = PROFILES[profile]
    count = DEFAULT_COUNTS[profile] if count is None else count
    records = []
    for i in range(count):
        rng = random.Random(f"digitize-samples:{seed}:{profile}:{i}")
        t0 = time.perf_counter()
        spec = make_document(rng, index=i + 1, **(plan[i] if i < len(plan) else {}))
        rec = write_document(spec, out_dir)
        records.append(rec)
        if log:
            log(
                f"{rec['file']}: {rec['pages']} p, {rec['dpi']} dpi, "
                f"{','.join(rec['degradation']) or 'clean'} ({time.perf_counter() - t0:.2f} s)"
            )
    with open(out_dir / "truth.jsonl", "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="output folder")
    ap.add_argument("--count", type=int, default=None, help="number of files (profile default)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="mixed")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    recs = generate(args.out, args.count, args.seed, args.profile, log=None if args.quiet else print)
    if not args.quiet:
        print(f"{len(recs)} files, {sum(r['pages'] for r in recs)} pages -> {args.out / 'truth.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
