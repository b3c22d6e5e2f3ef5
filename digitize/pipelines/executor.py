"""Where page OCR runs: a pool of worker processes, or inline for --jobs 1."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class InlineExecutor(Executor):
    """Runs each call when it is submitted: one page at a time, in this process."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # the caller sees it through the future, like a pool
            future.set_exception(exc)
        return future


def _worker_init() -> None:
    import os
    import signal

    # Ctrl-C goes to the whole process group: only the parent decides what to do with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_THREAD_LIMIT"] = "1"


def make_executor(jobs: int, preload: Sequence[str] = ()) -> Executor:
    """`jobs` worker processes, forked from a server that has imported `preload` (only what
    the tasks need: the parent waits for these imports before the first task starts)."""
    if jobs <= 1:
        return InlineExecutor()
    # forkserver: workers never inherit the parent's threads (progress bar) or DB handles
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)
