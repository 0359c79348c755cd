from datetime import date

import pytest

from dealerreach.model.warranty import (
    ANY_MAKE,
    BASIC_WARRANTY,
    OEM_MAINTENANCE_PLANS,
    Coverage,
    CoverageKind,
    MakeTerm,
    TermTable,
    Unit,
    basic_warranty,
    coverage_end,
    in_unit,
    latest_coverage_end_in_force,
    maintenance_plan,
    service_contract,
    term_for_make,
)

DEFAULT = 12_000


def _term(make: str, table: TermTable = BASIC_WARRANTY) -> MakeTerm:
    term = term_for_make(make, table=table)
    assert term is not None, f"no term for {make!r}"
    return term


@pytest.mark.parametrize(
    ("make", "years", "miles"),
    [(m, 3, 36_000) for m in ("Toyota", "Lexus", "Honda", "Nissan", "Subaru", "Ford",
                             "Chevrolet", "GMC", "Ram", "Jeep")]
    + [(m, 4, 50_000) for m in ("BMW", "Mercedes-Benz", "Audi", "Volkswagen", "Tesla")]
    + [(m, 5, 60_000) for m in ("Hyundai", "Kia")]
    + [("Mazda", 3, 36_000), ("Polestar", 3, 36_000)],
)
def test_shipped_basic_warranty_term_per_make(make, years, miles):
    term = _term(make)
    assert (term.years, term.distance) == (years, miles)


def test_make_matching_is_case_insensitive():
    assert _term("MERCEDES-BENZ") == _term("mercedes-benz") == _term("Mercedes-Benz")
    assert _term("hyundai").years == 5


def test_make_matching_ignores_spaces_and_punctuation():
    assert _term(" Mercedes Benz ").years == 4


def test_empty_make_gets_the_any_make_term():
    assert _term("").make == ANY_MAKE


def test_group_table_overrides_the_shipped_one():
    table = TermTable(Unit.MILES, (MakeTerm("Ford", 5, 100_000), MakeTerm(ANY_MAKE, 2, 24_000)))
    assert term_for_make("ford", table=table) == MakeTerm("Ford", 5, 100_000)
    assert term_for_make("Kia", table=table) == MakeTerm(ANY_MAKE, 2, 24_000)


def test_table_without_any_make_row_has_no_term_for_other_makes():
    assert term_for_make("Honda", table=OEM_MAINTENANCE_PLANS) is None


def test_km_table_converts_36000_miles_to_57936_km():
    km = in_unit(BASIC_WARRANTY, unit=Unit.KM)
    assert km.unit == Unit.KM
    assert _term("Toyota", km).distance == 57_936  # 57,936.384
    assert _term("Kia", km).distance == 96_561  # 96,560.64


def test_km_table_converts_back_to_the_shipped_miles():
    assert in_unit(in_unit(BASIC_WARRANTY, unit=Unit.KM), unit=Unit.MILES) == BASIC_WARRANTY


def test_table_already_in_the_unit_is_unchanged():
    assert in_unit(BASIC_WARRANTY, unit=Unit.MILES) is BASIC_WARRANTY


def test_coverage_ends_by_miles_before_date():
    # 36,000 miles at 100 a day from 20,000 on 2024-01-01: 160 days later
    readings = [(date(2023, 11, 22), 16_000), (date(2024, 1, 1), 20_000)]
    end = coverage_end(start=date(2023, 1, 1), months=36, miles_limit=36_000,
                       readings=readings, default_annual=DEFAULT)
    assert end == date(2024, 6, 9)


def test_coverage_ends_by_date_when_miles_come_later():
    readings = [(date(2023, 1, 1), 10)]
    end = coverage_end(start=date(2023, 1, 1), months=36, miles_limit=36_000,
                       readings=readings, default_annual=10_000)
    assert end == date(2026, 1, 1)


def test_default_mileage_reaches_36000_a_day_before_three_years_that_span_a_leap_day():
    # 12,000 / 365 a day reaches 36,000 after 1,095 days; 2023-01-01 + 3 years is 1,096
    end = coverage_end(start=date(2023, 1, 1), months=36, miles_limit=36_000,
                       readings=[(date(2023, 1, 1), 0)], default_annual=DEFAULT)
    assert end == date(2025, 12, 31)


def test_coverage_from_feb_29_ends_on_feb_28():
    end = coverage_end(start=date(2024, 2, 29), months=36, miles_limit=None, readings=[],
                       default_annual=DEFAULT)
    assert end == date(2027, 2, 28)


def test_coverage_without_readings_ends_by_date():
    end = coverage_end(start=date(2023, 1, 1), months=36, miles_limit=36_000, readings=[],
                       default_annual=DEFAULT)
    assert end == date(2026, 1, 1)


def test_basic_warranty_starts_at_in_service_date_with_table_terms():
    item = basic_warranty("Kia", start=date(2022, 3, 15), unit=Unit.MILES,
                          readings=[(date(2022, 3, 15), 5)], default_annual=10_000)
    assert item == Coverage(CoverageKind.BASIC_WARRANTY, date(2022, 3, 15),
                            date(2027, 3, 15), 60_000, date(2027, 3, 15))


def test_basic_warranty_for_km_rooftop_uses_km_limit():
    # 20,000 km a year from 0: 57,936 km is reached after 1,058 days (57,936 x 365 / 20,000
    # = 1,057.3, rounded up), before the 3-year date limit
    item = basic_warranty("Toyota", start=date(2022, 1, 1), unit=Unit.KM,
                          readings=[(date(2022, 1, 1), 0)], default_annual=20_000)
    assert item is not None
    assert (item.mile_limit, item.end) == (57_936, date(2024, 11, 24))


def test_toyota_maintenance_plan_is_2_years_or_25000_miles():
    item = maintenance_plan("toyota", start=date(2023, 5, 1), unit=Unit.MILES,
                            readings=[(date(2023, 5, 1), 3)], default_annual=DEFAULT)
    assert item is not None
    assert (item.kind, item.date_limit, item.mile_limit) == (
        CoverageKind.MAINTENANCE_PLAN, date(2025, 5, 1), 25_000)


def test_no_maintenance_plan_for_a_make_without_one():
    assert maintenance_plan("Honda", start=date(2023, 5, 1), unit=Unit.MILES, readings=[],
                            default_annual=DEFAULT) is None


def test_service_contract_miles_count_from_the_deal_odometer():
    item = service_contract(deal_date=date(2023, 1, 1), deal_odometer=40_000, months=48,
                            miles=60_000, readings=[(date(2023, 1, 1), 40_000)],
                            default_annual=DEFAULT)
    # 100,000 at 12,000 a year from 40,000: 5 years, so the 4-year date limit ends it
    assert (item.mile_limit, item.end) == (100_000, date(2027, 1, 1))


def test_service_contract_without_mile_limit_ends_by_date():
    item = service_contract(deal_date=date(2023, 1, 1), deal_odometer=40_000, months=24,
                            miles=None, readings=[(date(2023, 1, 1), 40_000)],
                            default_annual=1_000_000)
    assert item.end == date(2025, 1, 1)


def _coverage(kind: CoverageKind, start: date, end: date) -> Coverage:
    return Coverage(kind, start, end, None, end)


BASIC = _coverage(CoverageKind.BASIC_WARRANTY, date(2021, 6, 1), date(2024, 6, 1))
CONTRACT = _coverage(CoverageKind.SERVICE_CONTRACT, date(2021, 6, 1), date(2026, 6, 1))


def test_coverage_in_force_on_its_end_date():
    assert latest_coverage_end_in_force([BASIC], as_of=date(2024, 6, 1)) == date(2024, 6, 1)


def test_coverage_not_in_force_the_day_after_its_end():
    assert latest_coverage_end_in_force([BASIC], as_of=date(2024, 6, 2)) is None


def test_coverage_in_force_on_its_start_date_but_not_before():
    assert latest_coverage_end_in_force([BASIC], as_of=date(2021, 6, 1)) == date(2024, 6, 1)
    assert latest_coverage_end_in_force([BASIC], as_of=date(2021, 5, 31)) is None


def test_latest_ending_coverage_in_force_wins():
    ends = latest_coverage_end_in_force([BASIC, CONTRACT], as_of=date(2024, 1, 1))
    assert ends == date(2026, 6, 1)


def test_expired_coverage_does_not_count_even_if_another_is_in_force():
    later_start = _coverage(CoverageKind.SERVICE_CONTRACT, date(2024, 7, 1), date(2027, 7, 1))
    assert latest_coverage_end_in_force([BASIC, later_start], as_of=date(2024, 6, 1)) == date(
        2024, 6, 1)
