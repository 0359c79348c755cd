"""The service segments of PRODUCT.md as data: one ``SegmentRule`` per segment.

Each predicate reads only feature columns of the opportunity table (from
``features.service.add_service_features``; ``maintenance_plan_active`` comes from the
sales features). The precedence order, the ``none`` segment and the flags are
``segments.assign``'s. "In the last N months" is (D - N months, D].
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
from ibis.expr.types import BooleanValue, DateValue

from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import lit
from dealerreach.features.service import in_last_months, months_before
from dealerreach.segments.rules import SegmentRule


def months_ago_between(d: DateValue, *, as_of: date, newer: int, older: int) -> BooleanValue:
    """``d`` in (D - older months, D - newer months]."""
    return (d > months_before(as_of, older)) & (d <= months_before(as_of, newer))


def _not(value: BooleanValue) -> BooleanValue:
    """True where ``value`` is false or null."""
    return ~value.fill_null(False)


def is_retained(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    at_home = ((opps.last_cpro_rooftop_id == opps.rooftop_id)
               & (opps.prev_cpro_rooftop_id == opps.rooftop_id))
    both = (in_last_months(opps.prev_cpro_date, as_of=as_of,
                           months=config.retained_window_months)
            & in_last_months(opps.last_cpro_date, as_of=as_of,
                             months=config.retained_window_months))
    latest = in_last_months(opps.last_cpro_date, as_of=as_of,
                            months=config.retained_recent_months)
    return at_home & both & latest


def is_multi_rooftop_visit(opps: ibis.Table, *, as_of: date,
                           config: RuleConfig) -> BooleanValue:
    return ((opps.multi_rooftop_cpros >= config.multi_rooftop_min_cpros)
            & (opps.multi_rooftop_rooftops >= 2))


def is_capture(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return opps.deal_id.isnull() & in_last_months(
        opps.last_home_cpro_date, as_of=as_of, months=config.capture_months)


def is_single_visit(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    months = config.single_visit_months
    return (in_last_months(opps.last_cpro_date, as_of=as_of, months=months)
            & _not(in_last_months(opps.prev_cpro_date, as_of=as_of, months=months))
            & (opps.last_cpro_rooftop_id == opps.rooftop_id))


def is_warranty_only(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    months = config.warranty_only_months
    return (in_last_months(opps.last_home_warranty_date, as_of=as_of, months=months)
            & _not(in_last_months(opps.last_cpro_date, as_of=as_of, months=months)))


def is_prepaid_maintenance(opps: ibis.Table, *, as_of: date,
                           config: RuleConfig) -> BooleanValue:
    return opps.maintenance_plan_active


def is_new_to_market_area(opps: ibis.Table, *, as_of: date,
                          config: RuleConfig) -> BooleanValue:
    moved = opps.moved_into_market_area_date
    start = lit(as_of - timedelta(days=config.new_to_market_days))
    recent = (moved > start) & (moved <= lit(as_of))
    no_visit_since = opps.last_visit_date.isnull() | (opps.last_visit_date < moved)
    return recent & no_visit_since


def is_at_risk(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    newer, older = config.at_risk_months
    return months_ago_between(opps.last_visit_date, as_of=as_of, newer=newer, older=older)


def is_lapsed(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    newer, older = config.lapsed_months
    return months_ago_between(opps.last_visit_date, as_of=as_of, newer=newer, older=older)


def is_lost(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> BooleanValue:
    return opps.last_visit_date <= months_before(as_of, config.lost_months)


SERVICE_RULES: tuple[SegmentRule, ...] = (
    SegmentRule(
        "retained", "Retained",
        "the two most recent CPROs are both at this rooftop and both in the last "
        "{retained_window_months} months, the latest in the last {retained_recent_months} "
        "months",
        ("last_cpro_date", "last_cpro_rooftop_id", "prev_cpro_date", "prev_cpro_rooftop_id",
         "rooftop_id"),
        is_retained),
    SegmentRule(
        "multi_rooftop_visit", "Multi-Rooftop Visit",
        "at least {multi_rooftop_min_cpros} CPROs in the last {multi_rooftop_months} months, "
        "at two or more rooftops of the group",
        ("multi_rooftop_cpros", "multi_rooftop_rooftops"),
        is_multi_rooftop_visit),
    SegmentRule(
        "capture", "Capture",
        "the opportunity has no deal (bought elsewhere) and a CPRO at this rooftop in the "
        "last {capture_months} months",
        ("deal_id", "last_home_cpro_date"),
        is_capture),
    SegmentRule(
        "single_visit", "Single Visit",
        "exactly one CPRO in the last {single_visit_months} months, and it is at this rooftop",
        ("last_cpro_date", "last_cpro_rooftop_id", "prev_cpro_date", "rooftop_id"),
        is_single_visit),
    SegmentRule(
        "warranty_only", "Warranty Only",
        "warranty or recall ROs at this rooftop in the last {warranty_only_months} months, "
        "no CPRO in that time",
        ("last_home_warranty_date", "last_cpro_date"),
        is_warranty_only),
    SegmentRule(
        "prepaid_maintenance", "Prepaid Maintenance",
        "an active prepaid-maintenance contract (from the deal, or an OEM plan in the make "
        "table)",
        ("maintenance_plan_active",),
        is_prepaid_maintenance),
    SegmentRule(
        "new_to_market_area", "New to Market Area",
        "the opportunity's customer record moved from outside this rooftop's market area to "
        "inside it in the last {new_to_market_days} days, and the VIN has no visit since",
        ("moved_into_market_area_date", "last_visit_date"),
        is_new_to_market_area),
    SegmentRule(
        "at_risk", "At Risk",
        "last visit in (D - {at_risk_months[1]} months, D - {at_risk_months[0]} months]",
        ("last_visit_date",),
        is_at_risk),
    SegmentRule(
        "lapsed", "Lapsed",
        "last visit in (D - {lapsed_months[1]} months, D - {lapsed_months[0]} months]",
        ("last_visit_date",),
        is_lapsed),
    SegmentRule(
        "lost", "Lost",
        "last visit on or before D - {lost_months} months",
        ("last_visit_date",),
        is_lost),
)
