"""The API's docs page: Swagger UI served from a PyPI package's files, never a CDN."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from dealerreach.web.rendering import PageNotFound, render

SWAGGER_UI = Path(str(swagger_ui_bundle.swagger_ui_path))
#: The only files of the bundle the docs page uses (its index.html points at a demo API).
SWAGGER_FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
}

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", name="api_docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html", openapi_url=request.app.openapi_url)


@router.get("/api/docs/assets/{name}", name="api_docs_asset")
def api_docs_asset(name: str) -> Response:
    if name not in SWAGGER_FILES:
        raise PageNotFound(f"There is no docs file “{name}”.")
    return FileResponse(SWAGGER_UI / name, media_type=SWAGGER_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
