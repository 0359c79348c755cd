"""Read-only queries behind the overview: groups, their counts, rooftops and imports.

Every function takes a connection first and reads only; the caller owns the
transaction. Counts are grouped queries, never one query per rooftop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from dealerreach.storage.schema import (
    customers,
    deals,
    groups,
    import_issues,
    imports,
    leads,
    repair_orders,
    ro_lines,
    rooftops,
    vehicles,
)

#: The keys of ``group_counts``, in order; ``dealerreach status --json`` prints them.
GROUP_COUNT_KEYS = (
    "customers", "persons", "households", "vehicles",
    "deals", "repair_orders", "ro_lines", "leads",
)
#: Tables counted per rooftop, by the name of the count.
ROOFTOP_COUNTED: dict[str, sa.Table] = {
    "customers": customers,
    "deals": deals,
    "repair_orders": repair_orders,
    "leads": leads,
}
FILE_COUNT_KEYS = ("read", "inserted", "updated", "unchanged", "rejected")


@dataclass(frozen=True)
class Group:
    group_id: str
    name: str | None
    created_at: datetime


@dataclass(frozen=True)
class Rooftop:
    """A rooftop's stored fields and how many records of each kind it holds."""

    rooftop_id: str
    name: str | None = None
    address_line1: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    timezone: str | None = None
    distance_unit: str | None = None
    market_area_postal_codes: str | None = None
    market_area_radius: Decimal | None = None
    consent_regime: str | None = None
    #: known only from references in other files, not from rooftops.csv
    is_bare: bool = False
    customers: int = 0
    deals: int = 0
    repair_orders: int = 0
    leads: int = 0


@dataclass(frozen=True)
class FileCounts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class ImportRun:
    import_id: int
    group_id: str
    source: str
    profile: str
    status: str
    message: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    warnings: int
    rejected: int
    files: dict[str, FileCounts] = field(default_factory=dict)


@dataclass(frozen=True)
class Issue:
    issue_id: int
    import_id: int
    severity: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    record: str | None = None


def list_groups(conn: sa.Connection) -> list[Group]:
    rows = conn.execute(sa.select(groups.c.group_id, groups.c.name, groups.c.created_at)
                        .order_by(groups.c.name, groups.c.group_id))
    return [Group(**row._mapping) for row in rows]


def get_group(conn: sa.Connection, *, group_id: str) -> Group | None:
    row = conn.execute(sa.select(groups.c.group_id, groups.c.name, groups.c.created_at)
                       .where(groups.c.group_id == group_id)).first()
    return Group(**row._mapping) if row else None


def _count(table: sa.Table, group_id: str) -> sa.ScalarSelect[Any]:
    return sa.select(sa.func.count()).where(table.c.group_id == group_id).scalar_subquery()


def _count_distinct(column: sa.Column[Any], group_id: str) -> sa.ScalarSelect[Any]:
    # count(*) over a DISTINCT subquery: PostgreSQL hashes it (about 3x faster than
    # count(DISTINCT ...), which sorts); SQLite reads the (group_id, column) index either way.
    table = column.table
    found = (sa.select(column).distinct()
             .where(table.c.group_id == group_id, column.is_not(None)).subquery())
    return sa.select(sa.func.count()).select_from(found).scalar_subquery()


def _counts_by_rooftop(conn: sa.Connection, *, group_id: str) -> dict[str, dict[str, int]]:
    """Per counted table (``ROOFTOP_COUNTED``), its row count per rooftop id."""
    counts: dict[str, dict[str, int]] = {}
    for name, table in ROOFTOP_COUNTED.items():
        query = (sa.select(table.c.rooftop_id, sa.func.count())
                 .where(table.c.group_id == group_id)
                 .group_by(table.c.rooftop_id))
        counts[name] = {rooftop_id: int(n) for rooftop_id, n in conn.execute(query)}
    return counts


def group_counts(conn: sa.Connection, *, group_id: str) -> dict[str, int]:
    """Record counts of a group, keyed (in order) by ``GROUP_COUNT_KEYS``.

    Persons and households are the distinct non-empty identities of its customers.
    """
    return _group_counts(conn, group_id=group_id,
                         by_rooftop=_counts_by_rooftop(conn, group_id=group_id))


def _group_counts(conn: sa.Connection, *, group_id: str,
                  by_rooftop: dict[str, dict[str, int]]) -> dict[str, int]:
    others = {
        "persons": _count_distinct(customers.c.person_id, group_id),
        "households": _count_distinct(customers.c.household_id, group_id),
        "vehicles": _count(vehicles, group_id),
        "ro_lines": _count(ro_lines, group_id),
    }
    row = conn.execute(sa.select(*(query.label(key) for key, query in others.items()))).one()
    counts = {**{name: sum(n.values()) for name, n in by_rooftop.items()}, **row._mapping}
    return {key: int(counts[key]) for key in GROUP_COUNT_KEYS}


_ROOFTOP_FIELDS = tuple(f.name for f in fields(Rooftop) if f.name not in ROOFTOP_COUNTED)


def list_rooftops(conn: sa.Connection, *, group_id: str) -> list[Rooftop]:
    """The group's rooftops with their counts of customers, deals, ROs and leads.

    A rooftop that records refer to but the rooftops table lacks is listed as bare.
    """
    return _rooftops(conn, group_id=group_id,
                     by_rooftop=_counts_by_rooftop(conn, group_id=group_id))


def _rooftops(conn: sa.Connection, *, group_id: str,
              by_rooftop: dict[str, dict[str, int]]) -> list[Rooftop]:
    query = (sa.select(*(rooftops.c[name] for name in _ROOFTOP_FIELDS))
             .where(rooftops.c.group_id == group_id))
    stored = {row.rooftop_id: dict(row._mapping) for row in conn.execute(query)}
    referenced = set().union(*by_rooftop.values()) - stored.keys()
    stored.update({rooftop_id: {"rooftop_id": rooftop_id, "is_bare": True}
                   for rooftop_id in referenced})
    found = [
        Rooftop(**{**stored_fields, **{name: counts.get(rooftop_id, 0)
                                       for name, counts in by_rooftop.items()}})
        for rooftop_id, stored_fields in stored.items()
    ]
    return sorted(found, key=lambda r: (r.is_bare, (r.name or r.rooftop_id).casefold(),
                                        r.rooftop_id))


def group_overview(conn: sa.Connection, *,
                   group_id: str) -> tuple[dict[str, int], list[Rooftop]]:
    """``group_counts`` and ``list_rooftops`` together, counting each table once."""
    by_rooftop = _counts_by_rooftop(conn, group_id=group_id)
    return (_group_counts(conn, group_id=group_id, by_rooftop=by_rooftop),
            _rooftops(conn, group_id=group_id, by_rooftop=by_rooftop))


def _import_run(row: sa.RowMapping) -> ImportRun:
    values = dict(row)
    files = values.pop("files") or {}
    return ImportRun(**values, files={
        name: FileCounts(**{key: int(counts.get(key) or 0) for key in FILE_COUNT_KEYS})
        for name, counts in files.items()
    })


_IMPORT_COLUMNS = (
    imports.c.import_id, imports.c.group_id, imports.c.source, imports.c.profile,
    imports.c.status, imports.c.message, imports.c.started_at, imports.c.finished_at,
    imports.c.duration_s, imports.c.warnings, imports.c.rejected, imports.c.files,
)


def list_imports(conn: sa.Connection, *, group_id: str, limit: int = 50) -> list[ImportRun]:
    """The group's imports, newest first."""
    query = (sa.select(*_IMPORT_COLUMNS)
             .where(imports.c.group_id == group_id)
             .order_by(imports.c.started_at.desc(), imports.c.import_id.desc())
             .limit(limit))
    return [_import_run(row) for row in conn.execute(query).mappings()]


def get_import(conn: sa.Connection, *, import_id: int) -> ImportRun | None:
    row = conn.execute(sa.select(*_IMPORT_COLUMNS)
                       .where(imports.c.import_id == import_id)).mappings().first()
    return _import_run(row) if row else None


def _issues_of(import_id: int, severity: str | None) -> list[sa.ColumnElement[bool]]:
    where = [import_issues.c.import_id == import_id]
    if severity is not None:
        where.append(import_issues.c.severity == severity)
    return where


def list_import_issues(conn: sa.Connection, *, import_id: int, severity: str | None = None,
                       limit: int = 100, offset: int = 0) -> list[Issue]:
    """An import's rejected rows and warnings in the order they were found."""
    query = (sa.select(import_issues)
             .where(*_issues_of(import_id, severity))
             .order_by(import_issues.c.issue_id)
             .limit(limit).offset(offset))
    return [Issue(**row._mapping) for row in conn.execute(query)]


def count_import_issues(conn: sa.Connection, *, import_id: int,
                        severity: str | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(import_issues).where(
        *_issues_of(import_id, severity))
    return int(conn.execute(query).scalar_one())


def count_import_issues_by_severity(conn: sa.Connection, *, import_id: int) -> dict[str, int]:
    """How many issues of each severity an import has (severities with none are absent)."""
    query = (sa.select(import_issues.c.severity, sa.func.count())
             .where(import_issues.c.import_id == import_id)
             .group_by(import_issues.c.severity))
    return {severity: int(n) for severity, n in conn.execute(query)}
