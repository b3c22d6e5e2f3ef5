"""Text helpers: Unicode normalisation, and dates and numbers written the Vietnamese way."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    return nfc(text.upper())


def ascii_fold(text: str) -> str:
    """'Quyết định Đ' -> 'Quyet dinh D' (for file names)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
