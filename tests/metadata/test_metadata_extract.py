"""extract_metadata on laid-out header and signer snippets, clean and OCR-noisy."""

from __future__ import annotations

from datetime import date

import pytest
from vnpage import RIGHT_COL, at, body_lines, centred, header_lines, line, page, signer_lines

from digitize.metadata import extract_metadata
from digitize.metadata.agencies import split_agencies
from digitize.records import METADATA_FIELDS, Metadata

TODAY = date(2025, 11, 27)
STAMP = "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nThời gian ký: 06/02/2025 16:02:02\n"


def _decision(**kw: object) -> list:
    """A one-page Quyết định: header, title, abstract, body, signer."""
    rows = header_lines(**kw)  # type: ignore[arg-type]
    rows += [
        centred(640, "QUYẾT ĐỊNH"),
        centred(705, "Về việc chuyển mục đích sử dụng đất để thực hiện dự án"),
        centred(770, "Trường Mầm non thị trấn Mộ Đức"),
        centred(960, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"),
    ]
    rows += body_lines(1120)
    rows += signer_lines(2400, titles=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
    return rows


def _read(rows: list, **kw: object) -> Metadata:
    return extract_metadata([page(rows, **kw)], today=TODAY)  # type: ignore[arg-type]


def _values(meta: Metadata) -> dict[str, str | None]:
    return {k: v.value for k, v in meta.fields.items()}


EXPECTED_DECISION = {
    "number_symbol": "87/QĐ-UBND",
    "number": "87",
    "symbol": "QĐ-UBND",
    "issued_date": "2025-02-05",
    "place": "Quảng Ngãi",
    "doc_type": "Quyết định",
    "abstract": "Về việc chuyển mục đích sử dụng đất để thực hiện dự án Trường Mầm non thị trấn Mộ Đức",
    "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "parent_issuer": None,
    "signer": "Trần Phước Hiền",
    "signer_title": "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
    "urgency": None,
    "language": "vi",
}


@pytest.mark.parametrize("joined", [False, True])
def test_clean_decision(joined: bool) -> None:
    meta = _read(_decision(joined=joined))
    assert list(meta.fields) == list(METADATA_FIELDS)
    values = _values(meta)
    for name, want in EXPECTED_DECISION.items():
        assert values[name] == want, name
        if want is not None:
            assert meta.fields[name].confidence >= 0.7, name
            assert meta.fields[name].source == "ocr"


def test_text_layer_pages_say_so() -> None:
    meta = _read(_decision(), source="text-layer")
    assert meta.fields["number_symbol"].source == "text-layer"
    assert meta.fields["number_symbol"].confidence >= 0.9


def test_empty_document_gives_every_field_none() -> None:
    meta = extract_metadata([], today=TODAY)
    assert list(meta.fields) == list(METADATA_FIELDS)
    assert all(f.value is None and f.confidence == 0 for f in meta.fields.values())


def test_ocr_noise_is_repaired() -> None:
    rows = header_lines(
        agency=("UY BAN NHAN DAN", "TINH QUANG NGAI"),
        so="Số: 87⁄QÐ-UBND",
        date_line="Quang Ngai, ngày 05 tháng 02 năm 2025",
        national="CONG HOA XA HOI CHU NGHIA VIET NAM",
        joined=True,
    )
    rows += [centred(640, "QUYÉT ĐỊNH"), centred(705, "Về việc giao đất")]
    meta = _read(rows + body_lines(900))
    values = _values(meta)
    assert values["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert values["number_symbol"] == "87/QĐ-UBND"
    assert values["place"] == "Quảng Ngãi"
    assert values["doc_type"] == "Quyết định"


def test_handwritten_number_gets_low_confidence() -> None:
    rows = [*header_lines(so="Số: 8T /QD-UBND", so_conf=[93, 49, 89]), centred(640, "QUYẾT ĐỊNH")]
    meta = _read(rows)
    assert meta.fields["symbol"].value == "QĐ-UBND"
    assert meta.fields["number"].confidence < 0.5
    assert meta.fields["number_symbol"].confidence < 0.5


def test_unreadable_number_is_none() -> None:
    meta = _read(header_lines(so="Số: ố†Ï /QĐ-UBND", so_conf=[93, 10, 90]))
    assert meta.fields["number"].value is None and meta.fields["number"].confidence == 0
    assert meta.fields["number_symbol"].value is None
    assert meta.fields["symbol"].value == "QĐ-UBND"


def test_cong_van_with_vv_abstract() -> None:
    rows = header_lines(so="Số: 507/UBND-KGVX", date_line="Quảng Ngãi, ngày 24 tháng 01 năm 2025")
    rows += [
        line(580, ("V/v góp ý dự thảo Quyết định sửa", 380)),
        line(640, ("đổi, bổ sung một số điều", 420)),
        line(780, ("Kính gửi: Sở Thông tin và Truyền thông", 820)),
    ]
    values = _values(_read(rows + body_lines(900)))
    assert values["doc_type"] == "Công văn"
    assert values["abstract"] == "góp ý dự thảo Quyết định sửa đổi, bổ sung một số điều"
    assert values["number_symbol"] == "507/UBND-KGVX"


def test_two_level_agency() -> None:
    rows = header_lines(
        agency=("UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
        so="Số: 1595/SGDDT-CTrTT",
        date_line="Đà Nẵng, ngày 31 tháng 5 năm 2019",
    )
    values = _values(_read(rows))
    assert values["issuer"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert values["parent_issuer"] == "UBND THÀNH PHỐ ĐÀ NẴNG"
    assert values["symbol"] == "SGDĐT-CTrTT"  # Đ restored from the issuer's initials
    assert values["issued_date"] == "2019-05-31"


def test_agency_over_three_lines() -> None:
    rows = header_lines(agency=("UBND TỈNH NINH BÌNH", "SỞ TÀI NGUYÊN VÀ", "MÔI TRƯỜNG"))
    values = _values(_read(rows))
    assert values["issuer"] == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert values["parent_issuer"] == "UBND TỈNH NINH BÌNH"


@pytest.mark.parametrize(
    ("lines", "units"),
    [
        (["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"]),
        (["ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY"], ["ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY"]),
        (["BỘ NỘI VỤ"], ["BỘ NỘI VỤ"]),
        (["UBND HUYỆN NGA SƠN", "PHÒNG TÀI CHÍNH -", "KẾ HOẠCH"],
         ["UBND HUYỆN NGA SƠN", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"]),
    ],
)  # fmt: skip
def test_split_agencies(lines: list[str], units: list[str]) -> None:
    assert split_agencies(lines) == units


def test_signature_stamp_is_not_header_and_gives_signed_at() -> None:
    rows = [line(20, ("Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", 2000), size=25),
            line(50, ("Thời gian ký: 06/02/2025 16:02:02", 2000), size=25)]  # fmt: skip
    meta = _read(rows + _decision(), layer_text=STAMP)
    assert meta.fields["signed_at"].value == "2025-02-06T16:02:02+07:00"
    assert meta.fields["signed_at"].source == "signature-stamp"
    assert meta.fields["issuer"].value == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_issue_date_after_signing_is_flagged() -> None:
    rows = header_lines(date_line="Quảng Ngãi, ngày 25 tháng 02 năm 2025")
    meta = _read(rows, layer_text=STAMP)
    assert meta.fields["issued_date"].value == "2025-02-25"
    assert meta.fields["issued_date"].confidence < 0.5


def test_quoted_date_in_abstract_is_not_the_issue_date() -> None:
    rows = header_lines(date_line="Quảng Ngãi, ngày tháng 02 năm 2025")
    rows += [
        centred(640, "KẾ HOẠCH"),
        centred(705, "Thực hiện Nghị quyết số 12/NQ-HĐND ngày 20 tháng 4 năm 2021"),
    ]
    meta = _read(rows)
    assert meta.fields["issued_date"].value is None
    assert meta.fields["doc_type"].value == "Kế hoạch"


def test_missing_deputy_title_is_inferred_but_flagged() -> None:
    rows = _decision()[:-5] + signer_lines(2400, titles=("KT. CHỦ TỊCH",))
    meta = _read(rows)
    assert meta.fields["signer_title"].value == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    assert meta.fields["signer_title"].confidence < 0.7


@pytest.mark.parametrize(
    "titles",
    [("T/M ỦY BAN NHÂN DÂN", "K/T CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
     ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), ("CHỦ TỊCH",), ("Q. GIÁM ĐỐC",)],
)  # fmt: skip
def test_signer_titles(titles: tuple[str, ...]) -> None:
    meta = _read(header_lines() + body_lines(900) + signer_lines(2400, titles=titles))
    assert meta.fields["signer_title"].value == " ".join(titles)
    assert meta.fields["signer_title"].confidence >= 0.7
    assert meta.fields["signer"].value == "Trần Phước Hiền"


def test_deputy_without_kt_line_is_flagged() -> None:
    meta = _read(header_lines() + signer_lines(2400, titles=("TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH")))
    assert meta.fields["signer_title"].confidence < 0.7


def test_damaged_signer_name_is_kept_as_printed_and_flagged() -> None:
    """A name is what the page shows: never rebuilt from the list of surnames ("ương"
    could be Dương as well as Ông), and sent to review."""
    meta = _read(header_lines() + signer_lines(2400, name="ran Hoàng Tuấn"))
    assert meta.fields["signer"].value == "ran Hoàng Tuấn"
    assert meta.fields["signer"].confidence < 0.7
    meta = _read(header_lines() + signer_lines(2400, name="Ương Minh Tuấn"))
    assert meta.fields["signer"].value == "Ương Minh Tuấn"
    assert meta.fields["signer"].confidence < 0.7


def test_signer_name_of_two_words_is_flagged() -> None:
    """"Quan Trường" for "Đặng Xuân Trường": a word lost under the seal."""
    meta = _read(header_lines() + signer_lines(2400, name="Quan Trường"))
    assert meta.fields["signer"].value == "Quan Trường"
    assert meta.fields["signer"].confidence < 0.7
    meta = _read(header_lines() + signer_lines(2400, name="Trần Phước Hiền"))
    assert meta.fields["signer"].confidence >= 0.7


def test_signer_name_marks_restored_from_the_name_stock() -> None:
    # only one name syllable is spelled x-u-a-n: a fair guess, not flagged
    meta = _read(header_lines() + signer_lines(2400, name="Nguyễn Xuan Phong"))
    assert meta.fields["signer"].value == "Nguyễn Xuân Phong"
    assert 0.7 <= meta.fields["signer"].confidence <= 0.8


@pytest.mark.parametrize(
    ("read", "want"),
    [
        ("Nguyễn Tan Thang", "Nguyễn Tấn Thắng"),  # Tân or Tấn: both common middle names
        ("Ngô Thanh Tầm", "Ngô Thanh Tâm"),  # a mark no name uses: OCR swapped it
        ("Nguyễn Văn Xzy", "Nguyễn Văn Xzy"),  # letters of no name at all
    ],
)
def test_signer_name_guesses_are_flagged(read: str, want: str) -> None:
    meta = _read(header_lines() + signer_lines(2400, name=read))
    assert meta.fields["signer"].value == want
    assert meta.fields["signer"].confidence < 0.7


def test_double_surname_is_no_misread_middle_name() -> None:
    meta = _read(header_lines() + signer_lines(2400, name="Trần Nguyễn Minh Thành"))
    assert meta.fields["signer"].value == "Trần Nguyễn Minh Thành"
    assert meta.fields["signer"].confidence >= 0.7


def test_signer_on_last_page_with_text() -> None:
    first = page(_decision()[:-7])
    last = page(body_lines(300, 3) + signer_lines(800, titles=("CHỦ TỊCH",), name="Trần Ngọc Căng"), number=2)
    blank = page([], number=3)
    meta = extract_metadata([first, last, blank], today=TODAY)
    assert meta.fields["signer"].value == "Trần Ngọc Căng"
    assert meta.fields["signer_title"].value == "CHỦ TỊCH"


def test_urgency_mark() -> None:
    rows = [
        *header_lines(so="Số: 299/UBND-TTHC"),
        line(580, ("V/v công bố Danh mục TTHC", 380)),
        line(700, ("HỎA TỐC", 500), size=70),
    ]
    meta = _read(rows)
    assert meta.fields["urgency"].value == "HỎA TỐC"
    assert meta.fields["doc_type"].value == "Công văn"


def test_filename_fallback_is_low_confidence() -> None:
    meta = extract_metadata([page(body_lines(300))], source_name="87_QD-UBND_2025.pdf", today=TODAY)
    assert meta.fields["number_symbol"].value == "87/QĐ-UBND"
    assert meta.fields["number_symbol"].source == "filename"
    assert meta.fields["number_symbol"].confidence < 0.5


def test_abstract_marks_restored_from_the_document() -> None:
    rows = [
        *header_lines(so="Số: 12/KH-UBND"),
        centred(640, "KẾ HOẠCH"),
        centred(705, "Thực hành tiết kiệm, chống lang phí năm 2024"),
    ]
    rows += body_lines(900, 4, "Công tác thực hành tiết kiệm, chống lãng phí trên địa bàn tỉnh được quan tâm")
    meta = _read(rows)
    assert meta.fields["abstract"].value == "Thực hành tiết kiệm, chống lãng phí năm 2024"


def test_abstract_with_dropped_marks_is_flagged() -> None:
    rows = [
        *header_lines(so="Số: 12/KH-UBND"),
        centred(640, "KẾ HOẠCH"),
        centred(705, "Về việc mua sam trang thiet bi"),
    ]
    assert _read(rows).fields["abstract"].confidence < 0.7


def test_abstract_marks_restored_from_the_phrases_of_the_register() -> None:
    rows = [
        *header_lines(so="Số: 12/KH-UBND"),
        centred(640, "KẾ HOẠCH"),
        centred(705, "Về việc chuyển mục dich sử dung dat trên địa ban huyện"),
    ]
    field = _read(rows).fields["abstract"]
    assert field.value == "Về việc chuyển mục đích sử dụng đất trên địa bàn huyện"
    assert field.confidence >= 0.7


def test_abstract_phrase_the_body_misreads_too_is_restored() -> None:
    # OCR reads "chuyển đổi" as "chuyến đối" everywhere: the phrase of the register wins
    rows = [
        *header_lines(so="Số: 12/UBND-VP"),
        line(560, ("V/v tăng cường công tác chuyến đối số", 360)),
    ]
    rows += body_lines(900, 3, "Đẩy mạnh chuyến đối số trong hoạt động của cơ quan nhà nước")
    field = _read(rows).fields["abstract"]
    assert field.value == "tăng cường công tác chuyển đổi số"
    assert field.confidence >= 0.7


def test_vv_abstract_stops_before_the_urgency_mark() -> None:
    rows = [
        *header_lines(so="Số: 25/SNNPTNT-KH"),
        line(551, ("V/v đôn đốc thực hiện Quyết định", 355)),
        line(608, ("số 914/QĐ-UBND ngày 06 tháng", 361)),
        line(667, ("5 năm 2023 của UBND tỉnh", 417)),
        line(765, ("KHẨN", 609)),
    ]
    meta = _read(rows)
    assert (
        meta.value("abstract")
        == "đôn đốc thực hiện Quyết định số 914/QĐ-UBND ngày 06 tháng 5 năm 2023 của UBND tỉnh"
    )
    assert meta.value("urgency") == "KHẨN"


def test_blank_band_under_the_number_doubts_no_urgency() -> None:
    # a framed "KHẨN" OCR did not read leaves a wide empty band under "Số:"
    rows = [
        *header_lines(so="Số: 675/QĐ-UBND"),
        centred(820, "QUYẾT ĐỊNH"),
        centred(890, "Về việc ban hành Quy chế"),
    ]
    meta = _read(rows)
    assert meta.value("urgency") is None and meta.fields["urgency"].confidence < 0.7
    rows = [
        *header_lines(so="Số: 675/QĐ-UBND"),
        centred(560, "QUYẾT ĐỊNH"),
        centred(630, "Về việc ban hành Quy chế"),
    ]
    assert _read(rows).fields["urgency"].confidence >= 0.7


def test_party_document() -> None:
    rows = header_lines(
        agency=("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY"),
        national="ĐẢNG CỘNG SẢN VIỆT NAM",
        motto="",
        so="Số 01-NQ/TU",
        date_line="Quảng Ngãi, ngày 10 tháng 3 năm 2021",
    )
    values = _values(_read([*rows, centred(640, "NGHỊ QUYẾT")]))
    assert values["number_symbol"] == "01-NQ/TU"
    assert values["doc_type"] == "Nghị quyết"
    assert values["issuer"] == "TỈNH ỦY"
    assert values["parent_issuer"] == "ĐẢNG BỘ TỈNH QUẢNG NGÃI"


def test_date_line_part_of_right_column_only() -> None:
    rows = [*header_lines(joined=True), line(900, at("Quảng Ngãi, ngày 09 tháng 3 năm 2020", RIGHT_COL))]
    assert _read(rows).fields["issued_date"].value == "2025-02-05"
