"""Every feature of every opportunity on D: the one table segments, exports and the
web read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.opportunities import opportunities
from dealerreach.features.sales import add_sales_features
from dealerreach.features.service import add_service_features

Stage = Callable[[ibis.Table], ibis.Table]
"""Materialises an intermediate table on the engine (e.g. ``Table.cache``), so each
step's SQL stays small; the identity function keeps everything one expression."""


def _same(table: ibis.Table) -> ibis.Table:
    return table


def opportunity_features(inputs: Inputs, *, as_of: date, config: RuleConfig,
                         stage: Stage = _same) -> ibis.Table:
    opps = stage(opportunities(inputs, as_of=as_of))
    opps = stage(add_sales_features(opps, inputs, as_of=as_of, config=config))
    return stage(add_service_features(opps, inputs, as_of=as_of, config=config,
                                      centroids=inputs.centroids))
