"""Mark and letter repairs from the document's own evidence and from known names and
phrases: capitals lines, signer titles and names, the abstract's word pairs."""

from __future__ import annotations

from datetime import date

import pytest
from vnpage import body_lines, centred, header_lines, line, page, signer_lines

from digitize.metadata import extract_metadata
from digitize.metadata.caps import CapsEvidence, read_caps, restore_caps, upper_caps_line
from digitize.metadata.consensus import DocumentLexicon, same_spelling
from digitize.metadata.names import restore_name
from digitize.metadata.phrases import ADMIN_PHRASES
from digitize.metadata.signer import normalise_title_line
from digitize.metadata.tables import SURNAMES, UNMARKED_NAME_SYLLABLES
from digitize.records import Metadata

TODAY = date(2025, 11, 27)


def _read(rows: list) -> Metadata:
    return extract_metadata([page(rows)], today=TODAY)


# --- capitals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "want"),
    [
        ("TINH QUANG NGAI", "TỈNH QUẢNG NGÃI"),
        ("TĨNH QUẢNG NGÃI", "TỈNH QUẢNG NGÃI"),  # a locality word: a mark slip
        ("HUYỆN ĐÔNG ANH", "HUYỆN ĐÔNG ANH"),  # a real syllable read with marks stays
        ("ỦY BAN NHANDAN", "ỦY BAN NHÂN DÂN"),  # glued words split
        ("THÀNH PHỐ CANTHO", "THÀNH PHỐ CẦN THƠ"),
    ],
)
def test_restore_caps(printed: str, want: str) -> None:
    assert restore_caps(printed)[0] == want


def test_restore_caps_takes_the_documents_own_spelling() -> None:
    reading = read_caps("T/M UY BAN NHAN DAN")
    assert reading.ambiguous  # ỦY or UỶ: nothing says which
    ev = CapsEvidence({"UỶ": 2, "BAN": 3}, {})
    reading = read_caps("T/M UY BAN NHAN DAN", ev)
    assert reading.text == "T/M UỶ BAN NHÂN DÂN" and not reading.ambiguous


def test_read_caps_doubts_a_form_the_document_prints_otherwise() -> None:
    ev = CapsEvidence({"UỶ": 3, "ỦY": 1}, {})
    assert read_caps("ỦY BAN NHÂN DÂN", ev).ambiguous
    assert not read_caps("UỶ BAN NHÂN DÂN", ev).ambiguous


def test_restore_caps_keeps_a_place_the_document_spells_so() -> None:
    # "PHONG" would be the agency head PHÒNG, but the date line says "Triệu Phong"
    assert restore_caps("HUYỆN TRIỆU PHONG")[0] == "HUYỆN TRIỆU PHÒNG"
    ev = CapsEvidence({}, {"triệu phong": 3})
    assert restore_caps("HUYỆN TRIỆU PHONG", ev)[0] == "HUYỆN TRIỆU PHONG"


def test_upper_caps_line() -> None:
    assert upper_caps_line("TM. CHiNH PHU") == "TM. CHINH PHU"
    assert upper_caps_line("QĐ-TTg TTg") == "QĐ-TTg TTg"


@pytest.mark.parametrize(
    ("printed", "want", "snapped"),
    [
        ("KT. GIAM DOG", "KT. GIÁM ĐỐC", True),
        ("KT, CHU TICH", "KT. CHỦ TỊCH", False),
        ("TM. CHiNH PHU", "TM. CHÍNH PHỦ", False),
    ],
)
def test_normalise_title_line(printed: str, want: str, snapped: bool) -> None:
    got = normalise_title_line(upper_caps_line(printed))
    assert got.text == want and got.snapped == snapped and not got.unknown


def test_issuer_keeps_a_place_name_a_known_word_would_replace() -> None:
    rows = header_lines(
        agency=("ỦY BAN NHÂN DÂN", "HUYỆN GIA VIỄN"), date_line="Gia Viễn, ngày 23 tháng 3 năm 2018"
    )
    assert _read(rows).value("issuer") == "ỦY BAN NHÂN DÂN HUYỆN GIA VIỄN"


def test_issuer_place_marks_from_the_date_line() -> None:
    rows = header_lines(
        agency=("UỶ BAN NHÂN DÂN", "HUYỆN LAM HA"), date_line="Lâm Hà, ngày 12 tháng 3 năm 2015"
    )
    field = _read(rows).fields["issuer"]
    assert field.value == "UỶ BAN NHÂN DÂN HUYỆN LÂM HÀ"


def test_issuer_stray_dash_before_the_locality() -> None:
    rows = header_lines(
        agency=("ỦY BAN NHÂN DÂN -", "TỈNH KHÁNH HÒA"), date_line="Khánh Hòa, ngày 26 tháng 4 năm 2016"
    )
    assert _read(rows).value("issuer") == "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"
    rows = header_lines(agency=("UBND QUẬN LIÊN CHIỂU", "PHÒNG TÀI CHÍNH -", "KẾ HOẠCH"))
    meta = _read(rows)
    assert meta.value("issuer") == "PHÒNG TÀI CHÍNH - KẾ HOẠCH"
    assert meta.value("parent_issuer") == "UBND QUẬN LIÊN CHIỂU"


def test_symbol_d_repaired_from_the_issuer_line() -> None:
    rows = header_lines(agency=("HỘI ĐỒNG NHÂN DÂN", "THÀNH PHỐ ĐÀ NẴNG"), so="Số: 19 /HDND-KTNS")
    meta = _read(rows)
    assert meta.value("number_symbol") == "19/HĐND-KTNS"
    assert meta.fields["symbol"].confidence >= 0.7


# --- signer ------------------------------------------------------------------------------


def test_kt_line_followed_by_its_own_title_lost_the_deputy_mark() -> None:
    rows = header_lines() + signer_lines(2400, titles=("KT. GIÁM ĐỐC", "GIÁM ĐỐC"))
    field = _read(rows).fields["signer_title"]
    assert field.value == "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" and field.confidence < 0.7


def test_deputy_title_chosen_over_its_twin() -> None:
    # "THU TRUONG" is THỨ or THỦ TRƯỞNG; under "K/T BỘ TRƯỞNG" only THỨ TRƯỞNG fits
    rows = header_lines() + signer_lines(2400, titles=("K/T BO TRUONG", "THU TRUONG"))
    field = _read(rows).fields["signer_title"]
    assert field.value == "K/T BỘ TRƯỞNG THỨ TRƯỞNG" and field.confidence >= 0.7


def test_title_restored_with_a_coin_toss_is_flagged() -> None:
    rows = header_lines(agency=("UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ"))
    rows += signer_lines(2400, titles=("T/M UY BAN NHAN DAN", "CHỦ TỊCH"))
    field = _read(rows).fields["signer_title"]
    assert field.value in ("T/M ỦY BAN NHÂN DÂN CHỦ TỊCH", "T/M UỶ BAN NHÂN DÂN CHỦ TỊCH")
    assert field.confidence < 0.7


def test_signer_name_with_a_speck_after_it() -> None:
    rows = header_lines() + signer_lines(2400, titles=("GIÁM ĐỐC",), name="Nguyễn Thị Hoa |")
    assert _read(rows).value("signer") == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(
    ("read", "want", "low", "high"),
    [
        ("Vũ Ngoc Long", "Vũ Ngọc Long", 0.7, 0.8),
        ("Trần Dinh Nam", "Trần Đình Nam", 0.7, 0.8),
        ("Huỳnh Thanh Toan", "Huỳnh Thanh Toàn", 0.7, 0.8),
        ("Trần Thu Yén", "Trần Thu Yến", 0.7, 0.8),  # "Yén" is no syllable: a fair guess
        ("Ngô Thanh Tầm", "Ngô Thanh Tâm", 0.0, 0.7),  # "Tầm" is a word: flag it
        ("Nguyễn Tan Thang", "Nguyễn Tấn Thắng", 0.0, 0.7),  # Tân or Tấn
        ("Phùng Truong Ngọc Dung", "Phùng Trương Ngọc Dung", 0.0, 0.7),  # a second surname?
        ("Lê Văn Minh", "Lê Văn Minh", 1.0, 1.0),
        ("Trần Nguyễn Minh Thành", "Trần Nguyễn Minh Thành", 1.0, 1.0),
    ],
)
def test_restore_name(read: str, want: str, low: float, high: float) -> None:
    got = restore_name(read, unmarked_ok=UNMARKED_NAME_SYLLABLES, surnames=SURNAMES)
    assert got.text == want
    assert low <= got.ceiling <= high


# --- abstract ------------------------------------------------------------------------------


def test_same_spelling() -> None:
    assert same_spelling("văn hoá", "văn hóa") and same_spelling("Uỷ ban", "ủy ban")
    assert not same_spelling("chỉ ngân", "chi ngân")


def test_lexicon_phrases_settle_a_pair() -> None:
    lex = DocumentLexicon(["trên địa ban huyện"], phrases=ADMIN_PHRASES)
    assert lex.repair("trên địa ban huyện")[0] == "trên địa bàn huyện"
    assert lex.repair("thu, chỉ ngân sách")[0] == "thu, chi ngân sách"
    lex = DocumentLexicon([], phrases=["văn hóa"])
    assert lex.repair("phát triển văn hoá")[0] == "phát triển văn hoá"  # old style stands


def test_lexicon_one_real_reading_beats_a_non_word() -> None:
    lex = DocumentLexicon(["Dé nghị các cơ quan", "đề nghị ban hành"])
    assert lex.repair("Dé nghị ban hành")[0] == "Đề nghị ban hành"
    lex = DocumentLexicon(["nhiệm kỳ 2021 - 2026", "nhiệm ky 2021 - 2026"])
    assert lex.repair("nhiệm ky 2021 - 2026")[0] == "nhiệm kỳ 2021 - 2026"


def test_lexicon_bare_majority_removes_a_mark_only_when_strong() -> None:
    body = ["thu, chi ngân sách"] * 12
    lex = DocumentLexicon([*body, "thu, chỉ ngân sách"])
    assert lex.repair("thu, chỉ ngân sách")[0] == "thu, chi ngân sách"
    lex = DocumentLexicon(["thu, chi ngân sách", "thu, chỉ ngân sách"])
    assert lex.repair("thu, chỉ ngân sách")[0] == "thu, chỉ ngân sách"


def test_lexicon_doubts_a_pair_the_body_spells_with_more_marks() -> None:
    field = "Về việc day mạnh phát triển du lịch"
    lex = DocumentLexicon(
        [field, "Day mạnh cải cách", "Day mạnh ứng dụng", "Đẩy mạnh phát triển", "Đẩy mạnh"]
    )
    assert lex.doubtful(field, source=field) == ["day"]
    # one other reading is no evidence: the body's OCR slips as often as the field's
    lex = DocumentLexicon([field, "trọng công tác"])
    assert lex.doubtful("trong công tác", source="trong công tác") == []


def test_lexicon_repair_caps_from_the_date_line() -> None:
    lex = DocumentLexicon(["HUYỆN LAM HA", "Lâm Hà, ngày 12 tháng 3 năm 2015"])
    tokens, changed = lex.repair_caps(["HUYỆN", "LAM", "HA"], [True, False, False])
    assert tokens == ["HUYỆN", "LÂM", "HÀ"] and changed == 2


def test_abstract_reference_gets_its_dd() -> None:
    rows = [
        *header_lines(agency=("HỘI ĐỒNG NHÂN DÂN", "THÀNH PHỐ ĐÀ NẴNG"), so="Số: 13/BC-HĐND"),
        centred(640, "BÁO CÁO"),
        centred(705, "Sơ kết thực hiện Công văn số 864/HDND-VHXH ngày 31/03/2022"),
    ]
    assert _read(rows).value("abstract") == "Sơ kết thực hiện Công văn số 864/HĐND-VHXH ngày 31/03/2022"


def test_abstract_debris_removed() -> None:
    rows = [
        *header_lines(so="Số: 12/KH-UBND"),
        centred(640, "KẾ HOẠCH"),
        centred(705, "'Kiểm tra công tác văn thư . lưu trữ năm 2020 '"),
    ]
    field = _read(rows).fields["abstract"]
    assert field.value == "Kiểm tra công tác văn thư lưu trữ năm 2020"
    assert field.confidence >= 0.7


def test_place_debris_removed() -> None:
    rows = header_lines(date_line="ˆ Hà Nội, ngày 07 tháng 01 năm 2025")
    field = _read(rows).fields["place"]
    assert field.value == "Hà Nội" and field.confidence >= 0.7


def test_date_word_with_a_wrong_mark_before_a_year() -> None:
    lex = DocumentLexicon([])
    assert lex.repair("ngày 1 tháng 3 nấm 2009 của Bộ")[0] == "ngày 1 tháng 3 năm 2009 của Bộ"
    assert lex.repair("Việt Nam 2025")[0] == "Việt Nam 2025"


def test_vv_lines_keep_to_their_spacing() -> None:
    rows = [
        *header_lines(so="Số: 12/UBND-VP"),
        line(560, ("V/v đôn đốc thực hiện Công văn", 360)),
        line(618, ("số 128/TTg-NN ngày 04 tháng 5", 360)),
        line(760, ("HỎA TỐC", 500)),
    ]
    rows += body_lines(900, 3, "Kính gửi: Các bộ, cơ quan ngang bộ")
    meta = _read(rows)
    assert meta.value("abstract") == "đôn đốc thực hiện Công văn số 128/TTg-NN ngày 04 tháng 5"
    assert meta.value("urgency") == "HỎA TỐC"


@pytest.mark.parametrize(
    "text",
    ["chế độ cho cộng tác viên", "văn bản chỉ đạo của tỉnh", "đình chỉ thi hành", "chuyển từ công tác khác"],
)
def test_register_phrases_leave_other_words_with_their_letters_alone(text: str) -> None:
    lex = DocumentLexicon([text], known=[], phrases=ADMIN_PHRASES)
    assert lex.repair(text)[0] == text


def test_lexicon_doubts_a_word_only_the_field_prints_against_a_common_twin() -> None:
    field = "của HĐND thành phố vé thu, chi ngân sách"
    body = ["Sở báo cáo về kết quả", "về việc triển khai", "về thu ngân sách", "gửi về Sở", "về công tác"]
    lex = DocumentLexicon([field, *body])
    assert lex.doubtful(field, source=field) == ["vé"]
    # a phrase of the register holds the word as printed ("giai đoạn" against "giải")
    field = "giai đoạn 2021 - 2025"
    lex = DocumentLexicon([field, *(["giải quyết"] * 6)], phrases=ADMIN_PHRASES)
    assert lex.doubtful(field, source=field) == []


def test_lexicon_phrase_holds_the_marks_it_sets() -> None:
    # the body reads "tran Mộ" five times: that takes no mark off the "trấn" of the phrase
    lex = DocumentLexicon(["thị tran Mộ Đức"] * 5, phrases=ADMIN_PHRASES)
    assert lex.repair("tại thị trần Mộ Đức")[0] == "tại thị trấn Mộ Đức"


def test_lexicon_non_word_loses_to_one_real_reading() -> None:
    lex = DocumentLexicon(["trong dip nghỉ hè", "trong dip này", "trong dịp lễ"])
    assert lex.repair("trong dip nghỉ hè")[0] == "trong dịp nghỉ hè"
