"""Reading a UTF-8, comma-separated file's data rows in blocks of bytes with pyarrow's
CSV parser, where that gives exactly the rows the ``csv`` module gives.

A block is a run of whole records (it ends at a line end outside quotes). It is handed
to pyarrow only when it is *regular*: valid UTF-8 without NUL bytes, line ends ``\\n``
or ``\\r\\n``, no empty line, no byte-order mark at its start, every quote opening a
field or closing one (doubled quotes inside), every record as wide as the header, and
no bigger than the ``csv`` module's field size limit. On such text both parsers agree
on every record and cell, and each record is one row, so row numbers follow.

Any other block — a stray quote, a short row, a lone ``\\r`` — is read by the ``csv``
module as before, line by line, until a record ends on a block's end, and the next
block is tried again. Whatever makes the file unreadable (bad encoding, a NUL byte)
is left to the ``csv`` path too: the caller re-reads the file that way from the start,
so the refusal names the very row it always named.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

#: bytes read at a time
BLOCK_BYTES = 1 << 21
_BOM = b"\xef\xbb\xbf"
_QUOTE, _COMMA, _CR, _LF = 34, 44, 13, 10


class Unreadable(Exception):
    """The csv module would refuse the file here; re-read it that way for the message."""


@dataclass
class ArrowRows:
    """Rows read by pyarrow: their row numbers and one string array per column."""

    rows: np.ndarray
    columns: list[pa.Array]

    def __len__(self) -> int:
        return len(self.rows)

    def slice(self, start: int, stop: int) -> ArrowRows:
        return ArrowRows(self.rows[start:stop], [c.slice(start, stop - start)
                                                 for c in self.columns])

    def as_rows(self) -> list[tuple[int, list[str]]]:
        cells = (list(c) for c in zip(*(col.to_pylist() for col in self.columns),
                                      strict=True))
        return list(zip(self.rows.tolist(), cells, strict=True))


#: what a block reader yields: rows read by pyarrow, or rows read by the csv module
Batch = ArrowRows | list[tuple[int, list[str]]]


def header_end(data: bytes) -> int | None:
    """Where the first record of regular CSV text ends (after its line end), or None."""
    quotes = 0
    start = 0
    while (at := data.find(b"\n", start)) >= 0:
        quotes += data.count(b'"', start, at)
        if quotes % 2 == 0:
            return at + 1
        start = at + 1
    return None


class BlockReader:
    """The data rows of one file (its binary stream placed just after the header)."""

    def __init__(self, binary: IO[bytes], *, width: int, first_row: int = 2,
                 pending: bytes = b"", block_bytes: int | None = None) -> None:
        self.binary, self.width = binary, width
        self.row = first_row - 1  # the last row number given out
        self.pending = pending
        self.block_bytes = block_bytes or BLOCK_BYTES
        self.eof = False
        names = [f"c{i}" for i in range(width)]
        self._read = pacsv.ReadOptions(column_names=names, use_threads=False,
                                       block_size=1 << 24)
        self._convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[], check_utf8=True)

    def batches(self) -> Iterator[Batch]:
        while block := self._next_block():
            rows = self._arrow(block)
            if rows is not None:
                if len(rows):
                    yield rows
                continue
            yield self._csv(block)

    # -- blocks ------------------------------------------------------------------------

    def _fill(self, size: int) -> bool:
        """Read up to ``size`` more bytes into pending; False at the end of the file."""
        if self.eof:
            return False
        more = self.binary.read(size)
        if not more:
            self.eof = True
            return False
        self.pending += more
        return True

    def _next_block(self) -> bytes:
        """The next run of whole records: up to the last line end outside quotes (the
        rest of the file at its end)."""
        while True:
            if len(self.pending) < self.block_bytes:
                self._fill(self.block_bytes)
            data = self.pending
            cut = len(data) if self.eof else _last_record_end(data)
            if cut is None:  # no record ends in what was read: read more
                self._fill(max(self.block_bytes, len(data)))
                continue
            self.pending = data[cut:]
            return data[:cut]

    def _arrow(self, block: bytes) -> ArrowRows | None:
        if not _regular(block):
            return None
        invalid = False

        def refuse(_row: object) -> str:
            nonlocal invalid
            invalid = True
            return "skip"

        try:
            table = pacsv.read_csv(io.BytesIO(block), read_options=self._read,
                                   parse_options=pacsv.ParseOptions(
                                       newlines_in_values=True, ignore_empty_lines=True,
                                       invalid_row_handler=refuse),
                                   convert_options=self._convert)
        except pa.ArrowInvalid:
            return None
        if invalid:
            return None
        n = table.num_rows
        rows = np.arange(self.row + 1, self.row + 1 + n, dtype=np.int64)
        self.row += n
        return ArrowRows(rows, [c.combine_chunks() for c in table.columns])

    def _csv(self, block: bytes) -> list[tuple[int, list[str]]]:
        """A block the csv module reads, with as many further lines as its last record
        needs (read until a record ends on a block's end)."""
        lines = _Lines(block, self._more)
        reader = csv.reader(lines)
        out: list[tuple[int, list[str]]] = []
        try:
            for cells in reader:
                self.row += 1
                if cells:
                    out.append((self.row, cells))
                if not lines.queued:
                    break
        except (csv.Error, UnicodeDecodeError) as exc:
            raise Unreadable from exc
        return out

    def _more(self) -> bytes:
        """The bytes up to the next line end (or the end of the file)."""
        while (at := self.pending.find(b"\n")) < 0 and self._fill(self.block_bytes):
            pass
        at = self.pending.find(b"\n")
        cut = len(self.pending) if at < 0 else at + 1
        taken, self.pending = self.pending[:cut], self.pending[cut:]
        return taken


class _Lines:
    """Lines of text for csv.reader, split as a text file opened with newline=""."""

    def __init__(self, block: bytes, more: Callable[[], bytes]) -> None:
        self.queued: deque[str] = deque()
        self._add(block)
        self._more = more

    def _add(self, data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unreadable from exc
        self.queued.extend(io.StringIO(text, newline=""))

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if not self.queued:
            data = self._more()
            if not data:
                raise StopIteration
            self._add(data)
        return self.queued.popleft()


def _last_record_end(data: bytes) -> int | None:
    """The end (after the line end) of the last whole record, counting quotes: the last
    line end with an even number of quotes before it; None when there is none."""
    end = data.rfind(b"\n")
    if end < 0:
        return None
    if b'"' not in data:
        return end + 1
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == _QUOTE)
    ends = np.flatnonzero(buf == _LF)
    even = ends[np.searchsorted(quotes, ends) % 2 == 0]
    return int(even[-1]) + 1 if len(even) else None


def _regular(block: bytes) -> bool:
    """Whether pyarrow reads this block exactly as the csv module does (see the module's
    docstring)."""
    if (len(block) >= csv.field_size_limit() or b"\x00" in block
            or block.startswith((_BOM, b"\n", b"\r\n"))
            or b"\n\n" in block or b"\n\r\n" in block
            or block.count(b"\r") != block.count(b"\r\n")):
        return False
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if b'"' not in block:
        return True
    buf = np.frombuffer(block, dtype=np.uint8)
    quotes = np.flatnonzero(buf == _QUOTE)
    if len(quotes) % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    # an opening quote starts a field, or is the second of a doubled quote
    before = buf[np.maximum(opens - 1, 0)]
    doubled_open = np.zeros(len(opens), dtype=bool)
    doubled_open[1:] = opens[1:] == closes[:-1] + 1
    starts = (opens == 0) | (before == _COMMA) | (before == _LF) | doubled_open
    # a closing quote ends a field, or is the first of a doubled quote
    after = buf[np.minimum(closes + 1, len(buf) - 1)]
    doubled_close = np.zeros(len(closes), dtype=bool)
    doubled_close[:-1] = doubled_open[1:]
    ends = ((closes == len(buf) - 1) | (after == _COMMA) | (after == _CR) | (after == _LF)
            | doubled_close)
    return bool(starts.all() and ends.all())
