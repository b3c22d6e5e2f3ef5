"""verify finds what is missing, damaged or orphaned, and --repair puts it back."""

from __future__ import annotations

import json

import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines

pytestmark = pytest.mark.slow


@pytest.fixture
def archived(run, page_pdf, home):
    source = page_pdf("qd.pdf")
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    record = json.loads(run("show", row["id"], "--json").stdout)
    return record, home / "store"


def test_clean_archive_verifies(run, archived):
    result = run("verify", "--deep", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"documents": 1, "objects": 3, "problems": [], "ok": True}


def test_damage_is_found_and_repaired(run, archived):
    record, store = archived
    (store / record["keys"]["pdf"]).write_bytes(b"%PDF-1.4 not what we made")
    (store / record["keys"]["ocr"]).unlink()
    (store / "pdf" / ("0" * 64 + ".pdf")).write_bytes(b"stray")
    result = run("verify", "--json")
    assert result.exit_code == ExitCode.CHECK_FAILED
    kinds = {(p["key"].split("/")[0], p["problem"]) for p in json.loads(result.stdout)["problems"]}
    assert kinds == {("pdf", "checksum"), ("ocr", "missing"), ("pdf", "orphan")}
    repaired = run("verify", "--repair", "--json")
    report = json.loads(repaired.stdout)
    assert [p["problem"] for p in report["problems"] if not p["repaired"]] == ["orphan"]
    assert (store / record["keys"]["ocr"]).is_file()
    (store / "pdf" / ("0" * 64 + ".pdf")).unlink()
    assert run("verify", "--deep").exit_code == 0


def test_lost_original_comes_back_from_its_file(run, archived):
    record, store = archived
    (store / record["keys"]["original"]).unlink()
    result = run("verify", "--repair")
    assert result.exit_code == 0, result.output
    assert "repaired" in result.stdout
    assert (store / record["keys"]["original"]).is_file()


def test_migrate_to_another_store_and_back(run, archived, tmp_path, home):
    record, _ = archived
    target = (tmp_path / "new-store").as_uri()
    result = run("storage", "migrate", "--to", target)
    assert result.exit_code == 0, result.output
    assert "copied 3" in result.stdout
    assert f'storage_url = "{target}"' in (home / "digitize.toml").read_text()
    assert json.loads(run("show", record["id"], "--json").stdout)["url"].startswith(target)
    assert run("verify", "--deep").exit_code == 0
    again = run("storage", "migrate", "--to", (home / "store").as_uri(), "--no-switch")
    assert "already there 3" in again.stdout
