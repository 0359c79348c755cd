"""What an import did: per file the rows read, inserted, updated, unchanged and rejected,
the issues to show, and the bare records it made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dealerreach.ingest.rows import Issue, RowReader
from dealerreach.ingest.upsert import Counts, append_rows
from dealerreach.storage import schema

#: how many issues a report keeps in memory to show; all are stored
SHOWN_ISSUES = 1000
#: issues are stored this many at a time (and at the end)
STORED_AT_ONCE = 5000


@dataclass
class ImportReport:
    import_id: int | None
    group_id: str
    source: str
    profile: str
    status: str  # "completed" | "refused"
    message: str | None = None
    files: dict[str, Counts] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    warnings: int = 0
    rejected: int = 0
    bare_vehicles: int = 0
    bare_rooftops: int = 0
    #: records whose person or household resolving the group changed (a first load's
    #: customers are stored with their own, so only those joined to others count)
    persons_changed: int = 0
    duration_s: float = 0.0

    @property
    def changed_nothing(self) -> bool:
        return self.status == "completed" and not (
            self.bare_vehicles or self.bare_rooftops
            or any(c.inserted or c.updated for c in self.files.values()))

    def as_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "status": self.status,
            "message": self.message,
            "files": {name: c.as_dict() for name, c in self.files.items()},
            "warnings": self.warnings,
            "rejected": self.rejected,
            "bare_vehicles": self.bare_vehicles,
            "bare_rooftops": self.bare_rooftops,
            "changed_nothing": self.changed_nothing,
            "duration_s": round(self.duration_s, 3),
        }


class IssueLog:
    """An import's issues: counted in its report (warnings, rejected rows), the first
    ``SHOWN_ISSUES`` kept there to show, and every one stored in ``import_issues``,
    ``STORED_AT_ONCE`` at a time. ``before_write`` is called before a store write (the
    run's own writes must be finished first)."""

    def __init__(self, conn: sa.Connection, report: ImportReport, *,
                 before_write: Callable[[], None]) -> None:
        self.conn, self.report, self.before_write = conn, report, before_write
        self.pending: list[Issue] = []

    def take(self, reader: RowReader) -> None:
        """The reader's issues so far, added (and stored when enough are pending)."""
        for issue in reader.issues:
            self.add(issue)
        reader.issues.clear()
        self.flush()

    def add(self, issue: Issue) -> None:
        if issue.severity == "warning":
            self.report.warnings += 1
        else:
            self.report.rejected += 1
        if len(self.report.issues) < SHOWN_ISSUES:
            self.report.issues.append(issue)
        self.pending.append(issue)

    def flush(self, *, final: bool = False) -> None:
        if not self.pending or (len(self.pending) < STORED_AT_ONCE and not final):
            return
        self.before_write()
        append_rows(self.conn, schema.import_issues, [
            {"import_id": self.report.import_id, "severity": i.severity, "file": i.file,
             "row": i.row, "column": i.column, "value": i.value, "reason": i.reason,
             "record": i.record}
            for i in self.pending])
        self.pending.clear()
