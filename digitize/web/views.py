"""Signing in, searching, and reading a document (its fields, its PDF, its history)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ..metadata.text import fold
from ..metadata.typed import TypedValueError, parse_typed_date
from ..pipelines import access, catalog
from . import auth, i18n
from . import pages as web

SEARCH_LIMIT, MAX_LIMIT = 20, 500  # results shown (each with its snippet), and at most on "more"
POST_FILTERED = 5  # with a filter checked after the query, ask for this many times more
SORTS = ("relevance", "newest", "oldest")
_MEDIA = {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}
_THRESHOLD_SURE = "sure"


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host, no scheme): the sign-in never sends elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


async def login(request: Request) -> Response:
    lang = i18n.language(request)
    next_url = _safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return web.respond(request, "login.html", {"next": next_url})
    form = await request.form()
    auth.check_csrf(request, form)
    name, password = str(form.get("user") or "").strip(), str(form.get("password") or "")
    address = request.client.host if request.client else "?"
    limiter = request.app.state.limiter
    if limiter.blocked(name, address):
        return web.respond(request, "login.html", {"next": next_url, "error": i18n.TEXT[lang]["too_many"]},
                           status=429)
    found = await run_in_threadpool(access.authenticate, request.app.state.archive, name, password)
    if found is None:
        limiter.failed(name, address)
        return web.respond(request, "login.html", {"next": next_url, "error": i18n.TEXT[lang]["bad_sign_in"]},
                           status=401)
    limiter.clear(name, address)
    request.session.clear()  # a new session for a new sign-in (no fixation)
    request.session["user"] = found.name
    return RedirectResponse(_safe_next(str(form.get("next") or next_url)), status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _date_param(request: Request, name: str) -> str | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_typed_date(raw).isoformat()
    except TypedValueError as exc:
        raise HTTPException(400, f"{name}: {exc}") from None


def search_params(request: Request) -> dict[str, Any]:
    q = request.query_params
    sort = q.get("sort") or "relevance"
    if sort not in SORTS:
        raise HTTPException(400, f"sort: one of {', '.join(SORTS)}")
    return {
        "q": (q.get("q") or "").strip(), "type": (q.get("type") or "").strip(),
        "issuer": (q.get("issuer") or "").strip(), "signer": (q.get("signer") or "").strip(),
        "place": (q.get("place") or "").strip(), "from": _date_param(request, "from"),
        "to": _date_param(request, "to"), "needs_review": q.get("needs_review") in ("1", "on", "true"),
        "sort": sort, "limit": _limit(q.get("limit")),
    }


def _limit(raw: str | None) -> int:
    if not raw:
        return SEARCH_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise HTTPException(400, f"limit: a number from 1 to {MAX_LIMIT}")
    return int(raw)


def run_search(request: Request, p: dict[str, Any]) -> list[dict[str, Any]]:
    """catalog.search with the web's extra filters: the signer's and the place's words are
    searched too (they are in the index), then checked on the fields themselves."""
    words = [p["q"], *(f'"{p[k]}"' for k in ("signer", "place") if p[k])]
    checked_after = bool(p["signer"] or p["place"] or p["needs_review"])
    hits = catalog.search(request.app.state.archive, " ".join(w for w in words if w),
                          doc_type=p["type"] or None, issuer=p["issuer"] or None, date_from=p["from"],
                          date_to=p["to"], limit=p["limit"] * (POST_FILTERED if checked_after else 1))
    for key in ("signer", "place"):
        if p[key]:
            hits = [h for h in hits if fold(p[key]) in fold(h[key] or "")]
    if p["needs_review"]:
        hits = [h for h in hits if h["needs_review"]]
    hits = hits[:p["limit"]]
    if p["sort"] != "relevance":
        hits.sort(key=lambda h: (h["issued_date"] or "", h["id"]), reverse=p["sort"] == "newest")
    return hits


def search_page(request: Request) -> Response:
    account = auth.require(request)
    params = search_params(request)
    hits = run_search(request, params)
    more = len(hits) >= params["limit"]
    data = {"query": params, "count": len(hits), "more": more, "results": hits}
    if more and params["limit"] < MAX_LIMIT:
        data["more_url"] = str(request.url.include_query_params(limit=min(MAX_LIMIT, 5 * params["limit"])))
    return web.respond(request, "search.html", data, extra={"sorts": SORTS, "user": account})


def _confidence_word(record: dict[str, Any], name: str, threshold: float) -> str:
    """"sure", "check" (flagged, or under the threshold: number and symbol follow số và ký
    hiệu), "missing" (expected and not read) or "absent" (an optional field this document
    does not have, such as an urgency mark)."""
    flagged = name in record["needs_review"]
    if record.get(name) is None:
        return "missing" if flagged else "absent"
    doubtful = record["source"].get(name) != "manual" and record["confidence"].get(name, 0.0) < threshold
    return "check" if flagged or doubtful else _THRESHOLD_SURE


def document_page(request: Request) -> Response:
    """The fields (confidence as words), the PDF inline, downloads and the history; the
    read itself is recorded (who, when)."""
    doc_id: int = request.path_params["doc_id"]
    account = auth.require(request)
    archive = request.app.state.archive
    record = catalog.document_record(archive, doc_id)
    access.record_read(archive, doc_id, account.name, "page")
    for hidden in ("keys", "source_path"):  # objects are reached by document id only
        record.pop(hidden, None)
    threshold = archive.settings.review_threshold
    record["confidence_words"] = {n: _confidence_word(record, n, threshold) for n in record["confidence"]}
    return web.respond(request, "document.html", record)


def _send(request: Request, doc_id: int, *, original: bool) -> Response:
    account = auth.require(request)
    archive = request.app.state.archive
    folder = Path(tempfile.mkdtemp(prefix="digitize-web-"))
    try:
        record = catalog.document_record(archive, doc_id)
        path = catalog.fetch_file(archive, doc_id, folder, original=original)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    access.record_read(archive, doc_id, account.name, "original" if original else "pdf")
    download = original or request.query_params.get("download") == "1"
    media = _MEDIA.get(record["kind"], "application/octet-stream") if original else "application/pdf"
    return FileResponse(path, media_type=media, filename=path.name,
                        content_disposition_type="attachment" if download else "inline",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def document_pdf(request: Request) -> Response:
    doc_id: int = request.path_params["doc_id"]
    return _send(request, doc_id, original=False)


def document_original(request: Request) -> Response:
    doc_id: int = request.path_params["doc_id"]
    return _send(request, doc_id, original=True)
