from datetime import date, timedelta
from fractions import Fraction

import pytest

from dealerreach.model.mileage import (
    clean_readings,
    daily_rate,
    date_reaching,
    projected_odometer,
)

DEFAULT = 12_000  # miles a year
DEFAULT_RATE = Fraction(12_000, 365)


def test_readings_are_ordered_by_date():
    kept = clean_readings([(date(2024, 5, 1), 20_000), (date(2023, 5, 1), 10_000)])
    assert kept == [(date(2023, 5, 1), 10_000), (date(2024, 5, 1), 20_000)]


def test_reading_below_earlier_is_ignored():
    kept = clean_readings([
        (date(2023, 1, 1), 10_000),
        (date(2023, 6, 1), 1_500),  # typo: 15,000 without a digit
        (date(2024, 1, 1), 22_000),
    ])
    assert kept == [(date(2023, 1, 1), 10_000), (date(2024, 1, 1), 22_000)]


def test_reading_equal_to_earlier_is_kept():
    kept = clean_readings([(date(2023, 1, 1), 10_000), (date(2023, 2, 1), 10_000)])
    assert len(kept) == 2


def test_readings_on_one_date_are_both_kept_in_odometer_order():
    kept = clean_readings([(date(2023, 1, 1), 10_050), (date(2023, 1, 1), 10_000)])
    assert [r.odometer for r in kept] == [10_000, 10_050]


def test_daily_rate_uses_default_when_readings_span_29_days():
    readings = [(date(2024, 1, 1), 10_000), (date(2024, 1, 30), 13_000)]
    assert daily_rate(readings, default_annual=DEFAULT) == DEFAULT_RATE


def test_daily_rate_uses_readings_when_they_span_30_days():
    readings = [(date(2024, 1, 1), 10_000), (date(2024, 1, 31), 13_000)]
    assert daily_rate(readings, default_annual=DEFAULT) == 100


def test_daily_rate_is_first_to_last_reading_over_their_days():
    readings = [(date(2023, 1, 1), 10_000), (date(2023, 7, 1), 11_000), (date(2024, 1, 1), 17_300)]
    assert daily_rate(readings, default_annual=DEFAULT) == Fraction(7_300, 365)


def test_daily_rate_uses_default_with_a_single_reading_or_none():
    assert daily_rate([(date(2024, 1, 1), 10_000)], default_annual=DEFAULT) == DEFAULT_RATE
    assert daily_rate([], default_annual=20_000) == Fraction(20_000, 365)


def test_daily_rate_ignores_a_typo_last_reading():
    readings = [(date(2023, 1, 1), 10_000), (date(2024, 1, 1), 13_650), (date(2024, 2, 1), 99)]
    assert daily_rate(readings, default_annual=DEFAULT) == 10


def test_daily_rate_can_be_zero():
    readings = [(date(2023, 1, 1), 10_000), (date(2024, 1, 1), 10_000)]
    assert daily_rate(readings, default_annual=DEFAULT) == 0


def test_projected_odometer_is_last_reading_plus_rate_times_days_since():
    readings = [(date(2023, 1, 1), 10_000), (date(2024, 1, 1), 13_650)]
    assert projected_odometer(readings, at=date(2024, 4, 10), default_annual=DEFAULT) == 14_650


def test_projected_odometer_on_the_last_reading_date_is_that_reading():
    readings = [(date(2024, 1, 1), 13_650)]
    assert projected_odometer(readings, at=date(2024, 1, 1), default_annual=DEFAULT) == 13_650


def test_projected_odometer_without_readings_is_unknown():
    assert projected_odometer([], at=date(2024, 1, 1), default_annual=DEFAULT) is None


def test_date_reaching_is_the_first_day_the_projection_reaches_the_limit():
    readings = [(date(2023, 1, 1), 24_000)]  # default rate: 12,000 a year
    reached = date_reaching(readings, miles=36_000, default_annual=DEFAULT)
    assert reached == date(2024, 1, 1)  # exactly 365 days later
    day_before = projected_odometer(readings, at=reached - timedelta(days=1),
                                    default_annual=DEFAULT)
    assert day_before is not None and day_before < 36_000


def test_date_reaching_rounds_a_partial_day_up():
    readings = [(date(2023, 1, 1), 10_000), (date(2023, 4, 11), 11_000)]  # 100 days: 10 a day
    assert date_reaching(readings, miles=11_005, default_annual=DEFAULT) == date(2023, 4, 12)


def test_date_reaching_is_never_when_rate_is_zero():
    readings = [(date(2023, 1, 1), 10_000), (date(2024, 1, 1), 10_000)]
    assert date_reaching(readings, miles=36_000, default_annual=DEFAULT) is None


def test_date_reaching_is_never_without_readings():
    assert date_reaching([], miles=36_000, default_annual=DEFAULT) is None


def test_date_reaching_past_the_calendar_is_never():
    readings = [(date(2023, 1, 1), 0), (date(2024, 1, 1), 1)]  # one mile a year
    assert date_reaching(readings, miles=36_000, default_annual=DEFAULT) is None


def test_date_reaching_is_the_first_reading_already_at_the_limit():
    readings = [(date(2022, 1, 1), 30_000), (date(2023, 1, 1), 36_000), (date(2024, 1, 1), 41_000)]
    assert date_reaching(readings, miles=36_000, default_annual=DEFAULT) == date(2023, 1, 1)


def test_negative_default_annual_is_refused():
    with pytest.raises(ValueError):
        daily_rate([], default_annual=-1)
