"""Builders for the service feature and segment tests.

A test describes records as small dicts (a column not given is null, or the default
below); ``run`` builds the ``Inputs`` through ``features.inputs.prepare`` (so records
after D are dropped as in a real run), adds the service features on DuckDB and returns
one dict per opportunity, keyed by VIN.

Rooftops: R1 (Columbus OH 43235, miles, market area as a postal-code list), R2
(Lakewood CO 80215, miles, 25-mile radius), R3 (Köln 50858, km, no centroid shipped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import ibis
import pyarrow as pa

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import COLUMN_TYPES, STORE_TABLES, Inputs, prepare
from dealerreach.features.service import add_service_features
from features.contract import OPP_TYPES as BASE_OPP_TYPES

D = date(2025, 6, 15)
"""The as-of date most tests use (mid-month, not in a leap year)."""
GROUP = "g1"

OPP_TYPES = {**BASE_OPP_TYPES, "maintenance_plan_active": "boolean"}
"""The opportunity table's contract, plus the sales feature the service rules read."""

ROOFTOPS = [
    {"rooftop_id": "R1", "name": "Lakeside", "postal_code": "43235", "country": "US",
     "distance_unit": "mi", "market_area_postal_codes": "43235 43017 43220"},
    {"rooftop_id": "R2", "name": "Front Range", "postal_code": "80215", "country": "US",
     "distance_unit": "mi", "market_area_radius": 25.0},
    {"rooftop_id": "R3", "name": "Rheinblick", "postal_code": "50858", "country": "DE",
     "distance_unit": "km", "market_area_postal_codes": "50858 50859"},
]
UNITS = {r["rooftop_id"]: r["distance_unit"] for r in ROOFTOPS}

Step = Callable[[ibis.Table, Inputs, date, RuleConfig], ibis.Table]

_ARROW = {"string": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"),
          "float64": pa.float64(), "int64": pa.int64(), "boolean": pa.bool_()}


TableMaker = Callable[[str, pa.Table], ibis.Table]
"""Turns a named Arrow table into an Ibis table on some backend (default: a memtable)."""


def memtable(name: str, table: pa.Table) -> ibis.Table:
    return ibis.memtable(table)


def typed_table(rows: Iterable[Mapping[str, Any]], types: Mapping[str, str], *,
                name: str = "t", make: TableMaker = memtable) -> ibis.Table:
    rows = list(rows)
    unknown = {k for r in rows for k in r} - set(types)
    if unknown:
        raise KeyError(f"unknown columns {sorted(unknown)}")
    arrays = [pa.array([r.get(c) for r in rows], type=_ARROW[t]) for c, t in types.items()]
    return make(name, pa.Table.from_arrays(arrays, names=list(types)))


def store_table(name: str, rows: Iterable[Mapping[str, Any]], *,
                make: TableMaker = memtable) -> ibis.Table:
    types = {"group_id": "string", **COLUMN_TYPES[name]}
    return typed_table([{"group_id": GROUP, **r} for r in rows], types, name=name, make=make)


def customer(customer_id: str = "C1", *, rooftop_id: str = "R1", person_id: str | None = None,
             **values: Any) -> dict[str, Any]:
    return {"rooftop_id": rooftop_id, "customer_id": customer_id,
            "customer_type": "individual", "person_id": person_id or f"P-{customer_id}",
            "postal_code": "43235", **values}


def ro(number: str, opened: date, *, vin: str = "V1", rooftop_id: str = "R1",
       customer_id: str = "C1", pay: float | None = 100.0, **values: Any) -> dict[str, Any]:
    """A service RO (no lines unless given separately) with a customer_pay_total."""
    return {"rooftop_id": rooftop_id, "ro_number": number, "customer_id": customer_id,
            "vin": vin, "department": "service", "open_date": opened,
            "customer_pay_total": pay, **values}


def line(number: str, line_no: str = "1", *, rooftop_id: str = "R1", labor_type: str = "C",
         declined: str | None = "no", **values: Any) -> dict[str, Any]:
    return {"rooftop_id": rooftop_id, "ro_number": number, "line_no": line_no,
            "labor_type": labor_type, "declined": declined, **values}


def deal(deal_id: str, on: date, *, vin: str = "V1", rooftop_id: str = "R1",
         customer_id: str = "C1", **values: Any) -> dict[str, Any]:
    return {"rooftop_id": rooftop_id, "deal_id": deal_id, "customer_id": customer_id,
            "vin": vin, "deal_date": on, "status": "booked", **values}


def version(customer_id: str, at: datetime | date, postal_code: str | None, *,
            rooftop_id: str = "R1", street: str = "1 Main St", changed: str = "postal_code",
            ) -> dict[str, Any]:
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 9, 30)
    return {"rooftop_id": rooftop_id, "customer_id": customer_id, "effective_at": at,
            "address_line1": street, "postal_code": postal_code, "changed": changed}


def opp(vin: str = "V1", *, rooftop_id: str = "R1", customer_id: str = "C1",
        person_id: str | None = None, **values: Any) -> dict[str, Any]:
    return {"vin": vin, "rooftop_id": rooftop_id, "customer_id": customer_id,
            "person_id": person_id or f"P-{customer_id}",
            "distance_unit": UNITS.get(rooftop_id, "mi"), "maintenance_plan_active": False,
            **values}


def make_inputs(*, as_of: date = D, rooftops: Iterable[Mapping[str, Any]] = ROOFTOPS,
                make: TableMaker = memtable, **records: Iterable[Mapping[str, Any]]) -> Inputs:
    given = {"rooftops": rooftops, **records}
    raw = {name: store_table(name, given.get(name, ()), make=make) for name in STORE_TABLES}
    return prepare(raw, group_id=GROUP, as_of=as_of)


def features(opps: Iterable[Mapping[str, Any]], *, as_of: date = D,
             config: RuleConfig | None = None, centroids: ibis.Table | None = None,
             make: TableMaker = memtable, **records: Iterable[Mapping[str, Any]]) -> ibis.Table:
    """The opportunity table with the service features (an expression, not yet run)."""
    opps = list(opps)
    records.setdefault("customers", [customer(o["customer_id"], rooftop_id=o["rooftop_id"],
                                              person_id=o.get("person_id")) for o in opps])
    inputs = make_inputs(as_of=as_of, make=make, **records)
    return add_service_features(typed_table(opps, OPP_TYPES, name="opps", make=make), inputs,
                                as_of=as_of, config=config or RuleConfig(), centroids=centroids)


def run_step(step: Step, opps: Iterable[Mapping[str, Any]] | None = None, *, as_of: date = D,
             config: RuleConfig | None = None,
             **records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Run one step of the service features (``step(opps, inputs, as_of, config)``) on
    DuckDB: one dict per opportunity, by VIN. ``opps`` defaults to ``[opp()]``."""
    opps = [opp()] if opps is None else list(opps)
    records.setdefault("customers", [customer(o["customer_id"], rooftop_id=o["rooftop_id"],
                                              person_id=o.get("person_id")) for o in opps])
    inputs = make_inputs(as_of=as_of, **records)
    expr = step(typed_table(opps, OPP_TYPES), inputs, as_of, config or RuleConfig())
    return {r["vin"]: r for r in ibis.duckdb.connect().to_pyarrow(expr).to_pylist()}


def run(opps: Iterable[Mapping[str, Any]], **kwargs: Any) -> dict[str, dict[str, Any]]:
    """Run ``features`` on DuckDB: one dict of feature values per opportunity, by VIN."""
    rows = ibis.duckdb.connect().to_pyarrow(features(opps, **kwargs)).to_pylist()
    return {r["vin"]: r for r in rows}


def run_one(**kwargs: Any) -> dict[str, Any]:
    """``run`` for the single opportunity V1 (``opps`` defaults to ``[opp()]``)."""
    kwargs.setdefault("opps", [opp()])
    return run(**kwargs)["V1"]
