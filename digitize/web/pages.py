"""Answering in HTML or JSON: the templates, and the one function every view answers with."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from . import auth, i18n

HERE = Path(__file__).parent

templates = Jinja2Templates(directory=str(HERE / "templates"))


def marked(snippet: str) -> Markup:
    """A search snippet with its [matches] as <mark>, everything else escaped."""
    return Markup(re.sub(r"\[([^\[\]]*)\]", r"<mark>\1</mark>", str(escape(snippet))))


templates.env.filters["marked"] = marked


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")


def respond(request: Request, template: str, data: dict[str, Any], *, status: int = 200,
            extra: dict[str, Any] | None = None) -> Response:
    """`data` as JSON, or the template over it (with `extra`, what only the page needs)."""
    if wants_json(request):
        return JSONResponse(data, status_code=status)
    lang = i18n.language(request)
    context = {
        "data": data, "lang": lang, "t": i18n.TEXT[lang], "labels": i18n.FIELD_LABELS[lang],
        "sources": i18n.SOURCE_LABELS[lang], "account": getattr(request.state, "account", None),
        "csrf": auth.csrf_token(request), "local": auth.local_mode(request), **(extra or {}),
    }
    return templates.TemplateResponse(request, template, context, status_code=status)



def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": detail, "status": status}, status_code=status)
    lang = i18n.language(request)
    context = {"lang": lang, "t": i18n.TEXT[lang], "title": title, "detail": detail, "status": status,
               "account": getattr(request.state, "account", None), "local": False}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


