"""Custom segments: rules written as data in a group's configuration, compiled to Ibis.

A custom segment is a record::

    {"id": "big_equity", "name": "Big equity", "kind": "sales",
     "all": [{"feature": "equity", "op": ">=", "value": 5000},
             {"feature": "deal_type", "op": "in", "value": ["finance", "lease"]}]}

Every condition must hold (``all``). ``op`` is one of ``= != < <= > >= in not_in
is_null not_null``. A value for a date feature may be an ISO date or
``{"days_from_as_of": N}`` (D + N days; negative for the past). Nothing here builds
SQL text: features are looked up as columns and values are literals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import ibis
from pydantic import BaseModel, ConfigDict, Field

from dealerreach.segments.rules import SegmentRule

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": lambda c, v: c == v, "!=": lambda c, v: c != v,
    "<": lambda c, v: c < v, "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v, ">=": lambda c, v: c >= v,
    "in": lambda c, v: c.isin(v), "not_in": lambda c, v: ~c.isin(v),
}
OPS = (*_COMPARE, "is_null", "not_null")


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    feature: str
    op: str
    value: Any = None

    def model_post_init(self, _context: Any) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown op {self.op!r}; use one of {', '.join(OPS)}")


class CustomSegment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: str
    kind: str = Field(pattern=r"^(sales|service)$")
    all: list[Condition] = Field(min_length=1)


def _value(raw: Any, *, as_of: date) -> Any:
    if isinstance(raw, Mapping) and set(raw) == {"days_from_as_of"}:
        return as_of + timedelta(days=int(raw["days_from_as_of"]))
    return raw


def _condition(opps: ibis.Table, cond: Condition, *, as_of: date) -> Any:
    if cond.feature not in opps.columns:
        raise ValueError(f"custom segment: unknown feature {cond.feature!r}")
    col = opps[cond.feature]
    if cond.op == "is_null":
        return col.isnull()
    if cond.op == "not_null":
        return col.notnull()
    value = _value(cond.value, as_of=as_of)
    if isinstance(value, str) and col.type().is_date():
        value = date.fromisoformat(value)
    return _COMPARE[cond.op](col, value)


def _wording(segment: CustomSegment) -> str:
    parts = [f"{c.feature} {c.op} {c.value!r}".replace("{", "{{").replace("}", "}}")
             if c.value is not None else f"{c.feature} {c.op}" for c in segment.all]
    return "custom rule: " + " and ".join(parts)


def compile_segment(segment: CustomSegment) -> SegmentRule:
    def predicate(opps: ibis.Table, *, as_of: date, config: Any) -> Any:
        result = ibis.literal(True)
        for cond in segment.all:
            result = result & _condition(opps, cond, as_of=as_of)
        return result

    return SegmentRule(id=segment.id, name=segment.name, wording=_wording(segment),
                       inputs=tuple(dict.fromkeys(c.feature for c in segment.all)),
                       predicate=predicate)


def custom_rules(records: list[dict], *, kind: str) -> list[SegmentRule]:
    segments = [CustomSegment.model_validate(r) for r in records]
    return [compile_segment(s) for s in segments if s.kind == kind]
