"""Page rendering: the laid-out pages drawn as clean, upright images."""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageDraw

from .fonts import font
from .model import A4_PT, PT_PER_INCH, DocSpec, TextLine


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
