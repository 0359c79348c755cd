"""The web app: overview pages, the JSON API under /api and its docs, wired to one store.

``create_app(engine=...)`` is the only entry; nothing here reads settings or opens a
store by itself. Every page and asset is served from this process: the security
headers forbid the browser to load anything from elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from dealerreach.web import api, docs, pages, segments_pages
from dealerreach.web.rendering import http_error, package_version

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(*, engine: sa.Engine) -> FastAPI:
    app = FastAPI(
        title="dealerreach",
        version=package_version(),
        summary="Groups, rooftops, record counts and import reports of a dealerreach store.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.include_router(api.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.include_router(segments_pages.api_router)
    app.include_router(segments_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.middleware("http")(_security_headers)
    return app


def _favicon() -> Response:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
