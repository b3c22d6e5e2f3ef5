"""Issue 15 part 1: the searchable PDF is PDF/A (2b by default, or 1b, 3b, off) on every kind
of input, read back with pikepdf, rule by rule, and by pikepdf's own PDF/A validator (its
allowlist of veraPDF's rules); where the original holds what the level forbids, the file
does not claim it and the result says why; the original is archived byte for byte.

Inputs are made here: a colour JPEG, a CCITT G4 TIFF, a grey PNG, a JBIG2 PDF (an MMR
generic region, built by hand: no JBIG2 encoder is installed), born-digital PDFs with
embedded fonts (Ghostscript) and without (Helvetica), a signed PDF, a 16-bit image.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import pikepdf.pdfa as validator
import pytest
from pikepdf import Name
from pikepdf.models.metadata import decode_pdf_date

from digitize.config import PDFA_LEVELS, load_settings
from digitize.errors import ConfigError
from digitize.ocr import pdfa, searchable
from digitize.pipelines.ingest import _docinfo
from digitize.records import FieldValue, Metadata

from ..conftest import json_lines, text_page_image

pytestmark = pytest.mark.slow

LINES = ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 15/QĐ-UBND", "QUYẾT ĐỊNH",
         "Về việc phê duyệt kế hoạch chuyển đổi số năm 2025",
         "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"]
DPI = 200
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


# --- inputs -------------------------------------------------------------------------------

def _page(mode: str = "L") -> Any:
    return text_page_image(LINES, dpi=DPI).convert(mode)


def _jpeg(tmp: Path) -> Path:
    path = tmp / "colour.jpg"
    img = _page("RGB")
    img.paste((200, 30, 30), (20, 20, 120, 60))  # a red stamp: a colour scan
    img.save(path, dpi=(DPI, DPI), quality=85)
    return path


def _ccitt(tmp: Path) -> Path:
    path = tmp / "bilevel.tif"
    _page("1").save(path, compression="group4", dpi=(DPI, DPI))
    return path


def _grey(tmp: Path) -> Path:
    path = tmp / "grey.png"
    _page("L").save(path, dpi=(DPI, DPI))
    return path


def _jbig2(tmp: Path) -> Path:
    """A PDF whose page is a JBIG2 image: a page information segment and an immediate
    lossless generic region coded with MMR (T.6, taken from a G4 TIFF of the page)."""
    g4_pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(_ccitt(tmp)))))
    ccitt = next(iter(g4_pdf.pages[0].get_images().values()))
    width, height = int(ccitt.Width), int(ccitt.Height)

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    data = (segment(0, 48, struct.pack(">IIIIBH", width, height, 0, 0, 0, 0))
            + segment(1, 39, struct.pack(">IIIIB", width, height, 0, 0, 0) + b"\x01"  # MMR
                      + ccitt.read_raw_bytes()))
    return _image_pdf(tmp / "jbig2.pdf", data, width, height, Filter=Name.JBIG2Decode,
                      ColorSpace=Name.DeviceGray, BitsPerComponent=1, Decode=[1, 0])


def _image_pdf(path: Path, data: bytes, width: int, height: int, **image: Any) -> Path:
    pdf = pikepdf.new()
    xobject = pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Image, Width=width, Height=height,
                              **image)
    w, h = width * 72 / DPI, height * 72 / DPI
    page = pdf.add_blank_page(page_size=(w, h))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject))
    page.Contents = pdf.make_stream(f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q".encode())
    pdf.save(path)
    return path


def _born_digital(tmp: Path) -> Path:
    """A born-digital page from Ghostscript, its font embedded (a Type 1C subset)."""
    path = tmp / "born.pdf"
    text = " ".join(f"{20 + 16 * i} moveto (Quyet dinh so 15 ve viec ke hoach chuyen doi so {i}) show"
                    for i in range(3)).replace(" moveto", " 30 exch moveto")
    subprocess.run(["gs", "-q", "-o", str(path), "-sDEVICE=pdfwrite", "-dPDFSETTINGS=/prepress",
                    "-dEmbedAllFonts=true", "-dDEVICEWIDTHPOINTS=420", "-dDEVICEHEIGHTPOINTS=120",
                    "-c", f"/Times-Roman findfont 12 scalefont setfont {text} showpage"], check=True)
    return path


def _helvetica(tmp: Path) -> Path:
    """A born-digital page whose font (Helvetica) is not embedded."""
    path = tmp / "helvetica.pdf"
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(420, 120))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                                Encoding=Name.WinAnsiEncoding))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 30 60 Td (Quyet dinh so 15 ve viec ke hoach) Tj ET")
    pdf.save(path)
    return path


def _signed(tmp: Path) -> Path:
    """A PDF signed the way Vietnamese agencies' tools do: a signature field whose widget
    shows a stamp (an image with a soft mask: transparency) and a signature value whose
    ByteRange covers the whole file but its Contents. (The value is a placeholder, not a
    PKCS#7 signature: what matters is that the archived original keeps every byte.)"""
    path = tmp / "signed.pdf"
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(_jpeg(tmp))))) as pdf:
        page = pdf.pages[0]
        mask = pdf.make_stream(b"\x00\xff" * 32, Type=Name.XObject, Subtype=Name.Image, Width=8, Height=8,
                               ColorSpace=Name.DeviceGray, BitsPerComponent=8)
        stamp = pdf.make_stream(b"\xc0\x20\x20" * 64, Type=Name.XObject, Subtype=Name.Image, Width=8,
                                Height=8, ColorSpace=Name.DeviceRGB, BitsPerComponent=8, SMask=mask)
        appearance = pdf.make_stream(b"q 100 0 0 40 0 0 cm /Im0 Do Q", Type=Name.XObject, Subtype=Name.Form,
                                     BBox=[0, 0, 100, 40],
                                     Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stamp)))
        value = pdf.make_indirect(pikepdf.Dictionary(
            Type=Name.Sig, Filter=Name("/Adobe.PPKLite"), SubFilter=Name("/adbe.pkcs7.detached"),
            Name="Nguyễn Văn A", M="D:20250206160202+07'00'",
            ByteRange=[0, 1111111111, 2222222222, 3333333333],
            Contents=pikepdf.String(b"\x00" * 512)))
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T="Signature1", F=4, Rect=[300, 20, 400, 60],
            V=value, P=page.obj, AP=pikepdf.Dictionary(N=appearance)))
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=3)
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False)
    data = bytearray(path.read_bytes())
    start = data.index(b"/Contents <") + len(b"/Contents ")
    end = data.index(b">", start) + 1
    placeholder = re.search(rb"/ByteRange \[ ?0 1111111111 2222222222 3333333333 ?\]", data)
    assert placeholder is not None
    ranges = f"/ByteRange [0 {start} {end} {len(data) - end}]".encode()
    data[placeholder.start():placeholder.end()] = ranges.ljust(placeholder.end() - placeholder.start())
    path.write_bytes(bytes(data))
    return path


# --- reading an output back ---------------------------------------------------------------

def _ingest(run, files: list[Path], *args: str) -> list[dict[str, Any]]:
    result = run("ingest", *files, "--jobs", "1", "--json", *args)
    rows = json_lines(result.output)
    assert [r["status"] for r in rows] == ["ingested"] * len(files), result.output
    return rows


def _get(run, tmp: Path, doc_id: int, *, original: bool = False) -> Path:
    out = tmp / f"{doc_id}{'-original' if original else ''}.pdf"
    run("get", doc_id, "-o", out, *(["--original"] if original else []))
    return out


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every font in the pages' resources, their forms' and their annotations' appearances."""
    found: dict[tuple[int, int], pikepdf.Object] = {}
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            normal = annot.get("/AP", {}).get("/N")
            if isinstance(normal, pikepdf.Stream):
                stack.append(normal.get("/Resources"))
    seen = set()
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary) or id(resources) in seen:
            continue
        seen.add(id(resources))
        for font in resources.get("/Font", {}).values():
            found[font.objgen] = font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == Name.Form:
                stack.append(xobject.get("/Resources"))
    return list(found.values())


def _images(path: Path) -> list[tuple[str, bytes]]:
    """(filter, raw bytes) of each page's images, in page order."""
    with pikepdf.open(path) as pdf:
        return [(" ".join(map(str, _as_list(image.get("/Filter")))), image.read_raw_bytes())
                for page in pdf.pages for image in page.get_images().values()]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, pikepdf.Array) else [value] if value is not None else []


def assert_pdfa(path: Path, level: str, *, validated: bool = True) -> Any:
    """Every rule of the issue, read back with pikepdf; then pikepdf's validator."""
    raw = path.read_bytes()
    with pikepdf.open(path) as pdf:
        assert "/Encrypt" not in pdf.trailer
        assert len(pdf.trailer.ID) == 2 and len(bytes(pdf.trailer.ID[0])) >= 16
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == Name.GTS_PDFA1
        profile = intents[0].DestOutputProfile
        assert profile.N == 3 and profile.read_bytes() == pdfa.srgb_profile()
        meta = pdf.open_metadata()
        assert meta.pdfa_status == level.upper()
        assert "/Filter" not in pdf.Root.Metadata  # the XMP readable as it is (PDF/A-1)
        info = pdf.docinfo
        for xmp, key in (("dc:title", "/Title"), ("dc:description", "/Subject"),
                         ("pdf:Producer", "/Producer"), ("xmp:CreatorTool", "/Creator"),
                         ("pdf:Keywords", "/Keywords")):
            assert (str(info[key]) if key in info else None) == meta.get(xmp), key
        if "/Author" in info:
            assert [str(info.Author)] == list(meta["dc:creator"])
        for xmp, key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
            assert decode_pdf_date(str(info[key])) == datetime.fromisoformat(meta[xmp])
        for font in _fonts(pdf):
            described = font.DescendantFonts[0] if font.Subtype == Name.Type0 else font
            assert any(k in described.FontDescriptor for k in _FONT_FILES), font.get("/BaseFont")
            if font.get("/BaseFont") == Name.GlyphLessFont:
                assert b"endcmap" in font.ToUnicode.read_bytes()
                assert ("/CIDSet" in described.FontDescriptor) == (level == "1b")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                keys = set(obj.keys())
                assert not keys & {"/JS", "/AA", "/EmbeddedFiles", "/EF", "/Encrypt"}, keys
                assert obj.get("/S") not in (Name.JavaScript, Name.Launch, Name.Sound, Name.Movie)
            if level == "1b" and isinstance(obj, pikepdf.Stream):
                assert "/SMask" not in obj and obj.get("/Type") not in (Name.ObjStm, Name.XRef)
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                assert int(annot.F) & 4 and not int(annot.F) & (1 | 2 | 32)
                assert set(annot.get("/AP", {}).keys()) <= {"/N"}
        if level == "1b":
            assert pdf.pdf_version == "1.4" and raw.startswith(b"%PDF-1.4\n%")
            assert b"\nxref\n" in raw  # a cross-reference table, not a stream
    report = validator.validate_written(path, level)
    violations = [f for f in report.findings if f.kind == "violation"]
    assert not violations, violations
    if validated:
        assert report.verdict == "pass", report.findings
    return meta


def _not_claimed(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        assert not pdf.open_metadata().pdfa_status


# --- every kind of input, through a real ingest ------------------------------------------

def test_colour_jpeg_is_pdfa_2b_by_default_with_the_documents_fields(run, tmp_path):
    jpeg = _jpeg(tmp_path)
    [row] = _ingest(run, [jpeg])
    assert row["warnings"] == []
    out = _get(run, tmp_path, row["id"])
    meta = assert_pdfa(out, "2b")
    doc = json.loads(run("show", row["id"], "--json").output)
    head = " ".join(x for x in (doc.get("doc_type"), doc.get("number_symbol")) if x)
    assert meta["dc:title"] == (f"{head}: {doc['abstract']}" if doc.get("abstract") else head)
    assert "15/QĐ-UBND" in meta["dc:title"] and meta["dc:identifier"] == "15/QĐ-UBND"
    assert meta["dc:source"] == f"sha256:{row['sha256']}" and meta["dc:language"] == {"vi"}
    assert _images(out) == [("/DCTDecode", jpeg.read_bytes())]  # the JPEG itself, never recompressed
    assert _get(run, tmp_path, row["id"], original=True).read_bytes() == jpeg.read_bytes()


def test_ccitt_bilevel_scan_as_pdfa_1b(run, tmp_path):
    tiff = _ccitt(tmp_path)
    [row] = _ingest(run, [tiff], "--pdfa", "1b")
    assert row["warnings"] == []
    out = _get(run, tmp_path, row["id"])
    assert_pdfa(out, "1b")
    kinds = [kind for kind, _ in _images(out)]
    assert kinds == ["/CCITTFaxDecode"]
    expected = pikepdf.open(io.BytesIO(img2pdf.convert(str(tiff))))
    assert _images(out)[0][1] == next(iter(expected.pages[0].get_images().values())).read_raw_bytes()


def test_grey_png_and_jbig2_pdf_as_pdfa_3b(run, tmp_path):
    grey, jbig2 = _grey(tmp_path), _jbig2(tmp_path)
    rows = _ingest(run, [grey, jbig2], "--pdfa", "3b")
    for row in rows:
        assert row["warnings"] == []
        assert_pdfa(_get(run, tmp_path, row["id"]), "3b")
    jbig2_out = _get(run, tmp_path, rows[1]["id"])
    assert _images(jbig2_out) == _images(jbig2)  # the JBIG2 stream as it came
    # OCR read the page, so the JBIG2 image is what it shows
    assert "15/QĐ-UBND" in pikepdf.open(jbig2_out).open_metadata()["dc:title"]


def test_born_digital_pdf_with_embedded_fonts_is_pdfa_and_without_them_says_why(run, tmp_path):
    embedded, helvetica = _born_digital(tmp_path), _helvetica(tmp_path)
    rows = _ingest(run, [embedded, helvetica])
    assert rows[0]["warnings"] == []
    assert_pdfa(_get(run, tmp_path, rows[0]["id"]), "2b")
    [warning] = [w for w in rows[1]["warnings"] if "PDF/A" in w]
    assert "not marked PDF/A-2b" in warning and "fonts not embedded: Helvetica" in warning
    out = _get(run, tmp_path, rows[1]["id"])
    _not_claimed(out)
    with pikepdf.open(out) as pdf:  # not re-embedded: the font is the original's
        assert pdf.pages[0].Resources.Font.F1.BaseFont == Name.Helvetica
        assert "/FontDescriptor" not in pdf.pages[0].Resources.Font.F1


def test_signed_pdf_is_pdfa_2b_and_its_original_keeps_the_signature(run, tmp_path):
    signed = _signed(tmp_path)
    [row] = _ingest(run, [signed])
    out = _get(run, tmp_path, row["id"])
    assert_pdfa(out, "2b", validated=False)  # pikepdf's validator does not check forms (AcroForm)
    with pikepdf.open(out) as pdf:
        [widget] = pdf.pages[0].Annots
        assert Name.Sig == widget.FT and widget.AP.N.Resources.XObject.Im0.SMask is not None
    original = _get(run, tmp_path, row["id"], original=True)
    assert original.read_bytes() == signed.read_bytes()
    assert hashlib.sha256(original.read_bytes()).hexdigest() == row["sha256"]
    # PDF/A-1 has no transparency: the stamp keeps its soft mask and the file its claim
    rows = _ingest(run, [_resaved(signed, tmp_path)], "--pdfa", "1b")
    [warning] = [w for w in rows[0]["warnings"] if "PDF/A" in w]
    assert "not marked PDF/A-1b" in warning and "transparent images" in warning
    _not_claimed(_get(run, tmp_path, rows[0]["id"]))


def _resaved(path: Path, tmp: Path) -> Path:
    """The same document as another file (the archive takes a file once)."""
    other = tmp / "signed-copy.pdf"
    other.write_bytes(path.read_bytes() + b"\n%copy\n")
    return other


# --- what the level forbids, without OCR ---------------------------------------------------

def test_16_bit_image_stays_as_it_is_and_only_pdfa_1b_is_refused(tmp_path):
    data = bytes(range(256)) * 8  # 32 x 32 grey, 16 bits a sample
    source = _image_pdf(tmp_path / "deep.pdf", data, 32, 32, ColorSpace=Name.DeviceGray, BitsPerComponent=16)
    out = tmp_path / "1b.pdf"
    [warning] = searchable.graft_text_layers(source, [], out, docinfo={"title": "t"}, pdfa="1b")
    assert "not marked PDF/A-1b" in warning and "16-bit images" in warning
    _not_claimed(out)
    with pikepdf.open(out) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert int(image.BitsPerComponent) == 16 and image.read_bytes() == data
    assert searchable.graft_text_layers(source, [], tmp_path / "2b.pdf", pdfa="2b") == []
    assert_pdfa(tmp_path / "2b.pdf", "2b")


def test_forbidden_actions_hidden_annotations_and_flags_are_set_right(tmp_path):
    source = _image_pdf(tmp_path / "page.pdf", b"\x80" * 4096, 64, 64, ColorSpace=Name.DeviceGray,
                        BitsPerComponent=8, Interpolate=True)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=Name.Named, N=Name.Print)
        link = pikepdf.Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], F=0,
                                  A=pikepdf.Dictionary(S=Name.URI, URI="https://example.org"))
        hidden = pikepdf.Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[0, 0, 10, 10], F=2)
        pdf.pages[0].obj.Annots = pikepdf.Array([link, hidden])
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(S=Name.GTS_PDFX,
                                                                   OutputConditionIdentifier="x")])
        pdf.save(source)
    out = tmp_path / "out.pdf"
    assert searchable.graft_text_layers(source, [], out, pdfa="2b") == []
    assert_pdfa(out, "2b")
    with pikepdf.open(out) as pdf:
        assert "/OpenAction" not in pdf.Root
        [kept] = pdf.pages[0].Annots
        assert kept.A.S == Name.URI and int(kept.F) == 4
        assert pdf.pages[0].Resources.XObject.Im0.Interpolate is False


def test_off_writes_plain_pdf(tmp_path):
    source = _image_pdf(tmp_path / "page.pdf", b"\x80" * 4096, 64, 64, ColorSpace=Name.DeviceGray,
                        BitsPerComponent=8)
    out = tmp_path / "out.pdf"
    assert searchable.graft_text_layers(source, [], out, docinfo={"title": "Tờ trình"}, pdfa="off") == []
    with pikepdf.open(out) as pdf:
        assert "/OutputIntents" not in pdf.Root and not pdf.open_metadata().pdfa_status
        assert str(pdf.docinfo.Title) == "Tờ trình"


def test_docinfo_title_is_the_type_number_and_abstract():
    meta = Metadata({"doc_type": FieldValue("Quyết định", 0.9, "ocr"),
                     "number_symbol": FieldValue("15/QĐ-UBND", 0.9, "ocr"),
                     "abstract": FieldValue("Về việc phê duyệt kế hoạch", 0.9, "ocr"),
                     "issued_date": FieldValue("2025-02-03", 0.9, "ocr")})
    info = _docinfo(meta, "ab" * 32)
    assert info["title"] == "Quyết định 15/QĐ-UBND: Về việc phê duyệt kế hoạch"
    assert info["identifier"] == "15/QĐ-UBND" and info["source"] == "sha256:" + "ab" * 32
    assert info["date"] == "2025-02-03" and info["type"] == "Quyết định"


def test_the_setting_and_the_option(tmp_path, run):
    assert tuple(pdfa.LEVELS) == PDFA_LEVELS
    assert load_settings(environ={"DIGITIZE_PDFA": "1B", "DIGITIZE_HOME": str(tmp_path)}).pdfa == "1b"
    assert load_settings(environ={"DIGITIZE_HOME": str(tmp_path)}).pdfa == "2b"
    with pytest.raises(ConfigError, match="pdfa 'a2' is not one of"):
        load_settings(environ={"DIGITIZE_PDFA": "a2", "DIGITIZE_HOME": str(tmp_path)})
    result = run("ingest", tmp_path, "--pdfa", "4u")
    assert result.exit_code == 2 and "'4u' is not one of" in result.output
    for command in ("ingest", "inbox", "reindex"):
        assert "--pdfa [2b|1b|3b|off]" in run(command, "--help").output


# --- real signed and born-digital documents (samples-real) -------------------------------

@pytest.mark.parametrize("name, level, claimed", [
    ("qng_01_TTr-UBND_2025_mien-nhiem_1p.pdf", "2b", True),  # signed: a stamp with a soft mask
    ("qng_01_TTr-UBND_2025_mien-nhiem_1p.pdf", "1b", False),
    ("qng_542_TB-UBND_2024_hoi-nghi_born-digital.pdf", "2b", False),  # Times New Roman, not embedded
])
def test_real_documents(samples_real, tmp_path, name, level, claimed):
    from digitize.ocr import sources

    path = samples_real / name
    before = path.read_bytes()
    size, kind = sources.check_file(path, max_file_mb=2048)
    source = sources.open_source(path, tmp_path, sha256=hashlib.sha256(before).hexdigest(), size=size,
                                 kind=kind)
    out = tmp_path / "out.pdf"
    notes = searchable.graft_text_layers(source.work_pdf, [], out, docinfo={"title": name}, pdfa=level)
    if claimed:
        assert notes == []
        assert_pdfa(out, level, validated=False)
        assert _images(out) == _images(source.work_pdf)
    else:
        assert len(notes) == 1 and f"not marked PDF/A-{level}" in notes[0]
        _not_claimed(out)
    assert path.read_bytes() == before
