"""Basic warranty, service contract, maintenance plans and the coverage end (PRODUCT.md
"Warranty"). Named cases run together on D = 2025-06-15; a property test compares random
vehicles with ``model.warranty``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerreach.features.config import MakeTermSetting, RuleConfig
from dealerreach.model import warranty
from dealerreach.model.warranty import Unit
from features.helpers_sales import D, case, deal, ro, run_cases, run_cases_on_postgres


def car(make: str = "Toyota", in_service: date | None = None) -> dict:
    return {"make": make, "in_service_date": in_service}


def readings(vin: str, *points: tuple[date, int]) -> list[dict]:
    return [ro(vin, f"{vin}-{i}", on, odo) for i, (on, odo) in enumerate(points)]


CASES = [
    case("ENDS-ON-D", car=car(in_service=date(2022, 6, 15)),
         ros=readings("ENDS-ON-D", (date(2024, 6, 15), 10_000))),
    case("ENDED-YESTERDAY", car=car(in_service=date(2022, 6, 14))),
    # 20,000 → 30,000 over 366 days; 6,000 more takes ⌈6,000 × 366 / 10,000⌉ = 220 days
    case("BY-MILES", car=car(in_service=date(2023, 1, 1)),
         ros=readings("BY-MILES", (date(2024, 1, 1), 20_000), (date(2025, 1, 1), 30_000))),
    case("READING-AT-LIMIT", car=car(in_service=date(2023, 1, 1)),
         ros=readings("READING-AT-LIMIT", (date(2024, 1, 1), 30_000),
                      (date(2024, 9, 1), 36_000), (date(2025, 1, 1), 40_000))),
    case("NEW-DEAL-START", car=car(), the_deal={"deal_type": "cash",
                                                "deal_date": date(2024, 1, 1)},
         deals=[deal("NEW-DEAL-START", deal_id="FIRST", customer_id="OTHER",
                     deal_date=date(2022, 3, 10), vehicle_condition="new")]),
    # 36,000 on top of 10,000 at the default 12,000 a year: exactly 1,095 days, one day
    # before 36 months that include Feb 29, 2024
    case("CONTRACT", car=car("Honda", date(2020, 1, 1)),
         the_deal={"deal_type": "cash", "deal_date": date(2023, 6, 15), "odometer": 10_000,
                   "service_contract_months": 36, "service_contract_miles": 36_000}),
    case("KM-AT-LIMIT", car=car(in_service=date(2023, 1, 1)), distance_unit="km",
         ros=readings("KM-AT-LIMIT", (date(2025, 6, 1), 57_936))),
    case("KM-BELOW-LIMIT", car=car(in_service=date(2023, 1, 1)), distance_unit="km",
         ros=readings("KM-BELOW-LIMIT", (date(2025, 6, 1), 57_935))),
    case("MERCEDES", car=car("MERCEDES BENZ", date(2021, 7, 1))),
    case("OTHER-MAKE", car=car("Lada", date(2022, 7, 1))),
    case("OEM-PLAN", car=car("Toyota", date(2024, 1, 1))),
    case("NO-PLAN", car=car("Honda", date(2024, 1, 1))),
    case("DEAL-PLAN", car=car("Honda", date(2024, 1, 1)),
         the_deal={"deal_type": "finance", "deal_date": date(2024, 6, 1), "odometer": 100,
                   "maintenance_plan_months": 24, "maintenance_plan_miles": 24_000}),
    case("RATE-ZERO", car=car(in_service=date(2023, 1, 1)),
         ros=readings("RATE-ZERO", (date(2024, 1, 1), 10_000), (date(2025, 1, 1), 10_000))),
    case("TIE", car=car("Hyundai", date(2021, 6, 15)),
         the_deal={"deal_type": "cash", "deal_date": date(2024, 6, 15),
                   "service_contract_months": 24}),
    case("NO-START", car=car()),
]


@pytest.fixture(scope="module")
def rows():
    return run_cases(CASES)


def test_coverage_ending_on_d_is_in_force(rows):
    row = rows["ENDS-ON-D"]
    assert row["basic_warranty_end"] == D
    assert (row["coverage_end_date"], row["coverage_end_kind"]) == (D, "basic_warranty")


def test_coverage_ending_the_day_before_d_is_not_in_force(rows):
    row = rows["ENDED-YESTERDAY"]
    assert row["basic_warranty_end"] == D - timedelta(days=1)
    assert row["coverage_end_date"] is None and row["coverage_end_kind"] is None


def test_coverage_ends_by_miles_before_its_date(rows):
    assert rows["BY-MILES"]["basic_warranty_end"] == date(2025, 1, 1) + timedelta(days=220)


def test_reading_at_the_limit_ends_the_coverage_on_its_date(rows):
    assert rows["READING-AT-LIMIT"]["basic_warranty_end"] == date(2024, 9, 1)


def test_basic_warranty_starts_at_the_earliest_new_vehicle_deal(rows):
    assert rows["NEW-DEAL-START"]["basic_warranty_end"] == date(2025, 3, 10)


def test_service_contract_counts_from_the_deal_date_and_odometer(rows):
    row = rows["CONTRACT"]
    assert row["service_contract_end"] == date(2023, 6, 15) + timedelta(days=1_095)
    assert row["service_contract_end"] == date(2026, 6, 14)
    assert (row["coverage_end_date"], row["coverage_end_kind"]) == (date(2026, 6, 14),
                                                                    "service_contract")


def test_km_rooftop_limit_is_converted_to_whole_km(rows):
    assert rows["KM-AT-LIMIT"]["basic_warranty_end"] == date(2025, 6, 1)  # 57,936 km
    # 1 km short at 20,000 km a year: reached the next day
    assert rows["KM-BELOW-LIMIT"]["basic_warranty_end"] == date(2025, 6, 2)


def test_make_matches_without_case_spaces_or_punctuation(rows):
    assert rows["MERCEDES"]["basic_warranty_end"] == date(2025, 7, 1)  # 4 years


def test_other_make_gets_the_any_make_row(rows):
    assert rows["OTHER-MAKE"]["basic_warranty_end"] == date(2025, 7, 1)  # 3 years


def test_oem_maintenance_plan_is_active_for_its_make(rows):
    assert rows["OEM-PLAN"]["maintenance_plan_active"] is True
    assert rows["OEM-PLAN"]["maintenance_plan_end"] == date(2026, 1, 1)
    assert rows["NO-PLAN"]["maintenance_plan_active"] is False
    assert rows["NO-PLAN"]["maintenance_plan_end"] is None


def test_prepaid_maintenance_plan_from_the_deal_is_active(rows):
    assert rows["DEAL-PLAN"]["maintenance_plan_active"] is True
    assert rows["DEAL-PLAN"]["maintenance_plan_end"] == date(2026, 6, 1)


def test_maintenance_plan_is_not_a_coverage_for_the_alert(rows):
    assert rows["DEAL-PLAN"]["coverage_end_kind"] == "basic_warranty"
    assert rows["DEAL-PLAN"]["coverage_end_date"] == date(2027, 1, 1)


def test_rate_zero_never_ends_a_coverage_by_miles(rows):
    assert rows["RATE-ZERO"]["basic_warranty_end"] == date(2026, 1, 1)


def test_tie_between_coverages_reports_the_basic_warranty(rows):
    row = rows["TIE"]
    assert row["basic_warranty_end"] == row["service_contract_end"] == date(2026, 6, 15)
    assert row["coverage_end_kind"] == "basic_warranty"


def test_vehicle_without_start_has_no_basic_warranty(rows):
    assert rows["NO-START"]["basic_warranty_end"] is None
    assert rows["NO-START"]["coverage_end_date"] is None


@pytest.mark.postgres
def test_postgresql_gives_the_same_features(rows):
    assert run_cases_on_postgres(CASES) == rows


def test_group_table_overrides_the_shipped_terms():
    config = RuleConfig(basic_warranty=[MakeTermSetting(make="Toyota", years=5, miles=1_000),
                                        MakeTermSetting(make="*", years=1, miles=100_000)])
    rows = run_cases([case("TOYOTA", car=car(in_service=date(2024, 1, 1)),
                           ros=readings("TOYOTA", (date(2024, 1, 1), 0))),
                      case("FORD", car=car("Ford", date(2024, 1, 1)))], config=config)
    # 1,000 miles at 12,000 a year: ⌈1,000 × 365 / 12,000⌉ = 31 days
    assert rows["TOYOTA"]["basic_warranty_end"] == date(2024, 2, 1)
    assert rows["FORD"]["basic_warranty_end"] == date(2025, 1, 1)  # the "*" row


# ---- agreement with model.warranty ---------------------------------------------------

makes = st.sampled_from(["Toyota", "BMW", "kia", "Mercedes-Benz", "Fiat", "Tesla"])
points = st.lists(st.tuples(st.dates(min_value=date(2019, 1, 1), max_value=D),
                            st.integers(min_value=0, max_value=120_000)), max_size=4)
vehicles = st.fixed_dictionaries({
    "make": makes, "unit": st.sampled_from(["mi", "km"]),
    "in_service": st.one_of(st.none(), st.dates(min_value=date(2018, 1, 1), max_value=D)),
    "deal_date": st.dates(min_value=date(2019, 1, 1), max_value=D),
    "deal_odometer": st.integers(min_value=0, max_value=80_000),
    "months": st.one_of(st.none(), st.integers(min_value=1, max_value=84)),
    "miles": st.one_of(st.none(), st.integers(min_value=1_000, max_value=100_000)),
    "points": points})


def _as_case(i: int, v: dict):
    vin = f"H{i:03d}"
    return case(vin, car=car(v["make"], v["in_service"]), distance_unit=v["unit"],
                the_deal={"deal_type": "cash", "deal_date": v["deal_date"],
                          "odometer": v["deal_odometer"], "vehicle_condition": "new",
                          "service_contract_months": v["months"],
                          "service_contract_miles": v["miles"]},
                ros=readings(vin, *v["points"]))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(vehicles, min_size=1, max_size=30))
def test_coverage_ends_agree_with_the_model(drawn):
    rows = run_cases([_as_case(i, v) for i, v in enumerate(drawn)])
    for i, v in enumerate(drawn):
        row, unit = rows[f"H{i:03d}"], Unit(v["unit"])
        annual = 20_000 if unit == Unit.KM else 12_000
        all_readings = [(v["deal_date"], v["deal_odometer"]), *v["points"]]
        basic = warranty.basic_warranty(
            v["make"], start=v["in_service"] or v["deal_date"], unit=unit,
            readings=all_readings, default_annual=annual)
        coverages = [basic]
        assert row["basic_warranty_end"] == basic.end
        if v["months"] is not None:
            contract = warranty.service_contract(
                deal_date=v["deal_date"], deal_odometer=v["deal_odometer"],
                months=v["months"], miles=v["miles"], readings=all_readings,
                default_annual=annual)
            coverages.append(contract)
            assert row["service_contract_end"] == contract.end
        assert row["coverage_end_date"] == warranty.latest_coverage_end_in_force(
            coverages, as_of=D)
