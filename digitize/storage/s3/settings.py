"""How the S3 store is reached: settings from the environment, sizes, the boto3 client."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

_ADDRESSING_STYLES = ("auto", "path", "virtual")
_SIZE_RE = re.compile(r"^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB,
               "mib": MiB, "g": GiB, "gb": GiB, "gib": GiB}
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class S3Settings:
    """How to reach the store and how hard to try; `None` means "boto3 decides"."""

    endpoint_url: str | None = None
    addressing_style: str = "auto"
    region: str | None = None
    max_attempts: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    multipart_threshold: int = 16 * MiB
    multipart_chunksize: int = 16 * MiB
    max_concurrency: int = 4
    page_size: int = 1000

    def __post_init__(self) -> None:
        if self.addressing_style not in _ADDRESSING_STYLES:
            raise ValueError(
                f"S3 addressing style {self.addressing_style!r} is not one of "
                f"{', '.join(_ADDRESSING_STYLES)}: fix DIGITIZE_S3_ADDRESSING_STYLE"
            )
        if self.max_attempts < 1:
            raise ValueError("S3 max attempts must be at least 1: fix DIGITIZE_S3_MAX_ATTEMPTS")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("S3 timeouts must be positive seconds: fix DIGITIZE_S3_TIMEOUT")
        if not 1 <= self.page_size <= 1000:
            raise ValueError("S3 listing page size must be between 1 and 1000")
        if self.multipart_threshold < 1 or self.multipart_chunksize < 1:
            raise ValueError("S3 multipart threshold and chunk size must be positive byte counts")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> S3Settings:
        """Defaults overridden by `DIGITIZE_S3_*` variables (boto3 reads its own `AWS_*`)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if endpoint := env.get("DIGITIZE_S3_ENDPOINT_URL", "").strip():
            values["endpoint_url"] = endpoint
        if style := env.get("DIGITIZE_S3_ADDRESSING_STYLE", "").strip().lower():
            values["addressing_style"] = style
        if attempts := env.get("DIGITIZE_S3_MAX_ATTEMPTS", "").strip():
            values["max_attempts"] = _parse_int("DIGITIZE_S3_MAX_ATTEMPTS", attempts)
        if timeout := env.get("DIGITIZE_S3_TIMEOUT", "").strip():
            seconds = _parse_float("DIGITIZE_S3_TIMEOUT", timeout)
            values["connect_timeout"] = values["read_timeout"] = seconds
        if threshold := env.get("DIGITIZE_S3_MULTIPART_THRESHOLD", "").strip():
            values["multipart_threshold"] = parse_size("DIGITIZE_S3_MULTIPART_THRESHOLD", threshold)
        if chunk := env.get("DIGITIZE_S3_MULTIPART_CHUNKSIZE", "").strip():
            values["multipart_chunksize"] = parse_size("DIGITIZE_S3_MULTIPART_CHUNKSIZE", chunk)
        return cls(**values)

    def replace(self, **changes: Any) -> S3Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a whole number: fix or unset it") from None


def _parse_float(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number of seconds: fix or unset it") from None


def parse_size(name: str, text: str) -> int:
    """`"8MiB"`, `"5 MB"`, `"1048576"` -> bytes (binary units either way)."""
    match = _SIZE_RE.match(text)
    if not match:
        raise ValueError(f"{name}={text!r} is not a size like 8MiB or 8388608: fix or unset it")
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()]


def _is_aws_endpoint(endpoint_url: str) -> bool:
    host = urlsplit(endpoint_url).hostname or ""
    return host.endswith(_AWS_HOST_SUFFIXES)


def build_client(settings: S3Settings, session: boto3.session.Session | None = None) -> Any:
    """An S3 client from boto3's configuration chain plus our bounded retries and timeouts."""
    session = session or boto3.session.Session()
    region = settings.region or session.region_name or "us-east-1"

    def make(style: str) -> Any:
        config = Config(
            region_name=region,
            signature_version="s3v4",
            s3={"addressing_style": style},
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool_connections=max(10, settings.max_concurrency * 2),
        )
        return session.client("s3", endpoint_url=settings.endpoint_url, config=config)

    style = settings.addressing_style
    if style == "auto" and settings.endpoint_url and not _is_aws_endpoint(settings.endpoint_url):
        style = "path"
    client = make(style)
    if style == "auto" and not _is_aws_endpoint(client.meta.endpoint_url):
        # MinIO, Ceph and friends rarely have wildcard DNS for bucket subdomains.
        client = make("path")
    return client
