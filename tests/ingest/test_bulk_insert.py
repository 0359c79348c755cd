"""The bulk insert of a first load stores exactly what SQLAlchemy's own insert stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from dealerreach.ingest.upsert import executemany_columns

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
    "at": [datetime(2024, 1, 2, 3, 4, 5), None, datetime(2024, 1, 2, 3, 4, 5, 6),
           datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
           datetime(2024, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))],
    "flag": [True, False, None, True, False],
    "money": [Decimal("12.34"), None, Decimal("-0.01"), Decimal("1000000.00"), Decimal("0")],
    "extra": [None, {"tier": "gold"}, None, {}, {"a": [1, 2]}],
}


def _stored(conn: sa.Connection, *, bulk: bool) -> list[tuple]:
    """Each stored value with its storage class, rows in order."""
    names = ", ".join(f"typeof({c}), {c}" for c in VALUES)
    where = "n >= 100" if bulk else "n < 100"
    return [tuple(r) for r in conn.exec_driver_sql(
        f"SELECT {names} FROM sample WHERE {where} ORDER BY n")]


def test_a_bulk_insert_stores_each_value_as_sqlalchemy_would(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    metadata.create_all(engine)
    rows = len(VALUES["day"])
    with engine.begin() as conn:
        conn.execute(sample.insert(), [{"n": i, **{c: v[i] for c, v in VALUES.items()}}
                                       for i in range(rows)])
        executemany_columns(conn, sample, {"n": [100 + i for i in range(rows)], **VALUES})
        stored = _stored(conn, bulk=True)
        assert len(stored) == rows
        assert stored == _stored(conn, bulk=False)
