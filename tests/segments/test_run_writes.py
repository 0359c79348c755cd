"""A run's rows are made and written a batch at a time; the batches add up to the run."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa

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


def test_every_feature_is_kept_in_the_json_nulls_included():
    features = json.loads(stored_rows(_result(2), group_id="g1", as_of=D)
                          .column("features")[1].as_py())
    assert features["extra_feature"] is None
    assert features["payoff"] == 1001.5
    assert features["vin"] == "vin-1"


def test_the_default_batch_size_is_read_when_the_run_writes(monkeypatch):
    monkeypatch.setattr(run, "WRITE_BATCH_ROWS", 4)
    batches = list(stored_batches(_result(9), group_id="g1", as_of=D))
    assert [b.num_rows for b in batches] == [4, 4, 1]
