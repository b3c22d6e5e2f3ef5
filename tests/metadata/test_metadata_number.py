"""Số và ký hiệu: parsing, OCR repairs against the type-code table, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digitize.metadata.agencies import initials
from digitize.metadata.number_symbol import (
    agency_groups_known,
    parse_number_symbol,
    read_number,
    repair_symbol,
    symbol_type,
)
from digitize.metadata.tables import TYPE_CODES


@pytest.mark.parametrize(
    ("text", "number", "symbol", "both"),
    [
        ("Số: 106/KH-UBND", "106", "KH-UBND", "106/KH-UBND"),
        ("Số: 507 /UBND-KGVX", "507", "UBND-KGVX", "507/UBND-KGVX"),
        ("Số: 15/QD-BNV", "15", "QĐ-BNV", "15/QĐ-BNV"),  # Đ read as D
        ("Số: 15/QÐ-BNV", "15", "QĐ-BNV", "15/QĐ-BNV"),  # Icelandic ETH
        ("Số: 87⁄QĐ-UBND", "87", "QĐ-UBND", "87/QĐ-UBND"),  # fraction slash
        ("Số: 106lKH-UBND", "106", "KH-UBND", "106/KH-UBND"),  # '/' read as 'l'
        ("Số: 1424/T Tr-BQL", "1424", "TTr-BQL", "1424/TTr-BQL"),  # code split by a space
        ("Số: 12/TTR-UBND", "12", "TTr-UBND", "12/TTr-UBND"),
        ("Số: 30/2020/NĐ-CP", "30", "2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("Số: 01-NQ/TU", "01", "NQ/TU", "01-NQ/TU"),  # Party documents
        ("Số: 14514-CV/VPTW", "14514", "CV/VPTW", "14514-CV/VPTW"),
        ("Số: 12/UBND–VX", "12", "UBND-VX", "12/UBND-VX"),  # en dash
        ("S6: 05 / CT - UBND", "05", "CT-UBND", "05/CT-UBND"),
        ("Số:  135/QĐ-BCĐ138", "135", "QĐ-BCĐ138", "135/QĐ-BCĐ138"),
    ],
)
def test_parse_number_symbol(text: str, number: str, symbol: str, both: str) -> None:
    ns = parse_number_symbol(text)
    assert ns is not None
    assert (ns.number, ns.symbol, ns.number_symbol) == (number, symbol, both)
    assert not ns.repaired


def test_handwritten_junk_is_marked_repaired() -> None:
    ns = parse_number_symbol("Số: 8T /QD-UBND")
    assert ns is not None and ns.repaired and ns.symbol == "QĐ-UBND"


def test_missing_number_keeps_the_symbol() -> None:
    ns = parse_number_symbol("Số: /UBND-KGVX")
    assert ns is not None and ns.number is None and ns.symbol == "UBND-KGVX"
    assert ns.number_symbol is None


@pytest.mark.parametrize("text", ["Số:", "Kính gửi: Sở Nội vụ", "Số: 123", ""])
def test_not_a_number_line(text: str) -> None:
    ns = parse_number_symbol(text)
    assert ns is None or ns.symbol is None or ns.number_symbol is None


def test_agency_group_fixed_from_issuer_initials() -> None:
    hint = initials("SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    assert hint == "SGDĐT"
    symbol, code = repair_symbol("SGDDT-CTrTT", agency_hints=(hint,))
    assert symbol == "SGDĐT-CTrTT" and code is None


def test_ambiguous_code_resolved_by_title() -> None:
    assert repair_symbol("HD-UBND", hint_type="Hợp đồng")[0] == "HĐ-UBND"
    assert repair_symbol("HD-UBND", hint_type="Hướng dẫn")[0] == "HD-UBND"
    assert repair_symbol("Q0-UBND")[0] == "QĐ-UBND"


def test_read_number() -> None:
    assert read_number("106") == ("106", True)
    assert read_number("1O6") == ("106", False)
    assert read_number("ố†Ï") == (None, False)


@pytest.mark.parametrize(
    ("symbol", "doc_type"),
    [("QĐ-UBND", "Quyết định"), ("UBND-KGVX", None), ("2020/NĐ-CP", "Nghị định"),
     ("NQ/TU", "Nghị quyết"), ("TTr-UBND", "Tờ trình"), (None, None)],
)  # fmt: skip
def test_symbol_type(symbol: str | None, doc_type: str | None) -> None:
    assert symbol_type(symbol) == doc_type


_codes = st.sampled_from(sorted({c for c in TYPE_CODES.values() if c != "CV"}))
_agency = st.sampled_from(["UBND", "HĐND", "BNV", "SGDĐT", "STNMT", "VPCP", "BCĐ138", "TTg"])
_unit = st.sampled_from(["", "-VX", "-KGVX", "-TTHC", "-NC", "-CTrTT"])


@given(
    number=st.integers(1, 99999),
    code=_codes,
    agency=_agency,
    unit=_unit,
    zero=st.booleans(),
    spaced=st.booleans(),
)
def test_round_trip(number: int, code: str, agency: str, unit: str, zero: bool, spaced: bool) -> None:
    num = f"{number:02d}" if zero else str(number)
    symbol = f"{code}-{agency}{unit}"
    printed = f"Số: {num} /{symbol}" if spaced else f"Số: {num}/{symbol}"
    ns = parse_number_symbol(printed, hint_type=next(t for t, c in TYPE_CODES.items() if c == code))
    assert ns is not None
    assert (ns.number, ns.symbol, ns.number_symbol) == (num, symbol, f"{num}/{symbol}")


@given(number=st.integers(1, 9999), agency=_agency, unit=st.sampled_from(["-VX", "-KGVX", "-NC"]))
def test_round_trip_cong_van(number: int, agency: str, unit: str) -> None:
    ns = parse_number_symbol(f"Số: {number}/{agency}{unit}")
    assert ns is not None and ns.number_symbol == f"{number}/{agency}{unit}"
    assert symbol_type(ns.symbol) is None


@pytest.mark.parametrize(
    ("text", "issuer", "want"),
    [
        # D read for Đ: the issuer's initials (any run of them) say where Đ goes
        ("Số: 19 /HDND-KTNS", "HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG", "19/HĐND-KTNS"),
        ("Số: 3/2002/NQ-HDND", "HỘI ĐỒNG NHÂN DÂN TỈNH AN GIANG", "3/2002/NQ-HĐND"),
        ("Số 12-NQ/DU", "ĐẢNG ỦY XÃ AN PHÚ", "12-NQ/ĐU"),
        # a well-known abbreviation never spells Đ as D, whoever issues
        ("Số: 22/NQ-HDND", "VĂN PHÒNG", "22/NQ-HĐND"),
        # a real D stays
        ("Số: 12/SXD-QLXD", "SỞ XÂY DỰNG", "12/SXD-QLXD"),
        ("Số: 326/SGDDT-VP", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "326/SGDĐT-VP"),
    ],
)
def test_agency_group_d_repaired_from_issuer_runs(text: str, issuer: str, want: str) -> None:
    ns = parse_number_symbol(text, agency_hints=(initials(issuer),))
    assert ns is not None and ns.number_symbol == want
    assert not ns.symbol_guessed


def test_agency_group_one_lookalike_from_the_issuer_is_a_guess() -> None:
    hints = (initials("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),)
    ns = parse_number_symbol("Số: 25/KH-STTTI", agency_hints=hints)
    assert ns is not None and ns.symbol == "KH-STTTT" and ns.symbol_guessed
    # two letters off, or a unit group of a công văn: left as read
    assert parse_number_symbol("Số: 25/KH-STTII", agency_hints=hints).symbol == "KH-STTII"  # type: ignore[union-attr]


def test_agency_groups_known() -> None:
    hints = (initials("BỘ TÀI CHÍNH"),)
    assert agency_groups_known("QĐ-BTC", hints)
    assert agency_groups_known("UBND-KGVX")
    assert agency_groups_known("2010/NQ-HĐND")
    assert not agency_groups_known("QĐ-XYZ", hints)


def test_number_line_with_a_speck_before_so() -> None:
    ns = parse_number_symbol("_ =Số: 345 /KH-UBND")
    assert ns is not None and ns.number_symbol == "345/KH-UBND" and not ns.repaired


@given(
    st.sampled_from(["HĐND", "SGDĐT", "BGDĐT", "LĐTBXH", "BCĐ"]),
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["NQ", "QĐ", "KH", "BC"]),
)
def test_d_for_dd_round_trip(agency: str, number: int, code: str) -> None:
    """OCR's D for Đ in a well-known abbreviation always comes back."""
    printed = f"{number}/{code}-{agency}"
    ns = parse_number_symbol("Số: " + printed.replace("Đ", "D"))
    assert ns is not None and ns.number_symbol == printed
