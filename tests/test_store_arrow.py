"""Reading a group's records into Arrow: only that group's rows, whichever way SQLite
is asked to find them (a scan of the table when the group holds most of it, the
group's index otherwise)."""

from __future__ import annotations

import sqlalchemy as sa

from dealerreach.ingest.run import import_path
from dealerreach.storage import schema
from dealerreach.storage.arrow import SCAN_SHARE, _is_most_of, adbc_connection, each_table

VINS = [f"1HGCM82633A{n:06d}" for n in range(9)]


def _import(engine: sa.Engine, folder, group_id: str, vins: list[str]) -> None:
    files = {"rooftops.csv": "rooftop_id,name\nR1,North\n",
             "customers.csv": "customer_id,rooftop_id,last_name\nC1,R1,Lee\n",
             "vehicles.csv": "vin,year,make,model\n"
             + "".join(f"{v},2020,Honda,Civic\n" for v in vins)}
    report = import_path(engine, folder(group_id, files), group_id=group_id)
    assert report.status == "completed"


def test_each_group_reads_only_its_own_rows_by_scan_or_by_index(sqlite_url, folder):
    engine = sa.create_engine(sqlite_url)
    _import(engine, folder, "big", VINS[:8])
    _import(engine, folder, "small", VINS[8:])
    with adbc_connection(engine) as conn:
        cur = conn.cursor()
        assert _is_most_of(cur, schema.vehicles, group_id="big")  # 8 of 9: a scan
        assert not _is_most_of(cur, schema.vehicles, group_id="small")  # 1 of 9 < 1/4
        assert not _is_most_of(cur, schema.vehicles, group_id="none")
        cur.close()
    assert SCAN_SHARE == 0.25
    for group_id, vins in (("big", VINS[:8]), ("small", VINS[8:])):
        (name, table), = each_table(engine, group_id=group_id, names=["vehicles"],
                                    columns={"vehicles": ["vin", "make", "group_id"]})
        assert name == "vehicles"
        assert sorted(table.column("vin").to_pylist()) == vins
        assert set(table.column("group_id").to_pylist()) == {group_id}
    engine.dispose()


def test_parts_of_a_table_hold_the_groups_rows_once_with_one_schema(engine, folder):
    from dealerreach.storage.arrow import each_part

    vins = [f"1HGCM82633A{n:06d}" for n in range(30)]
    files = {"rooftops.csv": "rooftop_id,name\nR1,North\n",
             "customers.csv": "customer_id,rooftop_id,last_name\nC1,R1,Lee\n",
             "vehicles.csv": "vin,year,make,model,in_service_date\n"
             + "".join(f"{v},2020,Honda,Civic,{'' if n < 12 else '2021-03-04'}\n"
                       for n, v in enumerate(vins))}
    report = import_path(engine, folder("g1", files), group_id="g1")
    assert report.status == "completed", report.message
    parts = list(each_part(engine, group_id="g1", name="vehicles", part_rows=10,
                           columns=["vin", "year", "in_service_date", "group_id"]))
    if engine.dialect.name == "sqlite":
        assert len(parts) == 3  # by rowid, ten at a time
        # the first part has no in-service date at all; its column is still a date
    assert {str(p.schema) for p in parts} == {str(parts[0].schema)}
    assert str(parts[0].schema.field("in_service_date").type) == "date32[day]"
    assert str(parts[0].schema.field("year").type) == "int64"
    rows = [r for p in parts for r in p.to_pylist()]
    assert sorted(r["vin"] for r in rows) == vins
    assert sum(r["in_service_date"] is not None for r in rows) == 18


def test_a_time_that_does_not_read_as_its_type_is_told_so(sqlite_url, folder):
    import pytest

    from dealerreach.storage.arrow import MixedValues, each_part

    engine = sa.create_engine(sqlite_url)
    _import(engine, folder, "g1", VINS[:3])
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customers SET updated_at = '2026-01-02T10:00:00+02:00'")
    with pytest.raises(MixedValues, match="updated_at"):
        list(each_part(engine, group_id="g1", name="customers",
                       columns=["customer_id", "updated_at"]))
    engine.dispose()
