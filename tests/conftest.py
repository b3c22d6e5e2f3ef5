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


@pytest.fixture(autouse=True)
def _one_thread_tesseract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    yield


FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]

PAGE_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt kế hoạch chuyển đổi số năm 2025",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Xét đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
]


def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    raise RuntimeError("fonts-liberation2 is not installed (make setup)")


def text_page_image(lines: list[str], *, dpi: int = 300, size_in: tuple[float, float] = (5.8, 3.0)) -> Any:
    """A small white page with the lines typeset in a Times-metric font (12 pt)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (round(size_in[0] * dpi), round(size_in[1] * dpi)), 255)
    draw = ImageDraw.Draw(img)
    font = _font(round(12 * dpi / 72))
    y = round(0.4 * dpi)
    for line in lines:
        draw.text((round(0.4 * dpi), y), line, font=font, fill=0)
        y += round(20 * dpi / 72)
    return img


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
