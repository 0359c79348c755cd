"""A run on the postgres engine is computed and written inside the database: its stored
rows, movements, run record and every opportunity read back are those of the same run
on DuckDB, written from the client; a re-run of the date replaces it."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dealerreach.ingest.run import import_path
from dealerreach.jobs import segments as run
from dealerreach.segments.export import stored_opportunity
from dealerreach.storage import schema
from dealerreach.testing.generator import generate_group

AS_OF = date(2026, 9, 1)
EARLIER = date(2026, 7, 31)
NOW = datetime(2026, 9, 1, 6, 0)


def _rounded(value: Any) -> Any:
    """Floats to 9 significant digits (the engines may differ in a double's last bits)."""
    return float(f"{value:.9g}") if isinstance(value, float) else value


def _typed(value: Any) -> tuple[str, Any]:
    """A value with its type: 100.0 read back as 100 would show differently on a page."""
    return type(value).__name__, _rounded(value)


def _stored(engine: sa.Engine) -> dict[str, Any]:
    """Everything the runs left in the store that a user can see."""
    rows, moves = schema.opportunity_segments, schema.segment_movements
    runs = schema.segment_runs
    with engine.connect() as conn:
        own = [c for c in rows.c if c.name != "features"]
        stored = sorted(tuple(_rounded(v) for v in r)
                        for r in conn.execute(sa.select(*own)))
        movements = sorted(tuple(r) for r in conn.execute(sa.select(moves)))
        records = sorted((r.as_of, r.opportunities, r.previous_as_of, tuple(r.feature_columns))
                         for r in conn.execute(sa.select(runs)))
        vins = conn.execute(sa.select(rows.c.vin).where(rows.c.as_of == AS_OF)
                            .order_by(rows.c.vin)).scalars().all()
        opportunities = {vin: {k: _typed(v) for k, v in (stored_opportunity(
            conn, group_id="g1", as_of=AS_OF, vin=vin) or {}).items()} for vin in vins}
    return {"rows": stored, "movements": movements, "runs": records,
            "opportunities": opportunities}


@pytest.mark.slow
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_a_postgres_run_stores_what_a_duckdb_run_stores(engine, tmp_path: Path):
    group = tmp_path / "group"
    generate_group(out_dir=group, rooftops=2, customers=300, seed=5, as_of=AS_OF, deltas=2)
    for folder in [group, *sorted(group.glob("delta-*"))]:
        assert import_path(engine, folder, group_id="g1").status == "completed"
    on_duckdb = [run.run_segments(engine, group_id="g1", as_of=d, now=NOW)
                 for d in (EARLIER, AS_OF)]
    expected = _stored(engine)
    on_postgres = [run.run_segments(engine, group_id="g1", as_of=d, now=NOW,
                                    engine="postgres") for d in (EARLIER, AS_OF)]
    assert [r.opportunities for r in on_postgres] == [r.opportunities for r in on_duckdb]
    assert on_duckdb[1].opportunities > 200
    assert [(r.entered, r.left) for r in on_postgres] == \
        [(r.entered, r.left) for r in on_duckdb]
    assert on_duckdb[1].entered + on_duckdb[1].left > 0  # the second run moved some
    got = _stored(engine)
    assert got["rows"] == expected["rows"]
    assert got["movements"] == expected["movements"]
    assert got["runs"] == expected["runs"]
    assert got["opportunities"] == expected["opportunities"]
    with engine.connect() as conn:
        engines = dict(conn.execute(sa.select(schema.segment_runs.c.as_of,
                                              schema.segment_runs.c.engine)).all())
    assert set(engines.values()) == {"postgres"}


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("width", [0, 1, 90, 91, 250])
def test_the_features_json_of_any_width_keeps_the_values_that_are_not_null(engine, width):
    from dealerreach.jobs.run_sql import features_json

    names = [f"f{i}" for i in range(width)]
    # every third value a whole float (3.0, 7.5, 12.0, ...): it must stay a float
    values = [None if i % 3 == 0 else (f'text "{i}"' if i % 3 == 1 else i * 1.5)
              for i in range(width)]
    casts = {str: "text", float: "float8"}
    select = ", ".join(f"CAST(NULL AS int) AS {n}" if v is None
                       else f"CAST(:v{i} AS {casts[type(v)]}) AS {n}"
                       for i, (n, v) in enumerate(zip(names, values, strict=True)))
    floats = {n for n, v in zip(names, values, strict=True) if isinstance(v, float)}
    sql = (f"SELECT {features_json(names, floats)} FROM (SELECT {select or '1 AS x'}) r")
    with engine.connect() as conn:
        text = conn.execute(sa.text(sql), {f"v{i}": v for i, v in enumerate(values)
                                            if v is not None}).scalar_one()
    got = {k: _typed(v) for k, v in json.loads(text).items()}
    assert got == {n: _typed(v) for n, v in zip(names, values, strict=True) if v is not None}
