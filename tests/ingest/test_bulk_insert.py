"""The bulk insert of a first load (executemany on SQLite, COPY on PostgreSQL) stores
exactly what SQLAlchemy's own insert stores."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dealerreach.ingest import upsert
from dealerreach.ingest.upsert import append_columns

metadata = sa.MetaData()
sample = sa.Table(
    "sample", metadata,
    sa.Column("n", sa.Integer(), primary_key=True),
    sa.Column("day", sa.Date()),
    sa.Column("at", sa.DateTime()),
    sa.Column("flag", sa.Boolean()),
    sa.Column("money", sa.Numeric(12, 2)),
    sa.Column("extra", sa.JSON(none_as_null=True)),
)

VALUES = {
    "day": [date(2024, 2, 29), None, date(1, 1, 1), date(999, 12, 31), date(2024, 2, 29)],
    # the import's timestamps are naive (UTC when the file gave an offset)
    "at": [datetime(2024, 1, 2, 3, 4, 5), None, datetime(2024, 1, 2, 3, 4, 5, 6),
           datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)],
    "flag": [True, False, None, True, False],
    "money": [Decimal("12.34"), None, Decimal("-0.01"), Decimal("1000000.00"), Decimal("0")],
    "extra": [None, {"tier": "gold"}, None, {}, {"a": [1, 2]}],
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
