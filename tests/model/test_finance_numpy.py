"""loan_payoff and level_payment checked against numpy-financial (float64).

Floats carry about 1e-7 dollars of error here, so where numpy's balance lies within
1e-5 dollars of a half cent either neighbouring cent is accepted; everywhere else the
cents must be equal.
"""

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.model.finance import level_payment, loan_payoff

npf = pytest.importorskip("numpy_financial")

# numpy-financial evaluates the rate-0 branch's division too, then discards it.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")

HALF_CENT_GUARD = 1e-5


def _acceptable_cents(balance: float) -> set[Decimal]:
    cents = balance * 100
    below = math.floor(cents)
    if abs(cents - below - 0.5) < HALF_CENT_GUARD * 100:
        candidates = {below, below + 1}
    else:
        candidates = {math.floor(cents + 0.5)}
    return {Decimal(max(c, 0)).scaleb(-2) for c in candidates}


amounts = st.decimals(min_value=Decimal("100"), max_value=Decimal("250000"), places=2)
aprs = st.one_of(st.just(Decimal(0)),
                 st.decimals(min_value=Decimal(0), max_value=Decimal(25), places=2))
terms = st.integers(min_value=1, max_value=96)


@settings(max_examples=500, deadline=None)
@given(amount=amounts, apr=aprs, term=terms, data=st.data())
def test_loan_payoff_matches_numpy_financial_to_the_cent(amount, apr, term, data):
    made = data.draw(st.integers(min_value=0, max_value=term), label="payments_made")
    rate = float(apr) / 1200
    payment = npf.pmt(rate, term, float(amount))
    balance = -float(npf.fv(rate, made, payment, float(amount)))
    payoff = loan_payoff(amount_financed=amount, apr_percent=apr, term_months=term,
                         payments_made=made)
    assert payoff in _acceptable_cents(balance)


@settings(max_examples=200, deadline=None)
@given(amount=amounts, apr=aprs, term=terms)
def test_level_payment_matches_numpy_financial(amount, apr, term):
    expected = -float(npf.pmt(float(apr) / 1200, term, float(amount)))
    payment = level_payment(amount_financed=amount, apr_percent=apr, term_months=term)
    assert float(payment) == pytest.approx(expected, rel=1e-9)
