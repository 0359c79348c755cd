"""A segment rule as data: its id, its words, the features that decide it, and its test.

Sales and service segments are ordered lists of ``SegmentRule``; the precedence order
and which rules are enabled come from the group's ``RuleConfig``. ``explain`` shows a
rule's ``wording`` with the values of its ``inputs`` for one opportunity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis

from dealerreach.features.config import RuleConfig

Predicate = Callable[..., ibis.expr.types.BooleanValue]
"""``predicate(opps, *, as_of, config) -> boolean column``; null counts as no match."""


@dataclass(frozen=True)
class SegmentRule:
    id: str
    name: str
    wording: str
    """The rule in PRODUCT.md's words, with {placeholders} filled from the config."""
    inputs: tuple[str, ...]
    """Feature columns whose values decide the rule (shown by ``explain``)."""
    predicate: Predicate

    def matches(self, opps: ibis.Table, *, as_of: date,
                config: RuleConfig) -> ibis.expr.types.BooleanValue:
        return self.predicate(opps, as_of=as_of, config=config).fill_null(False)

    def describe(self, config: RuleConfig) -> str:
        return self.wording.format(**config.model_dump())
