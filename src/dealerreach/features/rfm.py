"""RFM: recency, frequency and monetary scores 1–5 per person and department.

Departments: sales (the person's deals, amount = sale_price), service, parts and body
(the person's ROs of that department, amount = customer_pay_total). Activity is that of
every non-internal customer record of the person, at any rooftop of the group, dated in
the last ``rfm_months`` months. Per department, over the persons with activity there:

- recency = the date of the latest activity, frequency = the number of deals or ROs,
  monetary = the sum of the amounts in whole cents (null amounts count 0);
- each value is scored by its rank among those persons: score = 1 + ⌊5 × r / n⌋, where
  n is the number of persons and r the number of persons with a strictly lower value
  (SQL ``RANK() - 1``). Equal values share a score, higher values score higher (the
  most recent, most frequent, biggest spenders get 5), and every engine agrees because
  the score depends on the values only.

A person without activity in a department has null scores there.
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import IntegerValue

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import lit
from dealerreach.features.inputs import Inputs
from dealerreach.model import dates as model_dates

DEPARTMENTS = ("sales", "service", "parts", "body")
SCORES = {"r": "_last", "f": "_count", "m": "_cents"}
RFM_COLUMNS = tuple(f"rfm_{d}_{s}" for d in DEPARTMENTS for s in SCORES)


def _parties(inputs: Inputs) -> ibis.Table:
    c = inputs.customers
    return c.filter(c.person_id.notnull() & (c.customer_type != "internal")).select(
        "rooftop_id", "customer_id", "person_id")


def activity(inputs: Inputs, *, as_of: date, months: int) -> ibis.Table:
    """Every deal and RO of a person in (as_of - months, as_of]: person_id, department,
    on (date), _cents (amount in whole cents)."""
    d, r = inputs.deals, inputs.repair_orders
    deals = d.select("rooftop_id", "customer_id", department=ibis.literal("sales"),
                     on=d.deal_date, _amount=d.sale_price)
    ros = r.select("rooftop_id", "customer_id", department=r.department, on=r.open_date,
                   _amount=r.customer_pay_total)
    events = deals.union(ros).join(_parties(inputs), ["rooftop_id", "customer_id"])
    start = lit(model_dates.add_months(as_of, -months))
    events = events.filter((events.on > start) & (events.on <= lit(as_of)))
    cents = (events._amount.fill_null(0) * 100).round().cast("int64")
    return events.select("person_id", "department", "on", _cents=cents)


def score(rank: IntegerValue, count: IntegerValue) -> IntegerValue:
    """1 + ⌊5 × rank / count⌋ for a 0-based rank among ``count`` values: 1 to 5."""
    return (1 + (5 * rank) // count).cast("int64")


def rfm_scores(inputs: Inputs, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """One row per person with activity: rfm_<department>_<r|f|m> (int64, 1–5, or null)."""
    a = activity(inputs, as_of=as_of, months=config.rfm_months)
    g = a.group_by("person_id", "department").agg(
        _last=a.on.max(), _count=a.count(), _cents=a._cents.sum())
    n = g.person_id.count().over(ibis.window(group_by=g.department))
    g = g.mutate(**{f"_{s}": score(ibis.rank().over(group_by=g.department,
                                                    order_by=g[column]), n)
                    for s, column in SCORES.items()})
    return g.group_by("person_id").agg(**{
        f"rfm_{d}_{s}": g[f"_{s}"].max(where=g.department == d)
        for d in DEPARTMENTS for s in SCORES})


def add_rfm_scores(opps: ibis.Table, inputs: Inputs, *, as_of: date,
                   config: RuleConfig) -> ibis.Table:
    """``opps`` with the RFM scores of the opportunity's person."""
    scores = rfm_scores(inputs, as_of=as_of, config=config)
    return opps.left_join(scores, "person_id").select(~ibis.selectors.endswith("_right"))
