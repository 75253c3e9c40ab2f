"""The one registry of the checks run on a return to the DfE before its files are made.

They stand in for the DfE's own validation (EYFSP spec Tables 4-7, phonics §4), whose rules
were not readable (dfe-returns §2.5): each is one of "our ids" of §2.5 (EYR-...) or its phonics
equivalent (PHR-...), declared here with its severity and a summary beside the function that
runs it (`collect_checks`), as `keystage.checks.registry` declares the CTF's rules. An error
keeps its school or setting out of the files until it is put right; a query is for the LA to
check, and to explain in COLLECT's notepad if it is right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from keystage.checks.model import Severity
from keystage.codesets import Codeset
from keystage.exports.collect import Child, Establishment, ReturnHeader
from keystage.exports.collect_spec import CollectSpec


@dataclass(frozen=True)
class Draft:
    """A return before its files are made: everything the checks read."""

    spec: CollectSpec
    codeset: Codeset
    header: ReturnHeader
    submitting_la: str  # the LA making the return
    entries: Sequence[tuple[Establishment, Sequence[Child]]]


@dataclass(frozen=True)
class ReturnFinding:
    code: str
    severity: str  # "error" | "query"
    message: str  # names the school or setting to chase, and what to do
    establishment: Establishment | None = None  # None: the return's own (the header)
    upn: str | None = None


# What a check yields: the establishment to chase (None for the header), the child if any, and
# the message; the runner adds the rule's code and severity, so they cannot disagree.
Problem = tuple[Establishment | None, Child | None, str]
Check = Callable[[Draft], Iterable[Problem]]


@dataclass(frozen=True)
class ReturnRule:
    codes: Mapping[str, str]  # collection (EYFSP, PHON) -> the rule's code in it
    severity: Severity
    summary: str
    check: Check


RULES: list[ReturnRule] = []

_C = TypeVar("_C", bound=Check)


def rule(
    *, severity: Severity, summary: str, eyfsp: str | None = None, phon: str | None = None
) -> Callable[[_C], _C]:
    """Declares the decorated function as the check with these codes."""
    codes = {kind: code for kind, code in (("EYFSP", eyfsp), ("PHON", phon)) if code}

    def register(check: _C) -> _C:
        taken = {c for r in RULES for c in r.codes.values()} & set(codes.values())
        if taken:
            raise ValueError(f"return check code {', '.join(sorted(taken))} declared twice")
        RULES.append(ReturnRule(codes, severity, summary, check))
        return check

    return register


def rules_for(kind: str) -> list[tuple[str, ReturnRule]]:
    """(code, rule) of every check of one collection's return, in declaration order."""
    return [(r.codes[kind], r) for r in RULES if kind in r.codes]


def run(draft: Draft) -> list[ReturnFinding]:
    """Every finding of the collection's checks, errors first, in the entries' order."""
    found = []
    for code, item in rules_for(draft.spec.kind):
        for establishment, child, message in item.check(draft):
            upn = child.upn if child is not None else None
            found.append(ReturnFinding(code, item.severity.value, message, establishment, upn))
    return sorted(found, key=lambda f: f.severity != Severity.ERROR.value)


def blocked(findings: Iterable[ReturnFinding]) -> tuple[bool, set[Establishment]]:
    """(whether the header is wrong, so no file can go; the establishments an error keeps
    out)."""
    errors = [f for f in findings if f.severity == Severity.ERROR.value]
    header = any(f.establishment is None for f in errors)
    return header, {f.establishment for f in errors if f.establishment is not None}
