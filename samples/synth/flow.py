"""The layout engine: wraps paragraphs, breaks pages, sets the header and the footer."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from .fonts import text_width
from .model import A4_PT, MM, Body, DocSpec, PageLayout, Para, Rule, TextLine, Token, toks
from .vocabulary import TYPES


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


QH = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TN = "Độc lập - Tự do - Hạnh phúc"


class _Columns:
    """The two header columns of page 1: their centres and widths, in points."""

    def __init__(self, fl: Flow, spec: DocSpec, st: dict[str, float]):
        hs = st["header"]
        content_w = fl.right - fl.left
        self.right_w = max(text_width(QH, "B", hs), text_width(spec.date_line, "I", st["date"]))
        self.right_c = fl.right - self.right_w / 2 + st["right_shift"]
        self.left_w = min(content_w - self.right_w - 8, 0.45 * content_w)
        self.left_c = fl.left + self.left_w / 2 - st["left_shift"]
        self.lead = hs * 1.22
        self.y0 = fl.top + hs

    def left(self, tokens: list[Token], size: float, y: float, **kw: Any) -> TextLine:
        return TextLine(tokens, size, self.left_c - self.left_w / 2, self.left_w, y, "center", **kw)

    def right(self, tokens: list[Token], size: float, y: float) -> TextLine:
        return TextLine(tokens, size, self.right_c - self.right_w / 2, self.right_w, y, "center")


def _header(fl: Flow, spec: DocSpec, st: dict[str, float], rng: random.Random) -> None:
    """Two-column header on page 1, then urgency, type name and abstract."""
    page, hs, col = fl.page, st["header"], _Columns(fl, spec, st)
    left, y = _agency_block(col, spec, st, rng, page)
    # right block: the national name and motto
    yr = col.y0
    right = [col.right(toks(QH, "B"), hs, yr)]
    yr += col.lead
    right.append(col.right(toks(TN, "B"), st["motto"], yr))
    tn_w = text_width(TN, "B", st["motto"])
    page.rules.append(Rule(col.right_c - tn_w / 2, col.right_c + tn_w / 2, yr + 0.45 * st["motto"]))
    yr += col.lead
    # number / date row
    y_row = max(y, yr) + 0.6 * col.lead
    left.append(col.left(toks(spec.number_printed), st["number"], y_row))
    right.append(col.right(toks(spec.date_line, "I"), st["date"], y_row))
    y = y_row
    if spec.doc_type == "Công văn":
        y += col.lead * 0.25
        vv_size = st["vv"]
        for vv in wrap_balanced(toks("V/v " + spec.abstract), vv_size, col.left_w * 0.95):
            y += vv_size * 1.15
            left.append(col.left(vv, vv_size, y))
    if spec.urgency:
        y += 2.1 * hs
        left.append(col.left(toks(spec.urgency, "B"), hs + 1, y, boxed=True))
        y += 0.4 * hs
    page.lines.extend(left)
    page.lines.extend(right)
    fl.y = y + 0.8 * col.lead
    if spec.doc_type != "Công văn":
        _title(fl, spec, st)
    else:
        fl.y += 0.3 * col.lead


def _agency_block(
    col: _Columns, spec: DocSpec, st: dict[str, float], rng: random.Random, page: PageLayout
) -> tuple[list[TextLine], float]:
    """Parent and issuing agency, and the short rule under them; returns the lines and the y below."""
    hs = st["header"]
    # a name too long for the column is set smaller, as clerks do
    natural = max(
        [text_width(ln, "B", 1.0) * 1.01 for ln in spec.agency.issuer_lines]
        + [text_width(spec.parent_issuer or "", "R", 1.0) * 1.03]
    )
    ls = min(hs, (col.left_w - 2) / natural)
    left: list[TextLine] = []
    y = col.y0
    if spec.parent_issuer:
        left.append(col.left(toks(spec.parent_issuer), ls, y))
        y += col.lead
    widest = 0.0
    for ln in spec.agency.issuer_lines:
        left.append(col.left(toks(ln, "B"), ls, y))
        widest = max(widest, text_width(ln, "B", ls))
        y += col.lead
    rule_w = widest * rng.uniform(0.3, 0.5)
    page.rules.append(Rule(col.left_c - rule_w / 2, col.left_c + rule_w / 2, y - col.lead + 0.5 * hs))
    return left, y


def _title(fl: Flow, spec: DocSpec, st: dict[str, float]) -> None:
    """The type name and the bold abstract, centred, with an optional short rule."""
    content_w = fl.right - fl.left
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
        fl.pages[0].rules.append(Rule(c - w / 2, c + w / 2, last.y + 0.55 * ts))
        fl.y += 0.6 * ts
    fl.y += st["title_gap"] * 0.6


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


def fit(spec: DocSpec, st: dict[str, float], body: Body, target: int, seed: int) -> list[PageLayout]:
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


def draw_style(rng: random.Random) -> dict[str, float]:
    """Type sizes, spacing and margins: each office sets its documents a little differently."""
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
