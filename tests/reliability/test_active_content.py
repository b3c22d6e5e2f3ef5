"""Issue 17, item 15: scripts, launch actions and attached files do not reach the searchable
PDF colleagues open; the original is archived byte for byte, and the result says so."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf

from ..conftest import json_lines

_EXE = b"MZ\x90\x00 pretend this is a program"


def _armed(page_pdf, tmp_path: Path) -> Path:
    path = tmp_path / "armed.pdf"
    with pikepdf.open(page_pdf("plain.pdf")) as pdf:
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                  JS=pikepdf.String("app.alert(1)")))
        pdf.Root.OpenAction = js
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), js])))
        pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, _EXE, filename="setup.exe")
        page = pdf.pages[0]
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=launch))]))
        page.obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                             JS=pikepdf.String("x")))
        pdf.save(path)
    return path


def _active_parts(path: Path) -> list[str]:
    found = []
    with pikepdf.open(path) as pdf:
        if pdf.attachments:
            found.append("attachments")
        if "/OpenAction" in pdf.Root:
            found.append("OpenAction")
        if "/Names" in pdf.Root and "/JavaScript" in pdf.Root.Names:
            found.append("JavaScript names")
        for obj in pdf.objects:
            d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if not isinstance(d, pikepdf.Dictionary):
                continue
            if d.get("/S") in (pikepdf.Name.JavaScript, pikepdf.Name.Launch) or "/AA" in d or "/EF" in d:
                found.append(repr(d)[:60])
            if "/A" in d and d.A.get("/S") == pikepdf.Name.Launch:
                found.append("launch link")
    return found


def test_active_content_is_removed_from_the_searchable_copy_only(run, page_pdf, tmp_path):
    source = _armed(page_pdf, tmp_path)
    assert len(_active_parts(source)) >= 4
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    result = run("ingest", source, "--json", "--jobs", "1", "--ocr", "skip")
    assert result.exit_code == 0, result.output
    (row,) = json_lines(result.stdout)
    assert row["status"] == "ingested"
    (warning,) = [w for w in row["warnings"] if "active content removed" in w]
    assert "JavaScript" in warning and "launch" in warning and "embedded files" in warning
    searchable, original = tmp_path / "out.pdf", tmp_path / "orig.pdf"
    assert run("get", row["id"], "-o", searchable).exit_code == 0
    assert run("get", row["id"], "-o", original, "--original").exit_code == 0
    assert _active_parts(searchable) == []
    assert _EXE not in searchable.read_bytes()
    assert hashlib.sha256(original.read_bytes()).hexdigest() == digest  # byte for byte
    with pikepdf.open(searchable) as pdf:
        assert len(pdf.pages) == 1 and "/Annots" in pdf.pages[0].obj  # the link itself stays


def test_plain_scan_gets_no_warning(run, page_pdf):
    row = json_lines(run("ingest", page_pdf("plain.pdf"), "--json", "--jobs", "1", "--ocr", "skip").stdout)[0]
    assert row["status"] == "ingested"
    assert not [w for w in row["warnings"] if "active content" in w]
