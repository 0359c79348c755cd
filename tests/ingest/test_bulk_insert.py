"""The bulk insert of a first load (executemany on SQLite, COPY on PostgreSQL) stores
exactly what SQLAlchemy's own insert stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa

from dealerreach.ingest import upsert
from dealerreach.ingest.column_values import ColumnValues, select_values
from dealerreach.ingest.columns import ColumnCleaner
from dealerreach.ingest.copy_text import copy_text
from dealerreach.ingest.spec import Column, Kind
from dealerreach.ingest.upsert import append_columns
from dealerreach.storage import schema

metadata = sa.MetaData()
sample = sa.Table(
    "sample", metadata,
    sa.Column("n", sa.Integer(), primary_key=True),
    sa.Column("day", sa.Date()),
    sa.Column("at", sa.DateTime()),
    sa.Column("flag", sa.Boolean()),
    sa.Column("money", sa.Numeric(12, 2)),
    sa.Column("extra", sa.JSON(none_as_null=True)),
    sa.Column("note", sa.Text()),
    sa.Column("count", sa.BigInteger()),
)

VALUES = {
    "day": [date(2024, 2, 29), None, date(1, 1, 1), date(999, 12, 31), date(2024, 2, 29)],
    # the import's timestamps are naive (UTC when the file gave an offset)
    "at": [datetime(2024, 1, 2, 3, 4, 5), None, datetime(2024, 1, 2, 3, 4, 5, 6),
           datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)],
    "flag": [True, False, None, True, False],
    "money": [Decimal("12.34"), None, Decimal("-0.01"), Decimal("1000000.00"), Decimal("0.50")],
    "extra": [None, {"tier": "gold"}, None, {}, {"a": [1, "x\ty"]}],
    # COPY's text format escapes these characters; "\\N" is a text, not NULL
    "note": ["tab\there", "two\nlines\r\n", "back\\slash \\N", None, "Müller \u00e9"],
    "count": [0, None, -(2**63), 2**63 - 1, 42],
}


def _stored(conn: sa.Connection, *, bulk: bool) -> list[tuple]:
    """Each stored value (on SQLite with its storage class), rows in order."""
    typed = conn.dialect.name == "sqlite"
    rows = conn.execute(sa.select(sample).where(
        sample.c.n >= 100 if bulk else sample.c.n < 100).order_by(sample.c.n))
    found = [tuple(r)[1:] for r in rows]
    if typed:
        names = ", ".join(f"typeof({c})" for c in VALUES)
        where = "n >= 100" if bulk else "n < 100"
        classes = conn.exec_driver_sql(f"SELECT {names} FROM sample WHERE {where} ORDER BY n")
        found = [(*r, *c) for r, c in zip(found, classes, strict=True)]
    return found


@pytest.mark.parametrize("many_rows", [2000, 2, 1], ids=["one statement", "two and a rest",
                                                       "row by row"])
def test_a_bulk_insert_stores_each_value_as_sqlalchemy_would(engine, monkeypatch, many_rows):
    """On SQLite rows go in multi-row statements and the rest one by one: every way of
    splitting them stores the same."""
    monkeypatch.setattr(upsert, "MANY_ROWS", many_rows)
    sample.create(engine)
    rows = len(VALUES["day"])
    with engine.begin() as conn:
        conn.execute(sample.insert(), [{"n": i, **{c: v[i] for c, v in VALUES.items()}}
                                       for i in range(rows)])
        append_columns(conn, sample, {"n": [100 + i for i in range(rows)], **VALUES})
        stored = _stored(conn, bulk=True)
        assert len(stored) == rows
        assert stored == _stored(conn, bulk=False)


def test_copy_text_escapes_as_copy_reads_and_leaves_times_with_an_offset_to_rows():
    columns = {"n": [1, 2], "day": [date(2024, 2, 29), None],
               "at": [datetime(2024, 1, 2, 3, 4, 5), None], "flag": [True, None],
               "money": [Decimal("1.50"), None], "extra": [{"a": "b"}, None],
               "note": ["a\tb\\c", None], "count": [7, None]}
    text = copy_text(sample, columns)
    assert text is not None
    assert bytes(text).decode() == (
        '1\t2024-02-29\t2024-01-02 03:04:05.000000\tt\t1.50\t{"a": "b"}\ta\\tb\\\\c\t7\n'
        "2\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n")
    offset = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert copy_text(sample, {**columns, "at": [offset, None]}) is None
    assert copy_text(sample, {**columns, "note": [1, None]}) is None


#: cells of each kind, as a file may give them (empty ones too); those cleaned by
#: columns are written from their Arrow arrays
CELLS = {
    Kind.TEXT: ["Main St 5", "", " x ", "a\tb", "back\\slash \\N", "Müller é", "O’Brien"],
    Kind.NAME: ["Ann", "Ann Lee", "", "José"],
    Kind.DATE: ["2024-02-29", "0001-01-01", "", "9999-12-31", "0999-12-31"],
    Kind.TIMESTAMP: ["2026-01-02T10:00:00", "2026-01-02 23:59:59", "", "0001-01-01T00:00:00"],
    Kind.DECIMAL: ["12.50", "-3", "0.00", "007.10", "-0", "0.0000001", "0.00000010",
                   "123456789012345678901234567890.5", ""],
    Kind.INTEGER: ["36", "-0", "007", "", "-9223372036854775807", "999999999999999999"],
    Kind.YESNO: ["yes", "No", "YES", ""],
    Kind.VIN: ["1HGCM82633A004352", "1hgcm82633a004352", ""],
    Kind.EMAIL: ["ann@example.com", " Ann@Example.COM ", ""],
    Kind.POSTAL: ["60601", "sw1a", ""],
    Kind.COUNTRY: ["US", "DE", ""],
    Kind.CHOICE: ["service", "Body", "PARTS", ""],
}


@pytest.mark.parametrize("kind", list(CELLS), ids=lambda k: k.value)
def test_values_cleaned_by_columns_are_copied_as_their_python_values_are(engine, kind):
    """Text, days, times, amounts and numbers written from the cleaned Arrow arrays
    store what writing their Python values stores."""
    column = Column("v", kind, False, ("service", "body", "parts") if kind is Kind.CHOICE
                    else (), "service" if kind is Kind.CHOICE else None)
    table = sa.Table(f"cleaned_{kind.value}", sa.MetaData(),
                     sa.Column("n", sa.Integer(), primary_key=True),
                     sa.Column("v", schema._SQL_TYPES.get(kind, sa.Text())))
    table.create(engine)
    cleaned, ok = ColumnCleaner([pa.array(CELLS[kind])], nanp=None).clean([(0, column)])
    values = select_values(cleaned["v"], ok)
    assert isinstance(values, ColumnValues) and len(values) == int(ok.sum()) >= 3
    with engine.begin() as conn:
        append_columns(conn, table, {"n": list(range(len(values))), "v": values})
        append_columns(conn, table, {"n": [100 + n for n in range(len(values))],
                                     "v": list(values)})
        stored = {bulk: [r.v for r in conn.execute(sa.select(table).where(
            table.c.n >= 100 if bulk else table.c.n < 100).order_by(table.c.n))]
            for bulk in (False, True)}
    assert stored[False] == stored[True]
    if engine.dialect.name == "postgresql":  # SQLite keeps amounts as floating point
        assert stored[True] == list(values)


def test_values_held_as_arrow_read_as_the_list_they_stand_for():
    cleaned, ok = ColumnCleaner([pa.array(["12.50", "", "x", "007"])], nanp=None).clean(
        [(0, Column("v", Kind.DECIMAL, False, (), None))])
    values = cleaned["v"]
    assert values == [Decimal("12.50"), None, None, Decimal("7")]
    assert (len(values), values[0], list(values)[3]) == (4, Decimal("12.50"), Decimal("7"))
    assert values + [Decimal(1)] == [Decimal("12.50"), None, None, Decimal("7"), Decimal(1)]
    assert ok.tolist() == [True, True, False, True]
    assert select_values(values, ok) == [Decimal("12.50"), None, Decimal("7")]
