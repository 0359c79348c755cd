"""Builders for the sales feature tests: one opportunity per VIN, many per run.

A test describes an opportunity as a ``Case``: the opportunity row (the integrator's
contract, with its deal and vehicle copied in) and the records of its VIN. Records are
small dicts; every column not given is null. ``run_cases`` puts the records of many
cases through ``features.inputs.prepare`` (so records after D and unwound deals are cut
as in a real run), adds the sales features on DuckDB once and returns the rows by VIN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import COLUMN_TYPES, STORE_TABLES, Inputs, prepare
from dealerreach.features.sales import add_sales_features
from features.contract import DEAL_TO_OPP, OPP_TYPES, VEHICLE_TO_OPP, postgres_backend

D = date(2025, 6, 15)
"""The as-of date most tests use (mid-month, not in a leap year)."""
GROUP = "g"


_con = ibis.duckdb.connect()


def con() -> Any:
    """The DuckDB connection the tests run on."""
    return _con


def table(rows: Iterable[Mapping[str, Any]], types: Mapping[str, str]) -> ibis.Table:
    """An in-memory Ibis table with exactly ``types``' columns; missing values are null."""
    schema = ibis.schema(dict(types)).to_pyarrow()
    rows = [dict(r) for r in rows]
    unknown = {k for r in rows for k in r} - set(types)
    assert not unknown, f"unknown columns {unknown}"
    return ibis.memtable(pa.Table.from_pylist(rows, schema=schema))


def _record(defaults: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return {"group_id": GROUP, **defaults, **values}


def deal(vin: str, **values: Any) -> dict[str, Any]:
    """A booked used-car deal of VIN ``vin`` at rooftop R1 on 2023-06-15."""
    return _record({"rooftop_id": "R1", "deal_id": f"D-{vin}", "customer_id": "C1",
                    "vin": vin, "deal_date": date(2023, 6, 15), "status": "booked",
                    "vehicle_condition": "used"}, values)


def ro(vin: str, number: str, on: date, odometer: int | None, **values: Any) -> dict[str, Any]:
    """A service-department RO of VIN ``vin`` at rooftop R1."""
    return _record({"rooftop_id": "R1", "ro_number": number, "customer_id": "C1",
                    "vin": vin, "department": "service", "open_date": on,
                    "odometer": odometer}, values)


def vehicle(vin: str, **values: Any) -> dict[str, Any]:
    """A 2023 Toyota Camry LE without in-service date or MSRP."""
    return _record({"vin": vin, "make": "Toyota", "model": "Camry", "trim": "LE",
                    "year": 2023}, values)


def valuation(value: float, as_of: date, **values: Any) -> dict[str, Any]:
    """A valuation row: give ``vin`` for a VIN row, else year/make/model/trim."""
    return _record({"value": value, "as_of": as_of}, values)


def customer(rooftop_id: str, customer_id: str, **values: Any) -> dict[str, Any]:
    return _record({"rooftop_id": rooftop_id, "customer_id": customer_id}, values)


@dataclass
class Case:
    """One opportunity (VIN) and the records of its VIN."""

    opp: dict[str, Any]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def vin(self) -> str:
        return str(self.opp["vin"])


def case(vin: str, *, the_deal: Mapping[str, Any] | None = None,
         car: Mapping[str, Any] | None = None, ros: Iterable[dict[str, Any]] = (),
         deals: Iterable[dict[str, Any]] = (), valuations: Iterable[dict[str, Any]] = (),
         customers: Iterable[dict[str, Any]] = (), **opp_values: Any) -> Case:
    """An opportunity for ``vin`` at rooftop R1 (miles unless ``distance_unit`` is given).

    ``the_deal`` (deal fields) becomes the opportunity's deal and a deal record; ``car``
    (vehicle fields) its vehicle; ``deals`` are other deals of the VIN (whoever's).
    """
    opp: dict[str, Any] = {"vin": vin, "person_id": f"P-{vin}", "household_id": f"H-{vin}",
                           "rooftop_id": "R1", "customer_id": "C1", "home_source": "ro",
                           "home_date": date(2024, 1, 1), "distance_unit": "mi"}
    the_vehicle = vehicle(vin, **(car or {}))
    opp.update({k: the_vehicle.get(k) for k in VEHICLE_TO_OPP})
    all_deals = list(deals)
    if the_deal is not None:
        record = deal(vin, **the_deal)
        opp.update({k: record.get(v) for k, v in DEAL_TO_OPP.items()}, home_source="deal",
                   home_date=record["deal_date"])
        all_deals.append(record)
    opp.update(opp_values)
    return Case(opp, {"deals": all_deals, "repair_orders": list(ros),
                      "vehicles": [the_vehicle], "valuations": list(valuations),
                      "customers": list(customers)})


def inputs(cases: Iterable[Case], *, as_of: date) -> Inputs:
    """The records of ``cases`` as ``prepare`` hands them to the rules on ``as_of``."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in STORE_TABLES}
    for c in cases:
        for name, records in c.records.items():
            rows[name].extend(records)
    raw = {name: table(rows[name], {**COLUMN_TYPES[name], "group_id": "string"})
           for name in STORE_TABLES}
    return prepare(raw, group_id=GROUP, as_of=as_of)


def features(cases: Iterable[Case], *, as_of: date = D,
             config: RuleConfig | None = None) -> ibis.Table:
    """The sales features of ``cases`` on ``as_of``, as an expression."""
    cases = list(cases)
    vins = [c.vin for c in cases]
    assert len(set(vins)) == len(vins), "one case per VIN"
    return add_sales_features(table([c.opp for c in cases], OPP_TYPES),
                              inputs(cases, as_of=as_of), as_of=as_of,
                              config=config or RuleConfig())


def run_cases(cases: Iterable[Case], *, as_of: date = D, config: RuleConfig | None = None,
              backend: Any = None) -> dict[str, dict[str, Any]]:
    """The sales features of ``cases`` on ``as_of``, run once (on DuckDB unless another
    Ibis ``backend`` is given), by VIN."""
    expr = features(cases, as_of=as_of, config=config)
    return {row["vin"]: row for row in (backend or _con).to_pyarrow(expr).to_pylist()}


def run_cases_on_postgres(cases: Iterable[Case], **kwargs: Any) -> dict[str, dict[str, Any]]:
    """``run_cases`` on the PostgreSQL test server (skips without one, unless CI=true)."""
    backend = postgres_backend()
    try:
        return run_cases(cases, backend=backend, **kwargs)
    finally:
        backend.disconnect()
