"""Commands that read no page start at once: `digitize --help` loads none of the heavy stack.

Timings are measured by bench/startup.py (BENCHMARKS.md); this test checks what is imported,
which is what the timing depends on and does not vary with the machine's load.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "pikepdf", "numpy", "PIL", "cv2", "boto3", "rapidfuzz", "rich", "alembic")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_imports_no_heavy_library() -> None:
    code = ("import sys\nfrom digitize.cli import main\nsys.argv = ['digitize', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_subcommand_help_imports_no_heavy_library() -> None:
    code = ("import sys\nfrom digitize.cli import main\nsys.argv = ['digitize', 'ingest', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_search_text_helpers_do_not_load_the_extractor() -> None:
    loaded = _loaded_after("import digitize.metadata.text, digitize.records")
    assert not loaded & {"rapidfuzz", "numpy", "PIL", "sqlalchemy"}
    modules = _loaded_after("import digitize.metadata.text\nimport sys\n"
                            "assert 'digitize.metadata.extract' not in sys.modules")
    assert "digitize" in modules
