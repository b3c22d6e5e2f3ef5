"""Second-pass regions, splicing re-read words, merging readings; the document lexicon."""

from __future__ import annotations

from datetime import date

from vnpage import body_lines, header_lines, page, signer_lines

from digitize.metadata import extract_metadata
from digitize.metadata.consensus import DocumentLexicon, mark_count
from digitize.metadata.regions import Region, best_of, regions_for_second_look, splice_words
from digitize.metadata.syllables import known_syllable
from digitize.records import FieldValue, Metadata, Word

TODAY = date(2025, 11, 27)


def test_signer_region_asked_for_when_the_block_is_incomplete() -> None:
    pages = [page(header_lines() + body_lines(900) + signer_lines(2400, titles=("KT. CHỦ TỊCH",), name=None))]
    meta = extract_metadata(pages, today=TODAY)
    regions = regions_for_second_look(pages, meta)
    signer = [r for r in regions if r.reason == "signer"]
    assert len(signer) == 1
    r = signer[0]
    assert r.page == 1 and r.left > 0.4 * pages[0].width and r.top < 2400 < r.bottom


def test_nothing_to_reread_on_a_clean_page() -> None:
    # the body right under the number: no empty band where an unread mark could sit
    pages = [page(header_lines() + body_lines(700) + signer_lines(2400))]
    assert regions_for_second_look(pages, extract_metadata(pages, today=TODAY)) == []


def test_text_layer_pages_are_never_reread() -> None:
    pages = [page(header_lines(so="Số: /QĐ-UBND"), source="text-layer")]
    assert regions_for_second_look(pages, extract_metadata(pages, today=TODAY)) == []


def test_splice_words_replaces_the_region() -> None:
    pg = page(body_lines(300, 2) + signer_lines(2400, titles=("KT. CHỦ TỊCH",), name=None))
    region = Region(1, 1100, 2300, pg.width, 3300, "signer")
    reread = [Word("PHÓ", 40, 160, 90, 50, 95.0, 1, 1, 1), Word("CHỦ", 140, 160, 90, 50, 95.0, 1, 1, 1),
              Word("TỊCH", 240, 160, 110, 50, 95.0, 1, 1, 1)]  # fmt: skip
    out = splice_words(pg, region, reread)
    moved = [w for w in out.words if w.text == "PHÓ"]
    assert moved and moved[0].left == 1140 and moved[0].top == 2460
    assert not [w for w in out.words if w.text == "KT."]  # replaced
    assert [w.text for w in out.words if w.top < 1000] == [w.text for w in pg.words if w.top < 1000]
    assert out.warnings == ["re-read signer"]
    assert splice_words(pg, region, []).words == pg.words


def test_best_of_takes_the_surer_field() -> None:
    a = Metadata({"signer": FieldValue("Trần Ngọc Căng", 0.9), "number": FieldValue(None, 0.0)})
    b = Metadata({"signer": FieldValue("Trần Ngoc Cang", 0.5), "number": FieldValue("05", 0.4)})
    merged = best_of(a, b)
    assert merged.value("signer") == "Trần Ngọc Căng" and merged.value("number") == "05"


def test_lexicon_repairs_pairs_toward_marks() -> None:
    lex = DocumentLexicon(["chống lãng phí", "chống lãng phí trong chi tiêu", "thị tran", "thị tran"])
    assert lex.repair("chống lang phí") == ("chống lãng phí", 1)
    assert lex.repair("thị trấn") == ("thị trấn", 0)  # never strips marks to a bare word


def test_lexicon_known_places_and_date_words() -> None:
    lex = DocumentLexicon([], known=["Quảng Ngãi"])
    assert lex.repair("tỉnh Quang Ngai")[0] == "tỉnh Quảng Ngãi"
    assert lex.repair("tháng 01, thang 02/2025 và nam 2024")[0] == "tháng 01, tháng 02/2025 và năm 2024"


def test_lexicon_doubts() -> None:
    lex = DocumentLexicon(["đề nghị", "để làm", "đề án", "nhiệm kỳ"])
    assert lex.doubtful("Dé nghị ban hành") == ["Dé"]
    assert lex.doubtful("nhiệm ky 2021") == ["ky"]
    assert lex.doubtful("giai đoạn 2021") == []


def test_mark_count_and_syllables() -> None:
    assert mark_count("đất") == 3 and mark_count("dat") == 0
    assert known_syllable("Đề") and known_syllable("lãng") and not known_syllable("dé")


def test_header_band_is_asked_for_per_column_when_the_number_and_day_are_unread() -> None:
    # a handwritten number and day: tesseract leaves gaps where they are
    pages = [page(header_lines(so="Số: /QĐ-UBND", date_line="Quảng Ngãi, ngày tháng 02 năm 2025")
                  + body_lines(900) + signer_lines(2400))]
    meta = extract_metadata(pages, today=TODAY)
    regions = [r for r in regions_for_second_look(pages, meta) if r.reason == "header"]
    assert len(regions) == 2
    left, right = sorted(regions, key=lambda r: r.left)
    so = next(w for w in pages[0].words if w.text == "Số:")
    quang = next(w for w in pages[0].words if w.text == "Quảng")
    assert left.left == 0 and left.top < so.top < left.bottom and left.right <= quang.left
    assert right.left == left.right and right.top < quang.top < right.bottom and right.right == pages[0].width


def _fields(**values: tuple[str | None, float]) -> Metadata:
    from digitize.records import METADATA_FIELDS

    meta = Metadata(fields={name: FieldValue(None, 0.0) for name in METADATA_FIELDS})
    for name, (value, conf) in values.items():
        meta.fields[name] = FieldValue(value, conf)
    return meta


def test_header_second_look_offers_the_number_and_date_for_review() -> None:
    from digitize.metadata import header_second_look
    from digitize.metadata.regions import SECOND_READER_CEILING

    first = _fields(number=("22", 0.57), symbol=("BC-UBND", 0.95), number_symbol=("22/BC-UBND", 0.57),
                    issued_date=(None, 0.0), place=("Quảng Ngãi", 0.9))
    second = _fields(number=("23", 0.9), symbol=("BC-UBNO", 0.5), number_symbol=("23/BC-UBNO", 0.5),
                     issued_date=("2025-01-23", 0.85), place=("Quảng Ngải", 0.95))
    merged = header_second_look(first, second)
    assert merged.fields["number"] == FieldValue("23", SECOND_READER_CEILING)
    assert merged.fields["number_symbol"].value == "23/BC-UBND"  # the surer symbol is kept
    assert merged.fields["issued_date"] == FieldValue("2025-01-23", SECOND_READER_CEILING)
    assert merged.fields["place"] == first.fields["place"]  # only the number and the date
    assert SECOND_READER_CEILING < 0.7  # a suggestion: still under review
    unread = _fields(place=("Quảng Ngãi", 0.9))  # the whole Số line lost on a noisy page
    found = _fields(number=("104", 0.9), symbol=("TB-UBND", 0.9), number_symbol=("104/TB-UBND", 0.9))
    merged = header_second_look(unread, found)
    assert merged.fields["symbol"] == FieldValue("TB-UBND", SECOND_READER_CEILING)
    assert merged.fields["number_symbol"] == FieldValue("104/TB-UBND", SECOND_READER_CEILING)


def test_header_second_look_leaves_a_sure_or_agreeing_reading_alone() -> None:
    from digitize.metadata import header_second_look

    sure = _fields(number=("87", 0.95), number_symbol=("87/QĐ-UBND", 0.95), symbol=("QĐ-UBND", 0.95),
                   issued_date=("2025-02-05", 0.9))
    other = _fields(number=("81", 0.9), number_symbol=("81/QĐ-UBND", 0.9), symbol=("QĐ-UBND", 0.9),
                    issued_date=("2025-02-06", 0.9))
    assert header_second_look(sure, other) == sure
    weak = _fields(number=("87", 0.4), issued_date=(None, 0.0))
    less_sure = _fields(number=("81", 0.3), number_symbol=("81/QĐ-UBND", 0.3))
    assert header_second_look(weak, less_sure) == weak  # a weak reading beats a weaker one


def test_two_readers_agreeing_digit_for_digit_confirm_a_handwritten_number() -> None:
    from digitize.metadata import header_second_look as second_opinion
    from digitize.metadata.regions import AGREED_READINGS, confirmable_fields

    weak = _fields(number=("87", 0.62), symbol=("QĐ-UBND", 0.95), number_symbol=("87/QĐ-UBND", 0.62),
                   issued_date=("2025-02-05", 0.62))
    same = _fields(number=("87", 0.9), symbol=("QĐ-UBND", 0.9), number_symbol=("87/QĐ-UBND", 0.9),
                   issued_date=("2025-02-05", 0.9))
    merged = second_opinion(weak, same)
    assert merged.fields["number"] == FieldValue("87", AGREED_READINGS)
    assert merged.fields["number_symbol"] == FieldValue("87/QĐ-UBND", AGREED_READINGS)
    assert merged.fields["issued_date"] == FieldValue("2025-02-05", AGREED_READINGS)
    assert AGREED_READINGS >= 0.7
    # only the box the second reader returned words for: elsewhere `other` is the first reading
    only_date = second_opinion(weak, same, confirmable=("issued_date",))
    assert only_date.fields["number"] == weak.fields["number"]
    assert only_date.fields["issued_date"].confidence == AGREED_READINGS
    so_box = Region(1, 0, 300, 1200, 420, "header")
    date_box = Region(1, 1200, 300, 2480, 420, "header")
    words = [Word("87", 10, 10, 60, 40, 90.0, 1, 1, 1)]
    assert confirmable_fields([(so_box, words), (date_box, [])]) == ("number",)
    assert confirmable_fields([(so_box, []), (date_box, words)]) == ("issued_date",)
    differ = _fields(number=("81", 0.9), issued_date=("2025-02-05", 0.3))
    merged = second_opinion(weak, differ)
    assert merged.fields["number"].confidence < 0.7  # digits that disagree: still for review
    assert merged.fields["issued_date"] == weak.fields["issued_date"]  # a guess is no agreement


def _line(text: str, line: int = 1) -> list[Word]:
    return [Word(t, 100 * i, 50 * line, 90, 40, 95.0, 1, 1, line) for i, t in enumerate(text.split())]


def test_second_reader_gives_the_marks_a_doubtful_name_lost() -> None:
    from digitize.metadata import restore_marks
    from digitize.metadata.regions import SECOND_READER_CEILING

    doubtful = _fields(signer=("Trần Nguyễn Minh Thanh", 0.5))
    words = _line("KT. GIÁM ĐỐC") + _line("Trần Nguyễn Minh Thành", 2)
    fixed = restore_marks(doubtful, words)
    assert fixed.fields["signer"] == FieldValue("Trần Nguyễn Minh Thành", SECOND_READER_CEILING)
    assert restore_marks(doubtful, _line("Trần Nguyễn Minh Thạch")) == doubtful  # other letters
    assert restore_marks(doubtful, _line("Trần Nguyễn Minh Thãnh")) == doubtful  # not a name so spelt
    assert restore_marks(_fields(signer=("Trần Văn Thành", 0.5)), _line("Trần Văn Thanh")) == \
        _fields(signer=("Trần Văn Thành", 0.5))  # never takes marks away
    sure = _fields(signer=("Nguyễn Văn Nam", 0.9))
    assert restore_marks(sure, _line("Nguyễn Văn Năm")) == sure
