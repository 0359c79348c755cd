"""The sales segment rules of PRODUCT.md, as data: one ``SegmentRule`` per segment.

Each predicate reads the columns ``features.sales.add_sales_features`` adds. Precedence,
flags and Everyone Else are applied by ``segments.assign``.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import BooleanValue

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import add_days, add_months, lit
from dealerreach.segments.rules import SegmentRule


def is_finance_upgrade(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return (opps.deal_type == "finance") & (opps.equity > config.finance_upgrade_min_equity)


def is_lease_upgrade(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    last_day = add_months(lit(as_of), config.lease_upgrade_months)
    return (opps.deal_type == "lease") & opps.lease_maturity_date.between(lit(as_of), last_day)


def is_lease_overage(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return ((opps.deal_type == "lease")
            & (opps.payments_remaining <= config.lease_overage_max_payments_remaining)
            & opps._over_allowance)


def is_high_apr(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return (opps.deal_type == "finance") & (opps.apr >= config.high_apr_percent)


def is_warranty_alert(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    last_day = add_days(lit(as_of), config.warranty_alert_days)
    return (opps.deal_type.isin(("cash", "finance"))
            & opps.coverage_end_date.between(lit(as_of), last_day))


def is_service_conquest(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return opps.deal_id.isnull() & (opps.visits_conquest_window
                                    >= config.service_conquest_min_visits)


SALES_RULES: tuple[SegmentRule, ...] = (
    SegmentRule(id="finance_upgrade", name="Finance Upgrade",
                wording="finance deal, equity > {finance_upgrade_min_equity}",
                inputs=("deal_type", "market_value", "payoff", "equity"),
                predicate=is_finance_upgrade),
    SegmentRule(id="lease_upgrade", name="Lease Upgrade",
                wording="lease deal, maturity within [D, D + {lease_upgrade_months} months]",
                inputs=("deal_type", "lease_maturity_date"),
                predicate=is_lease_upgrade),
    SegmentRule(id="lease_overage", name="Lease Overage",
                wording=("lease deal, payments remaining ≤ "
                         "{lease_overage_max_payments_remaining}, projected odometer at "
                         "maturity > allowance"),
                inputs=("deal_type", "payments_remaining", "lease_maturity_date",
                        "projected_odometer_at_maturity", "lease_allowance"),
                predicate=is_lease_overage),
    SegmentRule(id="high_apr", name="High APR",
                wording="finance deal, APR ≥ {high_apr_percent} %",
                inputs=("deal_type", "apr"),
                predicate=is_high_apr),
    SegmentRule(id="warranty_alert", name="Warranty Alert",
                wording=("cash or finance deal; the latest-ending coverage in force on D ends "
                         "within [D, D + {warranty_alert_days} days]"),
                inputs=("deal_type", "coverage_end_kind", "coverage_end_date"),
                predicate=is_warranty_alert),
    SegmentRule(id="service_conquest", name="Service Conquest",
                wording=("the opportunity has no deal; ≥ {service_conquest_min_visits} visits "
                         "in the last {service_conquest_months} months"),
                inputs=("deal_id", "visits_conquest_window"),
                predicate=is_service_conquest),
)
