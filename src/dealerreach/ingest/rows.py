"""From a file's raw rows to cleaned records, or to the reasons a row is rejected."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import compress, islice

import numpy as np
import pyarrow as pa

from dealerreach.ingest.clean import CLEANERS, CellContext, Cleaned, Rejected
from dealerreach.ingest.columns import ColumnCleaner
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
class Chunk:
    """The cleaned rows of a chunk of a file: those cleaned by columns (their values,
    column by column) and those cleaned one by one (as records). Rejected rows are
    left out; their issues are with the reader."""

    #: row numbers, cells and values (column name -> one value a row) of the rows
    #: cleaned by columns
    rows: list[int] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    values: dict[str, list] = field(default_factory=dict)
    #: unknown columns: name -> one value a row (None: empty)
    extra: dict[str, list] = field(default_factory=dict)
    #: the rows cleaned one by one
    records: list[Record] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows) + len(self.records)

    @property
    def last_row(self) -> int:
        return max(self.rows[-1] if self.rows else 0,
                   self.records[-1].row if self.records else 0)

    def as_records(self) -> list[Record]:
        """Every row as a record, in row order."""
        names = list(self.values)
        extra = list(self.extra.items())
        made = [Record(row, dict(zip(names, values, strict=True)),
                       {name: column[n] for name, column in extra}, cells)
                for n, (row, cells, values) in enumerate(zip(
                    self.rows, self.cells, zip(*self.values.values(), strict=True),
                    strict=True))] if names else [
                Record(row, {}, {name: column[n] for name, column in extra}, cells)
                for n, (row, cells) in enumerate(zip(self.rows, self.cells, strict=True))]
        if not self.records:
            return made
        return sorted(made + self.records, key=lambda r: r.row)


@dataclass
class RowReader:
    """Cleans the rows of one file; what it rejects or warns about goes to ``issues``."""

    source: SourceFile
    profile: Profile
    #: the cleaning context of a row, from its rooftop_id cell ("" when it has none)
    context_for: Callable[[str], CellContext]
    issues: list[Issue] = field(default_factory=list)
    rejected: int = 0
    #: clean plain cells whole columns at a time (canonical format only); False: every
    #: cell per row, as the vendor profiles always are
    vectorised: bool = True
    #: rows read ahead and cleaned together
    chunk_rows: int = 5000

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
        self._phones = any(c.kind is Kind.PHONE for c in self.present)

    def records(self) -> Iterator[Record]:
        """The file's cleaned records in row order; issues are added in row order too."""
        for chunk in self.chunks():
            yield from chunk.as_records()

    def chunks(self) -> Iterator[Chunk]:
        """The file's rows a chunk at a time, cleaned; issues are added in row order."""
        width = len(self.source.columns)
        rows = iter(self.source.rows)
        while read := list(islice(rows, self.chunk_rows)):
            ok = (self._clean_columns(read, width) if self.vectorised and not self._parse
                  else None)
            chunk = ok[0] if ok is not None else Chunk()
            for n, (row, cells) in enumerate(read):
                if len(cells) != width:
                    self._reject(row, None, None,
                                 f"the row has {len(cells)} fields, the header has {width}",
                                 cells=cells)
                elif ok is None or not ok[1][n]:
                    record = self._clean(row, cells)
                    if record is not None:
                        chunk.records.append(record)
            yield chunk

    def _clean_columns(self, read: list[tuple[int, list[str]]], width: int
                       ) -> tuple[Chunk, np.ndarray]:
        """The chunk cleaned column by column, and which rows that is right for."""
        blank = [""] * width
        table = list(zip(*(c if len(c) == width else blank for _, c in read), strict=True))
        cells = [pa.array(column, pa.string()) for column in table]
        countries = None
        if self._phones and self._rooftop_at is not None:
            country = {r: self.context_for(r).country for r in set(table[self._rooftop_at])}
            countries = [country[r] for r in table[self._rooftop_at]]
        cleaner = ColumnCleaner(cells, countries=countries)
        values, ok = cleaner.clean(self._known)
        extras = {}
        for i, name in self._unknown:
            extra, extra_ok = cleaner.extra(cells[i])
            extras[name] = extra
            ok &= extra_ok
        ok &= np.fromiter((len(c) == width for _, c in read), dtype=bool, count=len(read))
        keep = ok.tolist()
        chunk = Chunk(rows=list(compress((r for r, _ in read), keep)),
                      cells=list(compress((c for _, c in read), keep)),
                      values={k: list(compress(v, keep)) for k, v in values.items()},
                      extra={k: [x or None for x in compress(v, keep)]
                             for k, v in extras.items()})
        return chunk, ok

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

    def reject_cells(self, row: int, cells: list[str], *, column: str, value: str | None,
                     reason: str) -> None:
        """Reject a row cleaned by columns for a reason found later."""
        self._reject(row, column, value, reason, cells=cells)

    def reject(self, record: Record, *, column: str, reason: str) -> None:
        """Reject a cleaned record for a reason found later (an unknown reference)."""
        value = record.values.get(column)
        self._reject(record.row, column, None if value is None else str(value), reason,
                     cells=record.cells)
