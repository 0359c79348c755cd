"""RO categories: every RO line gets categories from rules on its op code and description.

Rules are data (``data/ro_categories.csv``, English and German shipped): a rule names a
category and how it matches —

- ``op_code_prefix``: the line's op code starts with the pattern (case-insensitive);
- ``keyword``: the line's description contains the pattern (case-insensitive);
- ``department``: the line's RO is of that department (``body`` ROs are body work).

A group passes its own rules (``ro_line_categories(inputs, rules=...)``) to replace the
shipped ones. A line may have several categories, or none. A line with ``recall = yes``
is always a recall line; ``declined = yes`` marks declined recommended work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ibis
from ibis.expr.types import BooleanValue, StringValue

from dealerreach.features.inputs import Inputs
from dealerreach.features.staging import Stage, settled

CATEGORIES = ("maintenance", "tires", "brakes", "battery", "recall", "diagnosis", "body")
MATCHES = ("op_code_prefix", "keyword", "department")
_UPPER_UMLAUTS = (("Ä", "ä"), ("Ö", "ö"), ("Ü", "ü"))


@dataclass(frozen=True)
class CategoryRule:
    category: str
    match: str
    pattern: str
    language: str = "*"

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown RO category {self.category!r}; "
                             f"use one of {', '.join(CATEGORIES)}")
        if self.match not in MATCHES:
            raise ValueError(f"unknown match {self.match!r}; use one of {', '.join(MATCHES)}")
        if not self.pattern.strip():
            raise ValueError(f"empty pattern in a {self.category} rule")


def load_rules(rows: Iterable[dict[str, str]]) -> tuple[CategoryRule, ...]:
    """Rules from records with category, match, pattern and (optional) language."""
    return tuple(CategoryRule(r["category"].strip(), r["match"].strip(), r["pattern"].strip(),
                              (r.get("language") or "*").strip()) for r in rows)


def _shipped() -> tuple[CategoryRule, ...]:
    path = resources.files("dealerreach.features").joinpath("data/ro_categories.csv")
    text = path.read_text(encoding="utf-8")
    return load_rules(csv.DictReader(io.StringIO(text, newline="")))


SHIPPED = _shipped()
"""The shipped rules (English and German)."""


def fold(text: StringValue) -> StringValue:
    """Lower case on every engine, German umlauts included (some engines lower ASCII only)."""
    for upper, lower in _UPPER_UMLAUTS:
        text = text.replace(upper, lower)
    return text.lower()


def _matches(rule: CategoryRule, t: ibis.Table) -> BooleanValue:
    if rule.match == "op_code_prefix":
        return t._code.startswith(rule.pattern.upper())
    if rule.match == "keyword":
        return t._text.contains(rule.pattern.lower())
    return t._department == rule.pattern.lower()


def _category(rules: Iterable[CategoryRule], category: str, t: ibis.Table) -> BooleanValue:
    result: BooleanValue = ibis.literal(False)
    for rule in rules:
        if rule.category == category:
            result = result | _matches(rule, t)
    return result


def ro_line_categories(inputs: Inputs, *, rules: Iterable[CategoryRule] = SHIPPED,
                       stage: Stage = settled) -> ibis.Table:
    """One row per RO line: its keys, labor_type, ``declined`` and a boolean per category.

    The rules are matched once per distinct (op code, description, department) of the
    lines, not once per line: a DMS repeats a few thousand texts over millions of lines
    (the demo group: 163 over 10 million). ``stage`` materialises those distinct texts
    with their categories (see ``features.staging``), and the lines get them by a join."""
    rules = tuple(rules)
    t = inputs.ro_lines
    t = t.mutate(_op=t.op_code.fill_null(""), _desc=t.description.fill_null(""),
                 _department=t.department.fill_null("service"))
    keys = ["_op", "_desc", "_department"]
    texts = t.select(*keys).distinct()
    texts = texts.mutate(_code=texts._op.upper(), _text=fold(texts._desc))
    texts = stage(texts.select(*keys, **{f"_is_{name}": _category(rules, name, texts)
                                         for name in CATEGORIES}))
    t = t.join(texts, keys)
    flags = {name: t[f"_is_{name}"] for name in CATEGORIES}
    flags["recall"] = flags["recall"] | (t.recall == "yes").fill_null(False)
    return t.select("rooftop_id", "ro_number", "line_no", "labor_type",
                    declined=(t.declined == "yes").fill_null(False), **flags)
