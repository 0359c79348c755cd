"""What a segment run computes: every opportunity on D with its features and segments
(the rule frame) on the chosen engine, and the columns of it the store keeps in
``opportunity_segments`` (the rest are the opportunity's other features)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.features.frame import opportunity_features
from dealerreach.features.inputs import Inputs
from dealerreach.features.staging import Stage, settling_with
from dealerreach.jobs.analytics_copy import AnalyticsCopy
from dealerreach.jobs.engines import Stager, open_inputs
from dealerreach.segments.assign import assign_segments
from dealerreach.storage import schema

STORED_COLUMNS = [c.name for c in schema.opportunity_segments.columns
                  if c.name not in ("group_id", "as_of", "features")]
#: Engines on which every settled table is materialised (``features.staging``): both
#: inline a subquery's columns into every use, which cost more than the temporary
#: tables (PostgreSQL spent 11 s of a 100k-customer run on one such projection).
SETTLE_BY_STAGING = frozenset({"duckdb", "postgres"})


def rule_frame(inputs: Inputs, *, engine: str, stage: Stage, as_of: date,
               config: RuleConfig) -> ibis.Table:
    """Every opportunity on D with its features and segments (helper columns left out)."""
    with settling_with(stage) if engine in SETTLE_BY_STAGING else nullcontext():
        features = opportunity_features(inputs, as_of=as_of, config=config, stage=stage)
    frame = assign_segments(features, as_of=as_of, config=config)
    return frame.select([c for c in frame.columns if not c.startswith("_")])


def compute(store: sa.Engine, *, group_id: str, as_of: date, engine: str,
            config: RuleConfig, copy: AnalyticsCopy | None = None) -> pa.Table:
    """The rule frame as Arrow (sorted by VIN); on duckdb read from ``copy`` when given,
    else from the store."""
    with open_inputs(store, engine=engine, group_id=group_id, as_of=as_of,
                     copy=copy) as (con, inputs):
        stage = Stager(con, engine)
        try:
            frame = rule_frame(inputs, engine=engine, stage=stage, as_of=as_of,
                               config=config)
            result: Any = con.to_pyarrow(frame.order_by("vin"))
        finally:
            stage.close()
    return result
