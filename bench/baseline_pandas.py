"""A plain pandas implementation of dealerreach's opportunities, features and segments.

The baseline of the segments benchmark: the product's rules (PRODUCT.md "Words" and
"Default rules", with the choices written down in docs/segments.md,
docs/features-sales.md and docs/features-service.md), written again, independently,
with pandas and numpy only. Everything is vectorised (masks, merges, groupbys); no
Python loop runs over opportunities, deals or repair orders.

- ``load_inputs(store_url, group_id)`` reads the group's store tables (SQLite or
  PostgreSQL) through the product's Arrow reader (``storage.arrow``, ADBC), the columns
  the rules need as pandas frames (datetime64 dates, float64 numbers, text), plus the
  shipped postal-code centroids (``centroid_arrow()``).
- ``export_frame(tables, as_of, config)`` returns one row per opportunity active on D
  with the export contract's columns (``EXPORT_COLUMNS`` then ``EXTRA_COLUMNS``), in
  the export's order (rooftop, customer, VIN), then the run's other features it
  computes (``FEATURE_COLUMNS``: readings, rate and projection, payments made, every
  coverage's end and the kind ending first, value and its source, visit and CPRO
  counts and dates, maintenance and tire customers, declined lines, last maintenance
  and next service due, distance and market area, moves, RFM scores). Values are raw
  (floats, datetimes, NaN for empty); ``segments.export.format_cell`` formats them as
  the export does. String keys are replaced by integer codes of sorted dictionaries
  while it works, so joins, groupbys and "the larger id wins" tie-breaks run on
  integers.

The code is in four modules: ``baseline_records`` (reading, the records on D, dates),
``baseline_sales``, ``baseline_service`` and this one (segments and the whole frame).

``bench/segments_child.py --job pandas --url URL --as-of D [--group G]`` times one run
and compares its rows with the stored dealerreach run of D, every column above
(``bench/compare_runs.py``); ``make bench-segments`` does that at every measurement.

What it leaves out:

- Configuration: the rule numbers come from ``RuleConfig`` (the defaults unless given
  another), and the segment order settings are honoured, but custom segments are not
  supported (refused) and only the default configuration is checked against the
  product. Group-supplied centroids and RO-category rules are not supported either
  (the shipped ones are used).
- Columns the run copies from a record without a rule (the deal's terms, the
  vehicle's make, model, year, MSRP) are not compared; nor are the RO categories no
  feature reads (brakes, battery, diagnosis, body).
- Nothing is written to the store (no stored run, no movements).
- Deals and ROs without a VIN are left out (the import requires one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from baseline_records import Codes, Window, cut_to, decode, load_inputs
from baseline_sales import (
    add_coverages,
    add_lease,
    add_mileage,
    add_payments,
    add_value,
    half_up,
    kept_readings,
    opportunities,
    projection,
)
from baseline_service import (
    RFM_COLUMNS,
    add_market_area,
    add_service_due,
    add_visits,
    rfm_scores,
)

from dealerreach.features.config import RuleConfig
from dealerreach.segments.export import EXPORT_COLUMNS, EXTRA_COLUMNS

__all__ = ["FEATURE_COLUMNS", "export_frame", "features", "load_inputs"]

# --- segments ------------------------------------------------------------------------------

def sales_matches(o: pd.DataFrame, window: Window, config: RuleConfig) -> dict[str, pd.Series]:
    day, deal_type = window.day, o["deal_type"]
    maturity = o["lease_maturity_date"]
    coverage_end = o["coverage_end_date"]
    return {
        "finance_upgrade": (deal_type == "finance")
        & (o["equity"] > config.finance_upgrade_min_equity),
        "lease_upgrade": (deal_type == "lease") & (maturity >= day)
        & (maturity <= window.months_after(config.lease_upgrade_months)),
        "lease_overage": (deal_type == "lease")
        & (o["payments_remaining"] <= config.lease_overage_max_payments_remaining)
        & o["over_allowance"],
        "high_apr": (deal_type == "finance") & (o["apr"] >= config.high_apr_percent),
        "warranty_alert": deal_type.isin(["cash", "finance"]) & (coverage_end >= day)
        & (coverage_end <= day + pd.Timedelta(days=config.warranty_alert_days)),
        "service_conquest": o["deal_id"].isna()
        & (o["visits_conquest_window"] >= config.service_conquest_min_visits),
    }


def service_matches(o: pd.DataFrame, window: Window,
                    config: RuleConfig) -> dict[str, pd.Series]:
    home = o["rooftop_id"]
    last_cpro, prev_cpro = o["last_cpro_date"], o["prev_cpro_date"]
    last_visit, moved = o["last_visit_date"], o["moved_into_market_area_date"]
    last = window.last_months
    at_risk, lapsed = config.at_risk_months, config.lapsed_months
    moved_recently = ((moved > window.day - pd.Timedelta(days=config.new_to_market_days))
                      & (moved <= window.day))
    return {
        "retained": (o["last_cpro_rooftop_id"] == home) & (o["prev_cpro_rooftop_id"] == home)
        & last(prev_cpro, config.retained_window_months)
        & last(last_cpro, config.retained_window_months)
        & last(last_cpro, config.retained_recent_months),
        "multi_rooftop_visit": (o["multi_rooftop_cpros"] >= config.multi_rooftop_min_cpros)
        & (o["multi_rooftop_rooftops"] >= 2),
        "capture": o["deal_id"].isna() & last(o["last_home_cpro_date"], config.capture_months),
        "single_visit": last(last_cpro, config.single_visit_months)
        & ~last(prev_cpro, config.single_visit_months)
        & (o["last_cpro_rooftop_id"] == home),
        "warranty_only": last(o["last_home_warranty_date"], config.warranty_only_months)
        & ~last(last_cpro, config.warranty_only_months),
        "prepaid_maintenance": o["maintenance_plan_active"],
        "new_to_market_area": moved_recently & (last_visit.isna() | (last_visit < moved)),
        "at_risk": window.months_ago(last_visit, at_risk[0], at_risk[1]),
        "lapsed": window.months_ago(last_visit, lapsed[0], lapsed[1]),
        "lost": last_visit <= window.months_before(config.lost_months),
    }


def assign(matches: dict[str, pd.Series], order: Sequence[str], *, default: str,
           no_flags: str) -> tuple[pd.Series, pd.Series]:
    """(primary segment, flags): the first match in ``order``, and every match joined by
    ";" (``no_flags`` when none). Each distinct combination of matches is spelled once."""
    unknown = [name for name in order if name not in matches]
    if unknown:
        raise ValueError(f"unknown segments in the order: {', '.join(unknown)}")
    combination = sum(matches[name].fillna(False).astype("int64") * (1 << bit)
                      for bit, name in enumerate(order))
    combination = pd.Series(combination, index=next(iter(matches.values())).index)
    primary, flags = {}, {}
    for value in combination.unique():
        names = [name for bit, name in enumerate(order) if value >> bit & 1]
        primary[value] = names[0] if names else default
        flags[value] = ";".join(names) if names else no_flags
    return combination.map(primary), combination.map(flags)


# --- the whole frame -----------------------------------------------------------------------

def features(tables: dict[str, pd.DataFrame], as_of: date, config: RuleConfig) -> pd.DataFrame:
    """Every opportunity on D with the features its segments and the export read (keys
    still encoded)."""
    window = Window(as_of)
    inputs = cut_to(tables, window)
    opps = opportunities(inputs, window)
    kept = kept_readings(inputs, opps["vin"])
    opps = add_mileage(opps, kept, config)
    opps["daily_rate"] = opps["rate_num"] / opps["rate_den"]
    at_day = pd.Series(window.day, index=opps.index)
    opps["projected_odometer"] = half_up(projection(opps, at_day), opps["rate_den"])
    opps = add_lease(add_payments(opps, window))
    opps = add_coverages(opps, inputs, kept, window, config)
    opps = add_value(opps, inputs, window, config)
    opps = add_visits(opps, inputs, window, config)
    opps = add_service_due(opps, kept, config)
    opps = add_market_area(opps, inputs)
    opps = opps.join(rfm_scores(inputs, window, config), on="person_id")
    opps.attrs["codes"] = inputs.codes
    return opps


FEATURE_COLUMNS = (
    "home_date", "home_source", "deal_id", "deal_date", "first_reading_date",
    "last_reading_date", "first_reading", "last_reading",
    "reading_count", "daily_rate", "projected_odometer", "payments_made",
    "basic_warranty_end", "service_contract_end", "maintenance_plan_end",
    "maintenance_plan_active", "coverage_end_kind", "market_value", "value_source",
    "visits_conquest_window", "visits_12m", "visits_24m", "cpro_24m",
    "last_cpro_date", "multi_rooftop_cpros", "multi_rooftop_rooftops", "maintenance_customer",
    "tire_customer", "declined_lines_24m", "last_maintenance_date", "last_cpro_rooftop_id",
    "prev_cpro_date", "prev_cpro_rooftop_id", "cpro_12m_home", "last_home_cpro_date",
    "last_home_warranty_date", "next_service_due_date", "distance_to_rooftop",
    "in_market_area", "moved_into_market_area_date", *RFM_COLUMNS)
"""The run's other features the baseline computes too, compared with the stored run's."""


def export_frame(tables: dict[str, pd.DataFrame], as_of: date,
                 config: RuleConfig | None = None) -> pd.DataFrame:
    """One row per opportunity on ``as_of`` with the export's columns, in its order, then
    ``FEATURE_COLUMNS``."""
    config = RuleConfig() if config is None else config
    if config.custom_segments:
        raise ValueError("the pandas baseline does not support custom segments")
    window = Window(as_of)
    opps = features(tables, as_of, config)
    codes: Codes = opps.attrs["codes"]
    opps["sales_segment"], opps["sales_flags"] = assign(
        sales_matches(opps, window, config), config.sales_segment_order,
        default="everyone_else", no_flags="everyone_else")
    opps["service_segment"], opps["service_flags"] = assign(
        service_matches(opps, window, config), config.service_segment_order,
        default="none", no_flags="")
    opps = opps.sort_values(["rooftop_id", "customer_id", "vin"], ignore_index=True)
    for column, uniques in (("rooftop_id", codes.rooftop), ("customer_id", codes.customer),
                            ("vin", codes.vin), ("person_id", codes.person)):
        opps[column] = decode(opps[column], uniques)
    for column, uniques in (("last_cpro_rooftop_id", codes.rooftop),
                            ("prev_cpro_rooftop_id", codes.rooftop), ("deal_id", codes.deal)):
        known = opps[column].notna()
        opps[column] = decode(opps[column].fillna(-1).astype("int64"), uniques).where(known)
    opps.attrs = {}
    return opps[[*EXPORT_COLUMNS, *EXTRA_COLUMNS, *FEATURE_COLUMNS]]
