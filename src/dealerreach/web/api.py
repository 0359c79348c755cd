"""The JSON API under ``/api``: groups, their counts and rooftops, imports and issues."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BeforeValidator

from dealerreach.storage import overview
from dealerreach.web import schemas
from dealerreach.web.deps import Conn

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": schemas.Problem}}

router = APIRouter(prefix="/api", tags=["overview"], responses=NOT_FOUND)


def _empty_is_none(value: object) -> object:
    return value or None


SeverityFilter = Annotated[
    schemas.Severity | None,
    BeforeValidator(_empty_is_none),
    Query(description="Only issues of this severity; empty or absent: all."),
]


def _group(conn: Conn, group_id: str) -> overview.Group:
    group = overview.get_group(conn, group_id=group_id)
    if group is None:
        raise HTTPException(404, detail=f"group {group_id!r} not found")
    return group


def _import(conn: Conn, import_id: int) -> overview.ImportRun:
    run = overview.get_import(conn, import_id=import_id)
    if run is None:
        raise HTTPException(404, detail=f"import {import_id} not found")
    return run


@router.get("/groups", response_model=list[schemas.Group])
def groups(conn: Conn) -> list[overview.Group]:
    """Every group (tenant) in the store."""
    return overview.list_groups(conn)


@router.get("/groups/{group_id}", response_model=schemas.GroupOverview)
def group(conn: Conn, group_id: str) -> schemas.GroupOverview:
    """A group's record counts and its rooftops with their own counts."""
    found = _group(conn, group_id)
    counts, rooftops = overview.group_overview(conn, group_id=group_id)
    return schemas.GroupOverview(
        group_id=found.group_id, name=found.name, created_at=found.created_at,
        counts=schemas.GroupCounts(**counts),
        rooftops=[schemas.Rooftop.model_validate(r) for r in rooftops],
    )


@router.get("/groups/{group_id}/imports", response_model=list[schemas.ImportRun])
def group_imports(conn: Conn, group_id: str,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[overview.ImportRun]:
    """A group's imports, newest first."""
    _group(conn, group_id)
    return overview.list_imports(conn, group_id=group_id, limit=limit)


@router.get("/imports/{import_id}", response_model=schemas.ImportRun)
def import_run(conn: Conn, import_id: int) -> overview.ImportRun:
    """One import's report: status, refusal message, counts per file."""
    return _import(conn, import_id)


@router.get("/imports/{import_id}/issues", response_model=schemas.IssuePage)
def import_issues(conn: Conn, import_id: int, severity: SeverityFilter = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                  offset: Annotated[int, Query(ge=0)] = 0) -> schemas.IssuePage:
    """An import's rejected rows and warnings, in the order they were found."""
    _import(conn, import_id)
    items = overview.list_import_issues(conn, import_id=import_id, severity=severity,
                                        limit=limit, offset=offset)
    return schemas.IssuePage(
        import_id=import_id, severity=severity, limit=limit, offset=offset,
        total=overview.count_import_issues(conn, import_id=import_id, severity=severity),
        items=[schemas.Issue.model_validate(issue) for issue in items],
    )
