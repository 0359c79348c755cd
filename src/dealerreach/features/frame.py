"""Every feature of every opportunity on D: the one table segments, exports and the
web read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import ibis

from dealerreach.features.config import RuleConfig
from dealerreach.features.inputs import Inputs
from dealerreach.features.mileage import kept_readings
from dealerreach.features.opportunities import opportunities
from dealerreach.features.sales import add_sales_features
from dealerreach.features.service import add_service_features
from dealerreach.features.staging import Stage, same


def opportunity_features(inputs: Inputs, *, as_of: date, config: RuleConfig,
                         stage: Stage = same) -> ibis.Table:
    inputs = replace(inputs, kept_readings=stage(kept_readings(inputs)))
    opps = stage(opportunities(inputs, as_of=as_of, stage=stage))
    opps = stage(add_sales_features(opps, inputs, as_of=as_of, config=config, stage=stage))
    return stage(add_service_features(opps, inputs, as_of=as_of, config=config,
                                      centroids=inputs.centroids, stage=stage))
