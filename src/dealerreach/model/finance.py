"""Payments, loan and lease payoff, lease maturity and mileage allowance.

Money is ``Decimal``. Intermediate values are computed at 50 significant digits in a
local decimal context (the caller's context is never used or changed) and are
rounded only at the end, to cents, half up. Distances are exact ``Fraction``s.

Loan balance after k of n payments at monthly rate r (standard amortization with the
level payment P = A*r / (1 - (1+r)**-n)) has the closed form

    B_k = A * ((1+r)**n - (1+r)**k) / ((1+r)**n - 1)

which equals A*(1+r)**k - P*((1+r)**k - 1)/r, is exactly A at k = 0 and 0 at k = n,
and never goes below 0 for 0 <= k <= n. At r = 0 it becomes A * (n - k) / n.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from dealerreach.model.dates import add_months

Money = Decimal | int | float
"""A float is read through its shortest repr (0.1 means Decimal('0.1'))."""

PRECISION = 50
CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    """``value`` rounded to cents, half up (0.005 -> 0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def level_payment(*, amount_financed: Money, apr_percent: Money, term_months: int) -> Decimal:
    """The unrounded monthly payment that pays off the loan in ``term_months``.

    Zero APR: amount / term (straight line). Round with ``to_cents`` to show it.
    """
    amount, rate = _loan_inputs(amount_financed, apr_percent, term_months)
    with localcontext(prec=PRECISION):
        if rate == 0:
            return amount / term_months
        return amount * rate / (1 - (1 + rate) ** -term_months)


def payment_due_dates(*, first_payment_date: date, term_months: int) -> list[date]:
    """first_payment_date + k months for k = 0 ... term - 1 (day clamped to month end)."""
    _check_term(term_months)
    return [add_months(first_payment_date, k) for k in range(term_months)]


def payments_made(*, first_payment_date: date, term_months: int, as_of: date) -> int:
    """How many due dates fall on or before ``as_of`` (0 ... term)."""
    _check_term(term_months)
    months = (as_of.year - first_payment_date.year) * 12 + as_of.month - first_payment_date.month
    if add_months(first_payment_date, months) > as_of:
        months -= 1
    return max(0, min(months + 1, term_months))


def payments_remaining(*, first_payment_date: date, term_months: int, as_of: date) -> int:
    """term - payments made."""
    made = payments_made(
        first_payment_date=first_payment_date, term_months=term_months, as_of=as_of
    )
    return term_months - made


def loan_payoff(
    *, amount_financed: Money, apr_percent: Money, term_months: int, payments_made: int
) -> Decimal:
    """Balance after ``payments_made`` level payments, in cents (half up), never below 0.

    More payments than the term count as the full term (balance 0).
    """
    amount, rate = _loan_inputs(amount_financed, apr_percent, term_months)
    if payments_made < 0:
        raise ValueError(f"payments_made must not be negative, got {payments_made}")
    n, k = term_months, min(payments_made, term_months)
    with localcontext(prec=PRECISION):
        if rate == 0:
            balance = amount * (n - k) / n
        else:
            growth = 1 + rate
            balance = amount * (growth**n - growth**k) / (growth**n - 1)
        return max(to_cents(balance), Decimal("0.00"))


def lease_payoff(
    *, residual_value: Money, monthly_payment: Money, payments_remaining: int
) -> Decimal:
    """residual + payments remaining x monthly payment, in cents (half up)."""
    if payments_remaining < 0:
        raise ValueError(f"payments_remaining must not be negative, got {payments_remaining}")
    with localcontext(prec=PRECISION):
        total = _decimal(residual_value) + payments_remaining * _decimal(monthly_payment)
        return to_cents(total)


def lease_maturity(*, deal_date: date, term_months: int) -> date:
    """deal date + term months (day clamped to month end)."""
    _check_term(term_months)
    return add_months(deal_date, term_months)


def lease_allowance(
    *, odometer_at_delivery: int | Decimal, annual_miles: int | Decimal, term_months: int
) -> Fraction:
    """odometer at delivery + annual miles x term / 12, exact (in the rooftop's unit)."""
    _check_term(term_months)
    return Fraction(odometer_at_delivery) + Fraction(annual_miles) * term_months / 12


def _loan_inputs(
    amount_financed: Money, apr_percent: Money, term_months: int
) -> tuple[Decimal, Decimal]:
    """The amount and the monthly rate (APR / 12 / 100), checked."""
    _check_term(term_months)
    amount, apr = _decimal(amount_financed), _decimal(apr_percent)
    if amount < 0 or apr < 0:
        raise ValueError("amount_financed and apr_percent must not be negative")
    with localcontext(prec=PRECISION):
        return amount, apr / 1200


def _decimal(value: Money) -> Decimal:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite amount: {value}")
        return Decimal(repr(value))
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    return result


def _check_term(term_months: int) -> None:
    if term_months < 1:
        raise ValueError(f"term_months must be at least 1, got {term_months}")
