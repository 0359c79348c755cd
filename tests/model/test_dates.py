from datetime import date

import pytest

from dealerreach.model.dates import add_months, in_last_days, in_last_months, within


def test_add_months_clamps_jan_31_to_feb_29_in_leap_year():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_add_months_clamps_jan_31_to_feb_28_in_common_year():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_add_months_clamps_backwards_from_march_31():
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_add_months_crosses_year_end_forwards_and_backwards():
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 15), -1) == date(2023, 12, 15)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)


def test_add_months_keeps_the_day_when_it_exists():
    assert add_months(date(2024, 1, 30), 2) == date(2024, 3, 30)


def test_add_months_zero_is_the_same_date():
    assert add_months(date(2024, 2, 29), 0) == date(2024, 2, 29)


def test_add_months_from_feb_29_by_a_year_is_feb_28():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_in_last_12_months_excludes_d_minus_12_months():
    assert not in_last_months(date(2023, 6, 15), as_of=date(2024, 6, 15), months=12)


def test_in_last_12_months_includes_the_day_after_d_minus_12_months():
    assert in_last_months(date(2023, 6, 16), as_of=date(2024, 6, 15), months=12)


def test_in_last_months_includes_as_of():
    assert in_last_months(date(2024, 6, 15), as_of=date(2024, 6, 15), months=12)


def test_in_last_months_excludes_the_day_after_as_of():
    assert not in_last_months(date(2024, 6, 16), as_of=date(2024, 6, 15), months=12)


def test_in_last_month_from_march_31_starts_after_clamped_feb_29():
    as_of = date(2024, 3, 31)
    assert not in_last_months(date(2024, 2, 29), as_of=as_of, months=1)
    assert in_last_months(date(2024, 3, 1), as_of=as_of, months=1)


def test_in_last_90_days_excludes_d_minus_90_days():
    assert not in_last_days(date(2024, 3, 17), as_of=date(2024, 6, 15), days=90)


def test_in_last_90_days_includes_d_minus_89_days_and_as_of():
    assert in_last_days(date(2024, 3, 18), as_of=date(2024, 6, 15), days=90)
    assert in_last_days(date(2024, 6, 15), as_of=date(2024, 6, 15), days=90)
    assert not in_last_days(date(2024, 6, 16), as_of=date(2024, 6, 15), days=90)


def test_within_includes_both_ends():
    lo, hi = date(2024, 6, 15), date(2024, 12, 15)
    assert within(lo, lo, hi)
    assert within(hi, lo, hi)
    assert not within(date(2024, 6, 14), lo, hi)
    assert not within(date(2024, 12, 16), lo, hi)


def test_negative_window_is_refused():
    with pytest.raises(ValueError):
        in_last_months(date(2024, 1, 1), as_of=date(2024, 1, 1), months=-1)
    with pytest.raises(ValueError):
        in_last_days(date(2024, 1, 1), as_of=date(2024, 1, 1), days=-1)
