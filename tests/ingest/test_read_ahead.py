"""Reading ahead on a second thread gives exactly what reading in turn gives."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from dealerreach.ingest.clean import CellContext
from dealerreach.ingest.profiles import CANONICAL
from dealerreach.ingest.read_ahead import read_ahead
from dealerreach.ingest.rows import RowReader
from dealerreach.ingest.source import ImportRefused, SourceFile
from dealerreach.ingest.spec import CUSTOMERS

COLUMNS = ["customer_id", "rooftop_id", "email", "birth_date"]
ROWS = [[f"C{n}", "R1", "bad@" if n % 4 == 0 else f"c{n}@example.com",
         "1980-02-30" if n % 7 == 0 else "1980-02-28"] for n in range(40)]


def _reader(rows: Iterator[tuple[int, list[str]]]) -> RowReader:
    return RowReader(SourceFile(CUSTOMERS, CUSTOMERS.name, COLUMNS, rows), CANONICAL,
                     lambda r: CellContext(country="US"), chunk_rows=3)


def _numbered() -> Iterator[tuple[int, list[str]]]:
    return iter([(n + 2, cells) for n, cells in enumerate(ROWS)])


def _seen(reader: RowReader, chunks: Iterator) -> list[tuple]:
    """Per chunk: its rows and records, and the issues and rejections known by then."""
    seen = []
    for chunk in chunks:
        seen.append((chunk.rows, [(r.row, r.values) for r in chunk.records],
                     list(reader.issues), reader.rejected))
        reader.issues.clear()
    return seen


def test_chunks_issues_and_rejections_come_as_reading_in_turn_gives_them():
    in_turn = _reader(_numbered())
    ahead = _reader(_numbered())
    expected = _seen(in_turn, in_turn.chunks())
    assert any(issues for *_, issues, _ in expected) and in_turn.rejected > 0
    assert _seen(ahead, read_ahead(ahead)) == expected


def test_a_file_that_cannot_be_read_further_is_refused_in_the_callers_thread():
    def rows() -> Iterator[tuple[int, list[str]]]:
        yield from list(_numbered())[:5]
        raise ImportRefused("customers.csv: row 7 is not UTF-8")

    reader = _reader(rows())
    with pytest.raises(ImportRefused, match="row 7 is not UTF-8"):
        list(read_ahead(reader))


def test_a_caller_that_stops_early_leaves_no_thread_behind():
    reader = _reader(_numbered())
    chunks = read_ahead(reader, depth=1)
    next(chunks)
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name == "dealerreach-read-ahead"]


def test_an_import_that_fails_while_writing_stops_reading_and_changes_nothing(
        engine, folder, monkeypatch):
    from datetime import datetime

    import sqlalchemy as sa

    from dealerreach.clock import FixedClock
    from dealerreach.ingest import run
    from dealerreach.storage import schema

    path = folder("g", {"customers.csv": "customer_id,rooftop_id\n"
                        + "".join(f"C{n},R1\n" for n in range(50))})
    written = []

    def fail_on_the_second_batch(self, spec, chunk, reader, counts):  # type: ignore[no-untyped-def]
        written.append(len(chunk))
        if len(written) == 2:
            raise RuntimeError("the store went away")
        return original(self, spec, chunk, reader, counts)

    original = run._Run._insert_chunk
    monkeypatch.setattr(run._Run, "_insert_chunk", fail_on_the_second_batch)
    failure = None
    try:
        run.import_path(engine, path, group_id="g", clock=FixedClock(datetime(2026, 11, 1)),
                        batch_rows=5)
    except RuntimeError as exc:
        failure = exc  # held, as a caller reporting it would: its frames stay alive
    assert str(failure) == "the store went away"
    assert not [t for t in threading.enumerate() if t.name == "dealerreach-read-ahead"]
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(schema.customers))
        assert stored.scalar_one() == 0
