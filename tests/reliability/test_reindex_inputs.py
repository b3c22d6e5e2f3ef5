"""Item 21 of issue 17: a `reindex --where` filter that would select everything (year=0,
id=-), overflow the database (id=999…9) or name an unknown key is refused with exit 2 and
one line listing the valid forms; the valid forms keep working."""

from __future__ import annotations

import pytest

from digitize.errors import ExitCode, UsageError
from digitize.pipelines.reindex import Where

FORMS = "use type=NAME, year=YYYY, id=N, id=A-B, id=A- or id=-B"


@pytest.mark.parametrize("item", [
    "year=0", "year=20", "year=abc", "id=-", "id=", "id=5-3", "id=x", "type=",
    "id=99999999999999999999999", "id=1-99999999999999999999999", "colour=red", "year",
])
def test_where_refuses_what_would_select_all_or_cannot_be(run, item):
    result = run("reindex", "--where", item)
    assert result.exit_code == ExitCode.USAGE, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and FORMS in lines[0] and repr(item) in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_unknown_key_is_named():
    with pytest.raises(UsageError, match=r"unknown key 'colour'"):
        Where.parse(("colour=red",))


@pytest.mark.parametrize(("items", "expected"), [
    (("id=5",), (None, None, 5, 5)),
    (("id=3-9",), (None, None, 3, 9)),
    (("id=3-",), (None, None, 3, None)),
    (("id=-9",), (None, None, None, 9)),
    (("id=0-2147483647",), (None, None, 0, 2147483647)),
    (("year=2024", "type=Quyết định"), ("Quyết định", 2024, None, None)),
    ((" YEAR = 1999 ",), (None, 1999, None, None)),
])
def test_where_valid_forms(items, expected):
    where = Where.parse(items)
    assert (where.doc_type, where.year, where.id_from, where.id_to) == expected
