"""Item 21 of issue 17: `reindex --import s3://…` takes in two objects that share a base
name (2019/cv.pdf, 2020/cv.pdf) as two documents, each under its own name."""

from __future__ import annotations

import pytest

from ..conftest import json_lines
from .helpers import BUCKET, raw_client

pytestmark = pytest.mark.slow


def test_import_keeps_objects_with_the_same_base_name_apart(run, monkeypatch, s3, page_pdf, tmp_path):
    monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", s3)
    tmp = tmp_path / "work"
    tmp.mkdir()
    monkeypatch.setenv("DIGITIZE_TMP_DIR", str(tmp))
    storage = f"s3://{BUCKET}/archive"
    client = raw_client(s3)
    client.upload_file(str(page_pdf("a.pdf", dpi=150)), BUCKET, "old/2019/cv.pdf")
    client.upload_file(str(page_pdf("b.pdf", lines=["KẾ HOẠCH", "Tổ chức kỳ thi"], dpi=150)),
                       BUCKET, "old/2020/cv.pdf")
    result = run("--storage", storage, "reindex", "--import", f"s3://{BUCKET}/old", "--json",
                 "--jobs", "2")  # the second is fetched while the first is being read
    rows = json_lines(result.stdout)
    assert [r["status"] for r in rows] == ["ingested", "ingested"], result.output
    assert result.exit_code == 0
    assert len({r["sha256"] for r in rows}) == 2
    names = [r["source_name"] for r in json_lines(run("--storage", storage, "export").stdout)]
    assert names == ["cv.pdf", "cv.pdf"]
    assert list(tmp.iterdir()) == []  # fetched copies and their folders gone
