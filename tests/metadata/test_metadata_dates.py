"""Place-date line, issue date validation, signature stamps."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vnpage import line, page

from digitize.metadata.dates import (
    canonical_place,
    day_candidates,
    format_date_line,
    read_date_segment,
    read_int,
    split_date_line,
    valid_date,
)
from digitize.metadata.layout import segments_of
from digitize.metadata.stamps import VN_TZ, StampTime, best_stamp_time, find_stamp_times
from digitize.metadata.tables import PROVINCES

TODAY = date(2025, 11, 27)


def _segment(text: str, conf: float | list[float] = 96.0):
    return segments_of(page([line(500, (text, 1250), conf=conf)]))[0]


def _stamp(day: date) -> StampTime:
    return StampTime(datetime(day.year, day.month, day.day, 16, 2, tzinfo=VN_TZ), True, True)


@pytest.mark.parametrize(
    ("text", "place", "day", "month", "year"),
    [
        ("Ninh Bình, ngày 12 tháng 7 năm 2021", "Ninh Bình", "12", "7", "2021"),
        ("Quang Ngãi, ngày @3 thang 01 năm 2025", "Quang Ngãi", "@3", "01", "2025"),
        ("Quảng Ngãi, ngayAF5 tháng 01 năm 2025", "Quảng Ngãi", "AF5", "01", "2025"),
        ("Quảng Ngãi, ngày tháng 01 năm 2025", "Quảng Ngãi", "", "01", "2025"),
        ("TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2024", "TP. Hồ Chí Minh", "05", "01", "2024"),
        ("Hà Nội, ngay 22 thang 2 nam 1999", "Hà Nội", "22", "2", "1999"),
    ],
)
def test_split_date_line(text: str, place: str, day: str, month: str, year: str) -> None:
    dl = split_date_line(text)
    assert dl is not None
    assert (dl.place, dl.day_raw, dl.month_raw, dl.year_raw) == (place, day, month, year)


@pytest.mark.parametrize("text", ["Kính gửi: Sở Nội vụ", "Độc lập - Tự do - Hạnh phúc", "ngày 05"])
def test_not_a_date_line(text: str) -> None:
    assert split_date_line(text) is None


@given(
    d=st.dates(min_value=date(1990, 1, 1), max_value=TODAY),
    place=st.sampled_from(PROVINCES),
    zeros=st.booleans(),
)
def test_date_round_trip(d: date, place: str, zeros: bool) -> None:
    dl = split_date_line(format_date_line(place, d, leading_zero=zeros))
    assert dl is not None and dl.place == place
    parts = (
        read_int(dl.year_raw, 1945, TODAY.year),
        read_int(dl.month_raw, 1, 12),
        read_int(dl.day_raw, 1, 31),
    )
    assert all(clean for _, clean in parts)
    assert valid_date(*(v for v, _ in parts)) == d  # type: ignore[arg-type]


@given(d=st.dates(min_value=date(2020, 3, 5), max_value=TODAY))
def test_read_date_segment_round_trip(d: date) -> None:
    reading = read_date_segment(_segment(format_date_line("Quảng Ngãi", d)), None, TODAY)
    assert reading is not None and reading.value == d and reading.confidence >= 0.9


def test_impossible_calendar_date_is_not_given() -> None:
    reading = read_date_segment(_segment("Hà Nội, ngày 31 tháng 02 năm 2023"), None, TODAY)
    assert reading is not None and reading.value is None and reading.confidence == 0


def test_future_date_is_flagged() -> None:
    reading = read_date_segment(_segment("Hà Nội, ngày 05 tháng 01 năm 2026"), None, date(2025, 6, 1))
    assert reading is not None and reading.value is None  # year beyond today: not a date


def test_date_after_signing_is_flagged() -> None:
    stamp = _stamp(date(2025, 1, 10))
    reading = read_date_segment(_segment("Hà Nội, ngày 20 tháng 01 năm 2025"), stamp, TODAY)
    assert reading is not None and reading.value == date(2025, 1, 20) and reading.confidence < 0.5


def test_weak_handwritten_day_rebuilt_from_stamp_with_low_confidence() -> None:
    seg = _segment("Quảng Ngãi, ngày @3 tháng 01 năm 2025", conf=[96, 96, 96, 30, 96, 96, 96, 96])
    reading = read_date_segment(seg, _stamp(date(2025, 1, 24)), TODAY)
    assert reading is not None and reading.value == date(2025, 1, 23)
    assert reading.confidence < 0.5


def test_weak_day_without_stamp_is_none() -> None:
    seg = _segment("Quảng Ngãi, ngày @3 tháng 01 năm 2025", conf=[96, 96, 96, 30, 96, 96, 96, 96])
    reading = read_date_segment(seg, None, TODAY)
    assert reading is not None and reading.value is None


def test_missing_day_is_none_even_with_stamp() -> None:
    reading = read_date_segment(
        _segment("Quảng Ngãi, ngày tháng 01 năm 2025"), _stamp(date(2025, 1, 7)), TODAY
    )
    assert reading is not None and reading.value is None and reading.confidence == 0


def test_low_confidence_digit_is_flagged() -> None:
    seg = _segment("Quảng Ngãi, ngày 22 tháng 01 năm 2025", conf=[96, 96, 96, 70, 96, 96, 96, 96])
    reading = read_date_segment(seg, None, TODAY)
    assert reading is not None and reading.value == date(2025, 1, 22) and reading.confidence < 0.7


def test_single_digit_day_after_2020_is_suspicious() -> None:
    reading = read_date_segment(_segment("Quảng Ngãi, ngày 5 tháng 4 năm 2020"), None, TODAY)
    assert reading is not None and reading.confidence < 0.7
    older = read_date_segment(_segment("Quảng Ngãi, ngày 5 tháng 4 năm 2019"), None, TODAY)
    assert older is not None and older.confidence >= 0.9


def test_day_candidates() -> None:
    assert day_candidates("@3") == [3, 13, 23]
    assert 31 in day_candidates("3/4")
    assert day_candidates("") == []


@pytest.mark.parametrize(
    ("raw", "place", "known"),
    [("Quang Ngai", "Quảng Ngãi", True), ("Quảng Ngãi", "Quảng Ngãi", True),
     ("Thanh Hoá", "Thanh Hoá", True), ("Mộ Đức", "Mộ Đức", False)],
)  # fmt: skip
def test_canonical_place(raw: str, place: str, known: bool) -> None:
    assert canonical_place(raw) == (place, known)


def test_stamp_times_prefer_the_signer() -> None:
    layer = (
        "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\n"
        "Thời gian ký: 06/02/2025 16:02:02\nTRUNG TÂM CÔNG\nBÁO VÀ TIN HỌC\n"
        "06.02.2025 16:43:37\n+07:00\n"
    )
    times = find_stamp_times(layer, from_layer=True, today=TODAY)
    best = best_stamp_time(times)
    assert best is not None and best.signer_time
    assert best.at.isoformat() == "2025-02-06T16:02:02+07:00"


def test_stamp_time_with_zone_and_garbage() -> None:
    times = find_stamp_times("x 16.04.2020 07:37:07 +07:00", from_layer=False, today=TODAY)
    assert [t.at.isoformat() for t in times] == ["2020-04-16T07:37:07+07:00"]
    assert find_stamp_times("Thời gian ký: 07/01/3028 10: 09:57", from_layer=False, today=TODAY) == []
    assert best_stamp_time([]) is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2025, 11, 1)))
def test_stamp_round_trip(at: datetime) -> None:
    at = at.replace(microsecond=0)
    text = f"Thời gian ký: {at:%d/%m/%Y %H:%M:%S}"
    (found,) = find_stamp_times(text, from_layer=True, today=TODAY)
    assert found.at == at.replace(tzinfo=VN_TZ) and found.at.utcoffset() == timedelta(hours=7)
