"""Market value and equity of an opportunity (Ibis).

PRODUCT.md "Value and equity": market value comes from the loaded valuations (already
cut to D). A VIN row wins over any model row; within a kind the newest as_of wins.

- A model row (no VIN) matches the vehicle on year, make and model, and on trim
  unless the row's trim is empty (then it is for every trim). Make, model and trim are
  compared case-insensitively on letters and digits only.
- Ties on as_of: a row naming the trim before one for every trim, then the higher value.
- A VIN with no matching row: the default depreciation model on the vehicle's MSRP,
  msrp × first^min(a, 1) × later^max(a − 1, 0), a = the vehicle's age on D in years of
  365 days (``age_years``); null without an MSRP or a start.

Equity = market value − payoff, finance and lease deals only. Money in cents (half up).
"""

from __future__ import annotations

from datetime import date

import ibis
from ibis.expr.types import FloatingValue, StringValue

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import days_between, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.payments import FINANCED, to_cents
from dealerreach.features.staging import Stage, settled


def name_key(text: StringValue) -> StringValue:
    """Lower case, letters a–z and digits only; null when nothing is left."""
    key = text.lower().re_replace(r"[^a-z0-9]", "")
    return ibis.ifelse(key == "", ibis.null("string"), key)


def vin_values(inputs: Inputs) -> ibis.Table:
    """Per VIN: the value of its newest valuation row (ties: the higher value)."""
    v = inputs.valuations.filter(inputs.valuations.vin.notnull()
                                 & inputs.valuations.value.notnull())
    rank = ibis.row_number().over(group_by=v.vin, order_by=[v.as_of.desc(), v.value.desc()])
    ranked = v.mutate(_rank=rank)
    best = ranked.filter(ranked._rank == 0)
    return best.select("vin", _vin_value=best.value)


def model_values(opps: ibis.Table, inputs: Inputs, *, stage: Stage = settled) -> ibis.Table:
    """Per VIN of ``opps``: the value of the newest model row matching its vehicle.

    Both sides are staged with their name keys, so the keys are computed once per row,
    not once per comparison of the join."""
    v = inputs.valuations
    rows = stage(v.filter(v.vin.isnull() & v.value.notnull()).select(
        v.year, v.value, v.as_of, _make=name_key(v.make), _model=name_key(v.model),
        _trim=name_key(v.trim)))
    cars = stage(opps.select(_car_vin=opps.vin, _car_year=opps.year,
                             _car_make=name_key(opps.make), _car_model=name_key(opps.model),
                             _car_trim=name_key(opps.trim)))
    joined = cars.join(rows, (cars._car_year == rows.year) & (cars._car_make == rows._make)
                       & (cars._car_model == rows._model)
                       & (rows._trim.isnull() | (rows._trim == cars._car_trim)))
    rank = ibis.row_number().over(
        group_by=joined._car_vin,
        order_by=[joined.as_of.desc(), ibis.ifelse(joined._trim.isnull(), 1, 0).asc(),
                  joined.value.desc()])
    ranked = joined.mutate(_rank=rank)
    best = ranked.filter(ranked._rank == 0)
    return best.select(vin=best._car_vin, _model_value=best.value)


def age_years(opps: ibis.Table, *, as_of: date) -> FloatingValue:
    """The vehicle's age on D in years of 365 days (0 for a start after D). It counts
    from the basic warranty's start (in-service date, else the first new-vehicle deal),
    else from January 1 of the model year."""
    model_year = ibis.ifelse(opps.year.between(1, 9999), ibis.date(opps.year, 1, 1),
                             ibis.null("date"))
    start = opps._basic_start.fill_null(model_year)
    days = days_between(start, lit(as_of))
    return ibis.ifelse(days < 0, 0, days).cast("float64") / 365


def depreciated(opps: ibis.Table, *, config: RuleConfig) -> FloatingValue:
    """MSRP × first^min(age, 1) × later^max(age − 1, 0) (``age_years`` in the column
    ``_age_years``): ``config.depreciation_first_year`` of the value is kept over the
    first year, ``depreciation_later_years`` over each later one, prorated by day."""
    age = opps._age_years
    first = ibis.ifelse(age > 1, 1.0, age)
    rest = ibis.ifelse(age > 1, age - 1, 0.0)
    factor = (ibis.literal(config.depreciation_first_year, type="float64") ** first
              * ibis.literal(config.depreciation_later_years, type="float64") ** rest)
    return (opps.msrp * factor).cast("float64")


def add_value(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """``opps`` (with ``_basic_start``, ``payoff`` and ``_vin_value`` / ``_model_value``
    from ``vin_values`` / ``model_values`` joined by VIN) plus market_value, value_source
    and equity."""
    opps = settled(opps.mutate(_age_years=age_years(opps, as_of=as_of)))
    model_depreciation = depreciated(opps, config=config)
    source = ibis.cases((opps._vin_value.notnull(), "vin"),
                        (opps._model_value.notnull(), "model"),
                        (model_depreciation.notnull(), "depreciation"),
                        else_=ibis.null("string"))
    value = opps._vin_value.fill_null(opps._model_value).fill_null(model_depreciation)
    opps = settled(opps.mutate(market_value=to_cents(value), value_source=source))
    equity = ibis.ifelse(opps.deal_type.isin(FINANCED), opps.market_value - opps.payoff,
                         ibis.null("float64"))
    return opps.mutate(equity=to_cents(equity)).drop("_vin_value", "_model_value",
                                                     "_age_years")
