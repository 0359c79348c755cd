import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.model.finance import (
    lease_allowance,
    lease_maturity,
    lease_payoff,
    level_payment,
    loan_payoff,
    payment_due_dates,
    payments_made,
    payments_remaining,
    to_cents,
)

# --- level payment -------------------------------------------------------------------


def test_level_payment_20000_at_6_percent_over_60_months_is_386_66():
    payment = level_payment(amount_financed=Decimal("20000"), apr_percent=6, term_months=60)
    assert to_cents(payment) == Decimal("386.66")


def test_level_payment_at_zero_apr_is_straight_line():
    payment = level_payment(amount_financed=Decimal("12000"), apr_percent=0, term_months=48)
    assert payment == Decimal("250")


def test_level_payment_is_not_rounded_before_the_end():
    payment = level_payment(amount_financed=Decimal("100"), apr_percent=0, term_months=3)
    assert payment != to_cents(payment)


def test_level_payment_refuses_a_term_below_one():
    with pytest.raises(ValueError):
        level_payment(amount_financed=100, apr_percent=5, term_months=0)


# --- due dates and payments made -----------------------------------------------------


def test_due_dates_keep_day_31_after_a_short_month():
    dates = payment_due_dates(first_payment_date=date(2024, 1, 31), term_months=4)
    assert dates == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


def test_payments_made_counts_due_date_on_as_of():
    made = payments_made(
        first_payment_date=date(2024, 1, 15), term_months=36, as_of=date(2024, 3, 15)
    )
    assert made == 3


def test_payments_made_does_not_count_due_date_after_as_of():
    made = payments_made(
        first_payment_date=date(2024, 1, 15), term_months=36, as_of=date(2024, 3, 14)
    )
    assert made == 2


def test_payments_made_is_zero_before_the_first_payment_date():
    made = payments_made(
        first_payment_date=date(2024, 1, 15), term_months=36, as_of=date(2024, 1, 14)
    )
    assert made == 0


def test_payments_made_is_at_most_the_term():
    made = payments_made(
        first_payment_date=date(2020, 1, 15), term_months=36, as_of=date(2024, 6, 1)
    )
    assert made == 36


def test_payments_made_counts_clamped_due_date_at_month_end():
    # due dates Jan 31, Feb 29, Mar 31: Feb 29 is due, so 2 made on Feb 29
    made = payments_made(
        first_payment_date=date(2024, 1, 31), term_months=36, as_of=date(2024, 2, 29)
    )
    assert made == 2


def test_twelve_vs_thirteen_payments_remaining():
    first = date(2023, 1, 15)
    on_due_date = payments_remaining(first_payment_date=first, term_months=36,
                                     as_of=date(2024, 12, 15))
    day_before = payments_remaining(first_payment_date=first, term_months=36,
                                    as_of=date(2024, 12, 14))
    assert (on_due_date, day_before) == (12, 13)


@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    term=st.integers(min_value=1, max_value=96),
    offset=st.integers(min_value=-60, max_value=3200),
)
def test_payments_made_equals_due_dates_on_or_before_as_of(first, term, offset):
    as_of = first + timedelta(days=offset)
    due = payment_due_dates(first_payment_date=first, term_months=term)
    expected = sum(1 for d in due if d <= as_of)
    assert payments_made(first_payment_date=first, term_months=term, as_of=as_of) == expected


# --- loan payoff ---------------------------------------------------------------------


def test_loan_payoff_20000_at_6_percent_after_12_of_60_payments():
    payoff = loan_payoff(amount_financed=Decimal("20000"), apr_percent=6, term_months=60,
                         payments_made=12)
    assert payoff == Decimal("16463.94")


def test_loan_payoff_before_last_payment_is_about_one_payment():
    payoff = loan_payoff(amount_financed=Decimal("20000"), apr_percent=6, term_months=60,
                         payments_made=59)
    assert payoff == Decimal("384.73")


def test_loan_payoff_with_no_payments_made_is_the_amount_financed():
    payoff = loan_payoff(amount_financed=Decimal("35000.00"), apr_percent=Decimal("24.9"),
                         term_months=72, payments_made=0)
    assert payoff == Decimal("35000.00")


def test_loan_payoff_at_zero_apr_is_straight_line():
    payoff = loan_payoff(amount_financed=Decimal("12000"), apr_percent=0, term_months=48,
                         payments_made=12)
    assert payoff == Decimal("9000.00")


def test_loan_payoff_rounds_half_cent_up():
    # 100.01 * 1/2 = 50.005 exactly: half up gives 50.01 (half even would give 50.00)
    payoff = loan_payoff(amount_financed=Decimal("100.01"), apr_percent=0, term_months=2,
                         payments_made=1)
    assert payoff == Decimal("50.01")


def test_loan_payoff_is_zero_after_the_last_payment():
    payoff = loan_payoff(amount_financed=Decimal("20000"), apr_percent=6, term_months=60,
                         payments_made=60)
    assert payoff == Decimal("0.00")


def test_loan_payoff_never_below_zero_with_more_payments_than_term():
    payoff = loan_payoff(amount_financed=Decimal("20000"), apr_percent=6, term_months=60,
                         payments_made=75)
    assert payoff == Decimal("0.00")


def test_loan_payoff_reads_float_apr_as_written():
    from_float = loan_payoff(amount_financed=20000, apr_percent=4.9, term_months=60,
                             payments_made=30)
    from_decimal = loan_payoff(amount_financed=20000, apr_percent=Decimal("4.9"),
                               term_months=60, payments_made=30)
    assert from_float == from_decimal


def test_loan_payoff_refuses_negative_payments_made():
    with pytest.raises(ValueError):
        loan_payoff(amount_financed=100, apr_percent=5, term_months=12, payments_made=-1)


def _exact_balance(amount: Decimal, apr: Decimal, term: int, made: int) -> Decimal:
    """Month-by-month amortization in exact rational arithmetic, rounded half up at the end."""
    principal, rate = Fraction(amount), Fraction(apr) / 1200
    payment = principal / term if rate == 0 else principal * rate / (1 - (1 + rate) ** -term)
    balance = principal
    for _ in range(min(made, term)):
        balance = balance * (1 + rate) - payment
    cents = math.floor(balance * 100 + Fraction(1, 2))
    return Decimal(max(cents, 0)).scaleb(-2)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("250000"), places=2)
aprs = st.one_of(st.just(Decimal(0)),
                 st.decimals(min_value=Decimal(0), max_value=Decimal(25), places=2))
terms = st.integers(min_value=1, max_value=96)


@settings(max_examples=300, deadline=None)
@given(amount=amounts, apr=aprs, term=terms, data=st.data())
def test_loan_payoff_matches_exact_amortization_to_the_cent(amount, apr, term, data):
    made = data.draw(st.integers(min_value=0, max_value=term + 3), label="payments_made")
    payoff = loan_payoff(amount_financed=amount, apr_percent=apr, term_months=term,
                         payments_made=made)
    assert payoff == _exact_balance(amount, apr, term, made)


# --- leases --------------------------------------------------------------------------


def test_lease_payoff_is_residual_plus_remaining_payments():
    payoff = lease_payoff(residual_value=Decimal("18000.00"), monthly_payment=Decimal("399.99"),
                          payments_remaining=12)
    assert payoff == Decimal("22799.88")


def test_lease_payoff_with_no_payments_remaining_is_the_residual():
    payoff = lease_payoff(residual_value=Decimal("18000.00"), monthly_payment=Decimal("399.99"),
                          payments_remaining=0)
    assert payoff == Decimal("18000.00")


def test_lease_maturity_month_end():
    assert lease_maturity(deal_date=date(2021, 5, 31), term_months=33) == date(2024, 2, 29)
    assert lease_maturity(deal_date=date(2021, 8, 31), term_months=36) == date(2024, 8, 31)


def test_lease_allowance_is_odometer_plus_annual_miles_times_term_over_12():
    allowance = lease_allowance(odometer_at_delivery=12, annual_miles=12_000, term_months=36)
    assert allowance == 36_012


def test_lease_allowance_keeps_fractional_miles_for_odd_terms():
    allowance = lease_allowance(odometer_at_delivery=5, annual_miles=10_000, term_months=13)
    assert allowance == Fraction(10_000 * 13, 12) + 5
