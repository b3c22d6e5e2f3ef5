"""The fault proxy itself: each mode does what the S3 fault tests rely on."""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from .faultproxy import FaultProxy
from .helpers import BUCKET

REQUEST = f"GET /{BUCKET} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def exchange(proxy: FaultProxy, timeout: float = 5.0) -> bytes:
    """Send one raw request through the proxy; everything received until it closes."""
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout) as sock:
        sock.sendall(REQUEST.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n"))
        received = b""
        while data := sock.recv(65536):
            received += data
        return received


def test_pass_forwards_keep_alive_requests(fault_proxy: FaultProxy) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", fault_proxy.port, timeout=5)
    for _ in range(3):
        conn.request("GET", f"/{BUCKET}")
        response = conn.getresponse()
        assert response.status == 200 and b"ListBucketResult" in response.read()
    conn.close()
    assert [s.fault for s in fault_proxy.requests("GET")] == ["pass"] * 3


def test_drop_closes_without_an_answer(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject("drop")
    assert exchange(fault_proxy) == b""
    assert exchange(fault_proxy).startswith(b"HTTP/1.1 200")  # only the first was faulted


def test_sever_never_reaches_the_server(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject("sever", method="GET")
    assert exchange(fault_proxy) == b""
    assert [s.fault for s in fault_proxy.requests()] == ["sever"]


def test_reset_sends_part_of_the_answer_then_rst(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject("reset")
    with pytest.raises(ConnectionResetError):
        exchange(fault_proxy)


def test_delay_holds_the_answer(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject("delay", delay=0.5)
    started = time.monotonic()
    assert exchange(fault_proxy).startswith(b"HTTP/1.1 200")
    assert time.monotonic() - started >= 0.5


def test_corrupt_flips_one_body_byte(fault_proxy: FaultProxy) -> None:
    clean = exchange(fault_proxy)
    fault_proxy.inject("corrupt")
    damaged = exchange(fault_proxy)
    body = clean.partition(b"\r\n\r\n")[2]
    assert len(damaged) == len(clean)
    assert sum(a != b for a, b in zip(body, damaged.partition(b"\r\n\r\n")[2], strict=True)) == 1


def test_refuse_and_resume(fault_proxy: FaultProxy) -> None:
    fault_proxy.refuse()
    with pytest.raises(ConnectionRefusedError):
        exchange(fault_proxy)
    fault_proxy.resume()
    assert exchange(fault_proxy).startswith(b"HTTP/1.1 200")


def test_unknown_mode_is_refused(fault_proxy: FaultProxy) -> None:
    with pytest.raises(ValueError, match="unknown fault mode"):
        fault_proxy.inject("explode")
