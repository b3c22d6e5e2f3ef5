"""Agency lines of the header: grouped into names (parent, ..., issuer), and their initials."""

from __future__ import annotations

import re

from digitize.metadata.tables import AGENCY_HEADS, LOCALITIES
from digitize.metadata.text import fold, squash_spaces


def initials(agency: str) -> str:
    """Letter initials of an agency name: "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "SGDĐT"."""
    words = [w for w in re.findall(r"[^\W\d_]+", agency) if fold(w) not in ("va", "cua")]
    return "".join("Đ" if w[0] in "Đđ" else fold(w[0]).upper() for w in words)


_HEADS_FOLDED = tuple(sorted({fold(h) for h in AGENCY_HEADS}, key=len, reverse=True))
_LOCALITY_FOLDED = tuple(fold(x).rstrip(".") for x in LOCALITIES)


def _starts_agency(line: str) -> bool:
    """True when a caps line opens an agency name (SỞ ..., TỈNH ỦY, BỘ ...)."""
    key = fold(line).strip(" -.")
    if re.match(rf"^(?:{'|'.join(_LOCALITY_FOLDED)})\s+uy\b", key):
        return True  # TỈNH ỦY, HUYỆN ỦY, THÀNH ỦY
    return any(key == h or key.startswith(h + " ") for h in _HEADS_FOLDED)


def _incomplete(unit: str) -> bool:
    """An agency name that must go on: ends with VÀ/CỦA/-, or a bare council name."""
    key = fold(unit).strip()
    if re.search(r"(?:\bva|\bcua|[-,&])$", key):
        return True
    return key in ("uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd", "uy ban")


def split_agencies(lines: list[str]) -> list[str]:
    """Group the header's agency lines into names: [parent, ..., issuer].

    ["UBND TỈNH NINH BÌNH", "SỞ TÀI NGUYÊN VÀ", "MÔI TRƯỜNG"] ->
    ["UBND TỈNH NINH BÌNH", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"];
    ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"] -> ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"].
    """
    return [" ".join(squash_spaces(lines[i]) for i in unit) for unit in group_agencies(lines)]


def group_agencies(lines: list[str]) -> list[list[int]]:
    """`split_agencies` as the indices of the lines each name is made of."""
    units: list[list[int]] = []
    for i, line in enumerate(squash_spaces(x) for x in lines):
        if not line:
            continue
        joined = " ".join(squash_spaces(lines[j]) for j in units[-1]) if units else ""
        if units and not (_starts_agency(line) and not _incomplete(joined)):
            units[-1].append(i)
        else:
            units.append([i])
    return units


_LOCALITY_WORDS = frozenset(fold(x).split()[0].rstrip(".") for x in LOCALITIES)


def drop_stray_dashes(tokens: list[str], covered: list[bool]) -> tuple[list[str], list[bool]]:
    """Drop "-" tokens that join nothing in an agency name: at its end, or before a
    locality ("ỦY BAN NHÂN DÂN -" / "TỈNH KHÁNH HÒA": a speck or the rule read as a
    dash). "PHÒNG TÀI CHÍNH - KẾ HOẠCH" keeps its own."""
    keep = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        stray = tok in ("-", "–", "—") and (nxt is None or fold(nxt).rstrip(".") in _LOCALITY_WORDS)
        keep.append(not stray)
    return [t for t, k in zip(tokens, keep, strict=True) if k], [
        c for c, k in zip(covered, keep, strict=True) if k
    ]
