"""Odometer readings, daily rate and projected odometer (PRODUCT.md "Mileage").

Named cases run together on D = 2025-06-15; a property test compares random readings
with ``model.mileage``.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerreach.model import mileage
from features.helpers_sales import D, case, customer, deal, ro, run_cases


def with_readings(vin: str, readings: list[tuple[date, int]], **values: object):
    return case(vin, ros=[ro(vin, f"{vin}-{i}", on, odo) for i, (on, odo) in enumerate(readings)],
                **values)


CASES = [
    with_readings("ONE", [(date(2025, 1, 1), 10_000)]),
    with_readings("SPAN-29", [(date(2025, 1, 1), 10_000), (date(2025, 1, 30), 11_000)]),
    with_readings("SPAN-30", [(date(2025, 1, 1), 10_000), (date(2025, 1, 31), 11_500)]),
    with_readings("TYPO", [(date(2024, 1, 1), 10_000), (date(2024, 3, 1), 5_000),
                           (date(2024, 7, 1), 16_000)]),
    with_readings("SAME-DAY", [(date(2024, 1, 1), 15_000), (date(2024, 5, 1), 20_010),
                               (date(2024, 5, 1), 20_000)]),
    with_readings("KM", [(date(2025, 1, 1), 10_000)], distance_unit="km"),
    case("NONE"),
    with_readings("HALF-UP", [(date(2025, 1, 1), 1_000), (date(2025, 3, 2), 1_030)]),
    with_readings("AFTER-D", [(date(2025, 1, 1), 10_000), (date(2025, 6, 16), 20_000)]),
    case("DEAL-READING", the_deal={"deal_type": "cash", "deal_date": date(2024, 6, 15),
                                   "odometer": 500},
         ros=[ro("DEAL-READING", "R", date(2025, 6, 15), 12_500)],
         deals=[deal("DEAL-READING", deal_id="UNWOUND", deal_date=date(2024, 12, 1),
                     odometer=50_000, status="unwound")]),
    case("INTERNAL", ros=[ro("INTERNAL", "PDI", date(2024, 6, 15), 10, customer_id="SHOP"),
                          ro("INTERNAL", "R", date(2025, 6, 15), 3_660)],
         customers=[customer("R1", "SHOP", customer_type="internal")]),
]


@pytest.fixture(scope="module")
def rows():
    return run_cases(CASES)


def default_projection(last: int, days: int, annual: int) -> int:
    """last + annual / 365 × days, half up."""
    return math.floor(Fraction(last) + Fraction(annual, 365) * days + Fraction(1, 2))


def test_one_reading_uses_the_default_annual_mileage(rows):
    row = rows["ONE"]
    assert (row["reading_count"], row["first_reading"], row["last_reading"]) == (1, 10_000,
                                                                                  10_000)
    assert row["daily_rate"] == pytest.approx(12_000 / 365)
    assert row["projected_odometer"] == default_projection(10_000, 165, 12_000)


def test_two_readings_29_days_apart_use_the_default_rate(rows):
    assert rows["SPAN-29"]["daily_rate"] == pytest.approx(12_000 / 365)
    assert rows["SPAN-29"]["projected_odometer"] == default_projection(11_000, 136, 12_000)


def test_two_readings_30_days_apart_give_the_rate(rows):
    assert rows["SPAN-30"]["daily_rate"] == 50.0
    assert rows["SPAN-30"]["projected_odometer"] == 11_500 + 50 * 135


def test_reading_below_an_earlier_one_is_ignored(rows):
    row = rows["TYPO"]
    assert (row["reading_count"], row["first_reading"], row["last_reading"]) == (2, 10_000,
                                                                                  16_000)
    assert row["daily_rate"] == pytest.approx(6_000 / 182)  # Jan 1 → Jul 1, 2024


def test_two_readings_on_one_date_are_both_kept(rows):
    row = rows["SAME-DAY"]
    assert (row["reading_count"], row["last_reading"]) == (3, 20_010)
    assert row["last_reading_date"] == date(2024, 5, 1)


def test_km_rooftop_uses_the_default_annual_km(rows):
    assert rows["KM"]["daily_rate"] == pytest.approx(20_000 / 365)
    assert rows["KM"]["projected_odometer"] == default_projection(10_000, 165, 20_000)


def test_no_readings_no_projection(rows):
    row = rows["NONE"]
    assert row["reading_count"] == 0
    assert row["projected_odometer"] is None and row["last_reading"] is None


def test_projection_rounds_half_up(rows):
    # 30 over 60 days = ½ a day; 105 days after the last reading: 1,030 + 52.5
    assert rows["HALF-UP"]["projected_odometer"] == 1_083


def test_reading_after_d_is_ignored(rows):
    assert rows["AFTER-D"]["reading_count"] == 1
    assert rows["AFTER-D"]["last_reading"] == 10_000


def test_deal_odometer_is_a_reading_and_an_unwound_deal_is_not(rows):
    row = rows["DEAL-READING"]
    assert (row["reading_count"], row["first_reading"], row["last_reading"]) == (2, 500,
                                                                                  12_500)
    assert row["projected_odometer"] == 12_500


def test_internal_customer_ro_counts_as_a_reading(rows):
    row = rows["INTERNAL"]
    assert (row["reading_count"], row["first_reading"]) == (2, 10)
    assert row["daily_rate"] == pytest.approx(3_650 / 365)


# ---- agreement with model.mileage ----------------------------------------------------

reading = st.tuples(st.dates(min_value=date(2019, 1, 1), max_value=D),
                    st.integers(min_value=0, max_value=150_000))
vehicles = st.tuples(st.lists(reading, max_size=6), st.sampled_from(["mi", "km"]))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(vehicles, min_size=1, max_size=30))
def test_readings_rate_and_projection_agree_with_the_model(drawn):
    rows = run_cases([with_readings(f"H{i:03d}", r, distance_unit=unit)
                      for i, (r, unit) in enumerate(drawn)])
    for i, (readings, unit) in enumerate(drawn):
        row, annual = rows[f"H{i:03d}"], 20_000 if unit == "km" else 12_000
        kept = mileage.clean_readings(readings)
        assert row["reading_count"] == len(kept)
        rate = mileage.daily_rate(readings, default_annual=annual)
        assert row["daily_rate"] == pytest.approx(float(rate))
        projected = mileage.projected_odometer(readings, at=D, default_annual=annual)
        if projected is None:
            assert row["projected_odometer"] is None
            continue
        assert (row["first_reading_date"], row["first_reading"]) == kept[0]
        assert (row["last_reading_date"], row["last_reading"]) == kept[-1]
        assert row["projected_odometer"] == math.floor(projected + Fraction(1, 2))
