"""Settings: defaults < digitize.toml < DIGITIZE_* environment < command-line flags."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError

OCR_MODES = ("auto", "force", "skip")
PDFA_LEVELS = ("2b", "1b", "3b", "off")  # digitize.ocr.pdfa.LEVELS (config imports no ocr code)


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("digitize", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    db_url: str | None = None  # default: sqlite under home
    storage_url: str | None = None  # default: file:// folder under home
    lang: str = "vie"
    jobs: int = 0  # 0 = all cores
    ocr: str = "auto"
    page_timeout: float = 180.0  # seconds of tesseract per page
    max_pages: int = 2000
    max_file_mb: int = 2048
    max_megapixels: float = 150.0  # per page, after rendering (decompression bomb guard)
    min_dpi: int = 200  # below this a scan should be redone (warning)
    # resolution for pages without an image of their own (vector content); scans are read at
    # their own resolution, and those coarser than 150 dpi are enlarged to 200 (BENCHMARKS.md)
    ocr_dpi: int = 300
    max_ocr_dpi: int = 400
    review_threshold: float = 0.7
    # read the header's number-and-date band again with trueocr when tesseract could not
    # (handwriting); what it reads goes to review
    second_reader: bool = True
    url_expiry: int = 3600
    keep_temp: bool = False
    tmp_dir: Path | None = None
    log_file: Path | None = None  # also log to this file, rotated at 10 MB
    password_file: Path | None = None  # its first line opens encrypted PDFs (ingest, inbox, reindex)
    # the mode a new data home is made with (octal): private by default, as it holds every
    # document's text; "2750" lets a group read it, "2770" lets a group work in it (README)
    home_mode: str = "0700"
    # the searchable PDF's archival format: PDF/A-2b (2b), 1b, 3b, or plain PDF (off)
    pdfa: str = "2b"

    @property
    def effective_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.home / 'digitize.sqlite3'}"

    @property
    def effective_storage_url(self) -> str:
        return self.storage_url or (self.home / "store").as_uri()

    @property
    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


_FIELD_TYPES = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    if name not in _FIELD_TYPES:
        raise ConfigError(f"unknown setting {name!r}", advice="check digitize.toml and DIGITIZE_* variables")
    kind = str(_FIELD_TYPES[name].type)
    try:
        if value is None:
            return None
        if "Path" in kind:
            return Path(str(value)).expanduser().absolute()  # a relative --home is the current folder's
        if kind.startswith("int"):
            return int(value)
        if kind.startswith("float"):
            return float(value)
        if kind.startswith("bool"):
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={value!r} is not valid: {exc}") from exc


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", advice="fix or remove the file") from exc
    data = data.get("digitize", data)
    return {k.replace("-", "_"): v for k, v in data.items()}


def load_settings(
    overrides: dict[str, Any] | None = None,
    *,
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build settings from every layer; later layers win; None values are ignored."""
    env = os.environ if environ is None else environ
    layers: dict[str, Any] = {}
    home_hint = (overrides or {}).get("home") or env.get("DIGITIZE_HOME")
    candidates = [config_file] if config_file else [
        Path(env["DIGITIZE_CONFIG"]) if env.get("DIGITIZE_CONFIG") else None,
        Path(home_hint).expanduser() / "digitize.toml" if home_hint else default_home() / "digitize.toml",
    ]
    for candidate in candidates:
        if candidate and candidate.is_file():
            layers.update(_from_toml(candidate))
            break
        if candidate and config_file:
            raise ConfigError(f"config file {candidate} does not exist")
    for name in _FIELD_TYPES:
        key = f"DIGITIZE_{name.upper()}"
        if env.get(key):
            layers[name] = env[key]
    layers.update({k: v for k, v in (overrides or {}).items() if v is not None})
    settings = replace(Settings(), **{k: _coerce(k, v) for k, v in layers.items()})
    if settings.ocr not in OCR_MODES:
        raise ConfigError(f"ocr mode {settings.ocr!r} is not one of {', '.join(OCR_MODES)}")
    if settings.pdfa.lower() not in PDFA_LEVELS:
        raise ConfigError(f"pdfa {settings.pdfa!r} is not one of {', '.join(PDFA_LEVELS)}",
                          advice='set pdfa = "2b" (the default), "1b", "3b" or "off" in digitize.toml')
    settings = replace(settings, pdfa=settings.pdfa.lower())
    _check_ranges(settings)
    if not re.fullmatch(r"0?[0-7]{3,4}", settings.home_mode):
        raise ConfigError(f"home_mode {settings.home_mode!r} is not an octal mode",
                          advice='write it as a string of octal digits, e.g. home_mode = "2750"')
    return settings


_SECRET_QUERY = re.compile(r"([?&](?:password|passwd|pwd|secret)=)[^&#]*", re.IGNORECASE)
_USERINFO_PASSWORD = re.compile(r"(://[^/?#@:]*:)[^/?#]*@")


def safe_url(url: str) -> str:
    """A database (or other) URL as it may be shown: in errors, logs and reports, never with
    its password, whether in the user part or a `password=` query parameter."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # not a URL SQLAlchemy reads: mask what looks secret
        shown = _USERINFO_PASSWORD.sub(r"\1***@", url)
    return _SECRET_QUERY.sub(r"\1***", shown)


# Ranges a setting must keep to (inclusive); the URL expiry's upper end is what S3 allows
# a presigned URL (7 days).
RANGES: dict[str, tuple[float, float, str]] = {
    "url_expiry": (1, 7 * 24 * 3600, "seconds (at most 7 days)"),
}


def _check_ranges(settings: Settings) -> None:
    for name, (low, high, unit) in RANGES.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise ConfigError(f"setting {name}={value:g} is out of range: give {low:g} to {high:g} {unit}",
                              advice=f"fix DIGITIZE_{name.upper()} or {name} in digitize.toml")


def make_home(settings: Settings) -> Path:
    """Create the data home, if it is missing, with exactly `home_mode` (0700 unless configured
    for a group): it holds the database and the store, every document's text. What is made
    inside follows the umask; an existing home is left as its owner set it."""
    home = settings.home
    if not home.is_dir():
        home.parent.mkdir(parents=True, exist_ok=True)
        try:
            home.mkdir(mode=0o700)
        except FileExistsError:  # another command made it meanwhile
            return home
        os.chmod(home, int(settings.home_mode, 8))  # mkdir's mode is cut by the umask
    return home


def read_password_file(path: Path) -> str:
    """The password in the file's first line (without its line ending)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the password file {path}: {getattr(exc, 'strerror', None) or exc}",
                          advice="check the path and that this user may read it") from exc
    password = text.split("\n", 1)[0].rstrip("\r")
    if not password:
        raise ConfigError(f"the password file {path} is empty", advice="put the password on its first line")
    return password


def write_setting(path: Path, name: str, value: str) -> None:
    """Set `name = "value"` in a digitize.toml, keeping the file's other lines."""
    if name not in _FIELD_TYPES:
        raise ConfigError(f"unknown setting {name!r}")
    line = f"{name} = {json.dumps(value, ensure_ascii=False)}"
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for i, old in enumerate(lines):
        if pattern.match(old):
            lines[i] = line
            break
    else:
        lines.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n", "utf-8")
    tmp.replace(path)


def config_path(settings: Settings, explicit: Path | None = None) -> Path:
    """The settings file a command should write to."""
    if explicit:
        return explicit
    if os.environ.get("DIGITIZE_CONFIG"):
        return Path(os.environ["DIGITIZE_CONFIG"])
    return settings.home / "digitize.toml"
