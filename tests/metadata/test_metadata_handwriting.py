"""Handwritten numbers and days stay under review on one reading; tolerant header parsing.

Small noisy snippets: a Số line and a place-date line with the number or the day written
by pen into the template's blank (a gap far wider than the digits, or digits taller than
the print), and header lines read off a fax or a phone photo (`$6:`, `26thang`).
"""

from __future__ import annotations

from datetime import date

from vnpage import Line, body_lines, header_lines, line, page, signer_lines, text_width

from digitize.metadata import extract_metadata
from digitize.metadata.dates import split_date_line
from digitize.metadata.handwriting import looks_handwritten
from digitize.metadata.number_symbol import parse_number_symbol
from digitize.records import Metadata, Word

TODAY = date(2025, 11, 27)


def _w(text: str, left: int, height: int = 50, width: int | None = None) -> Word:
    return Word(text, left, 100, width or text_width(text, height), height, 95.0, 1, 1, 1)


def _read(header: list[Line]) -> Metadata:
    rows = header + body_lines(900) + signer_lines(2400)
    return extract_metadata([page(rows)], today=TODAY)


def _with_row(rows: list[Line], starts: str, new: Line) -> list[Line]:
    """`rows` with the row whose first part starts with `starts` replaced by `new`."""
    return [new if r.parts and r.parts[0][0].startswith(starts) else r for r in rows]


def test_looks_handwritten_by_height_and_by_blank() -> None:
    printed = [_w("tháng", 370), _w("02", 530), _w("năm", 610), _w("2025", 730)]
    assert not looks_handwritten([_w("05", 300)], printed, _w("ngày", 180), _w("tháng", 370))
    assert looks_handwritten([_w("05", 300, height=80)], printed)  # taller: a pen
    assert looks_handwritten([_w("05", 420)], printed, _w("ngày", 180), _w("tháng", 700))  # a wide blank
    assert not looks_handwritten([], printed)


def test_a_pen_written_number_is_never_above_the_threshold_on_one_reading() -> None:
    typed = _read(header_lines())
    assert typed.fields["number"].value == "87"
    assert typed.fields["number"].confidence >= 0.7  # printed, glued to its symbol
    pen = _with_row(header_lines(), "Số", line(496, ("Số:", 480), ("87", 700), ("/QĐ-UBND", 900)))
    meta = _read(pen)
    assert meta.fields["number"].value == "87"
    assert meta.fields["number"].confidence < 0.7
    assert meta.fields["number_symbol"].confidence < 0.7
    assert meta.fields["symbol"].confidence >= 0.7  # the printed part stands


def test_a_pen_written_day_is_never_above_the_threshold_on_one_reading() -> None:
    typed = _read(header_lines())
    assert typed.fields["issued_date"].value == "2025-02-05"
    assert typed.fields["issued_date"].confidence >= 0.7
    rows = header_lines()
    y = next(r.y for r in rows if r.parts and r.parts[0][0].startswith("Quảng Ngãi"))
    pen = [r for r in rows if not (r.parts and r.parts[0][0].startswith("Quảng Ngãi"))]
    pen.append(line(y, ("Quảng Ngãi, ngày", 1250), ("05", 1700), ("tháng 02 năm 2025", 1810)))
    meta = _read(pen)
    assert meta.fields["issued_date"].value == "2025-02-05"
    assert meta.fields["issued_date"].confidence < 0.7
    assert meta.fields["place"].value == "Quảng Ngãi"


def test_fax_header_without_marks_and_glued_words() -> None:
    ns = parse_number_symbol("$6: 1906 /SGDDT-CTrTT")
    assert ns is not None and (ns.number, ns.symbol) == ("1906", "SGDĐT-CTrTT")
    assert parse_number_symbol("_ =Số: 12/UBND-VP").number == "12"  # type: ignore[union-attr]
    for text in ("Da Nang, ngay 26thang 7 nam 2020", "Da Nang, ngay 26 thang7nam 2020"):
        parts = split_date_line(text)
        assert parts is not None
        assert (parts.place, parts.day_raw, parts.month_raw, parts.year_raw) == ("Da Nang", "26", "7", "2020")
    meta = _read(header_lines(so="$6: 1906/SGDĐT-CTrTT", date_line="Đà Nẵng, ngày 26thang 7 nam 2020",
                              agency=("UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO")))
    assert meta.fields["number"].value == "1906"
    assert meta.fields["issued_date"].value == "2020-07-26"


def test_a_poor_text_layer_is_not_kept() -> None:
    """An old OCR layer with marks here and there but garbled syllables is read again."""
    from digitize.metadata.syllables import layer_reads_as_vietnamese, syllable_share

    good = "Độc lập - Tự do - Hạnh phúc. Về việc triển khai thực hiện kế hoạch cải cách hành chính năm 2025"
    poor = ("ceNG HoA xA ugr cuu xcuia vrET NAM DQc l$p - Tg do - H4nh phric fiit tu6n cria tldng chi "
            "Nguy6n Ngoc Phric hhnh chinh, dich vg c6ng theo thdi gian thgc tr6n m6i trudng iliQn tir")
    assert syllable_share(good) == 1.0 and layer_reads_as_vietnamese(good)
    assert syllable_share(poor) < 0.8 and not layer_reads_as_vietnamese(poor)
    assert not layer_reads_as_vietnamese("")


def test_received_and_gazette_stamps_are_stripped_from_the_abstract() -> None:
    from digitize.metadata.stamps import stamp_line, strip_stamp_words

    assert strip_stamp_words("[-FRUNG TÊM-CÔNG BẢO Về việc triển khai") == "Về việc triển khai"
    assert stamp_line("CÔNG VĂN ĐẾN") and stamp_line("ĐẾN") and stamp_line("Số: 123 Chuyển: Phòng KT")
    for words in ("Về việc đăng Công báo tỉnh", "Về việc triển khai đến năm 2030"):
        assert not stamp_line(words) and strip_stamp_words(words) == words  # the abstract's own words
    rows = [
        *header_lines(so="Số: 87/UBND-VP"),
        line(580, ("V/v triển khai kế hoạch cải cách", 380)),
        line(640, ("hành chính năm 2025", 420)),
        line(700, ("CÔNG VĂN ĐẾN", 420)),
        line(780, ("Kính gửi: Sở Nội vụ", 820)),
    ]
    meta = _read(rows)
    assert meta.fields["abstract"].value == "triển khai kế hoạch cải cách hành chính năm 2025"


def test_a_body_line_citing_a_date_is_no_header_date_line() -> None:
    from digitize.metadata.header import is_header_date_line

    assert is_header_date_line("Bình Thuận, ngày 23 tháng 3 năm 2022")
    assert is_header_date_line("Thành phố Hồ Chí Minh, ngày 01 tháng 02 năm 2020")
    assert not is_header_date_line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")
    rows = [r for r in header_lines() if not (r.parts and r.parts[0][0].startswith("Quảng Ngãi"))]
    rows.append(line(560, ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015", 300)))
    meta = _read(rows)
    assert meta.fields["issued_date"].value != "2015-06-19"
    assert not (meta.fields["place"].value or "").startswith("Căn cứ")


def test_the_abstract_stops_at_the_rule_under_it() -> None:
    rows = [
        *header_lines(so="Số: 2003/CĐ-VPCP"),
        line(640, ("CÔNG ĐIỆN", 1150)),
        line(700, ("Về việc mời dự Hội nghị triển khai", 880)),
        line(760, ("__________________", 1180)),
        line(820, ("VĂN PHÒNG CHÍNH PHỦ điện:", 1000)),
    ]
    meta = _read(rows)
    assert meta.fields["doc_type"].value == "Công điện"
    assert meta.fields["abstract"].value == "Về việc mời dự Hội nghị triển khai"
