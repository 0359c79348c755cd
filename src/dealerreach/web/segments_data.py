"""Reading a stored segment run for the dashboard: runs, counts, movements, one page of
opportunities. Read-only; every query is bound to one group and one run date.

The counts per segment are primary-segment counts; the movements are flag memberships
(an opportunity entered or left a segment's flags since the previous run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from dealerreach.features.config import RuleConfig
from dealerreach.segments.assign import EVERYONE_ELSE, NO_SERVICE_SEGMENT, enabled_rules
from dealerreach.segments.export import summary
from dealerreach.storage.config import load_config
from dealerreach.storage.schema import (
    opportunity_segments,
    rooftops,
    segment_movements,
    segment_runs,
)

KINDS = ("sales", "service")
DEFAULT_SEGMENT = {"sales": EVERYONE_ELSE, "service": NO_SERVICE_SEGMENT}
DEFAULT_NAMES = {EVERYONE_ELSE: "Everyone Else", NO_SERVICE_SEGMENT: "No service segment"}
#: The columns of a drill-down row, in the order the page shows them.
ROW_COLUMNS = ("vin", "customer_id", "rooftop_id", "deal_type", "payoff", "equity",
               "lease_maturity_date", "coverage_end_date", "cpro_12m", "last_visit_date")


@dataclass(frozen=True)
class Run:
    group_id: str
    as_of: date
    previous_as_of: date | None
    opportunities: int
    config: RuleConfig


@dataclass(frozen=True)
class Segment:
    """One segment of a kind on the dashboard: its primary-segment count and movements."""

    kind: str
    segment_id: str
    name: str
    opportunities: int
    entered: int
    left: int


def run_dates(conn: sa.Connection, *, group_id: str) -> list[date]:
    """The group's run dates, newest first."""
    query = (sa.select(segment_runs.c.as_of).where(segment_runs.c.group_id == group_id)
             .order_by(segment_runs.c.as_of.desc()))
    return list(conn.execute(query).scalars())


def get_run(conn: sa.Connection, *, group_id: str, as_of: date) -> Run | None:
    """The run of that date, with the settings it ran with (the group's current ones
    when the run did not keep them)."""
    row = conn.execute(sa.select(segment_runs).where(
        segment_runs.c.group_id == group_id, segment_runs.c.as_of == as_of)).first()
    if row is None:
        return None
    config = (RuleConfig.model_validate(row.config) if row.config
              else load_config(conn, group_id=group_id))
    return Run(group_id, row.as_of, row.previous_as_of, row.opportunities, config)


def run_rooftops(conn: sa.Connection, *, group_id: str, as_of: date) -> list[tuple[str, str]]:
    """(rooftop_id, name) of every rooftop with an opportunity in the run, by id."""
    t, r = opportunity_segments, rooftops
    query = (sa.select(t.c.rooftop_id, r.c.name).distinct()
             .select_from(t.outerjoin(r, sa.and_(r.c.group_id == t.c.group_id,
                                                 r.c.rooftop_id == t.c.rooftop_id)))
             .where(t.c.group_id == group_id, t.c.as_of == as_of)
             .order_by(t.c.rooftop_id))
    return [(rooftop_id, name or rooftop_id) for rooftop_id, name in conn.execute(query)]


def _scope(table: sa.Table, *, group_id: str, as_of: date,
           rooftop_id: str | None) -> list[sa.ColumnElement[bool]]:
    where = [table.c.group_id == group_id, table.c.as_of == as_of]
    if rooftop_id is not None:
        where.append(table.c.rooftop_id == rooftop_id)
    return where


def count_opportunities(conn: sa.Connection, *, group_id: str, as_of: date,
                        rooftop_id: str | None = None) -> int:
    t = opportunity_segments
    query = sa.select(sa.func.count()).select_from(t).where(
        *_scope(t, group_id=group_id, as_of=as_of, rooftop_id=rooftop_id))
    return int(conn.execute(query).scalar_one())


def primary_counts(conn: sa.Connection, *, group_id: str, as_of: date, kind: str,
                   rooftop_id: str | None = None) -> dict[str, int]:
    """{segment_id: opportunities whose primary segment it is} (one rooftop or all)."""
    out: dict[str, int] = {}
    for rooftop, counts in summary(conn, group_id=group_id, as_of=as_of, kind=kind).items():
        if rooftop_id is None or rooftop == rooftop_id:
            for segment_id, n in counts.items():
                out[segment_id] = out.get(segment_id, 0) + n
    return out


def movement_counts(conn: sa.Connection, *, group_id: str, as_of: date, kind: str,
                    rooftop_id: str | None = None) -> dict[str, dict[str, int]]:
    """{segment_id: {"entered": n, "left": n}} since the previous run."""
    t = segment_movements
    query = (sa.select(t.c.segment_id, t.c.movement, sa.func.count())
             .where(t.c.kind == kind,
                    *_scope(t, group_id=group_id, as_of=as_of, rooftop_id=rooftop_id))
             .group_by(t.c.segment_id, t.c.movement))
    out: dict[str, dict[str, int]] = {}
    for segment_id, movement, n in conn.execute(query):
        out.setdefault(segment_id, {"entered": 0, "left": 0})[movement] = n
    return out


def segment_names(kind: str, *, config: RuleConfig) -> dict[str, str]:
    """{segment_id: name} in precedence order, the default segment last."""
    names = {rule.id: rule.name for rule in enabled_rules(kind, config=config)}
    default = DEFAULT_SEGMENT[kind]
    names[default] = DEFAULT_NAMES[default]
    return names


def segments(conn: sa.Connection, *, run: Run, kind: str,
             rooftop_id: str | None = None) -> list[Segment]:
    """Every enabled segment of the kind in precedence order (zero counts included), then
    any segment the run holds that the settings no longer name."""
    scope: dict[str, Any] = {"group_id": run.group_id, "as_of": run.as_of, "kind": kind,
             "rooftop_id": rooftop_id}
    counts = primary_counts(conn, **scope)
    moved = movement_counts(conn, **scope)
    names = segment_names(kind, config=run.config)
    ids = [*names, *sorted((set(counts) | set(moved)) - set(names))]
    return [Segment(kind, s, names.get(s, s), counts.get(s, 0),
                    moved.get(s, {}).get("entered", 0), moved.get(s, {}).get("left", 0))
            for s in ids]


def _primary_column(kind: str) -> sa.Column[Any]:
    t = opportunity_segments
    return t.c.sales_segment if kind == "sales" else t.c.service_segment


def count_primary(conn: sa.Connection, *, group_id: str, as_of: date, kind: str,
                  segment_id: str, rooftop_id: str | None = None) -> int:
    t = opportunity_segments
    query = sa.select(sa.func.count()).select_from(t).where(
        _primary_column(kind) == segment_id,
        *_scope(t, group_id=group_id, as_of=as_of, rooftop_id=rooftop_id))
    return int(conn.execute(query).scalar_one())


def primary_opportunities(conn: sa.Connection, *, group_id: str, as_of: date, kind: str,
                          segment_id: str, rooftop_id: str | None = None, limit: int,
                          offset: int) -> list[dict[str, Any]]:
    """One page of the opportunities whose primary segment it is, by rooftop, customer,
    VIN."""
    t = opportunity_segments
    query = (sa.select(*(t.c[c] for c in ROW_COLUMNS))
             .where(_primary_column(kind) == segment_id,
                    *_scope(t, group_id=group_id, as_of=as_of, rooftop_id=rooftop_id))
             .order_by(t.c.rooftop_id, t.c.customer_id, t.c.vin)
             .limit(limit).offset(offset))
    return [dict(row._mapping) for row in conn.execute(query)]


def moved_opportunities(conn: sa.Connection, *, group_id: str, as_of: date, kind: str,
                        segment_id: str, movement: str, rooftop_id: str | None = None,
                        limit: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many, the first ``limit`` by rooftop and VIN) of the opportunities that
    entered or left the segment since the previous run; ``in_run`` tells whether the
    opportunity is still in this run (one that left may have gone altogether)."""
    t = segment_movements
    where: Sequence[sa.ColumnElement[bool]] = [
        t.c.kind == kind, t.c.segment_id == segment_id, t.c.movement == movement,
        *_scope(t, group_id=group_id, as_of=as_of, rooftop_id=rooftop_id)]
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()
    o = opportunity_segments
    joined = t.outerjoin(o, sa.and_(o.c.group_id == t.c.group_id, o.c.as_of == t.c.as_of,
                                    o.c.vin == t.c.vin))
    query = (sa.select(t.c.vin, t.c.rooftop_id, o.c.vin.is_not(None).label("in_run"))
             .select_from(joined).where(*where)
             .order_by(t.c.rooftop_id, t.c.vin).limit(limit))
    return int(total), [dict(row._mapping) for row in conn.execute(query)]
