"""Payments made and remaining, payoff, lease maturity and allowance (PRODUCT.md "Payments").

Named cases run together on D = 2025-06-15; month-end cases run on the last days of
April; property tests compare random deals with ``model.finance`` and numpy-financial.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealerreach.model import finance
from features.helpers_sales import D, case, ro, run_cases, run_cases_on_postgres

npf = pytest.importorskip("numpy_financial")
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")


def loan(vin: str, *, first: date, amount: float = 20_000.0, apr: float = 5.0,
         term: int = 60, **values: object):
    return case(vin, the_deal={"deal_type": "finance", "amount_financed": amount, "apr": apr,
                               "term_months": term, "first_payment_date": first,
                               "deal_date": first - timedelta(days=30), **values})


def lease(vin: str, *, first: date | None = None, residual: float = 15_000.0,
          monthly: float = 350.0, term: int = 36, **values: object):
    deal = {"deal_type": "lease", "residual_value": residual, "monthly_payment": monthly,
            "term_months": term, "first_payment_date": first,
            "vehicle_condition": "new", **values}
    deal.setdefault("deal_date", first - timedelta(days=30) if first else date(2024, 6, 1))
    return case(vin, the_deal=deal)


CASES = [
    loan("DUE-ON-D", first=date(2025, 1, 15)),
    loan("DUE-AFTER-D", first=date(2025, 1, 16)),
    loan("BEFORE-FIRST", first=date(2025, 6, 16), term=48),
    loan("PAID-OFF", first=date(2019, 1, 15), term=36),
    loan("ZERO-APR", first=date(2025, 3, 15), amount=12_000.0, apr=0.0, term=12),
    loan("AMORTIZED", first=date(2023, 7, 15), amount=20_000.0, apr=5.0, term=60),
    loan("HALF-CENT", first=date(2025, 6, 15), amount=100.01, apr=0.0, term=2),
    loan("NO-FIRST-PAYMENT", first=date(2025, 1, 15), first_payment_date=None),
    lease("LEASE", first=date(2024, 7, 15)),
    lease("LEASE-NEGATIVE", first=date(2024, 7, 15), residual=-20_000.0, monthly=100.0),
    lease("LEASE-END-CLAMPED", deal_date=date(2023, 8, 31), term=30),
    lease("ALLOWANCE-13", deal_date=date(2024, 6, 1), term=13, odometer=5, annual_miles=10_000),
    case("CASH", the_deal={"deal_type": "cash", "term_months": 12,
                           "first_payment_date": date(2025, 1, 15)}),
    # 0 at the deal, 3,000 a hundred days later: 30 a day; maturity 365 days after the
    # deal projects 3,000 + 30 × 265 = 10,950
    lease("AT-ALLOWANCE", deal_date=date(2024, 7, 1), term=12, odometer=0,
          annual_miles=10_950),
    lease("OVER-ALLOWANCE", deal_date=date(2024, 7, 1), term=12, odometer=0,
          annual_miles=10_949),
    # 650 × 395 / 237 projected at maturity = 3,250 / 3 = 1,000 × 13 / 12 allowance
    lease("AT-FRACTIONAL-ALLOWANCE", deal_date=date(2024, 6, 1), term=13, odometer=0,
          annual_miles=1_000),
]
for c, on, odometer in ((CASES[-3], date(2024, 10, 9), 3_000),
                        (CASES[-2], date(2024, 10, 9), 3_000),
                        (CASES[-1], date(2025, 1, 24), 650)):
    c.records["repair_orders"].append(ro(c.vin, f"RO-{c.vin}", on, odometer))


@pytest.fixture(scope="module")
def rows():
    return run_cases(CASES)


def test_payment_due_on_d_counts_as_made(rows):
    assert rows["DUE-ON-D"]["payments_made"] == 6  # Jan 15 … Jun 15
    assert rows["DUE-ON-D"]["payments_remaining"] == 54


def test_payment_due_the_day_after_d_is_not_made(rows):
    assert rows["DUE-AFTER-D"]["payments_made"] == 5  # Jan 16 … May 16


def test_no_payment_is_made_before_the_first_due_date(rows):
    assert rows["BEFORE-FIRST"]["payments_made"] == 0
    assert rows["BEFORE-FIRST"]["payments_remaining"] == 48
    assert rows["BEFORE-FIRST"]["payoff"] == 20_000.0


def test_payments_made_stop_at_the_term_and_payoff_is_zero(rows):
    row = rows["PAID-OFF"]
    assert (row["payments_made"], row["payments_remaining"], row["payoff"]) == (36, 0, 0.0)


def test_zero_apr_payoff_is_straight_line(rows):
    # 4 of 12 payments made (Mar 15 … Jun 15): 12,000 × 8 / 12
    assert rows["ZERO-APR"]["payoff"] == 8_000.0


def test_loan_payoff_is_the_amortized_balance(rows):
    # 24 payments made (Jul 2023 … Jun 2025); B_k = A((1+r)^n − (1+r)^k) / ((1+r)^n − 1)
    r = Decimal(5) / 1200
    expected = 20_000 * ((1 + r) ** 60 - (1 + r) ** 24) / ((1 + r) ** 60 - 1)
    assert rows["AMORTIZED"]["payments_made"] == 24
    assert rows["AMORTIZED"]["payoff"] == float(round(expected, 2))


def test_payoff_rounds_a_half_cent_up(rows):
    assert rows["HALF-CENT"]["payoff"] == 50.01  # 100.01 / 2 = 50.005


def test_finance_deal_without_first_payment_date_has_no_payments(rows):
    row = rows["NO-FIRST-PAYMENT"]
    assert row["payments_made"] is None and row["payoff"] is None


def test_lease_payoff_is_residual_plus_remaining_payments(rows):
    row = rows["LEASE"]  # 12 of 36 made (Jul 2024 … Jun 2025)
    assert row["payments_remaining"] == 24
    assert row["payoff"] == 15_000.0 + 24 * 350.0


def test_payoff_is_never_below_zero(rows):
    assert rows["LEASE-NEGATIVE"]["payoff"] == 0.0  # −20,000 + 24 × 100


def test_cash_deal_has_no_payments_or_lease_columns(rows):
    row = rows["CASH"]
    assert [row[c] for c in ("payments_made", "payments_remaining", "payoff",
                             "lease_maturity_date", "lease_allowance")] == [None] * 5
    assert row["_over_allowance"] is False


def test_lease_maturity_clamps_to_the_month_end(rows):
    assert rows["LEASE-END-CLAMPED"]["lease_maturity_date"] == date(2026, 2, 28)


def test_lease_allowance_is_exact(rows):
    assert rows["ALLOWANCE-13"]["lease_allowance"] == pytest.approx(5 + 10_000 * 13 / 12)


def test_projection_equal_to_the_allowance_is_not_over(rows):
    assert rows["AT-ALLOWANCE"]["projected_odometer_at_maturity"] == 10_950
    assert rows["AT-ALLOWANCE"]["_over_allowance"] is False


def test_projection_one_above_the_allowance_is_over(rows):
    assert rows["OVER-ALLOWANCE"]["_over_allowance"] is True


def test_projection_equal_to_a_fractional_allowance_is_not_over(rows):
    row = rows["AT-FRACTIONAL-ALLOWANCE"]
    assert row["lease_maturity_date"] == date(2025, 7, 1)
    assert row["projected_odometer_at_maturity"] == 1_083  # 1,083⅓
    assert row["_over_allowance"] is False


@pytest.mark.postgres
def test_postgresql_gives_the_same_payments(rows):
    assert run_cases_on_postgres(CASES) == rows


@pytest.mark.parametrize(("as_of", "made"), [
    (date(2025, 4, 29), 3),  # Jan 31, Feb 28, Mar 31; Apr 30 not yet
    (date(2025, 4, 30), 4),  # Apr 30 (clamped from 31) is due on D
    (date(2024, 2, 28), 1),  # leap year: Feb 29 not yet
    (date(2024, 2, 29), 2),
])
def test_first_payment_on_jan_31_is_due_on_each_month_end(as_of, made):
    first = date(as_of.year, 1, 31)
    rows = run_cases([loan("JAN-31", first=first, term=24)], as_of=as_of)
    assert rows["JAN-31"]["payments_made"] == made


# ---- agreement with model.finance and numpy-financial -------------------------------

money = st.decimals(min_value=Decimal("100"), max_value=Decimal("250000"), places=2)
aprs = st.one_of(st.just(Decimal(0)), st.decimals(min_value=0, max_value=25, places=2))
deals = st.fixed_dictionaries({
    "deal_type": st.sampled_from(["finance", "lease"]),
    "amount": money, "apr": aprs, "term": st.integers(min_value=1, max_value=96),
    "first": st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31)),
    "residual": money, "monthly": st.decimals(min_value=0, max_value=2_000, places=2)})


def _as_case(i: int, d: dict):
    return case(f"H{i:03d}", the_deal={
        "deal_type": d["deal_type"], "amount_financed": float(d["amount"]),
        "apr": float(d["apr"]), "term_months": d["term"], "first_payment_date": d["first"],
        "deal_date": d["first"] - timedelta(days=30), "residual_value": float(d["residual"]),
        "monthly_payment": float(d["monthly"])})


def _cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _near_half_cent(balance: float) -> bool:
    cents = balance * 100
    return abs(cents - math.floor(cents) - 0.5) < 1e-4


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(deals, min_size=1, max_size=30))
def test_payments_and_payoff_agree_with_the_model(drawn):
    rows = run_cases([_as_case(i, d) for i, d in enumerate(drawn)])
    for i, d in enumerate(drawn):
        row = rows[f"H{i:03d}"]
        made = finance.payments_made(first_payment_date=d["first"], term_months=d["term"],
                                     as_of=D)
        assert row["payments_made"] == made
        assert row["payments_remaining"] == d["term"] - made
        if d["deal_type"] == "lease":
            expected = finance.lease_payoff(residual_value=d["residual"],
                                            monthly_payment=d["monthly"],
                                            payments_remaining=d["term"] - made)
            assert _cents(row["payoff"]) == max(expected, Decimal(0))
            continue
        expected = finance.loan_payoff(amount_financed=d["amount"], apr_percent=d["apr"],
                                       term_months=d["term"], payments_made=made)
        rate = float(d["apr"]) / 1200
        balance = -float(npf.fv(rate, made, npf.pmt(rate, d["term"], float(d["amount"])),
                                float(d["amount"])))
        if _near_half_cent(balance):
            assert abs(_cents(row["payoff"]) - expected) <= Decimal("0.01")
        else:
            assert _cents(row["payoff"]) == expected
            assert _cents(row["payoff"]) == _cents(max(math.floor(balance * 100 + 0.5), 0)
                                                   / 100)
