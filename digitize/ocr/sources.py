"""Open and validate inputs: real type by content, damage, encryption, size limits.

Every input becomes a clean working PDF in the job's temporary folder (images converted
losslessly with img2pdf, PDFs repaired and decrypted by qpdf through pikepdf); the original
file is only ever read.
"""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image, UnidentifiedImageError

from ..errors import InputError
from . import active, integrity
from .searchable import shown_size

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
KINDS = ("pdf", "tiff", "jpeg", "png")
_SIGNATURE_LINE = re.compile(
    r"(k[ýy] b[ởo]i|th[ờo]i gian k[ýy]|trung t[âa]m c[ôo]ng b[áa]o|c[ổo]ng th[ôo]ng tin|"
    r"email:|c[ơo] quan:|\d{2}[./]\d{2}[./]\d{4} \d{2}:\d{2}(:\d{2})?|\+07:00|signed by|signature)",
    re.IGNORECASE,
)
_VN_MARKED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


@dataclass(slots=True)
class PageInfo:
    """What is known about one page before OCR."""

    number: int
    width_pt: float
    height_pt: float
    native_dpi: float | None  # resolution of the largest image on the page
    layer_text: str = ""  # the page's own text layer (pdftotext -raw)
    has_real_text: bool = False  # a trustworthy text layer, not just a signature stamp


@dataclass(slots=True)
class Source:
    """An input file, validated, with a working PDF copy."""

    path: Path
    sha256: str
    size: int
    kind: str  # pdf | tiff | jpeg | png
    work_pdf: Path
    pages: list[PageInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    camera_photo: bool = False

    @property
    def page_count(self) -> int:
        return len(self.pages)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def sniff_kind(path: Path) -> str | None:
    """The file's real type from its first bytes (extensions lie)."""
    with open(path, "rb") as f:
        head = f.read(1024)
    # an image's magic at offset 0 first: a JPEG's comment or EXIF may well hold "%PDF-"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if b"%PDF-" in head:  # readers allow junk before the header
        return "pdf"
    return None


def _describe_unknown(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP/Office file"
    if head.startswith((b"GIF8", b"BM", b"RIFF")):
        return "an image format digitize does not take"
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "not a PDF, TIFF, JPEG or PNG"


def check_file(path: Path, *, max_file_mb: int) -> tuple[int, str]:
    """Refuse what is obviously not a document; return (size, kind)."""
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: empty file (0 bytes)", advice="scan it again")
    if size > max_file_mb * 1024 * 1024:
        raise InputError(
            f"{path}: {size / 1048576:.0f} MiB is over the {max_file_mb} MiB limit",
            advice="split the file or raise max_file_mb",
        )
    kind = sniff_kind(path)
    if kind is None:
        raise InputError(
            f"{path}: {_describe_unknown(path)}", advice="digitize takes PDF, TIFF, JPEG and PNG scans"
        )
    return size, kind


def open_source(
    path: Path,
    work_dir: Path,
    *,
    sha256: str,
    size: int,
    kind: str,
    password: str | None = None,
    max_pages: int = 2000,
    max_megapixels: float = 150.0,
) -> Source:
    """Validate `path` and write its working PDF into `work_dir`."""
    work_pdf = work_dir / "input.pdf"
    source = Source(path=path, sha256=sha256, size=size, kind=kind, work_pdf=work_pdf)
    if kind == "pdf":
        _prepare_pdf(path, work_pdf, password, source)
    else:
        _prepare_image(path, work_pdf, kind, source, max_megapixels=max_megapixels, max_pages=max_pages)
    source.pages = _page_infos(work_pdf, path, max_pages)
    _read_text_layers(source)
    return source


def _prepare_pdf(path: Path, work_pdf: Path, password: str | None, source: Source) -> None:
    truncated = integrity.end_missing(path)
    try:
        with pikepdf.open(path, password=password or "") as pdf:
            if pdf.is_encrypted and not password and not pdf.allow.extract:
                log.debug("%s: owner-password restrictions removed on the working copy", path)
            warnings_ = pdf.get_warnings()
            if truncated:
                _refuse_lost_pages(path, pdf, warnings_)
                source.warnings.append(f"the end of the file was missing (cut short); its "
                                       f"{len(pdf.pages)} page(s) were all whole and are kept")
            elif warnings_:
                source.warnings.append(f"repaired damaged PDF ({len(warnings_)} problems)")
            if "/Size" not in pdf.trailer:  # a rebuilt trailer: without it qpdf writes a broken file
                pdf.trailer.Size = 0  # any value: qpdf writes the right one
            source.warnings.extend(active.remove_active_content(pdf))
            pdf.remove_unreferenced_resources()
            pdf.save(work_pdf)
    except pikepdf.PasswordError as exc:
        if password:
            raise InputError(f"{path}: the password given does not open this PDF") from exc
        raise InputError(f"{path}: encrypted PDF", advice="pass --password or --password-file "
                         "(or set password_file) to open it") from exc
    except (pikepdf.PdfError, RuntimeError, ValueError, OverflowError) as exc:
        what = "truncated PDF (the end of the file is missing)" if truncated else "damaged PDF"
        raise InputError(
            f"{path}: {what} that qpdf cannot repair ({_short(exc)})",
            advice="get a new copy of the file or scan it again",
        ) from exc


def _refuse_lost_pages(path: Path, pdf: pikepdf.Pdf, repair_warnings: list[str]) -> None:
    """A cut-short PDF is taken only if every page survived whole (and no later revision of
    the file, such as a digital signature, may have been lost with its end)."""
    broken, dropped = integrity.damaged_pages(pdf, repair_warnings)
    revised = integrity.has_revisions(path)
    if not broken and not dropped and not revised:
        return
    lost = [f"page(s) {', '.join(map(str, broken))} incomplete"] if broken else []
    lost += [f"{dropped} page(s) missing"] if dropped else []
    lost += ["its later changes (a signature?) lost"] if revised and not lost else []
    raise InputError(
        f"{path}: truncated PDF (the end of the file is missing: {'; '.join(lost)})",
        advice="copy the file again from where it came from, or scan it again",
    )


def unfinished_pdf(path: Path) -> bool:
    """A PDF whose end has not been written yet (or was cut short)."""
    try:
        return sniff_kind(path) == "pdf" and integrity.end_missing(path)
    except OSError:  # gone or unreadable: the caller's own checks say so
        return False


def _prepare_image(path: Path, work_pdf: Path, kind: str, source: Source, *, max_megapixels: float,
                   max_pages: int) -> None:
    with _pillow_limit(max_megapixels):
        try:
            dpi = _check_image(path, kind, source, max_megapixels=max_megapixels, max_pages=max_pages)
        except InputError:
            raise
        except Image.DecompressionBombError as exc:
            raise InputError(f"{path}: image too large to decode safely", advice="scan at 300 dpi") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InputError(
                f"{path}: damaged {kind.upper()} image ({_short(exc)})", advice="scan it again"
            ) from exc
        layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
        try:
            data = img2pdf.convert(str(path), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
        except Exception as exc:  # img2pdf raises many kinds
            raise InputError(f"{path}: cannot convert {kind.upper()} image ({_short(exc)})") from exc
    work_pdf.write_bytes(data)


@contextmanager
def _pillow_limit(max_megapixels: float) -> Iterator[None]:
    """Pillow's own decompression-bomb limit (89 MP) set to ours, `max_megapixels`: Pillow
    refuses what is over twice that when it opens it; the rest is checked frame by frame
    against the limit before it is decoded (with a clearer message than Pillow's warning)."""
    before = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = int(max_megapixels * 1e6)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = before


def _check_image(path: Path, kind: str, source: Source, *, max_megapixels: float, max_pages: int) -> float:
    """Refuse an image over the limits (pages counted before any is decoded, each frame's
    size before it is decoded), decode every frame to catch damage; its dpi."""
    with Image.open(path) as img:
        frames = getattr(img, "n_frames", 1)  # reads the frames' headers only
        if frames > max_pages:
            raise InputError(
                f"{path}: {frames} pages is over the {max_pages}-page limit",
                advice="split the file or raise max_pages",
            )
        dpi = _image_dpi(img)
        exif = img.getexif()
        source.camera_photo = bool(exif.get(0x010F) or exif.get(0x0110))  # Make / Model
        for i in range(frames):
            img.seek(i)
            w, h = img.size
            if w * h > max_megapixels * 1e6:
                raise InputError(
                    f"{path}: image of {w}x{h} pixels is over the {max_megapixels:g} MP limit",
                    advice="scan at 300 dpi or raise max_megapixels",
                )
            img.load()  # decodes fully: catches truncated files
    return dpi


def _image_dpi(img: Image.Image) -> float:
    """The image's own dpi; without one, assume the short side spans an A4 page."""
    dpi = img.info.get("dpi")
    if dpi and 50 <= float(dpi[0]) <= 2400:
        return float(dpi[0])
    return round(min(img.size) / (210 / 25.4))


def _page_infos(work_pdf: Path, original: Path, max_pages: int) -> list[PageInfo]:
    with pikepdf.open(work_pdf) as pdf:
        n = len(pdf.pages)
        if n == 0:
            raise InputError(f"{original}: the PDF has no pages")
        if n > max_pages:
            raise InputError(
                f"{original}: {n} pages is over the {max_pages}-page limit",
                advice="split the file or raise max_pages",
            )
        infos = []
        for i, page in enumerate(pdf.pages, start=1):
            w, h = shown_size(page)
            infos.append(PageInfo(i, w, h, _native_dpi(page, w, h)))
    return infos


def _native_dpi(page: pikepdf.Page, w_pt: float, h_pt: float) -> float | None:
    best = None
    try:
        images = page.get_images() if hasattr(page, "get_images") else page.images
        for image in images.values():
            px_w, px_h = int(image.get("/Width", 0)), int(image.get("/Height", 0))
            if px_w * px_h and (best is None or px_w * px_h > best[0] * best[1]):
                best = (px_w, px_h)
    except (pikepdf.PdfError, ValueError, TypeError):
        return None
    if not best or w_pt <= 0 or h_pt <= 0:
        return None
    # the image may be stored rotated relative to the page
    px_long, px_short = max(best), min(best)
    pt_long, pt_short = max(w_pt, h_pt), min(w_pt, h_pt)
    return round(min(px_long / (pt_long / 72), px_short / (pt_short / 72)), 1)


def _read_text_layers(source: Source) -> None:
    try:
        proc = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(source.work_pdf), "-"],
            capture_output=True, timeout=120, check=False,
        )
    except subprocess.TimeoutExpired:
        source.warnings.append("pdftotext timed out; text layer ignored")
        return
    texts = proc.stdout.decode("utf-8", "replace").split("\f")
    for info, text in zip(source.pages, texts, strict=False):
        info.layer_text = unicodedata.normalize("NFC", text.strip())
        info.has_real_text = is_real_text_layer(info.layer_text)


def strip_signature_stamp(text: str) -> str:
    """Drop the lines of a digital-signature overlay (Ký bởi..., Thời gian ký...)."""
    return "\n".join(line for line in text.splitlines() if not _SIGNATURE_LINE.search(line))


def is_real_text_layer(text: str) -> bool:
    """A text layer worth using instead of OCR: enough text, and Vietnamese with its marks.

    A scan's layer that holds only a signature stamp is not; neither is an English OCR
    layer that lost every diacritic.
    """
    body = strip_signature_stamp(text)
    words = [w for w in re.findall(r"\w+", body) if not w.isdigit()]
    if len(words) < 30:
        return False
    marked = sum(1 for w in words if _VN_MARKED.search(w))
    return marked / len(words) >= 0.25


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
