"""Shared fixtures: an empty archive per test, the CLI, sample files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from digitize.cli import cli

from . import fakeocr

REPO = Path(__file__).resolve().parents[1]
SAMPLES_REAL = Path(os.environ.get("DIGITIZE_SAMPLES_REAL", REPO.parent / "shared" / "samples-real"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One throw-away PostgreSQL server per test process (started from the Debian package)."""
    from .pg import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


_DB_COUNTER = iter(range(1, 1_000_000))


@pytest.fixture
def db_url() -> str | None:
    """The database the CLI uses: None is the embedded SQLite default. Modules override it."""
    return None


def fresh_postgres_db(postgres: Any) -> str:
    return postgres.create_database(f"test_{os.getpid()}_{next(_DB_COUNTER)}")


@pytest.fixture
def run(home: Path, monkeypatch: pytest.MonkeyPatch, db_url: str | None) -> Callable[..., Result]:
    """Run the CLI against the test's own archive: run("ingest", path, "--json")."""
    for key in list(os.environ):
        if key.startswith("DIGITIZE_"):
            monkeypatch.delenv(key)
    runner = CliRunner()

    def invoke(*args: Any, input: str | None = None) -> Result:
        db = ["--db", db_url] if db_url else []
        return runner.invoke(cli, ["--home", str(home), *db, *map(str, args)], input=input,
                             catch_exceptions=False)

    return invoke


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture(scope="session")
def samples_real() -> Path:
    if not (SAMPLES_REAL / "truth.jsonl").is_file():
        pytest.skip(f"real samples not found at {SAMPLES_REAL} (set DIGITIZE_SAMPLES_REAL)")
    return SAMPLES_REAL


@pytest.fixture(scope="session")
def real_truth(samples_real: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in (samples_real / "truth.jsonl").read_text("utf-8").splitlines()]
    return {row["file"]: row for row in rows if row}


# --------------------------------------------------------------------------- the two tiers
# `make test-fast` runs `-m "not slow"`: the tests that need no real tesseract, no server
# and no seconds of work. A test is slow when it is marked so (or `postgres`), when it uses
# a fixture that makes pages for real OCR without `fake_ocr`, or one that starts a server;
# the hook marks those. In the fast tier, a test that reaches real tesseract all the same
# fails, naming the fix.
REAL_OCR_FIXTURES = {"page_pdf", "samples_real", "real_truth"}
SERVER_FIXTURES = {"postgres", "moto_endpoint"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if ((names & REAL_OCR_FIXTURES and "fake_ocr" not in names) or names & SERVER_FIXTURES
                or item.get_closest_marker("postgres")):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch) -> fakeocr.FakeTesseract:
    """Tesseract replaced by the fake engine of tests/fakeocr.py: the pages the tests
    typeset read back exactly, in milliseconds. A test using it is in the fast tier."""
    return fakeocr.FakeTesseract().install(monkeypatch)


def _fast_tier(config: pytest.Config) -> bool:
    return "not slow" in (config.getoption("markexpr", "") or "")


@pytest.fixture(autouse=True)
def _fast_tests_run_no_tesseract(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """In the fast tier, notice a test that runs real OCR: in this process (the library or
    the program) or in worker processes (a pool of more than one)."""
    if (not _fast_tier(request.config) or "fake_ocr" in request.fixturenames
            or request.node.get_closest_marker("slow")):
        yield
        return
    from digitize.ocr import libtesseract, tesseract
    from digitize.pipelines import executor

    seen: list[str] = []

    def noticed(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append(name)
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(libtesseract, "engine", noticed("libtesseract", libtesseract.engine))
    monkeypatch.setattr(tesseract.pytesseract.pytesseract, "run_tesseract",
                        noticed("the tesseract program", tesseract.pytesseract.pytesseract.run_tesseract))
    real_pool = executor.make_executor

    def pool(jobs: int, preload: Any = ()) -> Any:
        if jobs > 1:
            seen.append(f"a pool of {jobs} OCR workers")
        return real_pool(jobs, preload)

    monkeypatch.setattr(executor, "make_executor", pool)
    yield
    if seen:
        pytest.fail(f"this fast-tier test ran real OCR ({seen[0]}): use the fake_ocr fixture, "
                    f"or mark it @pytest.mark.slow", pytrace=False)


@pytest.fixture(autouse=True)
def _one_thread_tesseract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    yield


FONT_DIRS = fakeocr.FONT_DIRS

PAGE_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt kế hoạch chuyển đổi số năm 2025",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Xét đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
]

_font = fakeocr.font


def text_page_image(lines: list[str], *, dpi: int = 300, size_in: tuple[float, float] = (5.8, 3.0)) -> Any:
    """A small white page with the lines typeset in a Times-metric font (12 pt); the fake
    OCR engine (tests/fakeocr.py) can read it back."""
    return fakeocr.typeset_and_remember(fakeocr.text_lines(lines, dpi=dpi), dpi=dpi, size_in=size_in)


@pytest.fixture
def page_pdf(tmp_path: Path) -> Callable[..., Path]:
    """Write an image-only PDF of a small text page: page_pdf("a.pdf", lines=..., dpi=...)."""
    import img2pdf

    def make(name: str = "page.pdf", lines: list[str] | None = None, dpi: int = 300,
             rotate: int = 0, pages: int = 1) -> Path:
        img = text_page_image(lines or PAGE_LINES, dpi=dpi)
        if rotate:
            img = img.rotate(rotate, expand=True)
        frames = []
        for i in range(pages):
            frame = tmp_path / f"{Path(name).stem}-{i}.png"
            img.save(frame, dpi=(dpi, dpi))
            frames.append(str(frame))
        out = tmp_path / name
        out.write_bytes(img2pdf.convert(frames, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
        return out

    return make
