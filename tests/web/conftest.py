"""An archive with one real ingested page, and clients of `digitize serve` over it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from digitize.config import load_settings
from digitize.pipelines import access
from digitize.pipelines.archive import Archive
from digitize.records import METADATA_FIELDS, FieldValue, Metadata
from digitize.web.app import create_app

from ..conftest import json_lines

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-dai-1"
HEADER_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "Số: 15/QĐ-UBND        Quảng Ngãi, ngày 6 tháng 1 năm 2020",
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt kế hoạch chuyển đổi số năm 2025",
]
# what the machine "read": the number and the signer doubted (suggestions), the day not read
READ: dict[str, tuple[str | None, float]] = {
    "number_symbol": ("16/QĐ-UBND", 0.4), "number": ("16", 0.4), "symbol": ("QĐ-UBND", 0.4),
    "issued_date": (None, 0.0), "doc_type": ("Quyết định", 0.95),
    "abstract": ("Về việc phê duyệt kế hoạch chuyển đổi số năm 2025", 0.95),
    "issuer": ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 0.95), "signer": ("Nguyễn Văn An", 0.5),
    "signer_title": ("Chủ tịch", 0.9), "place": ("Quảng Ngãi", 0.9),
}


def doubtful_extractor(pages: Any, *, source_name: str | None = None, **kwargs: Any) -> Metadata:
    return Metadata({f: FieldValue(*READ.get(f, (None, 0.0)), "ocr") for f in METADATA_FIELDS})


@pytest.fixture
def doc_id(run: Any, page_pdf: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """One real page ingested (real tesseract), its fields as READ says."""
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", doubtful_extractor)
    scan = page_pdf("qd-15.pdf", lines=HEADER_LINES)
    row = json_lines(run("ingest", scan, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    return int(row["id"])


@pytest.fixture
def archive(home: Path, doc_id: int) -> Archive:
    return Archive(load_settings({"home": home}))


@pytest.fixture
def users(archive: Archive) -> dict[str, str]:
    access.add_user(archive, "lan", access.CLERK, PASSWORD)
    access.add_user(archive, "minh", access.OFFICER, PASSWORD)
    return {"van-thu": "lan", "can-bo": "minh"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"user": name, "password": password, "csrf": csrf_of(page.text)},
                       follow_redirects=False)


@pytest.fixture
def client_for(archive: Archive, users: dict[str, str]) -> Callable[..., TestClient]:
    """A browser-like client signed in with a role ("van-thu", "can-bo") or None."""

    def make(role: str | None = None, *, host: str = "127.0.0.1") -> TestClient:
        client = TestClient(create_app(archive, host=host))
        if role is not None:
            assert sign_in(client, users[role]).status_code == 303
        return client

    return make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_digitize(home: Path, tmp_path: Path, *args: str) -> Iterator[str]:
    """`digitize ARGS --port P` started as a user starts it, on a free port; its base URL once
    it answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    env.update(PYTHONPATH=str(REPO), BROWSER="true")  # --web opens "the browser": here, nothing
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "digitize", "--home", str(home), *args, "--port",
                             str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/login", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((tmp_path / "serve.log").read_text()) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
