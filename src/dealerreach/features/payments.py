"""Payments made and remaining, payoff, lease maturity and mileage allowance (Ibis).

PRODUCT.md "Payments", as ``model.finance``: due dates are first_payment_date + k
months (k = 0 … term − 1, day clamped); a payment due on D counts as made. Loan payoff
is the balance after the payments made by standard amortization at APR / 12 per month,
A·((1+r)^n − (1+r)^k) / ((1+r)^n − 1), zero APR straight-line A·(n − k)/n; lease payoff
is residual + remaining × monthly payment. Money is float64, rounded half up to cents
once, at the end. Finance and lease deals only; every column is null for other rows.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import BooleanValue, DateValue, FloatingValue, IntegerValue

from dealerreach.features.dates import add_months, lit, month_index
from dealerreach.features.mileage import half_up, projection
from dealerreach.features.staging import settled

FINANCED = ("finance", "lease")


TIE_TOLERANCE_CENTS = 1e-6
"""A float a millionth of a cent below a half cent is taken as the half cent it stands
for (50.005 is stored as 50.00499999…), so it rounds up as the exact value would."""


def to_cents(amount: FloatingValue) -> FloatingValue:
    """``amount`` rounded half up to cents: floor(amount × 100 + 0.5 + tolerance) / 100."""
    return (amount * 100 + (0.5 + TIE_TOLERANCE_CENTS)).floor().cast("float64") / 100


def has_payments(opps: ibis.Table) -> BooleanValue:
    """A finance or lease deal with a first payment date and a term of at least 1."""
    return (opps.deal_type.isin(FINANCED) & opps.first_payment_date.notnull()
            & (opps.term_months >= 1)).fill_null(False)


def due_dates_to(opps: ibis.Table, *, as_of: date) -> IntegerValue:
    """How many of first_payment_date + k months (k = 0, 1, …) fall on or before D."""
    first, day = opps.first_payment_date, lit(as_of)
    months = month_index(day) - month_index(first)
    return months + ibis.ifelse(add_months(first, months) > day, 0, 1)


def loan_balance(opps: ibis.Table) -> FloatingValue:
    """Unrounded loan balance after ``payments_made`` level payments."""
    amount, n, k = opps.amount_financed, opps.term_months, opps.payments_made
    growth = opps.apr / 1200 + 1
    zero_rate = opps.apr == 0
    denominator = ibis.ifelse(zero_rate, 1.0, growth**n - 1)
    amortized = amount * (growth**n - growth**k) / denominator
    straight = amount * (n - k) / n
    return ibis.ifelse(zero_rate, straight, amortized).cast("float64")


def lease_balance(opps: ibis.Table) -> FloatingValue:
    """Unrounded lease payoff: residual + payments remaining × monthly payment."""
    return (opps.residual_value + opps.payments_remaining * opps.monthly_payment).cast(
        "float64")


def add_payments(opps: ibis.Table, *, as_of: date) -> ibis.Table:
    """``opps`` with payments_made, payments_remaining (int64, 0 … term) and payoff
    (float64, cents, never below 0)."""
    opps = settled(opps.mutate(_due_to_d=due_dates_to(opps, as_of=as_of)))
    made = ibis.ifelse(opps._due_to_d < 0, 0, opps._due_to_d)
    made = ibis.ifelse(made > opps.term_months, opps.term_months, made)
    made = ibis.ifelse(has_payments(opps), made, ibis.null("int64")).cast("int64")
    opps = settled(opps.mutate(payments_made=made,
                               payments_remaining=(opps.term_months - made).cast("int64")))
    balance = ibis.cases((opps.deal_type == "finance", loan_balance(opps)),
                         (opps.deal_type == "lease", lease_balance(opps)),
                         else_=ibis.null("float64"))
    opps = settled(opps.mutate(_balance=balance))
    floored = ibis.ifelse(opps._balance < 0, 0.0, opps._balance)
    return opps.mutate(payoff=to_cents(floored)).drop("_due_to_d", "_balance")


def is_lease(opps: ibis.Table) -> BooleanValue:
    return (opps.deal_type == "lease") & (opps.term_months >= 1)


def lease_maturity(opps: ibis.Table) -> DateValue:
    """deal date + term months (day clamped); null unless a lease with a term."""
    return ibis.ifelse(is_lease(opps), add_months(opps.deal_date, opps.term_months),
                       ibis.null("date"))


def allowance_twelfths(opps: ibis.Table) -> IntegerValue:
    """12 × the lease allowance, exact: 12 × deal odometer + annual miles × term."""
    twelfths = opps.deal_odometer * 12 + opps.annual_miles * opps.term_months
    return ibis.ifelse(is_lease(opps), twelfths, ibis.null("int64")).cast("int64")


def add_lease(opps: ibis.Table) -> ibis.Table:
    """``opps`` (with mileage columns) plus lease_maturity_date, lease_allowance (float64),
    projected_odometer_at_maturity (int64, half up) and ``_over_allowance``: projected
    odometer at maturity > allowance, decided on integers (12 × p > den × 12 × allowance).
    """
    opps = settled(opps.mutate(lease_maturity_date=lease_maturity(opps),
                               _allowance_twelfths=allowance_twelfths(opps)))
    opps = settled(opps.mutate(
        _at_maturity=projection(opps, at=opps.lease_maturity_date)))
    over = 12 * opps._at_maturity > opps._rate_den * opps._allowance_twelfths
    return opps.mutate(
        lease_allowance=opps._allowance_twelfths.cast("float64") / 12,
        projected_odometer_at_maturity=half_up(opps._at_maturity, opps._rate_den),
        _over_allowance=over.fill_null(False)).drop("_allowance_twelfths", "_at_maturity")
