"""Is a PDF whole? Its end (a cut-short copy), its pages after qpdf's repair, and whether a
PDF we wrote opens in qpdf and renders in poppler before it is archived."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf

_TAIL = 1024  # where qpdf (and Acrobat) look for startxref and %%EOF
_PADDING = b"\x00\t\n\x0c\r "
_LOST_KID = "Pages tree includes non-dictionary object"
_CUT_STREAM = re.compile(r"object (\d+) (\d+)\b.*unable to recover stream data")
_SKIP_KEYS = ("/Parent", "/P")  # back links: the page tree and annotations' pages


def end_missing(path: Path) -> bool:
    """True when the file has no startxref and %%EOF at its end (trailing padding aside):
    it was cut short, or is still being written."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 64 * 1024))
        tail = f.read().rstrip(_PADDING)[-_TAIL:]
    at = tail.rfind(b"startxref")
    return at < 0 or b"%%EOF" not in tail[at:]


def has_revisions(path: Path) -> bool:
    """True when the file holds an %%EOF before its end (besides a linearized file's first
    page trailer): it was updated in place (signed, annotated), and a cut may have lost a
    later revision although the pages look whole."""
    marker, found = b"%%EOF", 0
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(0)
        carry = b""
        while chunk := f.read(1 << 20):
            found += (carry + chunk).count(marker) - carry.count(marker)
            carry = chunk[-8:]
    return found > (1 if b"/Linearized" in head else 0)


def damaged_pages(pdf: pikepdf.Pdf, repair_warnings: list[str]) -> tuple[list[int], int]:
    """After qpdf's repair of a cut-short file: (pages whose content or resources were lost,
    pages dropped from the page tree because their objects are gone)."""
    dropped = sum(_LOST_KID in w for w in repair_warnings)
    cut = {(int(m[1]), int(m[2])) for w in repair_warnings if (m := _CUT_STREAM.search(w))}
    broken = [n for n, page in enumerate(pdf.pages, start=1) if not _page_whole(page.obj, cut)]
    return broken, dropped


def _page_whole(page: pikepdf.Object, cut: set[tuple[int, int]]) -> bool:
    """Every object the page draws with is there: no reference to a lost object (null) and
    no stream whose data was cut off."""
    stack = [page[key] for key in ("/Contents", "/Resources") if key in page]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if obj is None:
            return False
        if not isinstance(obj, pikepdf.Object):
            continue  # a number, a name, a string
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            if obj.objgen in cut:
                return False
            stack.extend(v for k, v in obj.stream_dict.items() if k not in _SKIP_KEYS)
        elif isinstance(obj, pikepdf.Dictionary):
            stack.extend(v for k, v in obj.items() if k not in _SKIP_KEYS)
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)
    return True


def unreadable(path: Path) -> str | None:
    """Why `path` would not open for a colleague, or None: qpdf's check (structure, streams,
    page contents) and poppler rendering its first and last pages (cheaply, a few pixels)."""
    try:
        with pikepdf.open(path) as pdf:
            problems = pdf.check_pdf_syntax()
            count = len(pdf.pages)
    except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
        return f"qpdf cannot open it: {_first_line(exc)}"
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return f"qpdf --check: {problems[0]}{more}"
    for number in sorted({1, count}):
        if problem := _poppler_problem(path, number):
            return problem
    return None


def _poppler_problem(path: Path, number: int) -> str | None:
    try:
        proc = subprocess.run(
            ["pdftoppm", "-f", str(number), "-l", str(number), "-scale-to", "24", "-gray", str(path)],
            capture_output=True, timeout=120, check=False,
        )
    except subprocess.TimeoutExpired:
        return f"pdftoppm took over 120 s on page {number}"
    errors = proc.stderr.decode("utf-8", "replace")
    structural = [line for line in errors.splitlines() if re.search(r"xref|trailer", line, re.I)]
    if proc.returncode != 0 or structural:
        detail = (structural or errors.strip().splitlines() or [f"exit code {proc.returncode}"])[0]
        return f"pdftoppm cannot render page {number}: {detail[:160]}"
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
