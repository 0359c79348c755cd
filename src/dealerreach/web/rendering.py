"""Templates, the filters they format numbers and times with, and the HTML 404 page."""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
from fastapi import HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

TEMPLATES = Path(__file__).parent / "templates"


def format_number(value: int | float | None) -> str:
    """Whole numbers with thousands separators: 1234567 → 1,234,567."""
    return "–" if value is None else f"{value:,}"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def format_when(moment: datetime | None) -> str:
    """Store times are UTC without a zone; say so."""
    return "–" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def package_version() -> str:
    try:
        return version("dealerreach")
    except PackageNotFoundError:
        return "dev"


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(number=format_number, duration=format_duration, when=format_when)
    env.globals["version"] = package_version()
    return Jinja2Templates(env=env)


templates = _templates()


class PageNotFound(HTTPException):
    """A page's subject (a group, an import) does not exist; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(404, detail=message)


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


async def http_error(request: Request, exc: Exception) -> Response:
    """JSON errors under /api; everywhere else a 404 is a page that says what is missing."""
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request) or exc.status_code != 404:
        return await http_exception_handler(request, exc)
    message = (exc.detail if isinstance(exc, PageNotFound)
               else f"There is no page at {request.url.path}.")
    return render(request, "not_found.html", status_code=404, message=message)
