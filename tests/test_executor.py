"""The worker pool: workers start without running the parent's main script again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

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


def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    # multiprocessing's own pool runs the script again in every worker (as __mp_main__):
    # for the `digitize` console script that is the whole CLI's imports, per worker
    assert "__mp_main__" in _run(tmp_path, "plain")
    assert _run(tmp_path, "digitize") == ["__main__"]
