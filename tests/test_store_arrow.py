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
