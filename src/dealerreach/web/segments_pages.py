"""The segment dashboard: a run's segment counts per rooftop, the opportunities of one
primary segment, one opportunity's features and why it is in its segments — as pages
and, the same data, as JSON under /api."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from math import ceil
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, BeforeValidator, Field

from dealerreach.segments.explain import RuleVerdict, explain
from dealerreach.segments.export import stored_opportunity
from dealerreach.segments.run_files import FeaturesUnavailable
from dealerreach.storage import overview
from dealerreach.web import segments_data as data
from dealerreach.web.charts import Bar, bar_chart
from dealerreach.web.deps import Conn
from dealerreach.web.rendering import PageNotFound, render
from dealerreach.web.schemas import Problem

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["segments"],
                       responses={404: {"model": Problem}})

PER_PAGE = 50
MOVED_SHOWN = 100
"""Opportunities listed under "entered" and "left" on a segment's page (the count is
always complete)."""
NO_RUN = "no segment run yet — run `dealerreach segments run`"
MONEY = frozenset({"payoff", "equity", "amount_financed", "monthly_payment", "residual_value",
                   "msrp", "market_value", "lease_allowance"})
Kind = Literal["sales", "service"]


# -- finding the run ------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What a page shows: the group, its run dates, the chosen run (None: no such run)."""

    group: overview.Group
    dates: list[date]
    as_of: date | None
    run: data.Run | None
    rooftops: list[tuple[str, str]] = field(default_factory=list)
    rooftop_id: str | None = None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageNotFound(f"“{text}” is not a date (YYYY-MM-DD).") from None


def _scope(conn: Conn, group_id: str, *, as_of: date | None,
           rooftop: str | None, is_api: bool = False) -> Scope:
    group = overview.get_group(conn, group_id=group_id)
    if group is None:
        raise (HTTPException(404, detail=f"group {group_id!r} not found") if is_api
               else PageNotFound(f"There is no group “{group_id}”."))
    dates = data.run_dates(conn, group_id=group_id)
    day = as_of or (dates[0] if dates else None)
    run = data.get_run(conn, group_id=group_id, as_of=day) if day else None
    if run is None:
        if is_api:
            raise HTTPException(404, detail=_no_run_detail(group_id, day, dates))
        return Scope(group, dates, day, None)
    rooftops = data.run_rooftops(conn, group_id=group_id, as_of=run.as_of)
    if rooftop and rooftop not in {r for r, _name in rooftops}:
        message = f"rooftop {rooftop!r} has no opportunity in the run of {run.as_of}"
        raise (HTTPException(404, detail=message) if is_api else PageNotFound(
            f"Rooftop “{rooftop}” has no opportunity in the run of {run.as_of}."))
    return Scope(group, dates, run.as_of, run, rooftops, rooftop or None)


def _no_run_detail(group_id: str, day: date | None, dates: list[date]) -> str:
    if not dates:
        return f"group {group_id!r} has {NO_RUN}"
    return f"group {group_id!r} has no segment run on {day}"


def _no_run_page(request: Request, scope: Scope) -> Response:
    return render(request, "segments.html", scope=scope, group=scope.group, no_run=NO_RUN)


# -- what the pages and the API show --------------------------------------------------

def show(name: str, value: Any) -> str:
    """A feature value as a page shows it: money to cents, other decimals to two places."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and name in MONEY:
        return f"{value:,}.00"
    return str(value)


def _kinds(conn: Conn, scope: Scope) -> dict[str, list[data.Segment]]:
    assert scope.run is not None
    return {kind: data.segments(conn, run=scope.run, kind=kind, rooftop_id=scope.rooftop_id)
            for kind in data.KINDS}


def _chart(kind: str, found: list[data.Segment]) -> Any:
    bars = [Bar(s.name, s.opportunities, key=s.segment_id) for s in found]
    return bar_chart(bars, title=f"Opportunities per primary {kind} segment")


def _segment_name(conn: Conn, scope: Scope, kind: str, segment_id: str) -> str:
    assert scope.run is not None
    if kind not in data.KINDS:
        raise PageNotFound(f"There is no kind of segment “{kind}” (sales or service).")
    for segment in data.segments(conn, run=scope.run, kind=kind):
        if segment.segment_id == segment_id:
            return segment.name
    raise PageNotFound(f"There is no {kind} segment “{segment_id}” in the run of "
                       f"{scope.as_of}.")


def _moved(conn: Conn, scope: Scope, kind: str, segment_id: str,
           movement: str) -> tuple[int, list[dict[str, Any]]]:
    assert scope.as_of is not None
    return data.moved_opportunities(
        conn, group_id=scope.group.group_id, as_of=scope.as_of, kind=kind,
        segment_id=segment_id, movement=movement, rooftop_id=scope.rooftop_id,
        limit=MOVED_SHOWN)


def _rows(conn: Conn, scope: Scope, kind: str, segment_id: str, *, limit: int,
          offset: int) -> tuple[int, list[dict[str, Any]]]:
    assert scope.as_of is not None
    where: dict[str, Any] = {"group_id": scope.group.group_id, "as_of": scope.as_of,
                             "kind": kind, "segment_id": segment_id,
                             "rooftop_id": scope.rooftop_id}
    return (data.count_primary(conn, **where),
            data.primary_opportunities(conn, **where, limit=limit, offset=offset))


def _opportunity(conn: Conn, scope: Scope, vin: str) -> dict[str, Any]:
    assert scope.as_of is not None
    try:
        features = stored_opportunity(conn, group_id=scope.group.group_id,
                                      as_of=scope.as_of, vin=vin)
    except FeaturesUnavailable as exc:
        raise PageNotFound(f"The features of “{vin}” on {scope.as_of} cannot be read: "
                           f"{exc}.") from None
    if features is None:
        raise PageNotFound(f"There is no opportunity “{vin}” in the run of {scope.as_of}.")
    return features


# -- pages ----------------------------------------------------------------------------

def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


@router.get("/groups/{group_id}/segments", name="segments_page",
            response_class=HTMLResponse)
def segments_page(request: Request, conn: Conn, group_id: str, rooftop: str | None = None,
                  as_of: str | None = None) -> Response:
    scope = _scope(conn, group_id, as_of=_date(as_of), rooftop=rooftop)
    if scope.run is None:
        return _no_run_page(request, scope)
    assert scope.as_of is not None
    kinds = _kinds(conn, scope)
    total = data.count_opportunities(conn, group_id=group_id, as_of=scope.as_of,
                                     rooftop_id=scope.rooftop_id)
    return render(request, "segments.html", scope=scope, group=scope.group, no_run=None,
                  kinds=kinds, total=total,
                  charts={kind: _chart(kind, found) for kind, found in kinds.items()})


@router.get("/groups/{group_id}/segments/{kind}/{segment_id}", name="segment_page",
            response_class=HTMLResponse)
def segment_page(request: Request, conn: Conn, group_id: str, kind: str, segment_id: str,
                 rooftop: str | None = None, as_of: str | None = None,
                 page: str | None = None) -> Response:
    scope = _scope(conn, group_id, as_of=_date(as_of), rooftop=rooftop)
    if scope.run is None:
        return _no_run_page(request, scope)
    name = _segment_name(conn, scope, kind, segment_id)
    total, _ = _rows(conn, scope, kind, segment_id, limit=0, offset=0)
    pages = max(1, ceil(total / PER_PAGE))
    number = min(_page_number(page), pages)
    _, rows = _rows(conn, scope, kind, segment_id, limit=PER_PAGE,
                    offset=(number - 1) * PER_PAGE)
    return render(
        request, "segment.html", scope=scope, group=scope.group, kind=kind,
        segment_id=segment_id, segment_name=name, total=total, rows=rows, page=number, pages=pages,
        first=(number - 1) * PER_PAGE + 1, show=show, moved_shown=MOVED_SHOWN,
        entered=_moved(conn, scope, kind, segment_id, "entered"),
        left=_moved(conn, scope, kind, segment_id, "left"),
    )


@router.get("/groups/{group_id}/opportunities/{vin}", name="opportunity_page",
            response_class=HTMLResponse)
def opportunity_page(request: Request, conn: Conn, group_id: str, vin: str,
                     as_of: str | None = None) -> Response:
    scope = _scope(conn, group_id, as_of=_date(as_of), rooftop=None)
    if scope.run is None:
        return _no_run_page(request, scope)
    features = _opportunity(conn, scope, vin)
    verdicts = explain(features, config=scope.run.config)
    return render(
        request, "opportunity.html", scope=scope, group=scope.group, vin=vin,
        features=features, show=show,
        rules={kind: [v for v in verdicts if v.kind == kind] for kind in data.KINDS},
        names={kind: data.segment_names(kind, config=scope.run.config)
               for kind in data.KINDS},
    )


# -- JSON API -------------------------------------------------------------------------

def _empty_is_none(value: object) -> object:
    return value or None


Rooftop = Annotated[str | None, BeforeValidator(_empty_is_none),
                    Query(description="One rooftop's opportunities; empty or absent: all.")]
AsOf = Annotated[date | None, BeforeValidator(_empty_is_none),
                 Query(description="The run date (D); empty or absent: the latest run.")]


class SegmentCount(BaseModel):
    segment_id: str
    name: str
    opportunities: int = Field(description="Opportunities whose primary segment it is.")
    entered: int = Field(description="Opportunities flagged now, not in the previous run.")
    left: int = Field(description="Opportunities flagged in the previous run, not now.")


class SegmentDashboard(BaseModel):
    group_id: str
    as_of: date
    previous_as_of: date | None
    rooftop_id: str | None = Field(description="The rooftop shown; null: all of them.")
    rooftops: list[str] = Field(description="Rooftops with opportunities in the run.")
    run_dates: list[date] = Field(description="The group's run dates, newest first.")
    opportunities: int
    sales: list[SegmentCount] = Field(description="In precedence order, the default last.")
    service: list[SegmentCount] = Field(description="In precedence order, the default last.")


class OpportunityRow(BaseModel):
    vin: str
    customer_id: str
    rooftop_id: str
    deal_type: str | None
    payoff: float | None
    equity: float | None
    lease_maturity_date: date | None
    coverage_end_date: date | None
    cpro_12m: int | None
    last_visit_date: date | None


class MovedOpportunity(BaseModel):
    vin: str
    rooftop_id: str
    in_run: bool = Field(description="Whether the opportunity is in this run at all.")


class Movements(BaseModel):
    total: int
    items: list[MovedOpportunity] = Field(description=f"The first {MOVED_SHOWN}.")


class SegmentOpportunities(BaseModel):
    group_id: str
    as_of: date
    kind: Kind
    segment_id: str
    name: str
    rooftop_id: str | None
    total: int = Field(description="Opportunities whose primary segment it is.")
    limit: int
    offset: int
    items: list[OpportunityRow]
    entered: Movements
    left: Movements


class Verdict(BaseModel):
    kind: Kind
    rule_id: str
    name: str
    wording: str
    matched: bool
    primary: bool = Field(description="Whether it is the opportunity's primary segment.")
    values: dict[str, Any] = Field(description="The feature values that decided it.")


class OpportunityWhy(BaseModel):
    group_id: str
    as_of: date
    vin: str
    features: dict[str, Any]
    rules: list[Verdict] = Field(description="Sales then service, in precedence order.")


def _api_scope(conn: Conn, group_id: str, *, as_of: date | None,
               rooftop: str | None = None) -> Scope:
    return _scope(conn, group_id, as_of=as_of, rooftop=rooftop, is_api=True)


def _count(segment: data.Segment) -> SegmentCount:
    return SegmentCount(segment_id=segment.segment_id, name=segment.name,
                        opportunities=segment.opportunities, entered=segment.entered,
                        left=segment.left)


@api_router.get("/groups/{group_id}/segments", response_model=SegmentDashboard)
def api_segments(conn: Conn, group_id: str, rooftop: Rooftop = None,
                 as_of: AsOf = None) -> SegmentDashboard:
    """A run's primary-segment counts per kind and segment, with the movements since the
    previous run (one rooftop or all)."""
    scope = _api_scope(conn, group_id, as_of=as_of, rooftop=rooftop)
    assert scope.run is not None
    kinds = _kinds(conn, scope)
    return SegmentDashboard(
        group_id=group_id, as_of=scope.run.as_of, previous_as_of=scope.run.previous_as_of,
        rooftop_id=scope.rooftop_id, rooftops=[r for r, _name in scope.rooftops],
        run_dates=scope.dates,
        opportunities=data.count_opportunities(conn, group_id=group_id, as_of=scope.run.as_of,
                                               rooftop_id=scope.rooftop_id),
        sales=[_count(s) for s in kinds["sales"]],
        service=[_count(s) for s in kinds["service"]])


def _api_movements(conn: Conn, scope: Scope, kind: str, segment_id: str,
                   movement: str) -> Movements:
    total, items = _moved(conn, scope, kind, segment_id, movement)
    return Movements(total=total, items=[MovedOpportunity(**item) for item in items])


@api_router.get("/groups/{group_id}/segments/{kind}/{segment_id}",
                response_model=SegmentOpportunities)
def api_segment(conn: Conn, group_id: str, kind: Kind, segment_id: str,
                rooftop: Rooftop = None, as_of: AsOf = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = PER_PAGE,
                offset: Annotated[int, Query(ge=0)] = 0) -> SegmentOpportunities:
    """A page of the opportunities whose primary segment it is (by rooftop, customer,
    VIN), and those that entered or left the segment since the previous run."""
    scope = _api_scope(conn, group_id, as_of=as_of, rooftop=rooftop)
    assert scope.as_of is not None
    try:
        name = _segment_name(conn, scope, kind, segment_id)
    except PageNotFound:
        raise HTTPException(404, detail=f"{kind} segment {segment_id!r} not found") from None
    total, rows = _rows(conn, scope, kind, segment_id, limit=limit, offset=offset)
    return SegmentOpportunities(
        group_id=group_id, as_of=scope.as_of, kind=kind, segment_id=segment_id, name=name,
        rooftop_id=scope.rooftop_id, total=total, limit=limit, offset=offset,
        items=[OpportunityRow(**row) for row in rows],
        entered=_api_movements(conn, scope, kind, segment_id, "entered"),
        left=_api_movements(conn, scope, kind, segment_id, "left"))


def _verdict(verdict: RuleVerdict) -> Verdict:
    return Verdict(kind=verdict.kind, rule_id=verdict.rule_id,  # type: ignore[arg-type]
                   name=verdict.name, wording=verdict.wording, matched=verdict.matched,
                   primary=verdict.primary, values=verdict.values)


@api_router.get("/groups/{group_id}/opportunities/{vin}", response_model=OpportunityWhy)
def api_opportunity(conn: Conn, group_id: str, vin: str,
                    as_of: AsOf = None) -> OpportunityWhy:
    """One opportunity of a run: every feature, and for every rule whether it matched,
    whether it is the primary segment, its wording and the values that decided it."""
    scope = _api_scope(conn, group_id, as_of=as_of)
    assert scope.run is not None
    try:
        features = _opportunity(conn, scope, vin)
    except PageNotFound:
        raise HTTPException(404, detail=f"opportunity {vin!r} not in the run of "
                                        f"{scope.run.as_of}") from None
    return OpportunityWhy(
        group_id=group_id, as_of=scope.run.as_of, vin=vin, features=features,
        rules=[_verdict(v) for v in explain(features, config=scope.run.config)])
