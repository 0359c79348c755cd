"""Deal terms: how cars are paid for, as data, and the arithmetic of loans and leases."""

from __future__ import annotations

import random
from dataclasses import dataclass

from dealerreach.testing.sampling import Weighted, between, draw_int


@dataclass(frozen=True)
class CreditTier:
    name: str
    apr_low: float
    apr_high: float


DEAL_TYPES = Weighted((("cash", 20), ("finance", 55), ("lease", 25)))
CONDITIONS = {
    "cash": Weighted((("new", 30), ("used", 58), ("cpo", 12))),
    "finance": Weighted((("new", 48), ("used", 37), ("cpo", 15))),
    "lease": Weighted((("new", 94), ("cpo", 6))),
}
CREDIT_TIERS = Weighted((
    (CreditTier("super_prime", 3.0, 6.0), 34), (CreditTier("prime", 6.0, 9.0), 34),
    (CreditTier("near_prime", 9.0, 14.0), 19), (CreditTier("subprime", 14.0, 22.0), 13)))
#: share of new-car loans to super-prime and prime buyers at a 0 % promotional rate
ZERO_APR_SHARE = 0.12
#: a lease's rate is a money factor; expressed as an APR it runs below a loan's
LEASE_RATE_FACTOR = 0.7
LOAN_TERMS = {
    "new": Weighted(((36, 6), (48, 12), (60, 32), (72, 36), (84, 14))),
    "used": Weighted(((36, 12), (48, 20), (60, 34), (72, 28), (84, 6))),
}
LEASE_TERMS = Weighted(((24, 12), (36, 56), (39, 14), (48, 18)))
#: residual value as a share of list price, by lease term
RESIDUALS = {24: (0.60, 0.68), 36: (0.52, 0.60), 39: (0.50, 0.57), 48: (0.42, 0.50)}
LEASE_DISTANCES = {
    False: Weighted(((10_000, 35), (12_000, 45), (15_000, 20))),
    True: Weighted(((10_000, 30), (15_000, 45), (20_000, 25))),
}
#: US sales tax and fees rolled into the amount financed (German prices include VAT)
TAX_AND_FEES = {"US": (0.06, 0.095), "DE": (0.0, 0.01)}
SERVICE_CONTRACT_SHARE = {"new": 0.12, "used": 0.28, "cpo": 0.22}
SERVICE_CONTRACTS = Weighted((((36, 36_000), 20), ((48, 50_000), 25), ((60, 60_000), 25),
                              ((72, 75_000), 18), ((84, 100_000), 12)))
MAINTENANCE_PLAN_SHARE = {"new": 0.12, "used": 0.03, "cpo": 0.08}
MAINTENANCE_PLANS = Weighted((((24, 24_000), 40), ((36, 36_000), 40), ((48, 45_000), 20)))


@dataclass(slots=True)
class Terms:
    amount_financed: float | None = None
    apr: float | None = None
    term: int | None = None
    first_payment: int | None = None
    payment: float | None = None
    residual: float | None = None
    annual_distance: int | None = None


def loan_payment(principal: float, *, apr: float, months: int) -> float:
    """The level monthly payment that pays ``principal`` off in ``months``."""
    if apr == 0:
        return round(principal / months, 2)
    rate = apr / 1200
    return round(principal * rate / (1 - (1 + rate) ** -months), 2)


def lease_payment(*, cap_cost: float, residual: float, apr: float, months: int) -> float:
    """Depreciation plus rent charge (money factor = APR / 2400), before tax."""
    return round((cap_cost - residual) / months + (cap_cost + residual) * apr / 2400, 2)


def loan_terms(rng: random.Random, *, price: float, condition: str, day: int,
               country: str) -> Terms:
    tier = CREDIT_TIERS.pick(rng)
    promotional = (condition == "new" and tier.apr_high <= 9.0
                   and rng.random() < ZERO_APR_SHARE)
    apr = 0.0 if promotional else round(between(rng, tier.apr_low, tier.apr_high), 2)
    term = LOAN_TERMS["new" if condition == "new" else "used"].pick(rng)
    if promotional:
        term = min(term, 72)
    low, high = TAX_AND_FEES[country]
    down = price * rng.random() * rng.random() * 0.4
    amount = round(max(price * (1 + between(rng, low, high)) - down, price * 0.3), 2)
    return Terms(amount, apr, term, day + draw_int(rng, 28, 46),
                 loan_payment(amount, apr=apr, months=term))


def lease_terms(rng: random.Random, *, price: float, msrp: float, day: int,
                metric: bool) -> Terms:
    """A lease; the residual is a share of list price (of the price paid, for a used car)."""
    tier = CREDIT_TIERS.pick(rng)
    apr = round(between(rng, tier.apr_low, tier.apr_high) * LEASE_RATE_FACTOR, 2)
    term = LEASE_TERMS.pick(rng)
    residual = round(min(msrp, price) * between(rng, *RESIDUALS[term]), 2)
    cap_cost = round(price - rng.random() * 2_500, 2)
    payment = lease_payment(cap_cost=cap_cost, residual=residual, apr=apr, months=term)
    return Terms(cap_cost, apr, term, day + draw_int(rng, 28, 40), payment, residual,
                 LEASE_DISTANCES[metric].pick(rng))


def protection(rng: random.Random, *, condition: str, deal_type: str,
               metric: bool) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The service contract and the maintenance plan sold with a deal, if any."""
    scale = 1.6 if metric else 1.0
    contract = plan = None
    if deal_type != "lease" and rng.random() < SERVICE_CONTRACT_SHARE[condition]:
        months, distance = SERVICE_CONTRACTS.pick(rng)
        contract = (months, int(round(distance * scale, -3)))
    if rng.random() < MAINTENANCE_PLAN_SHARE[condition]:
        months, distance = MAINTENANCE_PLANS.pick(rng)
        plan = (months, int(round(distance * scale, -3)))
    return contract, plan
