"""Why an opportunity is in each segment: every rule, whether it matched, and the values
that decided it (from the stored run's features)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealerreach.features.config import RuleConfig
from dealerreach.segments.assign import enabled_rules


@dataclass(frozen=True)
class RuleVerdict:
    kind: str
    rule_id: str
    name: str
    wording: str
    matched: bool
    primary: bool
    values: dict[str, Any]


def explain(features: dict[str, Any], *, config: RuleConfig) -> list[RuleVerdict]:
    """One verdict per enabled rule, in precedence order, sales first."""
    verdicts = []
    for kind in ("sales", "service"):
        flags = set(filter(None, str(features.get(f"{kind}_flags") or "").split(";")))
        primary = features.get(f"{kind}_segment")
        for rule in enabled_rules(kind, config=config):
            verdicts.append(RuleVerdict(
                kind=kind, rule_id=rule.id, name=rule.name, wording=rule.describe(config),
                matched=rule.id in flags, primary=rule.id == primary,
                values={name: features.get(name) for name in rule.inputs}))
    return verdicts
