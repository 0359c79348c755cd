"""From a file's raw rows to cleaned records, or to the reasons a row is rejected."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import compress, islice
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dealerreach.ingest.blocks import ArrowRows, Batch
from dealerreach.ingest.clean import _NANP, CLEANERS, CellContext, Cleaned, Rejected
from dealerreach.ingest.column_values import select_values
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


class Record:
    """One cleaned row: the columns the file has (cleaned), and its unknown columns."""

    __slots__ = ("_cells", "extra", "row", "values")

    def __init__(self, row: int, values: dict[str, object],
                 extra: dict[str, str | None] | None = None,
                 cells: list[str] | Callable[[], list[str]] | None = None) -> None:
        self.row, self.values = row, values
        self.extra = {} if extra is None else extra
        self._cells = [] if cells is None else cells

    @property
    def cells(self) -> list[str]:
        """The row's cells as read, kept while the batch is in hand."""
        if callable(self._cells):
            self._cells = self._cells()
        return self._cells

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (self.row, self.values, self.extra, self.cells) == (
            other.row, other.values, other.extra, other.cells)

    def __repr__(self) -> str:
        return f"Record({self.row!r}, {self.values!r}, {self.extra!r}, {self.cells!r})"


class CellRows:
    """The cells of some rows of a chunk read as Arrow columns; a row's list of cells
    is made only when it is asked for (to reject the row, or as a record's cells)."""

    def __init__(self, columns: list[pa.Array], at: np.ndarray) -> None:
        self.columns, self.at = columns, at

    def __len__(self) -> int:
        return len(self.at)

    def __getitem__(self, n: int) -> list[str]:
        i = int(self.at[n])
        return [c[i].as_py() for c in self.columns]

    def select(self, keep: Sequence[bool]) -> CellRows:
        return CellRows(self.columns, self.at[np.asarray(keep, dtype=bool)])


def select_cells(cells: list[list[str]] | CellRows, keep: Sequence[bool]
                 ) -> list[list[str]] | CellRows:
    """The cells of the rows kept."""
    if isinstance(cells, CellRows):
        return cells.select(keep)
    return list(compress(cells, keep))


@dataclass
class Chunk:
    """The cleaned rows of a chunk of a file: those cleaned by columns (their values,
    column by column) and those cleaned one by one (as records). Rejected rows are
    left out; their issues are with the reader."""

    #: row numbers, cells and values (column name -> one value a row: a list, or the
    #: same held as an Arrow array, ``ColumnValues``) of the rows cleaned by columns
    rows: list[int] = field(default_factory=list)
    cells: list[list[str]] | CellRows = field(default_factory=list)
    values: dict[str, Sequence[Any]] = field(default_factory=dict)
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
        cells: Sequence[Any] = (self.cells if not isinstance(self.cells, CellRows) else
                                [partial(self.cells.__getitem__, n)
                                 for n in range(len(self.rows))])
        made = [Record(row, dict(zip(names, values, strict=True)),
                       {name: column[n] for name, column in extra}, row_cells)
                for n, (row, row_cells, values) in enumerate(zip(
                    self.rows, cells, zip(*self.values.values(), strict=True),
                    strict=True))] if names else [
                Record(row, {}, {name: column[n] for name, column in extra}, row_cells)
                for n, (row, row_cells) in enumerate(zip(self.rows, cells, strict=True))]
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

    def chunks(self) -> Generator[Chunk, None, None]:
        """The file's rows a chunk at a time, cleaned; issues are added in row order."""
        width = len(self.source.columns)
        fast = self.vectorised and not self._parse
        for read in self._read():
            if isinstance(read, ArrowRows):
                if fast:
                    yield self._arrow_chunk(read)
                    continue
                read = read.as_rows()
            ok = self._clean_columns(read, width) if fast else None
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

    def _read(self) -> Iterator[Batch]:
        """The file's rows, chunk_rows at a time (the last chunk fewer): Arrow columns
        when the file was read so, else (row number, cells) pairs."""
        if self.source.batches is None:
            rows = iter(self.source.rows)
            while read := list(islice(rows, self.chunk_rows)):
                yield read
            return
        parts: list[Batch] = []
        count = 0
        for batch in self.source.batches:
            at = 0
            while at < len(batch):
                take = min(self.chunk_rows - count, len(batch) - at)
                parts.append(batch[at:at + take] if isinstance(batch, list)
                             else batch.slice(at, at + take))
                count += take
                at += take
                if count == self.chunk_rows:
                    yield _joined(parts)
                    parts, count = [], 0
        if parts:
            yield _joined(parts)

    def _nanp(self, rooftops: pa.Array) -> np.ndarray:
        """Which rows' rooftops read phone numbers as North American."""
        names = [r for r in pc.unique(rooftops).to_pylist()
                 if self.context_for(r).country in _NANP]
        return pc.is_in(rooftops, value_set=pa.array(names, pa.string())).to_numpy(
            zero_copy_only=False)

    def _countries(self, cells: list[pa.Array], at: np.ndarray) -> list[str]:
        """The countries the rows at these positions read phone numbers with."""
        if self._rooftop_at is None:
            return [self.context_for("").country] * len(at)
        rooftops = cells[self._rooftop_at].take(pa.array(at, pa.int64())).to_pylist()
        return [self.context_for(r).country for r in rooftops]

    def _clean_cells(self, cells: list[pa.Array]
                     ) -> tuple[dict[str, Sequence[Any]], dict[str, list], np.ndarray]:
        """Values and unknown columns of Arrow columns, and which rows they are right for."""
        nanp = (self._nanp(cells[self._rooftop_at])
                if self._phones and self._rooftop_at is not None else None)
        cleaner = ColumnCleaner(cells, nanp=nanp, countries=partial(self._countries, cells))
        values, ok = cleaner.clean(self._known)
        extras = {}
        for i, name in self._unknown:
            extra, extra_ok = cleaner.extra(cells[i])
            extras[name] = extra
            ok &= extra_ok
        return values, extras, ok

    def _arrow_chunk(self, read: ArrowRows) -> Chunk:
        """A chunk read as Arrow columns (every row as wide as the header), cleaned by
        columns; the rows that is not right for are cleaned one by one."""
        values, extras, ok = self._clean_cells(read.columns)
        kept = np.flatnonzero(ok)
        if len(kept) == len(read):
            chunk = Chunk(rows=read.rows.tolist(), cells=CellRows(read.columns, kept),
                          values=values,
                          extra={k: [x or None for x in v] for k, v in extras.items()})
            return chunk
        keep = ok.tolist()
        chunk = Chunk(rows=read.rows[kept].tolist(), cells=CellRows(read.columns, kept),
                      values={k: select_values(v, ok) for k, v in values.items()},
                      extra={k: [x or None for x in compress(v, keep)]
                             for k, v in extras.items()})
        left = pa.array(np.flatnonzero(~ok))
        others = zip(*(c.take(left).to_pylist() for c in read.columns), strict=True)
        for row, cells in zip(read.rows[~ok].tolist(), others, strict=True):
            record = self._clean(row, list(cells))
            if record is not None:
                chunk.records.append(record)
        return chunk

    def _clean_columns(self, read: list[tuple[int, list[str]]], width: int
                       ) -> tuple[Chunk, np.ndarray]:
        """The chunk cleaned column by column, and which rows that is right for."""
        blank = [""] * width
        table = list(zip(*(c if len(c) == width else blank for _, c in read), strict=True))
        cells = [pa.array(column, pa.string()) for column in table]
        values, extras, ok = self._clean_cells(cells)
        ok &= np.fromiter((len(c) == width for _, c in read), dtype=bool, count=len(read))
        keep = ok.tolist()
        chunk = Chunk(rows=list(compress((r for r, _ in read), keep)),
                      cells=list(compress((c for _, c in read), keep)),
                      values={k: select_values(v, ok) for k, v in values.items()},
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


def _joined(parts: list[Batch]) -> Batch:
    """Consecutive parts of a file as one batch (Arrow columns when all parts are)."""
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, ArrowRows) for p in parts):
        arrow = [p for p in parts if isinstance(p, ArrowRows)]
        return ArrowRows(np.concatenate([p.rows for p in arrow]),
                         [pa.concat_arrays([p.columns[i] for p in arrow])
                          for i in range(len(arrow[0].columns))])
    rows: list[tuple[int, list[str]]] = []
    for p in parts:
        rows.extend(p if isinstance(p, list) else p.as_rows())
    return rows
