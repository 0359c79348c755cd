"""From a file's raw rows to cleaned records, or to the reasons a row is rejected."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from dealerreach.ingest.clean import CLEANERS, CellContext, Cleaned, Rejected
from dealerreach.ingest.profiles import Profile
from dealerreach.ingest.source import SourceFile
from dealerreach.ingest.spec import Column, Kind
from dealerreach.storage.schema import RAW_KEPT


def as_csv(cells: list[str]) -> str:
    """A row's cells as one line of CSV text."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


@dataclass(frozen=True)
class Issue:
    """A rejected row or a warning, naming where it is."""

    severity: str  # "rejected" | "warning"
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    #: the rejected row as it stood in the file (CSV text), so nothing is lost
    record: str | None = None

    def line(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        if self.column:
            where += f", column {self.column}"
        value = f" {self.value!r}:" if self.value not in (None, "") else ":"
        return f"{where}:{value} {self.reason}"


@dataclass
class Record:
    """One cleaned row: the columns the file has (cleaned), and its unknown columns."""

    row: int
    values: dict[str, object]
    extra: dict[str, str | None] = field(default_factory=dict)
    #: the row's cells as read, kept while the batch is in hand
    cells: list[str] = field(default_factory=list)


@dataclass
class RowReader:
    """Cleans the rows of one file; what it rejects or warns about goes to ``issues``."""

    source: SourceFile
    profile: Profile
    #: the cleaning context of a row, from its rooftop_id cell ("" when it has none)
    context_for: Callable[[str], CellContext]
    issues: list[Issue] = field(default_factory=list)
    rejected: int = 0

    def __post_init__(self) -> None:
        spec = self.source.spec
        self._known: list[tuple[int, Column]] = []
        self._unknown: list[tuple[int, str]] = []
        for i, name in enumerate(self.source.columns):
            col = spec.column(name)
            if col is None:
                self._unknown.append((i, name))
            else:
                self._known.append((i, col))
        #: the spec columns this file has (a stored value of any other is left as it is)
        self.present: list[Column] = [c for _, c in self._known]
        self._rooftop_at = next((i for i, c in self._known if c.name == "rooftop_id"), None)
        self._parse = self.profile is not None and self.profile.name != "canonical"

    def records(self) -> Iterator[Record]:
        width = len(self.source.columns)
        for row, cells in self.source.rows:
            if len(cells) != width:
                self._reject(row, None, None,
                             f"the row has {len(cells)} fields, the header has {width}",
                             cells=cells)
                continue
            record = self._clean(row, cells)
            if record is not None:
                yield record

    def _clean(self, row: int, cells: list[str]) -> Record | None:
        ctx = self.context_for(cells[self._rooftop_at] if self._rooftop_at is not None
                               else "")
        values: dict[str, object] = {}
        problems: list[Issue] = []
        for i, col in self._known:
            text = cells[i]
            if self._parse and text:
                text = self.profile.parse(kind=col.kind, column=col.name, text=text)
            if col.kind is Kind.TEXT and not col.required:  # most cells: no checks
                values[col.name] = text.strip() or None
            else:
                self._clean_cell(row, col, text, ctx, values, problems)
        if problems:
            if any(p.severity == "rejected" for p in problems):
                line = as_csv(cells)
                self.issues.extend(replace(p, record=line) if p.severity == "rejected" else p
                                   for p in problems)
                self.rejected += 1
                return None
            self.issues.extend(problems)
        extra = {name: (cells[i].strip() or None) for i, name in self._unknown}
        return Record(row, values, extra, cells)

    def _clean_cell(self, row: int, col: Column, text: str, ctx: CellContext,
                    values: dict[str, object], problems: list[Issue]) -> None:
        if not text or text.isspace():
            if col.required:
                problems.append(Issue("rejected", self.source.display_name, row, col.name,
                                      text, "a required value is empty"))
            values[col.name] = col.default
            if col.kind in RAW_KEPT:
                values[f"{col.name}_raw"] = None
            return
        try:
            cleaned = CLEANERS[col.kind](text, col, ctx)
        except Rejected as exc:
            problems.append(Issue("rejected", self.source.display_name, row, col.name, text,
                                  str(exc)))
            return
        raw = None
        if type(cleaned) is Cleaned:
            raw = cleaned.raw
            if cleaned.warning:
                problems.append(Issue("warning", self.source.display_name, row, col.name,
                                      text, cleaned.warning))
            cleaned = cleaned.value
        values[col.name] = cleaned
        if col.kind in RAW_KEPT:
            values[f"{col.name}_raw"] = raw
        if cleaned == "" and col.required:
            problems.append(Issue("rejected", self.source.display_name, row, col.name, text,
                                  "a required value is empty"))

    def _reject(self, row: int, column: str | None, value: str | None, reason: str, *,
                cells: list[str]) -> None:
        self.issues.append(Issue("rejected", self.source.display_name, row, column, value,
                                 reason, as_csv(cells)))
        self.rejected += 1

    def reject(self, record: Record, *, column: str, reason: str) -> None:
        """Reject a cleaned record for a reason found later (an unknown reference)."""
        value = record.values.get(column)
        self._reject(record.row, column, None if value is None else str(value), reason,
                     cells=record.cells)
