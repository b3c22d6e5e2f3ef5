"""The Starlette application: routes, middleware, and one way to answer in HTML or JSON.

Every page is also JSON, as datasette does it: `Accept: application/json` or the same
path with `.json`, under the same sign-in and roles, so another system takes the records
without scraping HTML.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import DigitizeError, NotFound, UsageError
from ..pipelines.archive import Archive
from . import auth, i18n, pages, review_views, views
from .pages import HERE, templates, wants_json

log = logging.getLogger(__name__)
SESSION_HOURS = 12

# Nothing from another origin: no CDN, no font service, no framing by other sites.
_SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-src 'self'; "
                               "object-src 'self'; frame-ancestors 'self'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if "lang" in request.query_params and request.query_params["lang"] in i18n.LANGS:
            response.set_cookie("lang", request.query_params["lang"], max_age=365 * 86400, samesite="lax")
        return response


def json_route(path: str, endpoint: Any, **kwargs: Any) -> list[Route]:
    """The route and its `.json` twin."""
    twin = "/index.json" if path == "/" else f"{path}.json"
    return [Route(path, endpoint, **kwargs), Route(twin, endpoint, **kwargs)]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    lang = i18n.language(request)
    words = {403: "forbidden", 404: "not_found", 400: "bad_request"}.get(exc.status_code, "error")
    return pages.error_page(request, exc.status_code, i18n.TEXT[lang][words], str(exc.detail))


async def _sign_in_needed(request: Request, exc: Exception) -> Response:
    if wants_json(request) or request.method != "GET" or "authorization" in request.headers:
        return JSONResponse({"error": "sign in first (a session, or Authorization: Bearer TOKEN)",
                             "status": 401}, status_code=401, headers={"www-authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _digitize_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DigitizeError)
    status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, UsageError) else 503
    if status == 503:
        log.error("%s", exc)
    return pages.error_page(request, status, i18n.TEXT[i18n.language(request)]["error"], str(exc))


def create_app(archive: Archive, *, host: str = "127.0.0.1", secure_cookies: bool = False) -> Starlette:
    """The application over `archive`; `host` is where it is bound (the loopback allows the
    single-machine mode with no users), `secure_cookies` when TLS is in front of it."""
    routes = [
        Route("/login", views.login, methods=["GET", "POST"]),
        Route("/logout", views.logout, methods=["POST"]),
        *json_route("/", views.search_page),
        *json_route("/search", views.search_page),
        *json_route("/documents/{doc_id:int}", views.document_page),
        Route("/documents/{doc_id:int}/pdf", views.document_pdf),
        Route("/documents/{doc_id:int}/original", views.document_original),
        *json_route("/review", review_views.queue_page),
        *json_route("/review/{doc_id:int}", review_views.review_page, methods=["GET", "POST"]),
        Route("/review/{doc_id:int}/image/{field:str}.png", review_views.field_image),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=auth.session_secret(archive.settings.home),
                   session_cookie="digitize_session", max_age=SESSION_HOURS * 3600,
                   same_site="lax", https_only=secure_cookies),
    ]
    handlers: dict[Any, Any] = {HTTPException: _http_error, auth.SignInNeeded: _sign_in_needed,
                                DigitizeError: _digitize_error}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.archive = archive
    app.state.loopback = auth.is_loopback(host)
    app.state.limiter = auth.FailureLimiter()
    templates.env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2)
    return app
