"""The clerk's review in the browser: the queue, and one document with the page in view.

Nothing is confirmed silently: a field is saved only when the clerk typed a value, took
the machine's suggestion (Alt+A), or accepted the whole document (Ctrl+Enter, "accept
all"); a skipped field (Esc) stays flagged. Every change goes through `review.set_field`,
the path `digitize edit` takes, and lands in the events table with the user's name.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ..errors import NotFound, UsageError
from ..pipelines import catalog, crops, review
from . import auth, i18n
from . import pages as web

QUEUE_LIMIT = 200
STATES = ("pending", "typed", "accepted", "skip")
MODES = ("save", "all")
CLEAR = "-"  # typed for "this document has no such field", as in the terminal review


def queue_page(request: Request) -> Response:
    auth.require(request, edit=True)
    wanted = request.query_params.get("field") or None
    items = []
    for item in review.pending(request.app.state.archive, limit=QUEUE_LIMIT):
        names = [name for name, _, _ in item.fields]
        if wanted and wanted not in names:
            continue
        items.append({"id": item.doc_id, "source_name": item.source_name, "fields": [
            {"name": n, "value": v, "confidence": round(c, 3)} for n, v, c in item.fields]})
    return web.respond(request, "queue.html", {"count": len(items), "documents": items, "field": wanted})


def _review_data(request: Request, doc_id: int) -> dict[str, Any]:
    archive = request.app.state.archive
    record = catalog.document_record(archive, doc_id)
    flagged = record["needs_review"]
    fields = []
    for name in flagged:
        source = record["source"].get(name)
        value = record.get(name)
        fields.append({
            "name": name, "value": value, "confidence": record["confidence"].get(name, 0.0),
            "confidence_word": "missing" if value is None else "check",
            "source": source if value is not None else None,
            "suggestion": value if source != "manual" else None,
            "image": f"/review/{doc_id}/image/{name}.png",
        })
    others = [{"name": n, "value": record.get(n), "source": record["source"].get(n)}
              for n in repository_expected(record) if n not in flagged]
    return {"id": doc_id, "source_name": record["source_name"], "fields": fields, "others": others,
            "next": _next_id(request, doc_id)}


def repository_expected(record: dict[str, Any]) -> list[str]:
    return [n for n in ("number_symbol", "issued_date", "doc_type", "abstract", "issuer", "signer",
                        "signer_title", "place", "urgency") if n in record]


def _next_id(request: Request, doc_id: int) -> int | None:
    """The next document of the queue after this one (the queue goes oldest first)."""
    for item in review.pending(request.app.state.archive, limit=QUEUE_LIMIT):
        if item.doc_id > doc_id:
            return item.doc_id
    return None


async def review_page(request: Request) -> Response:
    doc_id: int = request.path_params["doc_id"]
    account = auth.require(request, edit=True)
    if request.method == "GET":
        data = await run_in_threadpool(_review_data, request, doc_id)
        return web.respond(request, "review.html", data)
    answers, mode = await _answers(request)
    saved, errors = await run_in_threadpool(_save, request, doc_id, answers, mode, account.name)
    if errors:
        data = await run_in_threadpool(_review_data, request, doc_id)
        data.update({"saved": saved, "errors": errors})
        return web.respond(request, "review.html", data, status=400)
    if web.wants_json(request):
        data = await run_in_threadpool(_review_data, request, doc_id)
        data["saved"] = saved
        return web.respond(request, "review.html", data)
    following = await run_in_threadpool(_next_id, request, doc_id)
    return RedirectResponse(f"/review/{following}" if following else "/review", status_code=303)


async def _answers(request: Request) -> tuple[dict[str, tuple[str, str]], str]:
    """{field: (state, value)} and the mode, from the form or from a JSON body
    ({"fields": {"issued_date": "06/01/2020"}}: each value given is confirmed, even if unchanged)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(await request.body())
            given = body["fields"]
            if not isinstance(given, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise HTTPException(400, 'the body must be {"fields": {"name": "value", ...}}') from None
        auth.check_csrf(request, body)
        return {str(k): ("accepted", "" if v is None else str(v)) for k, v in given.items()}, "save"
    form = await request.form()
    auth.check_csrf(request, form)
    mode = str(form.get("mode") or "save")
    if mode not in MODES:
        raise HTTPException(400, f"mode: one of {', '.join(MODES)}")
    answers = {}
    for key, value in form.multi_items():
        if key.startswith("value_"):
            name = key.removeprefix("value_")
            state = str(form.get(f"state_{name}") or "pending")
            if state not in STATES:
                raise HTTPException(400, f"state of {name}: one of {', '.join(STATES)}")
            answers[name] = (state, str(value))
    return answers, mode


def _save(request: Request, doc_id: int, answers: dict[str, tuple[str, str]], mode: str,
          actor: str) -> tuple[list[str], dict[str, str]]:
    """Store what the clerk confirmed; the fields saved, and the ones refused with why."""
    archive = request.app.state.archive
    record = catalog.document_record(archive, doc_id)
    saved, errors = [], {}
    for name, (state, typed) in answers.items():
        if name not in record["confidence"]:
            raise HTTPException(400, f"unknown field {name!r}")
        current = record.get(name)
        typed = typed.strip()
        changed = typed != (current or "")
        if state == "skip" or (not typed and not changed):
            continue  # nothing typed, nothing to take
        if not (changed or state == "accepted" or mode == "all"):
            continue
        if not typed:
            continue  # an emptied box is not a decision: "-" says "no such field"
        try:
            review.set_field(archive, doc_id, name, None if typed == CLEAR else typed, actor=actor)
        except UsageError as exc:
            errors[name] = str(exc)
            continue
        saved.append(name)
    return saved, errors


def field_image(request: Request) -> Response:
    doc_id: int = request.path_params["doc_id"]
    field: str = request.path_params["field"]
    auth.require(request, edit=True)
    if field not in i18n.FIELD_LABELS["en"]:
        raise HTTPException(404, f"no field {field!r}")
    path = crops.field_image(request.app.state.archive, doc_id, field)
    if path is None:
        raise NotFound(f"document {doc_id} has no image of {field}")
    return FileResponse(path, media_type="image/png", headers={"cache-control": "private, max-age=3600"})
