"""Market value and equity (PRODUCT.md "Value and equity"), on D = 2025-06-15."""

from __future__ import annotations

from datetime import date

import pytest

from features.helpers_sales import D, case, run_cases, valuation

CAMRY_LE = {"year": 2023, "make": "Toyota", "model": "Camry", "trim": "LE"}
COROLLA_LE = {**CAMRY_LE, "model": "Corolla"}
RAV4_XLE = {**CAMRY_LE, "model": "RAV4", "trim": "XLE"}
PRIUS_LE = {**CAMRY_LE, "model": "Prius"}
"""Model rows are group-wide: each case values its own model."""
ZERO_APR = {"deal_type": "finance", "amount_financed": 12_000.0, "apr": 0.0,
            "term_months": 12, "first_payment_date": date(2025, 3, 15),
            "deal_date": date(2025, 2, 15)}
"""4 of 12 payments made on D: payoff 8,000.00."""


def priced(vin: str, *rows: tuple[float, date], **values: object):
    return case(vin, valuations=[valuation(v, on, vin=vin) for v, on in rows], **values)


CASES = [
    case("VIN-BEATS-MODEL", valuations=[
        valuation(15_000, date(2025, 1, 1), vin="VIN-BEATS-MODEL"),
        valuation(18_000, date(2025, 6, 1), **CAMRY_LE)]),
    priced("NEWEST-VIN", (14_000, date(2025, 1, 1)), (16_000, date(2025, 6, 15)),
           (99_999, date(2025, 6, 16))),
    priced("SAME-DAY-VIN", (10_000, date(2025, 3, 1)), (11_000, date(2025, 3, 1))),
    case("MODEL-NEWEST", car={"make": "TOYOTA", "model": "corolla", "trim": "le"},
         valuations=[valuation(17_000, date(2025, 2, 1), **COROLLA_LE),
                     valuation(16_000, date(2025, 5, 1), **{**COROLLA_LE, "trim": None})]),
    case("MODEL-TRIM-FIRST", car={"make": "Toyota", "model": "RAV-4", "trim": "XLE"},
         valuations=[valuation(21_000, date(2025, 5, 1), **RAV4_XLE),
                     valuation(25_000, date(2025, 5, 1), **{**RAV4_XLE, "trim": None})]),
    case("OTHER-TRIM", car={"model": "Prius", "trim": "SE", "msrp": 30_000.0,
                            "in_service_date": D},
         valuations=[valuation(17_000, date(2025, 2, 1), **PRIUS_LE)]),
    case("DEPRECIATION", car={"model": "Yaris", "msrp": 30_000.0,
                              "in_service_date": date(2023, 6, 15)}),
    case("MODEL-YEAR-AGE", car={"model": "Yaris", "msrp": 30_000.0, "year": 2024}),
    case("FUTURE-MODEL-YEAR", car={"model": "Yaris", "msrp": 30_000.0, "year": 2026}),
    case("NO-MSRP", car={"model": "Yaris"}),
    case("YEAR-0", car={"model": "Yaris", "msrp": 30_000.0, "year": 0}),
    priced("EQUITY", (9_000, date(2025, 6, 1)), the_deal=ZERO_APR),
    priced("EQUITY-ZERO", (8_000, date(2025, 6, 1)), the_deal=ZERO_APR),
    priced("CASH", (9_000, date(2025, 6, 1)), the_deal={"deal_type": "cash"}),
    priced("LEASE", (20_000, date(2025, 6, 1)), the_deal={
        "deal_type": "lease", "residual_value": 15_000.0, "monthly_payment": 350.0,
        "term_months": 36, "first_payment_date": date(2024, 7, 15)}),
]


@pytest.fixture(scope="module")
def rows():
    return run_cases(CASES)


def value(row: dict) -> tuple[float | None, str | None]:
    return row["market_value"], row["value_source"]


def test_vin_valuation_beats_a_newer_model_valuation(rows):
    assert value(rows["VIN-BEATS-MODEL"]) == (15_000.0, "vin")


def test_newest_valuation_on_or_before_d_wins(rows):
    assert value(rows["NEWEST-VIN"]) == (16_000.0, "vin")


def test_two_valuations_of_one_day_give_the_higher_value(rows):
    assert value(rows["SAME-DAY-VIN"]) == (11_000.0, "vin")


def test_newest_model_valuation_wins_and_names_match_without_case(rows):
    assert value(rows["MODEL-NEWEST"]) == (16_000.0, "model")


def test_model_row_naming_the_trim_beats_one_for_every_trim_of_the_same_day(rows):
    assert value(rows["MODEL-TRIM-FIRST"]) == (21_000.0, "model")


def test_model_row_of_another_trim_does_not_match(rows):
    assert value(rows["OTHER-TRIM"]) == (30_000.0, "depreciation")  # age 0


def test_default_depreciation_by_age_in_years_of_365_days(rows):
    age = 731 / 365  # 2023-06-15 → 2025-06-15 includes Feb 29, 2024
    expected = 30_000 * 0.80 * 0.85 ** (age - 1)
    assert value(rows["DEPRECIATION"]) == (round(expected, 2), "depreciation")


def test_depreciation_counts_from_january_1_of_the_model_year(rows):
    age = 531 / 365  # 2024-01-01 → 2025-06-15
    expected = 30_000 * 0.80 * 0.85 ** (age - 1)
    assert value(rows["MODEL-YEAR-AGE"]) == (round(expected, 2), "depreciation")


def test_vehicle_newer_than_d_keeps_its_msrp(rows):
    assert value(rows["FUTURE-MODEL-YEAR"]) == (30_000.0, "depreciation")


def test_no_valuation_and_no_msrp_has_no_value(rows):
    assert value(rows["NO-MSRP"]) == (None, None)


def test_vehicle_without_a_usable_start_or_year_has_no_value(rows):
    assert value(rows["YEAR-0"]) == (None, None)


def test_equity_is_market_value_minus_payoff(rows):
    assert rows["EQUITY"]["payoff"] == 8_000.0
    assert rows["EQUITY"]["equity"] == 1_000.0
    assert rows["EQUITY-ZERO"]["equity"] == 0.0


def test_cash_deal_has_a_value_but_no_equity(rows):
    assert rows["CASH"]["market_value"] == 9_000.0
    assert rows["CASH"]["equity"] is None


def test_lease_equity_is_negative_when_the_payoff_is_higher(rows):
    assert rows["LEASE"]["payoff"] == 23_400.0  # 15,000 + 24 × 350
    assert rows["LEASE"]["equity"] == -3_400.0
