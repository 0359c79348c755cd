"""Visits, CPROs, warranty ROs and RO-category flags of an opportunity, on DuckDB.

D is 2025-06-15: "the last 12 months" is (2024-06-15, 2025-06-15], "the last 24 months"
(2023-06-15, 2025-06-15].
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.service import add_service_due, add_visit_features
from dealerreach.model.dates import add_months as model_add_months
from dealerreach.model.mileage import clean_readings, date_reaching
from features.contract import postgres_backend
from features.helpers_service import (
    OPP_TYPES,
    D,
    customer,
    deal,
    features,
    line,
    opp,
    ro,
    run_step,
    version,
)

TWELVE_MONTHS_AGO = date(2024, 6, 15)
TWENTY_FOUR_MONTHS_AGO = date(2023, 6, 15)


def _visits(o: ibis.Table, inputs: Inputs, as_of: date, config: RuleConfig) -> ibis.Table:
    return add_visit_features(o, inputs, as_of=as_of, config=config)


def visits(**kwargs: Any) -> dict[str, Any]:
    """The visit features of V1 (home rooftop R1, customer C1)."""
    return run_step(_visits, **kwargs)["V1"]


# --- windows ---------------------------------------------------------------------------

def test_cpro_12m_excludes_a_cpro_exactly_twelve_months_before_d():
    f = visits(repair_orders=[ro("1", TWELVE_MONTHS_AGO)])
    assert (f["cpro_12m"], f["cpro_24m"], f["visits_12m"], f["visits_24m"]) == (0, 1, 0, 1)


def test_cpro_12m_includes_a_cpro_one_day_inside_the_window_and_on_d():
    f = visits(repair_orders=[ro("1", date(2024, 6, 16)), ro("2", D)])
    assert (f["cpro_12m"], f["visits_12m"]) == (2, 2)


def test_cpro_24m_excludes_exactly_twenty_four_months_before_d():
    f = visits(repair_orders=[ro("1", TWENTY_FOUR_MONTHS_AGO), ro("2", date(2023, 6, 16))])
    assert (f["cpro_24m"], f["visits_24m"]) == (1, 1)
    assert f["last_visit_date"] == date(2023, 6, 16)


def test_cpro_windows_follow_the_configured_months():
    config = RuleConfig(cpro_short_months=6, cpro_long_months=9)
    f = visits(config=config, repair_orders=[
        ro("1", date(2024, 12, 15)), ro("2", date(2024, 12, 16)), ro("3", date(2024, 9, 16))])
    assert (f["cpro_12m"], f["cpro_24m"]) == (1, 3)


def test_ro_dated_after_d_is_ignored():
    f = visits(repair_orders=[ro("1", date(2025, 6, 16))])
    assert (f["visits_12m"], f["cpro_12m"], f["last_visit_date"]) == (0, 0, None)


def test_window_from_feb_29_starts_after_feb_28_of_the_year_before():
    # 2024-02-29 - 12 months = 2023-02-28 (clamped): that day is outside, Mar 1 inside
    f = visits(as_of=date(2024, 2, 29),
               repair_orders=[ro("1", date(2023, 2, 28)), ro("2", date(2023, 3, 1))])
    assert f["cpro_12m"] == 1


def test_window_from_a_month_end_keeps_the_leap_day_inside():
    # 2025-02-28 - 12 months = 2024-02-28: Feb 29 2024 is inside the window
    f = visits(as_of=date(2025, 2, 28),
               repair_orders=[ro("1", date(2024, 2, 28)), ro("2", date(2024, 2, 29))])
    assert f["cpro_12m"] == 1


# --- what a CPRO is --------------------------------------------------------------------

def test_a_declined_c_line_does_not_make_a_cpro():
    f = visits(repair_orders=[ro("1", D, pay=120.0)],
               ro_lines=[line("1", labor_type="C", declined="yes")])
    assert (f["cpro_12m"], f["visits_12m"], f["last_cpro_date"]) == (0, 1, None)


def test_a_performed_c_line_beside_a_declined_one_makes_a_cpro():
    f = visits(repair_orders=[ro("1", D, pay=120.0)],
               ro_lines=[line("1", "1", declined="yes"), line("1", "2", declined=None)])
    assert f["cpro_12m"] == 1


def test_customer_pay_total_zero_with_a_c_line_is_not_a_cpro():
    f = visits(repair_orders=[ro("1", D, pay=0.0)], ro_lines=[line("1", labor_type="C")])
    assert f["cpro_12m"] == 0


def test_customer_pay_total_null_is_not_a_cpro():
    f = visits(repair_orders=[ro("1", D, pay=None)])
    assert f["cpro_12m"] == 0


def test_an_ro_without_lines_and_customer_pay_above_zero_is_a_cpro():
    f = visits(repair_orders=[ro("1", D, pay=0.01), ro("2", D, pay=0.0)])
    assert (f["cpro_12m"], f["visits_12m"]) == (1, 2)


def test_an_ro_with_only_warranty_lines_is_not_a_cpro_even_with_customer_pay():
    f = visits(repair_orders=[ro("1", D, pay=50.0)], ro_lines=[line("1", labor_type="W")])
    assert f["cpro_12m"] == 0


def test_a_body_ro_is_not_a_visit_nor_a_cpro():
    f = visits(repair_orders=[ro("1", D, department="body"), ro("2", D, department="parts")])
    assert (f["visits_12m"], f["cpro_12m"], f["last_visit_date"]) == (0, 0, None)


def test_a_visit_is_a_distinct_rooftop_and_ro_number():
    f = visits(repair_orders=[ro("1", D, rooftop_id="R1"), ro("1", D, rooftop_id="R2")])
    assert (f["visits_12m"], f["cpro_12m"]) == (2, 2)


def test_visits_of_the_vin_count_whoever_owned_it():
    f = visits(customers=[customer("C1"), customer("C9")],
               repair_orders=[ro("1", D, customer_id="C9")])
    assert f["visits_12m"] == 1


def test_an_internal_customers_ro_is_not_a_visit():
    f = visits(customers=[customer("C1"), customer("INT", customer_type="internal")],
               repair_orders=[ro("1", D, customer_id="INT")])
    assert (f["visits_12m"], f["cpro_12m"]) == (0, 0)


# --- rooftops of CPROs -----------------------------------------------------------------

def test_cpro_12m_home_counts_cpros_at_the_home_rooftop_only():
    f = visits(repair_orders=[ro("1", D), ro("2", D, rooftop_id="R2"),
                              ro("3", TWELVE_MONTHS_AGO)])
    assert (f["cpro_12m"], f["cpro_12m_home"]) == (2, 1)
    assert f["last_home_cpro_date"] == D


def test_the_two_most_recent_cpros_give_dates_and_rooftops():
    f = visits(repair_orders=[ro("1", date(2025, 5, 1), rooftop_id="R2"),
                              ro("2", date(2025, 1, 1)), ro("3", date(2024, 1, 1)),
                              ro("4", date(2025, 6, 1), pay=0.0)])
    assert (f["last_cpro_date"], f["last_cpro_rooftop_id"]) == (date(2025, 5, 1), "R2")
    assert (f["prev_cpro_date"], f["prev_cpro_rooftop_id"]) == (date(2025, 1, 1), "R1")
    assert f["last_home_cpro_date"] == date(2025, 1, 1)
    assert f["last_visit_date"] == date(2025, 6, 1)


def test_multi_rooftop_counts_cpros_and_their_rooftops_in_24_months():
    f = visits(repair_orders=[ro("1", D), ro("2", D), ro("3", date(2023, 6, 16), rooftop_id="R2"),
                              ro("4", TWENTY_FOUR_MONTHS_AGO, rooftop_id="R3")])
    assert (f["multi_rooftop_cpros"], f["multi_rooftop_rooftops"]) == (3, 2)


# --- warranty ROs ----------------------------------------------------------------------

def test_a_performed_w_line_makes_a_warranty_ro_at_its_rooftop():
    f = visits(repair_orders=[ro("1", date(2025, 1, 2), pay=0.0)],
               ro_lines=[line("1", labor_type="W")])
    assert f["last_home_warranty_date"] == date(2025, 1, 2)


def test_a_declined_w_line_does_not_make_a_warranty_ro():
    f = visits(repair_orders=[ro("1", D, pay=0.0)],
               ro_lines=[line("1", labor_type="W", declined="yes")])
    assert f["last_home_warranty_date"] is None


def test_a_recall_line_counts_as_warranty():
    f = visits(repair_orders=[ro("1", D, pay=0.0), ro("2", date(2025, 1, 1), pay=0.0)],
               ro_lines=[line("1", labor_type="I", recall="yes"),
                         line("2", labor_type="I", description="Rückruf 23A4: Software")])
    assert f["last_home_warranty_date"] == D


def test_an_ro_without_lines_is_warranty_when_warranty_total_is_above_zero():
    f = visits(repair_orders=[ro("1", date(2025, 2, 1), pay=0.0, warranty_total=80.0),
                              ro("2", D, pay=0.0, warranty_total=0.0)])
    assert f["last_home_warranty_date"] == date(2025, 2, 1)


def test_a_warranty_ro_elsewhere_is_not_at_the_home_rooftop():
    f = visits(repair_orders=[ro("1", D, rooftop_id="R2", pay=0.0, warranty_total=80.0)])
    assert f["last_home_warranty_date"] is None


# --- RO-category flags -----------------------------------------------------------------

def test_maintenance_and_tire_customers_had_that_work_done_in_24_months():
    f = visits(repair_orders=[ro("1", date(2024, 1, 5)), ro("2", date(2023, 6, 1))],
               ro_lines=[line("1", "1", op_code="LOF", description="Lube, oil and filter"),
                         line("2", "1", op_code="TIRE4", description="Mount four new tires")])
    assert (f["maintenance_customer"], f["tire_customer"]) == (True, False)
    assert f["last_maintenance_date"] == date(2024, 1, 5)


def test_declined_work_does_not_make_a_maintenance_customer_but_is_counted():
    f = visits(repair_orders=[ro("1", D), ro("2", date(2023, 1, 1))],
               ro_lines=[line("1", "1", description="Ölwechsel", declined="yes"),
                         line("1", "2", description="Reifenwechsel", declined="yes"),
                         line("2", "1", description="Bremsen", declined="yes")])
    assert (f["maintenance_customer"], f["tire_customer"]) == (False, False)
    assert (f["declined_lines_24m"], f["last_maintenance_date"]) == (2, None)


def test_no_visits_give_zero_counts_false_flags_and_null_dates():
    f = visits()
    assert [f[c] for c in ("visits_12m", "cpro_24m", "declined_lines_24m")] == [0, 0, 0]
    assert (f["maintenance_customer"], f["last_visit_date"]) == (False, None)


def test_each_opportunity_gets_its_own_vins_visits():
    rows = run_step(_visits, [opp("V1"), opp("V2", customer_id="C2", rooftop_id="R2")],
                    customers=[customer("C1"), customer("C2", rooftop_id="R2")],
                    deals=[deal("D1", date(2020, 1, 1))],
                    repair_orders=[ro("1", D, vin="V2", rooftop_id="R2", customer_id="C2")])
    assert (rows["V1"]["visits_12m"], rows["V2"]["visits_12m"]) == (0, 1)
    assert rows["V2"]["cpro_12m_home"] == 1


# --- next service due ------------------------------------------------------------------

def _due(o: ibis.Table, inputs: Inputs, as_of: date, config: RuleConfig) -> ibis.Table:
    return add_service_due(add_visit_features(o, inputs, as_of=as_of, config=config), inputs,
                           config=config)


def due(**kwargs: Any) -> dict[str, Any]:
    return run_step(_due, **kwargs)["V1"]


def _oil(number: str, rooftop_id: str = "R1") -> dict[str, Any]:
    return line(number, rooftop_id=rooftop_id, op_code="LOF", description="Oil change")


def test_next_service_due_is_six_months_after_maintenance_when_the_miles_come_later():
    # 1,000 miles in 100 days: 5,000 more take 500 days
    f = due(repair_orders=[ro("1", date(2024, 10, 1), odometer=10_000),
                           ro("2", date(2025, 1, 9), odometer=11_000)],
            ro_lines=[_oil("2")])
    assert f["next_service_due_date"] == date(2025, 7, 9)


def test_next_service_due_is_the_day_the_projection_reaches_the_interval():
    # 100 miles a day from the maintenance reading 20,000: 25,000 after 50 days
    f = due(repair_orders=[ro("1", date(2025, 1, 1), odometer=17_000),
                           ro("2", date(2025, 1, 31), odometer=20_000)],
            ro_lines=[_oil("2")])
    assert f["next_service_due_date"] == date(2025, 3, 22)


def test_next_service_due_rounds_up_to_the_first_day_at_or_over_the_limit():
    # 930 miles in 30 days = 31 a day: 5,000 / 31 = 161.3 -> day 162 (6,952 >= 6,930)
    f = due(repair_orders=[ro("1", date(2025, 1, 1), odometer=1_000),
                           ro("2", date(2025, 1, 31), odometer=1_930)],
            ro_lines=[_oil("2")])
    assert f["next_service_due_date"] == date(2025, 7, 12)


def test_a_reading_at_the_limit_makes_the_service_due_on_that_readings_date():
    f = due(repair_orders=[ro("1", date(2024, 12, 1), odometer=30_000),
                           ro("2", date(2025, 2, 1), odometer=35_000)],
            ro_lines=[_oil("1")])
    assert f["next_service_due_date"] == date(2025, 2, 1)


def test_readings_spanning_under_30_days_use_the_default_annual_miles():
    # 29 days apart: 12,000 miles a year, 5,000 take ceil(5,000 x 365 / 12,000) = 153 days
    f = due(repair_orders=[ro("1", date(2025, 1, 1), odometer=1_000),
                           ro("2", date(2025, 1, 30), odometer=1_100)],
            ro_lines=[_oil("2")])
    assert f["next_service_due_date"] == date(2025, 7, 2)


def test_km_rooftops_use_8047_km_and_the_default_annual_km():
    # 20,000 km a year: 8,047 km take ceil(8,047 x 365 / 20,000) = 147 days
    f = due(opps=[opp(rooftop_id="R3")], customers=[customer("C1", rooftop_id="R3")],
            repair_orders=[ro("1", date(2025, 1, 1), rooftop_id="R3", odometer=5_000)],
            ro_lines=[_oil("1", rooftop_id="R3")])
    assert f["next_service_due_date"] == date(2025, 5, 28)


def test_a_maintenance_ro_without_odometer_uses_the_last_reading_before_it():
    # readings 10,000 (Jan 1) and 10,600 (Apr 1, 90 days): rate 600/90; maintenance on
    # Mar 1 has no odometer -> limit 15,000, reached ceil(4,400 x 90 / 600) = 660 days
    # after Apr 1 -> the 6-month date wins
    f = due(repair_orders=[ro("1", date(2024, 1, 1), odometer=10_000),
                           ro("2", date(2024, 3, 1), odometer=None),
                           ro("3", date(2024, 3, 31), odometer=10_600)],
            ro_lines=[_oil("2")])
    assert f["next_service_due_date"] == date(2024, 9, 1)


def test_without_maintenance_there_is_no_next_service_due_date():
    f = due(repair_orders=[ro("1", date(2025, 1, 1), odometer=1_000)])
    assert f["next_service_due_date"] is None


_READING = st.tuples(st.dates(date(2022, 1, 1), D),
                     st.one_of(st.none(), st.integers(0, 60_000)), st.booleans())
_VIN = st.tuples(st.lists(_READING, min_size=1, max_size=5), st.sampled_from(["R1", "R3"]),
                 st.one_of(st.none(), st.tuples(st.dates(date(2021, 1, 1), D),
                                                st.integers(0, 60_000))))


def _expected_due(readings: list[tuple[date, int | None, bool]], unit: str,
                  deal_reading: tuple[date, int] | None) -> date | None:
    """The rule in words, with the pure-Python reference functions."""
    maintained = [on for on, _, is_maintenance in readings if is_maintenance]
    if not maintained:
        return None
    last = max(maintained)
    odometers = [(on, odo) for on, odo, _ in readings if odo is not None]
    odometers += [deal_reading] if deal_reading else []
    base = [r.odometer for r in clean_readings(odometers) if r.on <= last]
    by_time = model_add_months(last, 6)
    if not base:
        return by_time
    interval, annual = (5_000, 12_000) if unit == "mi" else (8_047, 20_000)
    by_distance = date_reaching(odometers, miles=max(base) + interval, default_annual=annual)
    return by_time if by_distance is None else min(by_time, by_distance)


@settings(max_examples=12, deadline=None)
@given(st.lists(_VIN, min_size=1, max_size=8))
def test_next_service_due_agrees_with_the_reference_rules(vins):
    opps, customers, ros, lines, deals, expected = [], [], [], [], [], {}
    for i, (readings, rooftop, deal_reading) in enumerate(vins):
        vin, cid = f"V{i}", f"C{i}"
        opps.append(opp(vin, rooftop_id=rooftop, customer_id=cid))
        customers.append(customer(cid, rooftop_id=rooftop))
        for k, (on, odo, is_maintenance) in enumerate(readings):
            ros.append(ro(f"{i}-{k}", on, vin=vin, rooftop_id=rooftop, customer_id=cid,
                          odometer=odo))
            if is_maintenance:
                lines.append(_oil(f"{i}-{k}", rooftop_id=rooftop))
        if deal_reading:
            deals.append(deal(f"D{i}", deal_reading[0], vin=vin, rooftop_id=rooftop,
                              customer_id=cid, odometer=deal_reading[1]))
        expected[vin] = _expected_due(readings, "mi" if rooftop == "R1" else "km", deal_reading)
    rows = run_step(_due, opps, customers=customers, repair_orders=ros, ro_lines=lines,
                    deals=deals)
    assert {vin: r["next_service_due_date"] for vin, r in rows.items()} == expected


# --- every engine gives the same features -----------------------------------------------

@pytest.mark.postgres
def test_postgres_computes_the_same_service_features_as_duckdb():
    records = {
        "opps": [opp("V1"), opp("V2", rooftop_id="R2", customer_id="C2"),
                 opp("V3", rooftop_id="R3", customer_id="C3", deal_id="D3")],
        "customers": [customer("C1", postal_code="43017-1234"),
                      customer("C2", rooftop_id="R2", postal_code="80401"),
                      customer("C3", rooftop_id="R3", postal_code="50859")],
        "customer_versions": [version("C1", date(2024, 1, 1), "43026", changed="created"),
                              version("C1", date(2025, 5, 1), "43017")],
        "repair_orders": [ro("1", date(2025, 1, 10), odometer=10_000),
                          ro("2", date(2024, 6, 1), rooftop_id="R2", odometer=5_000),
                          ro("3", date(2024, 3, 1), vin="V2", rooftop_id="R2",
                             customer_id="C2", odometer=20_000, warranty_total=50.0),
                          ro("4", date(2023, 3, 1), vin="V3", rooftop_id="R3",
                             customer_id="C3", odometer=1_000),
                          ro("5", date(2024, 3, 1), vin="V3", rooftop_id="R3",
                             customer_id="C3", odometer=30_000, department="body")],
        "ro_lines": [line("1", description="Ölwechsel mit Ölfilter"),
                     line("1", "2", description="Reifen", declined="yes"),
                     line("3", rooftop_id="R2", labor_type="W", recall="yes"),
                     line("4", rooftop_id="R3", description="INSPEKTION")],
        "deals": [deal("D3", date(2023, 1, 1), vin="V3", rooftop_id="R3", customer_id="C3",
                       odometer=10, sale_price=30_000.0)],
    }
    expr = features(records.pop("opps"), **records)
    on_duckdb = ibis.duckdb.connect().to_pyarrow(expr.order_by("vin")).to_pylist()
    on_postgres = postgres_backend().to_pyarrow(expr.order_by("vin")).to_pylist()
    assert _rounded(on_postgres) == _rounded(on_duckdb)
    assert on_duckdb[0]["moved_into_market_area_date"] == date(2025, 5, 1)


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


EXPECTED_TYPES = {
    **dict.fromkeys(("visits_12m", "visits_24m", "cpro_12m", "cpro_24m", "cpro_12m_home",
                     "multi_rooftop_cpros", "multi_rooftop_rooftops", "declined_lines_24m"),
                    "int64"),
    **dict.fromkeys(("last_visit_date", "last_cpro_date", "prev_cpro_date",
                     "last_home_cpro_date", "last_home_warranty_date", "last_maintenance_date",
                     "next_service_due_date", "moved_into_market_area_date"), "date"),
    **dict.fromkeys(("last_cpro_rooftop_id", "prev_cpro_rooftop_id"), "string"),
    **dict.fromkeys(("maintenance_customer", "tire_customer", "in_market_area"), "boolean"),
    "distance_to_rooftop": "float64",
    **{f"rfm_{d}_{s}": "int64" for d in ("sales", "service", "parts", "body") for s in "rfm"},
}


def test_add_service_features_adds_the_documented_columns_with_their_types():
    schema = features([opp()]).schema()
    added = {name: str(kind).lstrip("!") for name, kind in schema.items()
             if name not in OPP_TYPES}
    assert added == EXPECTED_TYPES
    doc = (Path(__file__).parents[2] / "docs" / "features-service.md").read_text()
    undocumented = [name for name in added
                    if not name.startswith("rfm_") and f"`{name}`" not in doc]
    assert undocumented == []
    assert "`rfm_<department>_<r,f,m>`" in doc
