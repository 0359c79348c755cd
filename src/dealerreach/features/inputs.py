"""The record tables the feature rules read, as Ibis tables of one group, with fixed types.

Every rule module takes an ``Inputs`` and returns Ibis expressions; it never knows which
engine runs them. ``Inputs`` holds the group's records *as the rules see them on D*:
records dated after D and unwound deals are already removed (PRODUCT.md: "Unwound
deals and records dated after D are ignored by every rule").

Column types (every table also has ``group_id``):

- rooftops: rooftop_id, name, postal_code, country (str), distance_unit ("mi" | "km",
  never null: "mi" when unknown), market_area_postal_codes (str, space separated),
  market_area_radius (float64)
- customers: rooftop_id, customer_id, customer_type (str, never null), person_id,
  household_id (str; null for internal customers), address_line1, address_line2,
  postal_code, street_key (str), updated_at (timestamp)
- customer_versions: rooftop_id, customer_id (str), effective_at (timestamp),
  address_line1, address_line2, postal_code (str), changed (str, comma separated names)
- vehicles: vin, make, model, trim (str), year (int64), in_service_date (date), msrp (float64)
- deals: rooftop_id, deal_id, customer_id, vin (str), deal_date, first_payment_date (date),
  deal_type, vehicle_condition, trade_in_vin, status (str), sale_price, amount_financed, apr,
  monthly_payment, residual_value (float64), term_months, annual_miles, odometer,
  service_contract_months, service_contract_miles, maintenance_plan_months,
  maintenance_plan_miles (int64); only booked deals dated on or before D
- repair_orders: rooftop_id, ro_number, customer_id, vin, department (str, never null),
  open_date, close_date (date), odometer (int64), customer_pay_total, warranty_total,
  internal_total (float64); only ROs opened on or before D
- ro_lines: rooftop_id, ro_number (str), line_no (str), op_code, description,
  labor_type ("C" | "W" | "I"), declined, recall ("yes" | "no" | null),
  labor_amount, parts_amount (float64), department (str, its RO's, never null); only
  lines of the ROs above
- valuations: vin, make, model, trim (str), year (int64), value (float64), as_of (date);
  only rows with as_of on or before D
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import ibis


@dataclass(frozen=True)
class Inputs:
    rooftops: ibis.Table
    customers: ibis.Table
    customer_versions: ibis.Table
    vehicles: ibis.Table
    deals: ibis.Table
    repair_orders: ibis.Table
    ro_lines: ibis.Table
    valuations: ibis.Table
    centroids: ibis.Table | None = None
    """Postal-code centroids registered on the engine (None: the shipped table in memory)."""
    kept_readings: ibis.Table | None = None
    """``features.mileage.kept_readings`` materialised once for every rule that reads
    odometers (None: computed where used)."""


STORE_TABLES = ("rooftops", "customers", "customer_versions", "vehicles", "deals",
                "repair_orders", "ro_lines", "valuations")

_S, _D, _T, _F, _I = "string", "date", "timestamp", "float64", "int64"
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "rooftops": {"rooftop_id": _S, "name": _S, "postal_code": _S, "country": _S,
                 "distance_unit": _S, "market_area_postal_codes": _S,
                 "market_area_radius": _F},
    "customers": {"rooftop_id": _S, "customer_id": _S, "customer_type": _S, "person_id": _S,
                  "household_id": _S, "address_line1": _S, "address_line2": _S,
                  "postal_code": _S, "street_key": _S, "updated_at": _T},
    "customer_versions": {"rooftop_id": _S, "customer_id": _S, "effective_at": _T,
                          "address_line1": _S, "address_line2": _S, "postal_code": _S,
                          "changed": _S},
    "vehicles": {"vin": _S, "make": _S, "model": _S, "trim": _S, "year": _I,
                 "in_service_date": _D, "msrp": _F},
    "deals": {"rooftop_id": _S, "deal_id": _S, "customer_id": _S, "vin": _S, "deal_date": _D,
              "first_payment_date": _D, "deal_type": _S, "vehicle_condition": _S,
              "trade_in_vin": _S, "status": _S, "sale_price": _F, "amount_financed": _F,
              "apr": _F, "monthly_payment": _F, "residual_value": _F, "term_months": _I,
              "annual_miles": _I, "odometer": _I, "service_contract_months": _I,
              "service_contract_miles": _I, "maintenance_plan_months": _I,
              "maintenance_plan_miles": _I},
    "repair_orders": {"rooftop_id": _S, "ro_number": _S, "customer_id": _S, "vin": _S,
                      "department": _S, "open_date": _D, "close_date": _D, "odometer": _I,
                      "customer_pay_total": _F, "warranty_total": _F, "internal_total": _F},
    "ro_lines": {"rooftop_id": _S, "ro_number": _S, "line_no": _S, "op_code": _S,
                 "description": _S, "labor_type": _S, "declined": _S, "recall": _S,
                 "labor_amount": _F, "parts_amount": _F},
    "valuations": {"vin": _S, "make": _S, "model": _S, "trim": _S, "year": _I, "value": _F,
                   "as_of": _D},
}


def _typed(table: ibis.Table, name: str) -> ibis.Table:
    return table.select(**{col: table[col].cast(kind)
                           for col, kind in COLUMN_TYPES[name].items()})


def prepare(raw: Mapping[str, ibis.Table], *, group_id: str, as_of: date,
            centroids: ibis.Table | None = None) -> Inputs:
    """The group's tables as the rules see them on ``as_of``: typed, cut to D, no unwound deals."""
    t = {name: _typed(raw[name].filter(raw[name].group_id == group_id), name)
         for name in STORE_TABLES}
    day = ibis.literal(as_of, type="date")
    deals = t["deals"].filter((t["deals"].deal_date <= day)
                              & (t["deals"].status.fill_null("booked") != "unwound"))
    ros = t["repair_orders"].filter(t["repair_orders"].open_date <= day)
    ros = ros.mutate(department=ros.department.fill_null("service"))
    # one join gives both: only lines of the ROs above, each with its RO's department
    lines = t["ro_lines"].join(ros.select("rooftop_id", "ro_number", "department"),
                               ["rooftop_id", "ro_number"])
    customers = t["customers"].mutate(
        customer_type=t["customers"].customer_type.fill_null("individual"))
    rooftops = t["rooftops"].mutate(distance_unit=t["rooftops"].distance_unit.fill_null("mi"))
    end_of_day = ibis.literal(datetime.combine(as_of, time.max), type="timestamp")
    versions = t["customer_versions"].filter(t["customer_versions"].effective_at <= end_of_day)
    valuations = t["valuations"].filter(t["valuations"].as_of <= day)
    return Inputs(rooftops=rooftops, customers=customers, customer_versions=versions,
                  vehicles=t["vehicles"], deals=deals, repair_orders=ros, ro_lines=lines,
                  valuations=valuations, centroids=centroids)
