"""How a document is scanned: which degradations, their parameters, and the degraded pages."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .model import DocSpec
from .render import render_pages

ALL_TAGS = ("skew", "noise", "blur", "rot90", "rot180", "rot270", "lowdpi", "jpeg", "bilevel")
# only when asked for by name (the `hard` profile): never drawn, so the other profiles' files
# stay byte for byte what they were
EXTRA_TAGS = ("yellow", "photo")
ROTATIONS = {"rot90": 90, "rot180": 180, "rot270": 270}
# how often each degradation is drawn for a document left to chance (drawn in this order)
TAG_WEIGHTS = {
    "skew": 25, "noise": 15, "blur": 12, "rot90": 6, "rot180": 6, "rot270": 6, "jpeg": 12, "bilevel": 12,
}  # fmt: skip


def scan_settings(
    rng: random.Random,
    spec: DocSpec,
    *,
    dpi: int | None,
    tags: Sequence[str] | None,
    file_kind: str | None,
    color: str | None,
) -> None:
    """Set the scan of ``spec`` (dpi, tags, file kind, colour, parameters); None is drawn."""
    tags = [t for t in (_draw_tags(rng) if tags is None else tags) if t != "clean"]
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
        file_kind = _draw_file_kind(rng, tags, spec.page_count)
    if color is None:
        color = "gray" if "bilevel" in tags or rng.random() < 0.6 else "rgb"
    spec.dpi, spec.tags, spec.file_kind, spec.color = dpi, list(tags), file_kind, color
    spec.seed = rng.getrandbits(63)
    spec.params = draw_params(rng, spec.tags, spec.page_count)


def _draw_tags(rng: random.Random) -> list[str]:
    """Clean about a third of the time; else one or two degradations that go together."""
    if rng.random() < 0.35:
        return []
    chosen: list[str] = []
    for _ in range(1 if rng.random() < 0.7 else 2):
        t = rng.choices(list(TAG_WEIGHTS), list(TAG_WEIGHTS.values()))[0]
        if t in chosen or (t in ROTATIONS and any(c in ROTATIONS for c in chosen)):
            continue
        if {t, *chosen} >= {"jpeg", "bilevel"}:
            continue
        chosen.append(t)
    return chosen


def _draw_file_kind(rng: random.Random, tags: list[str], n_pages: int) -> str:
    """Mostly PDF; JPEG and PNG hold one page, and PNG is not for noisy or JPEG-damaged scans."""
    file_kind = rng.choices(["pdf", "jpg", "png", "tiff"], [70, 10, 8, 12])[0]
    if file_kind in ("jpg", "png") and n_pages > 1:
        file_kind = "tiff" if rng.random() < 0.5 else "pdf"
    if file_kind == "png" and ({"noise", "jpeg"} & set(tags)):
        file_kind = "pdf"
    if file_kind == "jpg" and "bilevel" in tags:
        file_kind = "png"
    return file_kind


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
    if "yellow" in tags:  # drawn after everything else: the other parameters do not move
        params["paper_rgb"] = [rng.randint(236, 246), rng.randint(222, 234), rng.randint(172, 196)]
        params["stain"] = round(rng.uniform(0.05, 0.15), 3)
    if "photo" in tags:
        params["perspective"] = round(rng.uniform(0.01, 0.03), 4)
        params["light_falloff"] = round(rng.uniform(0.15, 0.3), 3)
        params["photo_blur_px300"] = round(rng.uniform(0.6, 1.2), 2)
    return params


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
    if "yellow" in tags:
        img = _yellowed(img, params)
        white = tuple(params["paper_rgb"])
    if "skew" in tags:
        angle = params["skew_deg"][page % len(params["skew_deg"])]
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=white)
    if "blur" in tags:
        img = img.filter(ImageFilter.GaussianBlur(params["blur_px300"] * dpi / 300))
    if "photo" in tags:
        img = _photographed(img, params, dpi)
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


def _yellowed(img: Image.Image, params: dict[str, Any]) -> Image.Image:
    """Old paper: the white turns yellow-brown, ink stays dark, a stain darkens one corner."""
    paper = np.array(params["paper_rgb"], dtype=np.float32)
    gray = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    stain = 1.0 - params["stain"] * np.clip(1.0 - np.hypot(xx / w, yy / h), 0.0, 1.0)
    rgb = gray[..., None] * paper[None, None, :] * stain[..., None]
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def _photographed(img: Image.Image, params: dict[str, Any], dpi: int) -> Image.Image:
    """A page taken with a phone: seen a little from below (a trapezoid), lit unevenly
    (darker away from the middle), a little out of focus."""
    w, h = img.size
    k = params["perspective"]
    # the top edge is farther from the lens: narrower by 2k of the width
    quad = (-k * w, 0.0, -0.3 * k * w, float(h), w + 0.3 * k * w, float(h), w + k * w, 0.0)
    fill: Any = 255 if img.mode == "L" else (255, 255, 255)
    img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor=fill)
    arr = np.asarray(img, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.hypot((xx - w / 2) / (w / 2), (yy - h * 0.45) / (h / 2))
    light = 1.0 - params["light_falloff"] * np.clip(r, 0.0, 1.5) ** 2 / 2.25
    arr = arr * (light[..., None] if arr.ndim == 3 else light)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)
    return img.filter(ImageFilter.GaussianBlur(params["photo_blur_px300"] * dpi / 300))


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


def scan_pages(spec: DocSpec) -> list[Image.Image]:
    """The document's pages as they come off the scanner."""
    nrng = np.random.default_rng(spec.seed)
    return [
        degrade(im, spec.tags, nrng, spec.params, page=i, dpi=spec.dpi)
        for i, im in enumerate(render_pages(spec))
    ]
