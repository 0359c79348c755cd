"""A run's rows are made and written a batch at a time; the batches add up to the run.
Each keeps its non-null features without a column of their own as JSON, and reading an
opportunity back gives every feature of the run, nulls included."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import sqlalchemy as sa

from dealerreach.jobs import segments as run
from dealerreach.jobs.segments import STORED_COLUMNS, stored_batches, stored_rows

D = date(2026, 11, 1)


def _result(n: int) -> pa.Table:
    columns: dict[str, pa.Array] = {name: pa.array([f"{name}-{i}" for i in range(n)])
                                    for name in STORED_COLUMNS}
    columns["payoff"] = pa.array([1000.5 + i for i in range(n)])
    columns["extra_feature"] = pa.array([None if i % 2 else i for i in range(n)], pa.int64())
    return pa.table(columns)


def test_batches_cover_every_row_once_in_order_with_the_same_features():
    result = _result(10)
    batches = list(stored_batches(result, group_id="g1", as_of=D, batch_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 3, 1]
    joined = pa.concat_tables(batches)
    whole = stored_rows(result, group_id="g1", as_of=D)
    assert joined.column("vin").to_pylist() == [f"vin-{i}" for i in range(10)]
    assert joined.column("features").to_pylist() == whole.column("features").to_pylist()
    assert set(joined.column("group_id").to_pylist()) == {"g1"}
    assert set(joined.column("as_of").to_pylist()) == {D}


def test_the_json_keeps_non_null_features_without_a_column_of_their_own():
    features = json.loads(stored_rows(_result(2), group_id="g1", as_of=D)
                          .column("features")[1].as_py())
    assert features == {}  # extra_feature is null on row 1; payoff and vin have columns
    features = json.loads(stored_rows(_result(2), group_id="g1", as_of=D)
                          .column("features")[0].as_py())
    assert features == {"extra_feature": 0}


def test_feature_json_escapes_text_and_keeps_types():
    result = _result(1).drop_columns(["extra_feature"])
    for name, values in {"note": ['say "hi"\\ ,}\n'], "on": [D], "flag": [True],
                         "rate": [0.1], "none": pa.array([None], pa.int64())}.items():
        result = result.append_column(name, pa.array(values) if isinstance(values, list)
                                      else values)
    features = json.loads(stored_rows(result, group_id="g1", as_of=D)
                          .column("features")[0].as_py())
    assert features == {"note": 'say "hi"\\ ,}\n', "on": "2026-11-01", "flag": True,
                        "rate": 0.1}


def test_the_default_batch_size_is_read_when_the_run_writes(monkeypatch):
    monkeypatch.setattr(run, "WRITE_BATCH_ROWS", 4)
    batches = list(stored_batches(_result(9), group_id="g1", as_of=D))
    assert [b.num_rows for b in batches] == [4, 4, 1]


def test_an_opportunity_read_back_has_every_feature_of_the_run_nulls_included(engine, folder):
    from datetime import datetime

    from tests.segments.test_export_contract import FILES, V1

    from dealerreach.ingest.run import import_path
    from dealerreach.segments.export import stored_opportunity
    from dealerreach.storage import schema

    import_path(engine, folder("group", FILES), group_id="g1")
    as_of = date(2026, 6, 15)
    run.run_segments(engine, group_id="g1", as_of=as_of, now=datetime(2026, 6, 15))
    with engine.connect() as conn:
        columns = conn.execute(sa.select(schema.segment_runs.c.feature_columns)).scalar()
        opportunity = stored_opportunity(conn, group_id="g1", as_of=as_of, vin=V1)
        text = conn.execute(sa.select(schema.opportunity_segments.c.features).where(
            schema.opportunity_segments.c.vin == V1)).scalar()
    assert opportunity is not None
    assert list(opportunity) == columns
    assert {"vin", "payoff", "lease_maturity_date", "make", "cpro_12m"} <= set(columns)
    # V1: a 60-month finance deal at 9.0 %; no lease, so its lease features are null
    assert opportunity["vin"] == V1 and opportunity["deal_type"] == "finance"
    assert opportunity["lease_maturity_date"] is None
    assert opportunity["make"] == "Toyota" and opportunity["apr"] == 9.0
    assert opportunity["last_visit_date"] == "2026-05-01"
    assert ":null" not in text and '"vin":' not in text and '"make":"Toyota"' in text
