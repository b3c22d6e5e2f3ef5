"""Plain helpers shared by the storage tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import random
import urllib.request
from functools import cache
from pathlib import Path
from typing import Any

from digitize.storage.s3 import MiB, S3Settings, build_client

BUCKET = "digitize-test"


def fast_settings(endpoint: str, **changes: Any) -> S3Settings:
    """Small, fast settings: 5 MiB multipart, 3 attempts, short timeouts."""
    base = S3Settings(
        endpoint_url=endpoint, max_attempts=3, connect_timeout=2.0, read_timeout=5.0,
        multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
    )
    return base.replace(**changes)


@cache
def raw_client(endpoint: str) -> Any:
    """A plain boto3 client (one per endpoint), to look at (or tamper with) what a store wrote."""
    return build_client(S3Settings(endpoint_url=endpoint, max_attempts=1))


def write_file(path: Path, size: int, seed: int = 0) -> str:
    """Write `size` pseudo-random bytes to `path`; return their hex SHA-256."""
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def http_get(url: str, timeout: float = 10) -> bytes:
    """GET over plain HTTP, ignoring any proxy settings."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body


def http_post(url: str, timeout: float = 10) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    opener.open(urllib.request.Request(url, method="POST"), timeout=timeout).close()
