"""Service features of an opportunity: visits, CPROs, warranty ROs, RO-category flags and
the next service due date; ``add_service_features`` adds every service-side feature.

PRODUCT.md: a visit is one service-department RO (distinct rooftop and RO number); a
CPRO is an RO with at least one performed (not declined) line of labor type C and a
customer_pay_total above zero (without lines: customer_pay_total above zero). Body and
parts ROs feed RFM only, so CPROs and warranty ROs are service-department ROs too.
Internal customers' ROs count only as odometer readings. Visits and CPROs are those of
the opportunity's VIN anywhere in the group; ``*_home`` ones are at its home rooftop.
See docs/features-service.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import ibis
from ibis.expr.types import BooleanValue, DateValue, IntegerValue

from dealerreach.features.categories import SHIPPED, CategoryRule, ro_line_categories
from dealerreach.features.config import RuleConfig
from dealerreach.features.dates import add_days, add_months, days_between, lit
from dealerreach.features.inputs import Inputs
from dealerreach.features.market import add_market_features
from dealerreach.features.mileage import kept_readings
from dealerreach.features.rfm import add_rfm_scores
from dealerreach.features.staging import Stage, settled
from dealerreach.model import dates as model_dates
from dealerreach.model.warranty import KM_PER_MILE

_LINE_COUNTS = ("_lines", "_c_lines", "_w_lines", "_maintenance_lines", "_tire_lines",
                "_declined_lines")
LAST_DAY = date(9999, 12, 31)

COUNT_COLUMNS = ("visits_12m", "visits_24m", "cpro_12m", "cpro_24m", "cpro_12m_home",
                 "multi_rooftop_cpros", "multi_rooftop_rooftops", "declined_lines_24m")
FLAG_COLUMNS = ("maintenance_customer", "tire_customer")


def months_before(as_of: date, months: int) -> DateValue:
    """D - ``months`` as a date literal. D is a constant, so the clamped calendar rule
    (``model.dates.add_months``) runs once in Python and the engines compare plain dates."""
    return lit(model_dates.add_months(as_of, -months))


def in_last_months(d: DateValue, *, as_of: date, months: int) -> BooleanValue:
    """``d`` in (as_of - months, as_of]: the start excluded, as_of included."""
    return (d > months_before(as_of, months)) & (d <= lit(as_of))


def _line_counts(lines: ibis.Table) -> ibis.Table:
    done = ~lines.declined
    return lines.group_by("rooftop_id", "ro_number").agg(
        _lines=lines.count(),
        _c_lines=lines.count(where=done & (lines.labor_type == "C")),
        _w_lines=lines.count(where=done & ((lines.labor_type == "W") | lines.recall)),
        _maintenance_lines=lines.count(where=done & lines.maintenance),
        _tire_lines=lines.count(where=done & lines.tires),
        _declined_lines=lines.count(where=lines.declined))


def _customer_ros(inputs: Inputs) -> ibis.Table:
    """ROs with a VIN and an open date, of customer records that are not internal."""
    c = inputs.customers
    internal = c.filter(c.customer_type == "internal").select("rooftop_id", "customer_id")
    ros = inputs.repair_orders.anti_join(internal, ["rooftop_id", "customer_id"])
    return ros.filter(ros.vin.notnull() & ros.open_date.notnull())


def repair_order_facts(inputs: Inputs, *, rules: Iterable[CategoryRule] = SHIPPED,
                       stage: Stage = settled) -> ibis.Table:
    """One row per RO of a non-internal customer record, with ``is_visit``, ``is_cpro``,
    ``is_warranty`` and counts of its lines (performed C, W or recall, maintenance, tire
    and declined lines)."""
    counts = _line_counts(ro_line_categories(inputs, rules=rules, stage=stage))
    t = _customer_ros(inputs).left_join(counts, ["rooftop_id", "ro_number"]).select(
        ~ibis.selectors.endswith("_right"))
    t = t.mutate(**{name: t[name].fill_null(0) for name in _LINE_COUNTS})
    visit = t.department == "service"
    has_lines = t._lines > 0
    cpro = (t.customer_pay_total.fill_null(0) > 0) & (~has_lines | (t._c_lines > 0))
    warranty = ibis.ifelse(has_lines, t._w_lines > 0, t.warranty_total.fill_null(0) > 0)
    return stage(t.mutate(is_visit=visit, is_cpro=visit & cpro, is_warranty=visit & warranty))


def _vin_service(visits: ibis.Table, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """Per VIN: visit and CPRO counts in the windows, last dates, category flags."""
    v = visits

    def last(months: int) -> BooleanValue:
        return in_last_months(v.open_date, as_of=as_of, months=months)

    short, long, multi = (config.cpro_short_months, config.cpro_long_months,
                          config.multi_rooftop_months)
    in_multi = v.is_cpro & last(multi)
    return v.group_by("vin").agg(
        visits_12m=v.count(where=last(short)), visits_24m=v.count(where=last(long)),
        last_visit_date=v.open_date.max(),
        cpro_12m=v.count(where=v.is_cpro & last(short)),
        cpro_24m=v.count(where=v.is_cpro & last(long)),
        last_cpro_date=v.open_date.max(where=v.is_cpro),
        multi_rooftop_cpros=v.count(where=in_multi),
        multi_rooftop_rooftops=v.rooftop_id.nunique(where=in_multi),
        maintenance_customer=v.count(where=(v._maintenance_lines > 0) & last(long)) > 0,
        tire_customer=v.count(where=(v._tire_lines > 0) & last(long)) > 0,
        declined_lines_24m=v._declined_lines.sum(where=last(long)),
        last_maintenance_date=v.open_date.max(where=v._maintenance_lines > 0))


def _recent_cpros(visits: ibis.Table) -> ibis.Table:
    """Per VIN: the rooftop of the most recent CPRO, and the date and rooftop of the one
    before it (ties: the larger rooftop_id, then ro_number, counts as more recent)."""
    c = visits.filter(visits.is_cpro)
    rank = ibis.row_number().over(
        group_by=c.vin, order_by=[c.open_date.desc(), c.rooftop_id.desc(), c.ro_number.desc()])
    c = c.mutate(_rank=rank)
    c = c.filter(c._rank < 2)
    return c.group_by("vin").agg(
        last_cpro_rooftop_id=c.rooftop_id.max(where=c._rank == 0),
        prev_cpro_date=c.open_date.max(where=c._rank == 1),
        prev_cpro_rooftop_id=c.rooftop_id.max(where=c._rank == 1))


def _home_service(visits: ibis.Table, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """Per (VIN, rooftop): CPROs in the short window, last CPRO, last warranty RO."""
    v = visits
    short = in_last_months(v.open_date, as_of=as_of, months=config.cpro_short_months)
    return v.group_by("vin", "rooftop_id").agg(
        cpro_12m_home=v.count(where=v.is_cpro & short),
        last_home_cpro_date=v.open_date.max(where=v.is_cpro),
        last_home_warranty_date=v.open_date.max(where=v.is_warranty))


def _left_join(opps: ibis.Table, other: ibis.Table, keys: Sequence[str]) -> ibis.Table:
    """``opps`` with ``other``'s columns (null where ``other`` has no row for the keys)."""
    return opps.left_join(other, list(keys)).select(~ibis.selectors.endswith("_right"))


def add_visit_features(opps: ibis.Table, inputs: Inputs, *, as_of: date, config: RuleConfig,
                       rules: Iterable[CategoryRule] = SHIPPED,
                       stage: Stage = settled) -> ibis.Table:
    """``opps`` with the visit, CPRO, warranty and RO-category columns (see the doc)."""
    facts = repair_order_facts(inputs, rules=rules, stage=stage)
    visits = facts.filter(facts.is_visit)
    opps = _left_join(opps, _vin_service(visits, as_of=as_of, config=config), ["vin"])
    opps = _left_join(opps, _recent_cpros(visits), ["vin"])
    opps = _left_join(opps, _home_service(visits, as_of=as_of, config=config),
                     ["vin", "rooftop_id"])
    return opps.mutate(**{name: opps[name].fill_null(0).cast("int64") for name in COUNT_COLUMNS},
                       **{name: opps[name].fill_null(False) for name in FLAG_COLUMNS})


def add_service_features(opps: ibis.Table, inputs: Inputs, *, as_of: date, config: RuleConfig,
                         centroids: ibis.Table | None = None,
                         rules: Iterable[CategoryRule] = SHIPPED,
                         stage: Stage = settled) -> ibis.Table:
    """``opps`` with every service-side feature: visits, CPROs, RO-category flags, next
    service due, distance and market area, moves, RFM (columns: docs/features-service.md).

    ``centroids`` replaces the postal-code centroids (default: the shipped US ZIPs);
    ``rules`` replaces the shipped RO category rules; ``stage`` materialises the RO lines
    and the per-RO facts (see ``features.staging``).
    """
    opps = add_visit_features(opps, inputs, as_of=as_of, config=config, rules=rules,
                              stage=stage)
    opps = add_service_due(opps, inputs, config=config)
    opps = add_market_features(opps, inputs, centroids=centroids)
    return add_rfm_scores(opps, inputs, as_of=as_of, config=config)


# --- next service due -------------------------------------------------------------------

def _in_unit(miles: int, unit: ibis.Value) -> IntegerValue:
    """A shipped distance in miles, in the rooftop's unit (km: rounded half up)."""
    km = int((miles * KM_PER_MILE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return ibis.ifelse(unit == "km", km, miles).cast("int64")


def _with_rate(t: ibis.Table, *, config: RuleConfig) -> ibis.Table:
    """``t`` with the daily rate as ``_num`` / ``_den``: (last - first) / days when the
    readings span min_reading_span_days or more, else the annual distance / 365."""
    span = days_between(t._first_on, t._last_on)
    has_rate = (span >= config.min_reading_span_days).fill_null(False)
    annual = ibis.ifelse(t._unit == "km", config.default_annual_km, config.default_annual_miles)
    return t.mutate(_num=ibis.ifelse(has_rate, t._last_odometer - t._first_odometer,
                                     annual).cast("int64"),
                    _den=ibis.ifelse(has_rate, span, 365).cast("int64"))


def _projected_reach(t: ibis.Table) -> DateValue:
    """The first day on or after the last reading whose projection reaches ``_limit``:
    last date + ceil((limit - last) / rate) days; null when the rate is 0 or past 9999."""
    days = ((t._limit - t._last_odometer) * t._den + t._num - 1) // ibis.greatest(t._num, 1)
    fits = (t._num > 0) & (days <= days_between(t._last_on, lit(LAST_DAY)))
    return ibis.ifelse(fits, add_days(t._last_on, ibis.ifelse(fits, days, 0)),
                       ibis.null("date"))


def _earlier(a: DateValue, b: DateValue) -> DateValue:
    """The earlier of two dates; a null one is ignored."""
    return ibis.ifelse(b.isnull() | (a.notnull() & (a <= b)), a, b)


def _limits(opps: ibis.Table, kept: ibis.Table, *, miles: int) -> ibis.Table:
    """Per VIN with a last maintenance: the mileage limit (the highest reading on or before
    that date + the interval), the first reading at or above it, the rooftop's unit."""
    last = opps.filter(opps.last_maintenance_date.notnull()).select(
        "vin", "last_maintenance_date", _unit=opps.distance_unit)
    before = kept.join(last, "vin")
    before = before.filter(before.on <= before.last_maintenance_date)
    limits = before.group_by("vin", "_unit").agg(_base=before.odometer.max())
    limits = limits.select("vin", "_unit", _limit=limits._base + _in_unit(miles, limits._unit))
    hits = kept.join(limits, "vin")
    hits = hits.filter(hits.odometer >= hits._limit).group_by("vin").agg(
        _reached_on=hits.on.min())
    return _left_join(limits, hits, ["vin"])


def _distance_due(opps: ibis.Table, kept: ibis.Table, *, config: RuleConfig,
                 miles: int) -> ibis.Table:
    """Per VIN: ``_by_distance``, the day the odometer reaches the odometer at the last
    maintenance + ``miles`` (in the rooftop's unit): the first reading at or above it,
    else the projection (docs/rules.md, ``date_reaching``)."""
    summary = kept.group_by("vin").agg(
        _first_on=kept.on.min(), _first_odometer=kept.odometer.min(),
        _last_on=kept.on.max(), _last_odometer=kept.odometer.max())
    t = _with_rate(_limits(opps, kept, miles=miles).join(summary, "vin"), config=config)
    by_distance = ibis.ifelse(t._reached_on.notnull(), t._reached_on, _projected_reach(t))
    return t.select("vin", _by_distance=by_distance)


def add_service_due(opps: ibis.Table, inputs: Inputs, *, config: RuleConfig) -> ibis.Table:
    """``opps`` (with last_maintenance_date) with next_service_due_date: the earlier of
    last maintenance + the month interval and the day the odometer reaches the
    odometer at the last maintenance + the distance interval."""
    # km rooftops: the miles converted and rounded half up to whole km (8,047 km)
    months, miles = config.service_interval_months, config.service_interval_miles
    due = _distance_due(opps, kept_readings(inputs), config=config, miles=miles)
    t = _left_join(opps, due, ["vin"])
    t = t.mutate(_by_time=add_months(t.last_maintenance_date, months))
    return t.mutate(next_service_due_date=_earlier(t._by_time, t._by_distance)).drop(
        "_by_time", "_by_distance")
