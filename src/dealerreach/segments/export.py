"""Reading a stored run: the export rows (a stable CSV contract), the summary, one opportunity."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa

from dealerreach.segments.run_files import read_features
from dealerreach.storage.schema import opportunity_segments, segment_movements, segment_runs

#: The export's first columns, in this order (other tools depend on them).
EXPORT_COLUMNS = (
    "rooftop_id", "customer_id", "vin", "sales_segment", "sales_flags", "service_segment",
    "payments_remaining", "payoff", "equity", "lease_maturity_date",
    "projected_odometer_at_maturity", "lease_allowance", "coverage_end_date", "cpro_12m",
    "last_visit_date",
)
#: Columns that follow them.
EXTRA_COLUMNS = ("service_flags", "person_id", "household_id", "deal_type")
MONEY = ("payoff", "equity")
WHOLE = ("projected_odometer_at_maturity", "lease_allowance", "payments_remaining",
         "cpro_12m")


def latest_run_date(conn: sa.Connection, *, group_id: str) -> date | None:
    return conn.execute(sa.select(sa.func.max(segment_runs.c.as_of))
                        .where(segment_runs.c.group_id == group_id)).scalar()


def has_run(conn: sa.Connection, *, group_id: str, as_of: date) -> bool:
    return conn.execute(sa.select(segment_runs.c.as_of).where(
        segment_runs.c.group_id == group_id, segment_runs.c.as_of == as_of)).first() is not None


def format_cell(name: str, value: Any) -> str:
    """Money to cents, odometer values and counts whole (half up), dates YYYY-MM-DD."""
    if value is None:
        return ""
    if name in MONEY:
        return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_UP))
    if name in WHOLE:
        return str(Decimal(repr(float(value))).quantize(Decimal("1"), ROUND_HALF_UP))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_rows(conn: sa.Connection, *, group_id: str, as_of: date) -> Iterator[list[str]]:
    t = opportunity_segments
    columns = (*EXPORT_COLUMNS, *EXTRA_COLUMNS)
    query = (sa.select(*(t.c[c] for c in columns))
             .where(t.c.group_id == group_id, t.c.as_of == as_of)
             .order_by(t.c.rooftop_id, t.c.customer_id, t.c.vin))
    for row in conn.execute(query).yield_per(10_000):
        yield [format_cell(name, value) for name, value in zip(columns, row, strict=True)]


def write_export(conn: sa.Connection, out: Path | TextIO, *, group_id: str,
                 as_of: date) -> int:
    """Write the CSV; returns the number of opportunities written."""
    handle = out.open("w", newline="", encoding="utf-8") if isinstance(out, Path) else out
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*EXPORT_COLUMNS, *EXTRA_COLUMNS])
        count = 0
        for row in export_rows(conn, group_id=group_id, as_of=as_of):
            writer.writerow(row)
            count += 1
        return count
    finally:
        if isinstance(out, Path):
            handle.close()


def summary(conn: sa.Connection, *, group_id: str, as_of: date,
            kind: str = "sales") -> dict[str, dict[str, int]]:
    """Primary-segment counts: {rooftop_id: {segment: n}}."""
    t = opportunity_segments
    column = t.c.sales_segment if kind == "sales" else t.c.service_segment
    query = (sa.select(t.c.rooftop_id, column, sa.func.count())
             .where(t.c.group_id == group_id, t.c.as_of == as_of)
             .group_by(t.c.rooftop_id, column).order_by(t.c.rooftop_id, column))
    out: dict[str, dict[str, int]] = {}
    for rooftop, segment, n in conn.execute(query):
        out.setdefault(rooftop, {})[segment] = n
    return out


def stored_opportunity(conn: sa.Connection, *, group_id: str, as_of: date,
                       vin: str) -> dict[str, Any] | None:
    """Every feature of one opportunity of a stored run, in the run's column order, as
    JSON values (dates as YYYY-MM-DD; null where the feature has no value)."""
    t = opportunity_segments
    row = conn.execute(sa.select(t).where(
        t.c.group_id == group_id, t.c.as_of == as_of, t.c.vin == vin)).first()
    if row is None:
        return None
    run = conn.execute(sa.select(segment_runs.c.feature_columns,
                                 segment_runs.c.features_file).where(
        segment_runs.c.group_id == group_id, segment_runs.c.as_of == as_of)).first()
    names, kept_in = (run.feature_columns, run.features_file) if run else (None, None)
    if row.features is None and kept_in:
        stored = {name: _json_value(value) for name, value
                  in (read_features(kept_in, vin=vin) or {}).items()}
    else:
        stored = json.loads(row.features or "{}")
    if not names:  # a run written before runs named their columns kept every feature
        return dict(stored)
    own = row._mapping
    return {name: _json_value(own[name]) if name in own else stored.get(name)
            for name in names}


def _json_value(value: Any) -> Any:
    """A value as the features JSON holds it (dates and times as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else value


def movements(conn: sa.Connection, *, group_id: str, as_of: date,
              rooftop_id: str | None = None) -> list[dict[str, Any]]:
    t = segment_movements
    query = sa.select(t).where(t.c.group_id == group_id, t.c.as_of == as_of)
    if rooftop_id is not None:
        query = query.where(t.c.rooftop_id == rooftop_id)
    return [dict(r._mapping) for r in conn.execute(query.order_by(t.c.kind, t.c.segment_id,
                                                                   t.c.movement, t.c.vin))]
