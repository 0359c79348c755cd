"""Server-rendered pages: the groups, a group's overview, an import's report."""

from __future__ import annotations

from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealerreach.storage import overview
from dealerreach.web.deps import Conn
from dealerreach.web.rendering import PageNotFound, render

router = APIRouter(include_in_schema=False)

ISSUES_PER_PAGE = 50
SEVERITY_TABS = (("All", None), ("Rejected rows", "rejected"), ("Warnings", "warning"))


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request, conn: Conn) -> Response:
    groups = overview.list_groups(conn)
    if len(groups) == 1:
        return RedirectResponse(
            request.url_for("group_page", group_id=groups[0].group_id), status_code=303)
    return render(request, "groups.html", groups=groups)


def _group(conn: Conn, group_id: str) -> overview.Group:
    group = overview.get_group(conn, group_id=group_id)
    if group is None:
        raise PageNotFound(f"There is no group “{group_id}”.")
    return group


@router.get("/groups/{group_id}", name="group_page", response_class=HTMLResponse)
def group_page(request: Request, conn: Conn, group_id: str) -> Response:
    group = _group(conn, group_id)
    counts, rooftops = overview.group_overview(conn, group_id=group_id)
    return render(request, "group.html", group=group, counts=counts, rooftops=rooftops,
                  imports=overview.list_imports(conn, group_id=group_id))


def _import_of(conn: Conn, group: overview.Group, import_id: str) -> overview.ImportRun:
    run = overview.get_import(conn, import_id=int(import_id)) if import_id.isdigit() else None
    if run is None or run.group_id != group.group_id:
        raise PageNotFound(f"Group “{group.name or group.group_id}” has no import “{import_id}”.")
    return run


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


@router.get("/groups/{group_id}/imports/{import_id}", name="import_page",
            response_class=HTMLResponse)
def import_page(request: Request, conn: Conn, group_id: str, import_id: str,
                severity: str | None = None, page: str | None = None) -> Response:
    group = _group(conn, group_id)
    run = _import_of(conn, group, import_id)
    by_severity = overview.count_import_issues_by_severity(conn, import_id=run.import_id)
    severity = severity if severity in ("rejected", "warning") else None
    total = by_severity.get(severity, 0) if severity else sum(by_severity.values())
    pages = max(1, ceil(total / ISSUES_PER_PAGE))
    number = min(_page_number(page), pages)
    issues = overview.list_import_issues(
        conn, import_id=run.import_id, severity=severity,
        limit=ISSUES_PER_PAGE, offset=(number - 1) * ISSUES_PER_PAGE)
    return render(
        request, "import.html", group=group, run=run, issues=issues,
        tabs=_tabs(by_severity, severity), severity=severity, total=total,
        page=number, pages=pages, first=(number - 1) * ISSUES_PER_PAGE + 1,
    )


def _tabs(by_severity: dict[str, int], chosen: str | None) -> list[dict[str, Any]]:
    return [
        {"label": label, "severity": severity, "is_current": severity == chosen,
         "count": by_severity.get(severity, 0) if severity else sum(by_severity.values())}
        for label, severity in SEVERITY_TABS
    ]
