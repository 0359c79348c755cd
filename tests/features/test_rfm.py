"""RFM scores 1–5 per person and department over the last 24 months."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.rfm import RFM_COLUMNS, add_rfm_scores, rfm_scores
from features.helpers_service import D, customer, deal, make_inputs, opp, ro, run_step


def scores(*, config: RuleConfig | None = None, **records: Any) -> dict[str, dict[str, Any]]:
    """rfm_scores by person_id."""
    expr = rfm_scores(make_inputs(**records), as_of=D, config=config or RuleConfig())
    return {r["person_id"]: r for r in ibis.duckdb.connect().to_pyarrow(expr).to_pylist()}


def _people(n: int) -> list[dict[str, Any]]:
    return [customer(f"C{i}") for i in range(n)]


def _expected(values: list[Any]) -> list[int]:
    """1 + floor(5 x (number of strictly lower values) / n), for each value."""
    return [1 + 5 * sum(v < x for v in values) // len(values) for x in values]


def test_five_persons_with_distinct_values_score_one_to_five():
    ros = [ro(f"{i}-{k}", D - timedelta(days=10 * (5 - i)), vin=f"V{i}", customer_id=f"C{i}",
              pay=100.0 * (i + 1)) for i in range(5) for k in range(i + 1)]
    found = scores(customers=_people(5), repair_orders=ros)
    for s in ("r", "f", "m"):
        assert [found[f"P-C{i}"][f"rfm_service_{s}"] for i in range(5)] == [1, 2, 3, 4, 5]


def test_equal_values_share_the_lower_score():
    ros = [ro(str(i), date(2025, 1, 1), vin=f"V{i}", customer_id=f"C{i}", pay=50.0)
           for i in range(3)] + [ro("9", D, vin="V3", customer_id="C3", pay=80.0)]
    found = scores(customers=_people(4), repair_orders=ros)
    assert [found[f"P-C{i}"]["rfm_service_r"] for i in range(4)] == [1, 1, 1, 4]
    assert [found[f"P-C{i}"]["rfm_service_f"] for i in range(4)] == [1, 1, 1, 1]
    assert [found[f"P-C{i}"]["rfm_service_m"] for i in range(4)] == [1, 1, 1, 4]


def test_activity_exactly_24_months_before_d_is_outside_the_window():
    found = scores(customers=_people(2),
                   repair_orders=[ro("1", date(2023, 6, 15), customer_id="C0"),
                                  ro("2", date(2023, 6, 16), customer_id="C1")])
    assert set(found) == {"P-C1"}


def test_the_window_follows_rfm_months():
    found = scores(config=RuleConfig(rfm_months=6), customers=_people(2),
                   repair_orders=[ro("1", date(2024, 12, 15), customer_id="C0"),
                                  ro("2", date(2024, 12, 16), customer_id="C1")])
    assert set(found) == {"P-C1"}


def test_departments_sales_from_deals_service_parts_and_body_from_their_ros():
    found = scores(customers=_people(1),
                   deals=[deal("D1", date(2024, 1, 1), customer_id="C0", sale_price=30_000.0)],
                   repair_orders=[ro("1", D, customer_id="C0", department="parts"),
                                  ro("2", D, customer_id="C0", department="body")])
    row = found["P-C0"]
    assert [row[f"rfm_{d}_f"] for d in ("sales", "service", "parts", "body")] == [1, None, 1, 1]


def test_a_persons_records_at_every_rooftop_count_together():
    customers = [customer("C0", person_id="P1"), customer("C0", rooftop_id="R2", person_id="P1"),
                 customer("C1", person_id="P2")]
    ros = [ro("1", D, customer_id="C0"), ro("1", D, rooftop_id="R2", customer_id="C0"),
           ro("2", D, customer_id="C1")]
    found = scores(customers=customers, repair_orders=ros)
    assert (found["P1"]["rfm_service_f"], found["P2"]["rfm_service_f"]) == (3, 1)


def test_internal_customers_are_not_scored():
    found = scores(customers=[customer("INT", customer_type="internal", person_id="PX")],
                   repair_orders=[ro("1", D, customer_id="INT")])
    assert found == {}


def test_opportunities_get_their_persons_scores_and_null_without_activity():
    def step(o: ibis.Table, inputs: Inputs, as_of: date, config: RuleConfig) -> ibis.Table:
        return add_rfm_scores(o, inputs, as_of=as_of, config=config)

    rows = run_step(step, [opp("V1"), opp("V2", customer_id="C2")],
                    repair_orders=[ro("1", D, vin="V9")])
    assert rows["V1"]["rfm_service_r"] == 1
    assert [rows["V2"][c] for c in RFM_COLUMNS] == [None] * len(RFM_COLUMNS)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 700),
                          st.sampled_from([0.0, 19.99, 20.0, 150.5, 1_000.0])),
                min_size=1, max_size=12))
def test_scores_follow_the_rank_rule_for_any_activity(people):
    ros, lasts, counts, cents = [], [], [], []
    for i, (count, days_ago, pay) in enumerate(people):
        ros += [ro(f"{i}-{k}", D - timedelta(days=days_ago + k), vin=f"V{i}",
                   customer_id=f"C{i}", pay=pay) for k in range(count)]
        lasts.append(D - timedelta(days=days_ago))
        counts.append(count)
        cents.append(round(pay * 100) * count)
    found = scores(customers=_people(len(people)), repair_orders=ros)
    got = {s: [found[f"P-C{i}"][f"rfm_service_{s}"] for i in range(len(people))]
           for s in ("r", "f", "m")}
    assert got == {"r": _expected(lasts), "f": _expected(counts), "m": _expected(cents)}
