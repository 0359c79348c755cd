"""The product's rules as pure functions: dates, payments, mileage, coverages.

No I/O and standard library only. These are the reference definitions the analytics
engine is checked against; docs/rules.md describes them.
"""
