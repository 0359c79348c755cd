"""Every feature of every opportunity on D: the one table segments, exports and the
web read."""

from __future__ import annotations

from datetime import date

import ibis

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.opportunities import opportunities
from dealerreach.features.sales import add_sales_features
from dealerreach.features.service import add_service_features


def opportunity_features(inputs: Inputs, *, as_of: date, config: RuleConfig) -> ibis.Table:
    opps = opportunities(inputs, as_of=as_of)
    opps = add_sales_features(opps, inputs, as_of=as_of, config=config)
    return add_service_features(opps, inputs, as_of=as_of, config=config)
