"""Reading and cleaning the next chunk of a file on a second thread while the store
writes the one before.

Reading a block of CSV, the pattern checks and the conversions of ``columns`` run in
pyarrow and NumPy, which let go of Python's lock, as the store's drivers do while the
database works; so on a machine with two cores an import reads ahead instead of
waiting. What a reader produces besides its chunks (issues, the count of rejected
rows) is handed over with each chunk, so the caller sees exactly what ``chunks()``
would have given it, in the same order.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import replace

from dealerreach.ahead import DEPTH, made_ahead
from dealerreach.ingest.rows import Chunk, Issue, RowReader

#: a chunk, with the issues and the count of rejected rows that came with it
_Handed = tuple[Chunk, list[Issue], int]


def read_ahead(reader: RowReader, *, depth: int = DEPTH) -> Generator[Chunk, None, None]:
    """``reader.chunks()``, made on a second thread; the issues and rejected rows of
    each chunk are added to ``reader`` as the chunk is handed over. An error raised
    while reading (a file that cannot be read) is raised here."""
    worker = replace(reader, issues=[], rejected=0)
    handed = made_ahead(_with_issues(worker), depth=depth, name="dealerreach-read-ahead")
    with closing(handed):  # stopped, and its thread waited for, when the caller stops
        for chunk, issues, rejected in handed:
            reader.issues.extend(issues)
            reader.rejected += rejected
            yield chunk


def _with_issues(worker: RowReader) -> Iterator[_Handed]:
    """Each chunk with the issues and rejected rows found while reading it."""
    for chunk in worker.chunks():
        issues: list[Issue] = worker.issues[:]
        worker.issues.clear()
        rejected, worker.rejected = worker.rejected, 0
        yield chunk, issues, rejected
