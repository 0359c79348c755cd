"""Sales-side features of every opportunity: mileage, payments, lease, coverages, value.

One entry point, ``add_sales_features``; docs/features-sales.md lists every column and
the choices made where PRODUCT.md is silent.
"""

from __future__ import annotations

from datetime import date

import ibis

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import add_months, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.mileage import add_mileage, reading_summary
from dealerreach.features.payments import add_lease, add_payments
from dealerreach.features.staging import Stage, settled
from dealerreach.features.value import add_value, model_values, vin_values
from dealerreach.features.warranty import add_warranty, earliest_new_deals


def conquest_visits(inputs: Inputs, *, as_of: date, months: int) -> ibis.Table:
    """Per VIN: ``visits_conquest_window``, its visits in the last ``months`` months.

    A visit is one service-department RO (distinct rooftop and RO number) of the VIN
    anywhere in the group, opened in (D − months, D]; ROs of internal customers are
    odometer readings only.
    """
    ros, customers = inputs.repair_orders, inputs.customers
    internal = customers.filter(customers.customer_type == "internal").select(
        "rooftop_id", "customer_id")
    window = ((ros.open_date > add_months(lit(as_of), -months))
              & (ros.open_date <= lit(as_of)))
    visits = (ros.filter((ros.department == "service") & ros.vin.notnull() & window)
              .anti_join(internal, ["rooftop_id", "customer_id"])
              .select("vin", "rooftop_id", "ro_number").distinct())
    return visits.group_by("vin").agg(visits_conquest_window=visits.count().cast("int64"))


def vin_facts(opps: ibis.Table, inputs: Inputs, *, as_of: date, config: RuleConfig,
              stage: Stage = settled) -> list[ibis.Table]:
    """The per-VIN tables the features read, each with one row per VIN (each staged)."""
    return [stage(reading_summary(inputs)), stage(earliest_new_deals(inputs)),
            stage(vin_values(inputs)), stage(model_values(opps, inputs, stage=stage)),
            stage(conquest_visits(inputs, as_of=as_of,
                                  months=config.service_conquest_months))]


def add_vin_facts(opps: ibis.Table, inputs: Inputs, *, as_of: date,
                  config: RuleConfig, stage: Stage = settled) -> ibis.Table:
    """``opps`` with every ``vin_facts`` table joined (left) by VIN, in one join."""
    joined, keys = opps, []
    for i, facts in enumerate(vin_facts(opps, inputs, as_of=as_of, config=config,
                                        stage=stage)):
        key = f"_vin_{i}"
        facts = facts.rename({key: "vin"})
        joined = joined.left_join(facts, opps.vin == facts[key])
        keys.append(key)
    opps = joined.select(~ibis.selectors.cols(*keys))
    return opps.mutate(visits_conquest_window=opps.visits_conquest_window.fill_null(0))


def add_sales_features(opps: ibis.Table, inputs: Inputs, *, as_of: date,
                       config: RuleConfig, stage: Stage = settled) -> ibis.Table:
    """``opps`` with the mileage, payment, lease, warranty, value and equity columns and
    ``visits_conquest_window`` (helper columns start with ``_``). ``stage``
    materialises the per-VIN facts (``features.staging``)."""
    opps = add_vin_facts(opps, inputs, as_of=as_of, config=config, stage=stage)
    opps = add_mileage(opps, as_of=as_of, config=config)
    opps = add_lease(add_payments(opps, as_of=as_of))
    opps = add_warranty(opps, inputs, as_of=as_of, config=config)
    return add_value(opps, as_of=as_of, config=config)
