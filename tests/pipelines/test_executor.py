"""The worker pool: workers start without running the parent's main script again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = '''
import os, sys
with open(os.environ["MARK"], "a") as f:  # every run of this file leaves its module name
    f.write(__name__ + "\\n")
if __name__ == "__main__":
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from digitize.pipelines.executor import make_executor
    if sys.argv[1] == "plain":
        ex = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver"))
    else:
        ex = make_executor(2, preload=("digitize.ocr.page",))
    pids = {ex.submit(os.getpid).result() for _ in range(8)}
    ex.shutdown()
    print(len(pids))
'''


def _run(tmp_path: Path, kind: str) -> list[str]:
    script, mark = tmp_path / "main_script.py", tmp_path / f"{kind}.txt"
    script.write_text(SCRIPT)
    env = {**os.environ, "MARK": str(mark), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, str(script), kind], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    assert int(proc.stdout) >= 1
    return mark.read_text().split()


@pytest.mark.slow
def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    # multiprocessing's own pool runs the script again in every worker (as __mp_main__):
    # for the `digitize` console script that is the whole CLI's imports, per worker
    assert "__mp_main__" in _run(tmp_path, "plain")
    assert _run(tmp_path, "digitize") == ["__main__"]


WATCHDOG = '''
import sys, time
from pathlib import Path

import pytest
from digitize.ocr import page
page._OVERTIME_GRACE = 0.0  # give up at twice the timeout
task = page.PageTask(pdf=Path("x.pdf"), number=7, width_pt=595, height_pt=842, native_dpi=300,
                     out_dir=Path(sys.argv[1]), timeout=0.2)
with page._watchdog(task):
    time.sleep(float(sys.argv[2]))  # stands for a page stuck in layout analysis
print("finished")
'''


@pytest.mark.slow
def test_a_worker_gives_up_a_page_far_past_its_timeout(tmp_path: Path) -> None:
    script = tmp_path / "stall.py"
    script.write_text(WATCHDOG)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DIGITIZE_POOL_WORKER": "1"}
    stuck = subprocess.run([sys.executable, str(script), str(tmp_path), "30"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert stuck.returncode == 70 and "finished" not in stuck.stdout
    assert (tmp_path / "page-00007.overtime").read_text().strip() == "0.4"
    (tmp_path / "page-00007.overtime").unlink()
    quick = subprocess.run([sys.executable, str(script), str(tmp_path), "0"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert quick.returncode == 0 and "finished" in quick.stdout
    # outside a pool worker (--jobs 1: the parent) nothing ends the process
    env.pop("DIGITIZE_POOL_WORKER")
    parent = subprocess.run([sys.executable, str(script), str(tmp_path), "1"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert parent.returncode == 0 and not (tmp_path / "page-00007.overtime").exists()


def test_a_page_given_up_by_its_worker_is_reported_not_read_again(tmp_path: Path) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool
    from types import SimpleNamespace

    from digitize.ocr.page import PageTask
    from digitize.pipelines.ingest import _page_result

    restarts: list[int] = []
    pool = SimpleNamespace(restart=restarts.append, generation=3,
                           submit=lambda *a: (_ for _ in ()).throw(AssertionError("read again")))
    broken: Future[object] = Future()
    broken.set_exception(BrokenProcessPool("a worker died"))
    task = PageTask(pdf=tmp_path / "x.pdf", number=2, width_pt=595.0, height_pt=842.0, native_dpi=200.0,
                    out_dir=tmp_path, timeout=10.0)
    job = SimpleNamespace(futures={2: broken}, retries={}, path=tmp_path / "x.pdf", work_dir=tmp_path,
                          executor=pool, generations={2: 3}, tasks={2: task},
                          result=SimpleNamespace(warnings=[]))
    (tmp_path / "page-00002.overtime").write_text("50\n")
    result = _page_result(job, 2)  # type: ignore[arg-type]
    assert restarts == [3] and result.geometry is None and result.ocr.source == "none"
    assert result.error == "tesseract took longer than 50 s"
    assert result.ocr.warnings == ["page 2: tesseract took longer than 50 s; page left without text"]
    assert (result.ocr.width, result.ocr.height, result.ocr.dpi) == (1653, 2339, 200.0)
