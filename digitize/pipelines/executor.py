"""Where page OCR runs: a pool of worker processes, or inline for --jobs 1."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
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
    os.environ["DIGITIZE_POOL_WORKER"] = "1"  # digitize.ocr.page: a page far past its timeout ends us


@contextmanager
def _main_script_not_rerun() -> Iterator[None]:
    """While workers are started: do not tell them the path of the main script.

    multiprocessing has every new worker run the parent's `__main__` file again (as
    `__mp_main__`), so that functions defined there can be unpickled. Here that file is the
    `digitize` console script, which imports the whole CLI (SQLAlchemy, rich, the
    extractor): 0.3 s of CPU per worker before its first page, and none of it is used, since
    every task is a function of a `digitize` module. Without `__file__` (and with no
    `__spec__`, as for a script) no main module is sent.
    """
    main = sys.modules.get("__main__")
    path = main.__dict__.pop("__file__", None) if main is not None and main.__spec__ is None else None
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path  # type: ignore[union-attr]


class _Workers(ProcessPoolExecutor):
    """A process pool whose workers start without the main script (they spawn on submit)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with _main_script_not_rerun():
            return super().submit(fn, *args, **kwargs)


def make_executor(jobs: int, preload: Sequence[str] = ()) -> Executor:
    """`jobs` worker processes, forked from a server that has imported `preload` (only what
    the tasks need: the parent waits for these imports before the first task starts)."""
    if jobs <= 1:
        return InlineExecutor()
    # forkserver: workers never inherit the parent's threads (progress bar) or DB handles
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    return _Workers(max_workers=jobs, mp_context=ctx, initializer=_worker_init)


class Pool:
    """The worker pool for one run, started afresh when a worker dies.

    A worker killed from outside (the OOM killer on a huge page, a crash in a library)
    breaks a ProcessPoolExecutor for good: every task in it fails, and so does every later
    submit. `restart` replaces it once per breakage; `generation` tells a caller holding
    futures from a broken pool that a new one is there.
    """

    def __init__(self, jobs: int, preload: Sequence[str] = ()) -> None:
        self._jobs, self._preload = jobs, tuple(preload)
        self.executor = make_executor(jobs, preload)
        self.generation = 0

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        try:
            return self.executor.submit(fn, *args)
        except BrokenExecutor:
            self.restart(self.generation)
            return self.executor.submit(fn, *args)

    def restart(self, broken_generation: int) -> None:
        """Replace the pool, unless it was already replaced since `broken_generation`."""
        if broken_generation != self.generation:
            return
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = make_executor(self._jobs, self._preload)
        self.generation += 1

    def shutdown(self, *, interrupted: bool = False) -> None:
        """Wait for the pages being read; when interrupted, end the workers at once instead
        (a page inside tesseract does not notice Ctrl-C)."""
        if interrupted:
            # ProcessPoolExecutor has no public way to end its workers before Python 3.14
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=not interrupted, cancel_futures=True)
