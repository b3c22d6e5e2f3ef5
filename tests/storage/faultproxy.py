"""A small fault-injecting HTTP/1.1 proxy for the storage tests (loopback only, bounded).

It sits between boto3 and moto's server and understands just enough HTTP/1.1 (message
framing by Content-Length or chunked encoding, interim `100 Continue` answers) to fault
single requests rather than whole keep-alive connections. Faults, per matching request:

- ``drop``: forward the request (the server acts on it), then close the connection
  without answering: the "lost response" case, where a retry repeats a write that landed;
- ``sever``: close the connection as soon as the request head arrives (the server never
  sees the request);
- ``reset``: forward the request, send the client half of the answer, then a TCP RST;
- ``delay``: hold the answer for ``delay`` seconds (set it above the client's read timeout);
- ``corrupt``: flip one byte in the middle of the answer's body.

``refuse()`` closes the listening port (connection refused) and ``resume()`` reopens it
on the same port. Everything is threads with socket timeouts; ``close()`` ends them all.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType

logger = logging.getLogger(__name__)

MODES = ("drop", "sever", "reset", "delay", "corrupt")
_MAX_HEAD = 64 * 1024
_RECV = 256 * 1024


@dataclass
class Fault:
    """Inject `mode` into the next `times` requests matching `method` and `path_contains`."""

    mode: str
    times: int = 1
    method: str | None = None
    path_contains: str | None = None
    delay: float = 0.0

    def matches(self, method: str, target: str) -> bool:
        return (
            self.times > 0
            and (self.method is None or self.method == method)
            and (self.path_contains is None or self.path_contains in target)
        )


@dataclass(frozen=True)
class Seen:
    """One request that went through the proxy and what was done to it."""

    method: str
    target: str
    fault: str  # a mode from MODES, or "pass"


class _Stream:
    """Buffered reads from a socket: message heads, exact byte counts, chunked bodies."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()

    def _fill(self) -> bool:
        data = self.sock.recv(_RECV)
        self.buf += data
        return bool(data)

    def head(self) -> bytes | None:
        """The next message head (through the blank line); None at a clean end of stream."""
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            if len(self.buf) > _MAX_HEAD:
                raise ConnectionError("message head too large")
            if not self._fill():
                if self.buf:
                    raise ConnectionError("stream ended inside a message head")
                return None
        head = bytes(self.buf[: end + 4])
        del self.buf[: end + 4]
        return head

    def exactly(self, count: int) -> Iterator[bytes]:
        while count > 0:
            if not self.buf and not self._fill():
                raise ConnectionError("stream ended inside a message body")
            piece = bytes(self.buf[:count])
            del self.buf[: len(piece)]
            count -= len(piece)
            yield piece

    def line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            if len(self.buf) > _MAX_HEAD or not self._fill():
                raise ConnectionError("bad chunked encoding")
        line = bytes(self.buf[: end + 2])
        del self.buf[: end + 2]
        return line

    def chunked(self) -> Iterator[bytes]:
        while True:
            size_line = self.line()
            yield size_line
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while (trailer := self.line()) != b"\r\n":
                    yield trailer
                yield b"\r\n"
                return
            yield from self.exactly(size + 2)

    def to_end(self) -> Iterator[bytes]:
        if self.buf:
            yield bytes(self.buf)
            self.buf.clear()
        while data := self.sock.recv(_RECV):
            yield data


def _parse(head: bytes) -> tuple[list[str], dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return lines[0].split(" ", 2), headers


def _body(stream: _Stream, headers: dict[str, str], *, until_eof: bool) -> Iterator[bytes]:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return stream.chunked()
    if "content-length" in headers:
        return stream.exactly(int(headers["content-length"]))
    return stream.to_end() if until_eof else iter(())


def _abort(sock: socket.socket) -> None:
    """Close with a TCP RST (linger 0) instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class _Link:
    """One client connection and its upstream twin, ended exactly once.

    Linux does not release a socket that another thread is blocked reading, so close()
    alone would neither wake that thread nor send anything: shutdown() does both.
    """

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self._lock = threading.Lock()
        self._ended = False

    def _claim(self) -> bool:
        with self._lock:
            ended, self._ended = self._ended, True
            return not ended

    def end(self) -> None:
        """FIN both ways, waking any thread blocked on either socket (idempotent)."""
        if self._claim():
            for sock in (self.client, self.upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def reset_client(self, reader: threading.Thread, timeout: float) -> None:
        """RST the client: wake the request reader (SHUT_RD sends nothing), then abort."""
        if not self._claim():
            return
        with contextlib.suppress(OSError):
            self.client.shutdown(socket.SHUT_RD)
        reader.join(timeout)
        _abort(self.client)
        with contextlib.suppress(OSError):
            self.upstream.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.client.close()
        self.upstream.close()


class FaultProxy:
    """Forward 127.0.0.1:<port> to `upstream`, faulting requests as planned by inject()."""

    def __init__(
        self, upstream: tuple[str, int], *, io_timeout: float = 15.0, max_connections: int = 64,
    ) -> None:
        self.upstream = upstream
        self.io_timeout = io_timeout
        self.max_connections = max_connections
        self.seen: list[Seen] = []
        self.port = 0
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._threads: list[threading.Thread] = []
        self._links: set[_Link] = set()

    # ---- control

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = self._spawn(self._accept_loop, listener)
        return self

    def inject(
        self, mode: str, *, times: int = 1, method: str | None = None,
        path_contains: str | None = None, delay: float = 0.0,
    ) -> None:
        """Fault the next `times` matching requests (earlier injections are matched first)."""
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}; use one of {MODES}")
        with self._lock:
            self._faults.append(Fault(mode, times, method, path_contains, delay))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def refuse(self) -> None:
        """Close the listening port: new connections are refused until resume()."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        # shutdown() wakes the accept() in progress; only once that thread has let go is
        # the port really closed (else a new connection can land in the dying backlog).
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        listener.close()

    def resume(self) -> None:
        if self._listener is None:
            self.start()

    def requests(self, method: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if method is None or s.method == method]

    def close(self) -> None:
        self._closed.set()
        self.refuse()
        with self._lock:
            links = list(self._links)
        for link in links:
            link.end()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start() if self._listener is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- machinery

    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        return thread

    def _take_fault(self, method: str, target: str) -> Fault | None:
        with self._lock:
            fault = next((f for f in self._faults if f.matches(method, target)), None)
            if fault is not None:
                fault.times -= 1
            self.seen.append(Seen(method, target, fault.mode if fault else "pass"))
            return fault

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._closed.is_set() and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                busy = len(self._links) >= self.max_connections
            if busy:
                _abort(client)
                continue
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(self.io_timeout)
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.io_timeout)
        except OSError:
            _abort(client)
            return
        link = _Link(client, upstream)
        with self._lock:
            self._links.add(link)
        pending: queue.Queue[tuple[str, Fault | None]] = queue.Queue()
        reader = threading.Thread(target=self._pump_requests, args=(link, pending), daemon=True)
        reader.start()
        try:
            self._pump_responses(link, pending, reader)
        except (OSError, ValueError, queue.Empty) as exc:
            logger.debug("proxy connection ended: %r", exc)
        finally:
            link.end()
            reader.join(timeout=self.io_timeout)
            link.close()
            with self._lock:
                self._links.discard(link)

    def _pump_requests(self, link: _Link, pending: queue.Queue[tuple[str, Fault | None]]) -> None:
        stream = _Stream(link.client)
        try:
            while (head := stream.head()) is not None:
                (method, target, *_), headers = _parse(head)
                fault = self._take_fault(method, target)
                if fault is not None and fault.mode == "sever":
                    break
                pending.put((method, fault))
                link.upstream.sendall(head)
                for piece in _body(stream, headers, until_eof=False):
                    link.upstream.sendall(piece)
        except (OSError, ValueError) as exc:
            logger.debug("proxy request side ended: %r", exc)
        link.end()

    def _pump_responses(
        self, link: _Link, pending: queue.Queue[tuple[str, Fault | None]],
        reader: threading.Thread,
    ) -> None:
        client, stream = link.client, _Stream(link.upstream)
        while (head := stream.head()) is not None:
            (_, status_text, *_), headers = _parse(head)
            status = int(status_text)
            if 100 <= status < 200:
                client.sendall(head)  # 100 Continue belongs to the request in flight
                continue
            method, fault = pending.get(timeout=self.io_timeout)
            bodiless = method == "HEAD" or status in (204, 304)
            until_eof = not bodiless and "content-length" not in headers
            body = b"" if bodiless else b"".join(_body(stream, headers, until_eof=until_eof))
            mode = fault.mode if fault else "pass"
            if mode == "drop":
                return
            if mode == "delay" and fault is not None and self._closed.wait(fault.delay):
                return
            if mode == "reset":
                data = head + body
                client.sendall(data[: len(head) + len(body) // 2 if body else len(head) // 2])
                link.reset_client(reader, self.io_timeout)
                return
            if mode == "corrupt" and body:
                middle = len(body) // 2
                body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]
            client.sendall(head + body)
            if until_eof:
                return
