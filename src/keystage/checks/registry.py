"""The one registry of checks: each rule's code, severity, collections, fields and summary,
declared beside the function that runs it. The catalogue page is rendered from here.

Scopes:
- "header": fn(header, run) -> Iterable[Finding], once per file;
- "pupil": fn(pupil, run) -> Iterable[Finding], once per pupil;
- "file": an Accumulator subclass, fed every pupil, for rules over the set (duplicates);
- "reader" and "store": declared only; the CTF reader and the portal's processing raise them;
- "template": declared only; the spreadsheet template reader (keystage.template) raises them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from keystage.checks.model import Finding, Severity
from keystage.codesets import COLLECTIONS
from keystage.ctf.model import Pupil

if TYPE_CHECKING:
    from keystage.checks.run import Run

Scope = Literal["header", "pupil", "file", "reader", "store", "template"]
ALL: tuple[str, ...] = COLLECTIONS  # runs on every file, even one whose collection is unknown

_T = TypeVar("_T")


class Accumulator:
    """A file-scope rule: one instance per run, fed each pupil in file order.

    Findings returned by `pupil` belong to that pupil; those returned by `finish` are the
    file's. Keep state small: a 100 MB file has 70,000 pupils.
    """

    def __init__(self, run: Run) -> None:
        self.run = run

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        return ()

    def finish(self) -> Iterable[Finding]:
        return ()

    def settled(self) -> bool:
        """True once no further pupil can change what `finish` says: a caller reading only a
        file's start (keystage.checks.start) may stop there."""
        return False


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    scope: Scope
    collections: tuple[str, ...]
    fields: tuple[str, ...]
    summary: str  # one line for the catalogue
    check: Callable[..., object] | None = None  # a function, or an Accumulator subclass
    supersedes: tuple[str, ...] = ()  # codes dropped from the run when this rule fires

    def applies_to(self, collection: str | None) -> bool:
        """Rules for every collection run even when the collection is unknown (a results rule
        then finds no results of the collection and says nothing)."""
        if collection is None:
            return self.collections == ALL
        return collection in self.collections


REGISTRY: dict[str, Rule] = {}


def _add(item: Rule) -> None:
    if item.code in REGISTRY:
        raise ValueError(f"check code {item.code} is declared twice")
    if item.scope in ("header", "pupil", "file") and item.check is None:
        raise ValueError(f"check {item.code} runs in scope {item.scope} but has no check")
    REGISTRY[item.code] = item


def rule(
    *,
    code: str,
    severity: Severity,
    scope: Scope,
    summary: str,
    collections: tuple[str, ...] = ALL,
    fields: tuple[str, ...] = (),
    supersedes: tuple[str, ...] = (),
) -> Callable[[_T], _T]:
    """Declares the decorated function (or Accumulator subclass) as the check for `code`."""

    def register(check: _T) -> _T:
        if not callable(check):
            raise TypeError(f"check {code} must be a function or an Accumulator subclass")
        _add(Rule(code, severity, scope, collections, fields, summary, check, supersedes))
        return check

    return register


def declare(
    *,
    code: str,
    severity: Severity,
    scope: Scope,
    summary: str,
    collections: tuple[str, ...] = ALL,
    fields: tuple[str, ...] = (),
) -> None:
    """Declares a code that another part of Keystage raises, so the registry lists every code."""
    _add(Rule(code, severity, scope, collections, fields, summary))


def finding(
    code: str, message: str, pupil: Pupil | None = None, field: str | None = None
) -> Finding:
    """A finding with the registry's severity: a rule cannot disagree with its declaration."""
    severity = REGISTRY[code].severity.value
    if pupil is None:
        return Finding(code, severity, message, field=field)
    return Finding(code, severity, message, pupil.upn, pupil.display_name, field, pupil.line)


# Rule packs by academic year. The first pack is every registered rule except those a later
# year adds; each later year is derived from the one before by explicit removals and additions,
# so a year's changes read in one place. Tests pin the number of rules in each pack. A year
# after the last pack (its code tables published by the LA) keeps the last pack's rules: rules
# are the software's, and change only with a release that adds a pack.
FIRST_PACK = "2024-25"
_PACK_CHANGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "2025-26": ((), ()),  # (codes removed, codes added) relative to the year before
    "2026-27": ((), ()),
}


def pack_years() -> tuple[str, ...]:
    return (FIRST_PACK, *_PACK_CHANGES)


def rules_for(academic_year: str) -> tuple[Rule, ...]:
    """The rules of one academic year's pack (a year after the last pack: the last pack's), in
    registry order."""
    if academic_year < FIRST_PACK:
        raise KeyError(f"no rule pack for {academic_year}; there are: {', '.join(pack_years())}")
    later = {code for _, added in _PACK_CHANGES.values() for code in added}
    codes = set(REGISTRY) - later
    for year, (removed, added) in _PACK_CHANGES.items():
        if year > academic_year:
            break
        codes = (codes - set(removed)) | set(added)
    return tuple(item for code, item in REGISTRY.items() if code in codes)
