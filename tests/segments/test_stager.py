"""Staged tables: each computed once on the engine, and dropped as soon as nothing refers
to it, so a run holds a handful of them rather than every one it made."""

from __future__ import annotations

import ibis

from dealerreach.jobs.engines import Stager


def _tables(con: ibis.BaseBackend) -> set[str]:
    rows = con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()  # type: ignore[attr-defined]
    return {name for (name,) in rows}


def test_a_staged_table_nothing_refers_to_is_dropped_at_the_next_stage():
    con = ibis.duckdb.connect()
    stage = Stager(con, "duckdb")
    numbers = con.create_table("numbers", obj=ibis.memtable({"a": [1, 2, 3]}), temp=True)
    first = stage(numbers.mutate(b=numbers.a * 2))
    second = stage(first.mutate(c=first.b + 1))
    (first_name,) = stage.held - {second.op().name}
    assert len(stage.held) == 2
    del first  # only the name of the first table is left: nothing refers to it
    third = stage(second.filter(second.c > 3))
    assert stage.held == {second.op().name, third.op().name}
    assert first_name not in _tables(con)
    assert con.to_pyarrow(third.order_by("a")).to_pydict() == {"a": [2, 3], "b": [4, 6],
                                                           "c": [5, 7]}
    stage.close()
    con.disconnect()


def test_a_staged_table_still_referred_to_is_kept():
    con = ibis.duckdb.connect()
    stage = Stager(con, "duckdb")
    numbers = con.create_table("numbers", obj=ibis.memtable({"a": [1, 2]}), temp=True)
    kept = stage(numbers.mutate(b=numbers.a + 10))
    later = kept.mutate(c=kept.b * 2)  # an expression still reading it
    stage(numbers.filter(numbers.a > 1))
    stage(numbers.filter(numbers.a > 0))
    assert kept.op().name in stage.held and kept.op().name in _tables(con)
    assert con.to_pyarrow(later.order_by("a")).column("c").to_pylist() == [22, 24]
    stage.close()
    con.disconnect()
