"""Primary segment and flags: every enabled rule in precedence order, the first match wins.

Sales: ``everyone_else`` when no sales rule matches (it is then also the only flag).
Service: ``none`` when no service rule matches (flags empty).
"""

from __future__ import annotations

from datetime import date

import ibis

from dealerreach.features.config import RuleConfig
from dealerreach.segments.custom import custom_rules
from dealerreach.segments.rules import SegmentRule

EVERYONE_ELSE = "everyone_else"
NO_SERVICE_SEGMENT = "none"


def _builtin(kind: str) -> tuple[SegmentRule, ...]:
    if kind == "sales":
        from dealerreach.segments.sales import SALES_RULES
        return SALES_RULES
    from dealerreach.segments.service import SERVICE_RULES
    return SERVICE_RULES


def enabled_rules(kind: str, *, config: RuleConfig) -> list[SegmentRule]:
    """The rules of one kind in the group's precedence order; custom rules not named in
    the order come after the built-in ones."""
    rules = {r.id: r for r in (*_builtin(kind), *custom_rules(config.custom_segments,
                                                                kind=kind))}
    order = config.sales_segment_order if kind == "sales" else config.service_segment_order
    unknown = [name for name in order if name not in rules]
    if unknown:
        raise ValueError(f"{kind}_segment_order names unknown segments: {', '.join(unknown)}")
    custom_tail = [r.id for r in custom_rules(config.custom_segments, kind=kind)
                   if r.id not in order]
    return [rules[name] for name in (*order, *custom_tail)]


def check_config(config: RuleConfig) -> None:
    """Refuse (ValueError) segment orders naming unknown segments and malformed custom
    segments, before a group's settings are stored."""
    ids = [r["id"] for r in config.custom_segments if isinstance(r, dict) and "id" in r]
    builtin = {r.id for kind in ("sales", "service") for r in _builtin(kind)}
    clashes = sorted(set(ids) & builtin) + sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        raise ValueError(f"custom segment ids must be new and unique: {', '.join(clashes)}")
    for kind in ("sales", "service"):
        enabled_rules(kind, config=config)


def match_column(rule_id: str, kind: str) -> str:
    return f"_{kind}_is_{rule_id}"


def _flags(opps: ibis.Table, rules: list[SegmentRule], kind: str) -> ibis.Value:
    text = ibis.literal("")
    for rule in rules:
        text = text + ibis.ifelse(opps[match_column(rule.id, kind)], rule.id + ";", "")
    return text


def _assign_kind(opps: ibis.Table, kind: str, *, as_of: date,
                 config: RuleConfig, default: str) -> ibis.Table:
    rules = enabled_rules(kind, config=config)
    opps = opps.mutate(**{match_column(r.id, kind): r.matches(opps, as_of=as_of, config=config)
                          for r in rules})
    primary = ibis.cases(*((opps[match_column(r.id, kind)], r.id) for r in rules),
                         else_=default) if rules else ibis.literal(default)
    raw = _flags(opps, rules, kind)
    trimmed = ibis.ifelse(raw.length() > 0, raw.substr(0, raw.length() - 1), "")
    empty_flags = EVERYONE_ELSE if kind == "sales" else ""
    flags = ibis.ifelse(trimmed == "", empty_flags, trimmed)
    return opps.mutate(**{f"{kind}_segment": primary, f"{kind}_flags": flags})


def assign_segments(opps: ibis.Table, *, as_of: date, config: RuleConfig) -> ibis.Table:
    """``opps`` with sales_segment, sales_flags, service_segment, service_flags and one
    boolean column per rule (``match_column``)."""
    opps = _assign_kind(opps, "sales", as_of=as_of, config=config, default=EVERYONE_ELSE)
    return _assign_kind(opps, "service", as_of=as_of, config=config,
                        default=NO_SERVICE_SEGMENT)
