"""Checks on a submitted CTF: small declared rules in one registry, run in one streaming pass.

    outcome = run_checks(header, pupils, Context(codeset=codesets.load("2025-26")))

Pure Python: never imports Django.
"""

from keystage.checks import rules as _rules  # noqa: F401  (registers the built-in rules)
from keystage.checks.engine import run_checks
from keystage.checks.model import (
    COLLECTION_NAMES,
    ERROR,
    QUERY,
    CheckOutcome,
    Context,
    Finding,
    Severity,
)
from keystage.checks.registry import (
    ALL,
    REGISTRY,
    Accumulator,
    Rule,
    declare,
    finding,
    rule,
    rules_for,
)
from keystage.checks.run import Run, infer_collection
from keystage.checks.start import REFUSING, refusal_at_start, refusal_in_header

__all__ = [
    "ALL",
    "COLLECTION_NAMES",
    "ERROR",
    "QUERY",
    "REFUSING",
    "REGISTRY",
    "Accumulator",
    "CheckOutcome",
    "Context",
    "Finding",
    "Rule",
    "Run",
    "Severity",
    "declare",
    "finding",
    "infer_collection",
    "refusal_at_start",
    "refusal_in_header",
    "rule",
    "rules_for",
    "run_checks",
]
