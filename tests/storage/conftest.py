"""Storage fixtures: moto's S3 server over real HTTP on loopback, a fault proxy, stores.

No boto3 call is mocked: the stores talk HTTP to `ThreadedMotoServer`, started once per
session on a free 127.0.0.1 port and reset before every test that uses it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digitize.storage.s3 import S3Store

from .faultproxy import FaultProxy
from .helpers import BUCKET, fast_settings, http_post, raw_client, write_file

#: make_file(size, name="f.bin", seed=0) -> (path, sha256 hex)
MakeFile = Callable[..., tuple[Path, str]]


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dummy credentials and no trace of the machine's own AWS or proxy configuration."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "DIGITIZE_S3_", "DIGITIZE_STORAGE")) or name.lower() in {
            "http_proxy", "https_proxy", "all_proxy",
        }:
            monkeypatch.delenv(name)
    nowhere = tmp_path_factory.getbasetemp() / "no-aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(nowhere))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_endpoint: str, aws_env: None) -> str:
    """The moto server, reset, holding one empty bucket; returns its endpoint URL."""
    http_post(f"{moto_endpoint}/moto-api/reset")
    raw_client(moto_endpoint).create_bucket(Bucket=BUCKET)
    return moto_endpoint


@pytest.fixture
def make_store(s3: str) -> Callable[..., S3Store]:
    """make_store(prefix="archive", *, endpoint=None, bucket=BUCKET, **settings) -> S3Store."""

    def make(
        prefix: str = "archive", *, endpoint: str | None = None, bucket: str = BUCKET,
        **changes: object,
    ) -> S3Store:
        return S3Store.from_url(f"s3://{bucket}/{prefix}", fast_settings(endpoint or s3, **changes))

    return make


@pytest.fixture
def store(make_store: Callable[..., S3Store]) -> S3Store:
    return make_store()


@pytest.fixture
def make_file(tmp_path: Path) -> MakeFile:
    """make_file(size, name="f.bin", seed=0) -> (path, sha256 hex); deterministic bytes."""

    def make(size: int, name: str = "f.bin", seed: int = 0) -> tuple[Path, str]:
        path = tmp_path / name
        return path, write_file(path, size, seed)

    return make


@pytest.fixture
def fault_proxy(s3: str) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the moto server."""
    host, _, port = s3.removeprefix("http://").rpartition(":")
    with FaultProxy((host, int(port))) as proxy:
        yield proxy
