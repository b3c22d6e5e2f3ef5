"""Time to clear a review queue in the browser with the keyboard (BENCHMARKS.md).

    .venv/bin/python bench/review_bench.py --home ARCHIVE_HOME [--port 8091]

Starts `digitize serve` over a copy of the archive (the original is not changed), drives
the Debian Chromium (Selenium, /usr/bin/chromedriver) through every document of the queue,
waits for each region image, and takes every suggestion with Ctrl+Enter: the machine's
share of a clerk's time (page, images, save, next page), not the clerk's reading time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with tempfile.TemporaryDirectory(prefix="digitize-reviewbench-") as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args.home, home, ignore=shutil.ignore_patterns("cache", "web-secret"))
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")},
               "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "digitize", "-q", "--home", str(home), "serve",
                                 "--port", str(args.port)], env=env)
        url = f"http://127.0.0.1:{args.port}"
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/review", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            driver.get(f"{url}/review")
            ids = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a.open")]
            times = []
            started = time.monotonic()
            for doc_id in ids:  # one pass, oldest first; a field nothing was read for stays flagged
                t = time.monotonic()
                driver.get(f"{url}/review/{doc_id}")
                for image in driver.find_elements(By.CSS_SELECTOR, ".field img"):
                    while not driver.execute_script("return arguments[0].complete", image):
                        time.sleep(0.02)
                driver.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
                while driver.current_url.endswith(f"/review/{doc_id}"):
                    time.sleep(0.02)
                times.append(time.monotonic() - t)
            total = time.monotonic() - started
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(timeout=10)
    print(f"{len(times)} documents cleared in {total:.1f} s; per document median "
          f"{statistics.median(times):.2f} s, slowest {max(times):.2f} s (first images cut on demand)")


if __name__ == "__main__":
    main()
