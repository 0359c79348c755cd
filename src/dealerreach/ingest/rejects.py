"""The CSV of an import's rejected rows (and, on request, its warnings)."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from dealerreach.storage.schema import import_issues

REJECTS_HEADER = ("severity", "file", "row", "column", "value", "reason", "record")


def write_issues_csv(conn: sa.Connection, *, import_id: int, path: Path,
                     severities: tuple[str, ...] = ("rejected",)) -> int:
    """Write the import's issues of these severities to ``path``; return how many."""
    t = import_issues
    stmt = (sa.select(t.c.severity, t.c.file, t.c.row, t.c.column, t.c.value, t.c.reason,
                      t.c.record)
            .where(t.c.import_id == import_id, t.c.severity.in_(severities))
            .order_by(t.c.issue_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTS_HEADER)
        for row in conn.execute(stmt.execution_options(yield_per=5000)):
            writer.writerow(["" if v is None else v for v in row])
            written += 1
    return written
