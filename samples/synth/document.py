"""One document drawn from a seed: its agency, number, date, text, layout and scan settings."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from .agencies import Agency, make_agency, signer_block
from .body import build_body
from .compose import Ctx, abstract_for, kinh_gui_for, recipients_for
from .english import english_paras
from .flow import draw_style, fit
from .fmt import fmt_date_line, nfc
from .fonts import text_width
from .model import DocSpec
from .names import person_name
from .scanner import scan_settings
from .vocabulary import NUMBERS_AGENCY_FACTOR, NUMBERS_PER_DAY, TOPICS, TYPE_WEIGHTS, TYPES

URGENCIES = [None, "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
URGENCY_WEIGHTS = [88, 6, 3, 3]
NEVER_URGENT = ("Nghị định", "Thông tư", "Nghị quyết", "Báo cáo", "Chương trình")


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
    english: bool = False,
) -> DocSpec:
    """Draw one document from ``rng``: content, truth, layout and scan settings.

    Any argument left None is drawn at random. ``pages`` (1-3) is met by growing the body.
    ``english`` puts web and e-mail addresses, COVID-19 and programme names on the first page
    (`english.english_paras`); without it nothing is drawn for them.
    """
    if doc_type is None:
        doc_type = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
    if year is None:
        year = rng.choice([2020, 2021, 2022, 2023, 2024, 2025] * 3 + list(range(1999, 2020)))
    issued = _issue_date(rng, year)
    zeros = year >= 2020 or (year >= 2011 and rng.random() < 0.6)
    ag = make_agency(rng, doc_type, year)
    loc = _localizer(ag)
    number, symbol, normative = _number(rng, doc_type, ag, issued, zeros)
    number_symbol = nfc(f"{number}/{symbol}")
    # sometimes the number was filled in after the form was printed: "Số: 87 /QĐ-UBND"
    number_printed = f"Số: {number} /{symbol}" if rng.random() < 0.2 else f"Số: {number_symbol}"
    ctx = Ctx(rng, ag, issued, rng.choice(TOPICS), doc_type)
    abstract = loc(abstract_for(rng, doc_type, ctx, normative))
    urgency = _urgency(rng, doc_type)
    title = signer_block(rng, ag, doc_type, year)
    units_for_luu = rng.choice(ag.units) if ag.units else "VP"
    recipients = [loc(r) for r in recipients_for(rng, ag, doc_type, units_for_luu)]
    kinh_gui = [loc(k) for k in kinh_gui_for(rng, ag, doc_type)]
    spec = DocSpec(
        index=index,
        doc_type=doc_type,
        type_code=TYPES[doc_type][0],
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
    _lay_out(rng, spec, ctx, loc, pages, english)
    scan_settings(rng, spec, dpi=dpi, tags=tags, file_kind=file_kind, color=color)
    return spec


def _urgency(rng: random.Random, doc_type: str) -> str | None:
    """Sometimes a boxed urgency mark; never on acts and reports that cannot be urgent."""
    urgency = rng.choices(URGENCIES, URGENCY_WEIGHTS)[0]  # drawn even when not used
    return None if doc_type in NEVER_URGENT else urgency


def _issue_date(rng: random.Random, year: int) -> dt.date:
    """A day of ``year`` (up to mid-2025), never a Sunday."""
    start = dt.date(year, 1, 2)
    end = dt.date(year, 12, 30) if year < 2025 else dt.date(2025, 6, 30)
    issued = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    while issued.weekday() == 6:
        issued += dt.timedelta(days=1)
    return issued


def _number(
    rng: random.Random, doc_type: str, ag: Agency, issued: dt.date, zeros: bool
) -> tuple[str, str, bool]:
    """Number and symbol, and whether the act is normative (its year goes into the symbol).

    The number grows with the day of the year, at the rate the agency issues the type.
    """
    per_day = NUMBERS_PER_DAY[doc_type] * NUMBERS_AGENCY_FACTOR[ag.kind]
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
        symbol = f"{TYPES[doc_type][0]}-{ag.code}"
        if normative:
            symbol = f"{issued.year}/{symbol}"
    return number, symbol, normative


def _lay_out(
    rng: random.Random, spec: DocSpec, ctx: Ctx, loc: Callable[[str], str], pages: int | None,
    english: bool = False,
) -> None:
    """Write the body and lay it out on ``pages`` pages (drawn when None)."""
    _wrap_issuer(spec)
    st = draw_style(rng)
    spec.style = st
    body = build_body(spec, ctx, st["body"], st)
    for para in body[0] + [q for u in body[1] for q in u] + body[2]:
        para.tokens = [(loc(w), style) for w, style in para.tokens]
    if english:  # right after the head, so on the first page
        body[1].insert(0, english_paras(random.Random(rng.getrandbits(64)), st["body"], st))
    target = pages if pages is not None else rng.choices([1, 2, 3], [45, 40, 15])[0]
    layout_seed = rng.getrandbits(32)
    spec.pages = fit(spec, st, body, target, layout_seed)


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
