"""Starting the web application under uvicorn, after the checks that keep it safe."""

from __future__ import annotations

import logging
import socket
from typing import Any

from ..errors import ConfigError, UsageError
from ..pipelines import access
from ..pipelines.archive import Archive
from .auth import is_loopback

log = logging.getLogger(__name__)


def check_can_serve(archive: Archive, host: str) -> None:
    """Another machine may reach a non-loopback address: then only signed-in users may."""
    if not is_loopback(host) and access.user_count(archive) == 0:
        raise ConfigError(f"refusing to serve on {host} with no users: anyone there could read the archive",
                          advice="add one first: digitize users add NAME --role van-thu")


def prepare(archive: Archive, *, host: str, secure_cookies: bool = False) -> Any:
    """The application, once the database is open (and upgraded) and serving is safe."""
    from .app import create_app

    archive.engine  # noqa: B018 -- open (and upgrade) the database before taking requests
    check_can_serve(archive, host)
    return create_app(archive, host=host, secure_cookies=secure_cookies)


def check_port(host: str, port: int) -> None:
    """One line, not uvicorn's traceback, when the address is taken or cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             advice="another program has it: choose another --port") from None


def run(app: Any, *, host: str, port: int, quiet: bool = False) -> None:
    import uvicorn

    check_port(host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info",
                proxy_headers=True, server_header=False)


def open_browser(url: str, delay: float = 1.0) -> None:
    """Open `url` in the desktop's browser once the server has had a moment to start."""
    import threading
    import webbrowser

    timer = threading.Timer(delay, webbrowser.open, args=(url,))
    timer.daemon = True
    timer.start()
