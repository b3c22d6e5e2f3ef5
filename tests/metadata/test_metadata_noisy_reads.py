"""OCR slips seen on degraded synthetic scans (noise, blur, skew, 200 dpi): each read
right where the evidence allows, and sent to review where it does not."""

from __future__ import annotations

from datetime import date

from vnpage import RIGHT_COL, at, body_lines, centred, header_lines, line, page, signer_lines

from digitize.metadata import extract_metadata
from digitize.metadata.consensus import DocumentLexicon
from digitize.metadata.dates import split_date_line
from digitize.metadata.names import restore_name
from digitize.metadata.number_symbol import parse_number_symbol
from digitize.metadata.regions import regions_for_second_look
from digitize.metadata.tables import SURNAMES, UNMARKED_NAME_SYLLABLES
from digitize.records import Metadata

TODAY = date(2025, 11, 27)


def _read(rows: list) -> Metadata:
    return extract_metadata([page(rows)], today=TODAY)


# --- signer name ----------------------------------------------------------------------


def test_signer_name_after_a_signature_stroke_read_as_a_dash() -> None:
    rows = header_lines() + body_lines(900)
    rows += signer_lines(2400, titles=("THỦ TƯỚNG",), name=None)
    rows.append(line(2950, at("- Đỗ Ngọc Yến", RIGHT_COL), conf=[61, 96, 95, 94]))
    field = _read(rows).fields["signer"]
    # the dash is no part of the name, nor is its confidence
    assert field.value == "Đỗ Ngọc Yến" and field.confidence >= 0.7


def test_signer_name_with_a_speck_glued_to_it() -> None:
    rows = header_lines() + signer_lines(2400, titles=("GIÁM ĐỐC",), name=":Trần Đức Hiền")
    assert _read(rows).value("signer") == "Trần Đức Hiền"


def test_unmarked_name_is_doubted_when_the_line_lost_marks_elsewhere() -> None:
    got = restore_name("Nguyễn Van Thanh", unmarked_ok=UNMARKED_NAME_SYLLABLES, surnames=SURNAMES)
    assert got.text == "Nguyễn Văn Thanh" and got.ceiling < 0.7  # "Thanh" or "Thành"?
    # "Nam" has a rarer twin ("Năm"): no reason to doubt it
    got = restore_name("Trần Dinh Nam", unmarked_ok=UNMARKED_NAME_SYLLABLES, surnames=SURNAMES)
    assert got.ceiling >= 0.7
    # nothing says the OCR dropped marks: "Thanh" stands
    assert restore_name("Nguyễn Văn Thanh", unmarked_ok=UNMARKED_NAME_SYLLABLES).ceiling == 1.0


def test_unmarked_name_is_doubted_under_titles_that_lost_their_marks() -> None:
    rows = header_lines() + signer_lines(
        2400, titles=("TM. ỦY BAN NHÂN DÂN", "CHU TỊCH"), name="Hoàng Hữu Thanh"
    )
    field = _read(rows).fields["signer"]
    assert field.value == "Hoàng Hữu Thanh" and field.confidence < 0.7
    rows = header_lines() + signer_lines(
        2400, titles=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), name="Hoàng Hữu Thanh"
    )
    assert _read(rows).fields["signer"].confidence >= 0.7


# --- issuer ----------------------------------------------------------------------------


def test_issuer_word_that_lost_its_marks_beside_one_that_kept_them() -> None:
    lex = DocumentLexicon(["HUYỆN LAM HÀ", "Lâm Hà, ngày 06 tháng 3 năm 2015"])
    tokens, changed = lex.repair_caps(["HUYỆN", "LAM", "HÀ"], [True, False, False])
    assert tokens == ["HUYỆN", "LÂM", "HÀ"] and changed == 1
    # a word with other marks is no lost mark: left alone
    lex = DocumentLexicon(["HUYỆN LẠM HÀ", "Lâm Hà, ngày 06 tháng 3 năm 2015"])
    assert lex.repair_caps(["HUYỆN", "LẠM", "HÀ"], [True, False, False])[1] == 0


def test_issuer_with_a_speck_after_it() -> None:
    rows = header_lines(
        agency=("UỶ BAN NHÂN DÂN", "HUYỆN LAM HÀ '"), date_line="Lâm Hà, ngày 06 tháng 3 năm 2015"
    )
    rows[2].conf = [93, 93, 91, 78]  # the quote is weak, the words are not
    field = _read(rows).fields["issuer"]
    assert field.value == "UỶ BAN NHÂN DÂN HUYỆN LÂM HÀ" and field.confidence >= 0.7
    rows = header_lines(agency=("UBND HUYỆN ĐÔ LƯƠNG", "PHÒNG NỘI VỤ ˆ"), so="Số: 425/PNV")
    assert _read(rows).value("issuer") == "PHÒNG NỘI VỤ"


def test_rule_under_the_agency_read_as_letters_is_no_agency_line() -> None:
    rows = header_lines(
        agency=("CHÍNH PHỦ",), so="Số: 36/2020/NĐ-CP", date_line="Hà Nội, ngày 13 tháng 4 năm 2020"
    )
    rows.append(line(355, ("TC", 690), size=59, conf=18))
    meta = _read(rows)
    assert meta.value("issuer") == "CHÍNH PHỦ"
    assert meta.value("parent_issuer") is None


# --- place and date --------------------------------------------------------------------


def test_date_line_with_an_unreadable_month_word() -> None:
    line_ = split_date_line("Đô Lương, ngày 04 Tin 9 nam 2021")
    assert line_ is not None and line_.damaged
    assert (line_.day_raw, line_.month_raw, line_.year_raw) == ("04", "9", "2021")
    assert split_date_line("Hà Nội, ngày 04 tháng 9 năm 2021").damaged is False  # type: ignore[union-attr]
    assert split_date_line("ngày 04 Tin năm 2021") is None  # no month: no date


def test_garbled_date_line_gives_a_flagged_date_and_no_garbage_place() -> None:
    rows = header_lines(
        agency=("UBND HUYỆN ĐÔ LƯƠNG", "PHÒNG NỘI VỤ"),
        so="Số: 425/PNV",
        date_line="Đô PHHội ngày 04 Tin 9 nam 2021",
    )
    rows[-1].conf = [29, 0, 96, 96, 26, 90, 96, 96]
    meta = _read(rows)
    assert meta.value("issued_date") == "2021-09-04"
    assert meta.fields["issued_date"].confidence < 0.7
    assert meta.value("place") is None  # letters OCR could not read are no place name


def test_place_marks_from_the_agency_line() -> None:
    rows = header_lines(
        agency=("UBND HUYỆN HÒA VANG", "PHÒNG NỘI VỤ"),
        so="Số: 267/PNV",
        date_line="Hoa Vang, ngày 17 tháng 6 năm 2025",
    )
    field = _read(rows).fields["place"]
    assert field.value == "Hòa Vang" and field.confidence >= 0.7


# --- number and symbol -----------------------------------------------------------------


def test_symbol_letters_split_by_a_space_are_joined_when_the_issuer_spells_them() -> None:
    ns = parse_number_symbol("Số: 656 /SY T-KHTC", agency_hints=("UBNDTTH", "SYT"))
    assert ns is not None and ns.symbol == "SYT-KHTC"
    # without the issuer's initials the space stays a group boundary
    ns = parse_number_symbol("Số: 656 /AB C-KHTC")
    assert ns is not None and ns.symbol == "AB-C-KHTC"


def test_cong_van_with_a_split_symbol_is_no_certified_copy() -> None:
    rows = header_lines(agency=("UBND TỈNH THANH HÓA", "SỞ Y TẾ"), so="Số: 656 /SY T-KHTC",
                        date_line="Thanh Hóa, ngày 21 tháng 6 năm 1999")  # fmt: skip
    rows += [line(520, ("V/v góp ý dự thảo Quyết", 450)), line(578, ("định về phát triển du lịch", 450))]
    meta = _read(rows + body_lines(900))
    assert meta.value("symbol") == "SYT-KHTC"
    assert meta.value("doc_type") == "Công văn"
    assert meta.value("abstract") == "góp ý dự thảo Quyết định về phát triển du lịch"


def test_type_code_against_a_vv_block_is_doubted() -> None:
    rows = header_lines(so="Số: 12/BC-UBND")
    rows += [line(520, ("V/v báo cáo kết quả công tác", 450))]
    field = _read(rows + body_lines(900)).fields["doc_type"]
    assert field.value == "Báo cáo" and field.confidence < 0.7


def test_symbol_with_a_group_of_digits_alone_is_flagged() -> None:
    rows = header_lines(
        agency=("THỦ TƯỚNG CHÍNH PHỦ",), so="Số: 1047/QD-TT 5", date_line="Hà Nội, ngày 11 tháng 10 năm 2010"
    )
    rows += [centred(640, "QUYẾT ĐỊNH"), centred(705, "Về việc phê duyệt dự toán kinh phí")]
    meta = _read(rows + body_lines(900))
    assert meta.fields["symbol"].confidence < 0.7
    assert meta.fields["number_symbol"].confidence < 0.7


# --- urgency ---------------------------------------------------------------------------


def test_empty_band_under_the_number_is_asked_for_again() -> None:
    rows = [
        *header_lines(so="Số: 675/QĐ-UBND"),
        centred(1100, "QUYẾT ĐỊNH"),
        centred(1165, "Về việc ban hành Quy chế"),
    ]
    pages = [page(rows + body_lines(1400))]
    meta = extract_metadata(pages, today=TODAY)
    assert meta.value("urgency") is None and meta.fields["urgency"].confidence < 0.7
    regions = [r for r in regions_for_second_look(pages, meta) if r.reason == "urgency"]
    assert len(regions) == 1
    r = regions[0]
    assert r.left == 0 and 534 < r.top < r.bottom < 1100 and r.right < 0.55 * pages[0].width
    # a mark there, once read, fills the field
    rows.append(line(750, ("KHAN", 560), size=60, conf=93))
    assert extract_metadata([page(rows + body_lines(1400))], today=TODAY).value("urgency") == "KHẨN"


def test_no_urgency_region_when_the_header_is_tight() -> None:
    rows = [*header_lines(), centred(640, "QUYẾT ĐỊNH"), centred(705, "Về việc ban hành Quy chế")]
    pages = [page(rows + body_lines(900))]
    meta = extract_metadata(pages, today=TODAY)
    assert [r for r in regions_for_second_look(pages, meta) if r.reason == "urgency"] == []
