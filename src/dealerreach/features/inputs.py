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
  labor_amount, parts_amount (float64); only lines of the ROs above
- valuations: vin, make, model, trim (str), year (int64), value (float64), as_of (date);
  only rows with as_of on or before D
"""

from __future__ import annotations

from dataclasses import dataclass

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
