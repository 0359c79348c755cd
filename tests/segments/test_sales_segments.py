"""The sales segment rules (PRODUCT.md "Sales segments") at their boundaries.

Each predicate is checked on small feature tables (one row per boundary), then the
rules run on features built from records, on D = 2025-06-15.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from dealerreach.features.config import RuleConfig
from dealerreach.segments.sales import SALES_RULES
from features.helpers_sales import (
    D,
    case,
    con,
    customer,
    features,
    ro,
    table,
    valuation,
)

RULES = {rule.id: rule for rule in SALES_RULES}
FEATURE_TYPES = {
    "vin": "string", "deal_id": "string", "deal_type": "string", "equity": "float64",
    "lease_maturity_date": "date", "payments_remaining": "int64", "_over_allowance": "boolean",
    "apr": "float64", "coverage_end_date": "date", "visits_conquest_window": "int64",
}


def matches(rule_id: str, rows: list[dict[str, Any]], *,
            config: RuleConfig | None = None) -> list[bool]:
    """The rule's verdict for each feature row, in order."""
    rows = [{"vin": f"V{i}", "deal_id": "DL", **r} for i, r in enumerate(rows)]
    t = table(rows, FEATURE_TYPES)
    expr = t.select("vin", hit=RULES[rule_id].matches(t, as_of=D, config=config or RuleConfig()))
    result = con().to_pyarrow(expr.order_by("vin")).to_pylist()
    return [r["hit"] for r in result]


def test_rule_ids_are_the_sales_segments_in_product_order():
    assert [r.id for r in SALES_RULES] == RuleConfig().sales_segment_order


def test_high_apr_includes_apr_of_exactly_9_0():
    assert matches("high_apr", [{"deal_type": "finance", "apr": 9.0}]) == [True]


def test_high_apr_excludes_apr_of_8_99():
    assert matches("high_apr", [{"deal_type": "finance", "apr": 8.99}]) == [False]


def test_high_apr_is_for_finance_deals_only():
    assert matches("high_apr", [{"deal_type": "lease", "apr": 12.0},
                                {"deal_type": "cash", "apr": 12.0}]) == [False, False]


def test_high_apr_follows_the_group_setting():
    config = RuleConfig(high_apr_percent=10.0)
    assert matches("high_apr", [{"deal_type": "finance", "apr": 9.5}],
                   config=config) == [False]


@pytest.mark.parametrize(("maturity", "expected"), [
    (D - timedelta(days=1), False),
    (D, True),
    (date(2025, 12, 15), True),  # D + 6 months
    (date(2025, 12, 16), False),
])
def test_lease_upgrade_maturity_within_d_and_d_plus_six_months(maturity, expected):
    assert matches("lease_upgrade", [{"deal_type": "lease",
                                      "lease_maturity_date": maturity}]) == [expected]


def test_lease_upgrade_is_for_lease_deals_only():
    assert matches("lease_upgrade", [{"deal_type": "finance",
                                      "lease_maturity_date": D}]) == [False]


@pytest.mark.parametrize(("remaining", "over", "expected"), [
    (12, True, True), (13, True, False), (12, False, False), (0, True, True)])
def test_lease_overage_needs_12_or_fewer_payments_and_a_projection_over_allowance(
        remaining, over, expected):
    row = {"deal_type": "lease", "payments_remaining": remaining, "_over_allowance": over}
    assert matches("lease_overage", [row]) == [expected]


@pytest.mark.parametrize(("end", "expected"), [
    (D, True), (D + timedelta(days=90), True), (D + timedelta(days=91), False)])
def test_warranty_alert_coverage_ends_within_d_and_d_plus_90_days(end, expected):
    rows = [{"deal_type": kind, "coverage_end_date": end} for kind in ("cash", "finance")]
    assert matches("warranty_alert", rows) == [expected, expected]


def test_warranty_alert_is_not_for_leases_or_opportunities_without_deal():
    rows = [{"deal_type": "lease", "coverage_end_date": D},
            {"deal_id": None, "deal_type": None, "coverage_end_date": D}]
    assert matches("warranty_alert", rows) == [False, False]


def test_finance_upgrade_equity_exactly_0_is_not_above_0():
    rows = [{"deal_type": "finance", "equity": 0.0}, {"deal_type": "finance", "equity": 0.01},
            {"deal_type": "finance", "equity": None}]
    assert matches("finance_upgrade", rows) == [False, True, False]


def test_finance_upgrade_is_for_finance_deals_only():
    assert matches("finance_upgrade", [{"deal_type": "lease", "equity": 5_000.0}]) == [False]


def test_service_conquest_needs_no_deal_and_2_visits():
    rows = [{"deal_id": None, "visits_conquest_window": 2},
            {"deal_id": None, "visits_conquest_window": 1},
            {"deal_id": "DL", "deal_type": "cash", "visits_conquest_window": 3}]
    assert matches("service_conquest", rows) == [True, False, False]


def test_wording_shows_the_group_numbers():
    config = RuleConfig(high_apr_percent=10.5, warranty_alert_days=60)
    assert RULES["high_apr"].describe(config) == "finance deal, APR ≥ 10.5 %"
    assert "[D, D + 60 days]" in RULES["warranty_alert"].describe(config)


def test_every_input_is_a_feature_column():
    row = run(case("ANY"))["ANY"]
    for rule in SALES_RULES:
        assert set(rule.inputs) <= set(row), rule.id


# ---- the rules on features built from records ----------------------------------------

def run(*cases) -> dict[str, dict[str, Any]]:
    """Features and each rule's verdict (``is_<rule id>``) for the cases, by VIN."""
    expr = features(cases)
    config = RuleConfig()
    expr = expr.mutate(**{f"is_{r.id}": r.matches(expr, as_of=D, config=config)
                          for r in SALES_RULES})
    return {r["vin"]: r for r in con().to_pyarrow(expr).to_pylist()}


def conquest(vin: str, *visits: tuple[str, date], **values: Any):
    ros = [ro(vin, f"{i}", on, None, rooftop_id=rooftop) for i, (rooftop, on) in
           enumerate(visits)]
    return case(vin, ros=ros, **values)


def alert(vin: str, in_service: date):
    return case(vin, car={"in_service_date": in_service}, the_deal={"deal_type": "cash"})


def lease_with(vin: str, first_payment: date):
    """A 36-month lease with 1,000 miles a year, the odometer already at 50,000."""
    return case(vin, the_deal={"deal_type": "lease", "deal_date": date(2023, 6, 15),
                               "term_months": 36, "first_payment_date": first_payment,
                               "odometer": 0, "annual_miles": 1_000,
                               "residual_value": 10_000.0, "monthly_payment": 300.0},
                ros=[ro(vin, "R", date(2025, 6, 1), 50_000)])


def finance_with_value(vin: str, value: float):
    """Zero APR 12,000 over 12 months, 4 paid on D: payoff 8,000.00."""
    return case(vin, the_deal={"deal_type": "finance", "amount_financed": 12_000.0, "apr": 0.0,
                               "term_months": 12, "first_payment_date": date(2025, 3, 15),
                               "deal_date": date(2025, 2, 15)},
                valuations=[valuation(value, date(2025, 6, 1), vin=vin)])


@pytest.fixture(scope="module")
def verdicts():
    return run(
        conquest("CONQ-2", ("R1", date(2024, 6, 16)), ("R1", D)),
        conquest("CONQ-EDGE", ("R1", date(2024, 6, 15)), ("R1", date(2025, 1, 1))),
        conquest("CONQ-ROOFTOPS", ("R1", date(2025, 1, 1)), ("R2", date(2025, 1, 1))),
        case("CONQ-BODY", ros=[ro("CONQ-BODY", "1", date(2025, 1, 1), None),
                               ro("CONQ-BODY", "2", date(2025, 2, 1), None,
                                  department="body")]),
        case("CONQ-INTERNAL", ros=[ro("CONQ-INTERNAL", "1", date(2025, 1, 1), None),
                                   ro("CONQ-INTERNAL", "2", date(2025, 2, 1), None,
                                      customer_id="SHOP")],
             customers=[customer("R1", "SHOP", customer_type="internal")]),
        conquest("CONQ-WITH-DEAL", ("R1", date(2025, 1, 1)), ("R1", date(2025, 2, 1)),
                 the_deal={"deal_type": "cash"}),
        alert("ALERT-90", date(2022, 9, 13)),
        alert("ALERT-91", date(2022, 9, 14)),
        lease_with("OVERAGE-12", date(2023, 7, 15)),
        lease_with("OVERAGE-13", date(2023, 8, 15)),
        finance_with_value("EQUITY-0", 8_000.0),
        finance_with_value("EQUITY-1-CENT", 8_000.01),
    )


def test_service_conquest_counts_visits_in_the_last_12_months(verdicts):
    assert verdicts["CONQ-2"]["visits_conquest_window"] == 2
    assert verdicts["CONQ-2"]["is_service_conquest"] is True


def test_service_conquest_visit_on_d_minus_12_months_is_outside(verdicts):
    assert verdicts["CONQ-EDGE"]["visits_conquest_window"] == 1
    assert verdicts["CONQ-EDGE"]["is_service_conquest"] is False


def test_service_conquest_same_ro_number_at_two_rooftops_is_two_visits(verdicts):
    assert verdicts["CONQ-ROOFTOPS"]["is_service_conquest"] is True


def test_service_conquest_body_ro_is_not_a_visit(verdicts):
    assert verdicts["CONQ-BODY"]["visits_conquest_window"] == 1


def test_service_conquest_internal_customer_ro_is_not_a_visit(verdicts):
    assert verdicts["CONQ-INTERNAL"]["visits_conquest_window"] == 1


def test_service_conquest_not_when_the_opportunity_has_a_deal(verdicts):
    assert verdicts["CONQ-WITH-DEAL"]["visits_conquest_window"] == 2
    assert verdicts["CONQ-WITH-DEAL"]["is_service_conquest"] is False


def test_warranty_alert_on_d_plus_90_days_from_records(verdicts):
    assert verdicts["ALERT-90"]["coverage_end_date"] == D + timedelta(days=90)
    assert verdicts["ALERT-90"]["is_warranty_alert"] is True


def test_warranty_alert_not_on_d_plus_91_days_from_records(verdicts):
    assert verdicts["ALERT-91"]["coverage_end_date"] == D + timedelta(days=91)
    assert verdicts["ALERT-91"]["is_warranty_alert"] is False


def test_lease_overage_with_12_payments_remaining_from_records(verdicts):
    assert verdicts["OVERAGE-12"]["payments_remaining"] == 12
    assert verdicts["OVERAGE-12"]["is_lease_overage"] is True


def test_lease_overage_not_with_13_payments_remaining_from_records(verdicts):
    assert verdicts["OVERAGE-13"]["payments_remaining"] == 13
    assert verdicts["OVERAGE-13"]["is_lease_overage"] is False


def test_finance_upgrade_equity_exactly_0_from_records(verdicts):
    assert verdicts["EQUITY-0"]["equity"] == 0.0
    assert verdicts["EQUITY-0"]["is_finance_upgrade"] is False
    assert verdicts["EQUITY-1-CENT"]["is_finance_upgrade"] is True
