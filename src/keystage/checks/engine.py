"""Runs a year's rules over one file in a single streaming pass over its pupils."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import cast

from keystage.checks.model import CheckOutcome, Context, Finding, Severity
from keystage.checks.registry import Accumulator, Rule, rules_for
from keystage.checks.run import Lookup, Run, infer_from
from keystage.codesets import COLLECTIONS
from keystage.ctf.model import Header, Pupil

# Pupils held back while the collection is being inferred. Pupils before the first one with a
# known result have no results to check, so a file that shows none in this many pupils is
# treated as having no collection rather than held whole in memory.
MAX_BUFFERED = 2000
_FILE = -1  # the sort position of the file's own findings: before every pupil's
_RANK = {Severity.ERROR.value: 0, Severity.QUERY.value: 1, Severity.NOTE.value: 2}

PupilCheck = Callable[[Pupil, Run], Iterable[Finding]]
HeaderCheck = Callable[[Header, Run], Iterable[Finding]]


def run_checks(header: Header, pupils: Iterable[Pupil], ctx: Context) -> CheckOutcome:
    """Checks a header and its pupils (iterated once, never all held) with the year's rules."""
    if ctx.collection is not None and ctx.collection not in COLLECTIONS:
        raise ValueError(f"unknown collection {ctx.collection!r}: one of {', '.join(COLLECTIONS)}")
    lookup = Lookup(ctx.codeset)
    stream: Iterator[Pupil] = iter(pupils)
    held: deque[Pupil] = deque()
    collection = ctx.collection
    if collection is None:
        collection = _infer(stream, lookup, held)
    run = Run(ctx, collection, lookup)
    rules = [r for r in rules_for(ctx.codeset.academic_year) if r.applies_to(collection)]
    found: list[tuple[int, Finding]] = []
    for item in _of(rules, "header"):
        found.extend((_FILE, f) for f in cast(HeaderCheck, item.check)(header, run))
    folds = [(item, cast(type[Accumulator], item.check)(run)) for item in _of(rules, "file")]
    checks = [cast(PupilCheck, item.check) for item in _of(rules, "pupil")]
    count = _check_pupils(_replay(held, stream), checks, [f for _, f in folds], run, found)
    dropped: set[str] = set()
    for item, fold in folds:
        closing = list(fold.finish())
        if closing:
            dropped.update(item.supersedes)
        found.extend((_FILE, f) for f in closing)
    return CheckOutcome(collection, count, _ordered(found, dropped))


def _check_pupils(
    pupils: Iterator[Pupil],
    checks: list[PupilCheck],
    folds: list[Accumulator],
    run: Run,
    found: list[tuple[int, Finding]],
) -> int:
    """The hot loop: every rule on every pupil, findings tagged with the pupil's position."""
    feeds = [fold.pupil for fold in folds]
    count = 0
    for count, pupil in enumerate(pupils, start=1):
        for check in checks:
            for f in check(pupil, run):
                found.append((count, f))
        for feed in feeds:
            for f in feed(pupil):
                found.append((count, f))
    return count


def _ordered(found: list[tuple[int, Finding]], dropped: set[str]) -> list[Finding]:
    """Errors, then queries; in each, the file's own first, then pupils in file order (a
    stable sort keeps each pupil's findings in rule order)."""
    kept = [item for item in found if item[1].code not in dropped]
    kept.sort(key=lambda item: (_RANK[item[1].severity], item[0]))
    return [f for _, f in kept]


def _of(rules: list[Rule], scope: str) -> list[Rule]:
    return [r for r in rules if r.scope == scope]


def _infer(stream: Iterator[Pupil], lookup: Lookup, held: deque[Pupil]) -> str | None:
    """Reads pupils into `held` until one shows the collection (or the buffer is full)."""
    for pupil in stream:
        held.append(pupil)
        collection = infer_from(pupil, lookup)
        if collection is not None or len(held) >= MAX_BUFFERED:
            return collection
    return None


def _replay(held: deque[Pupil], stream: Iterator[Pupil]) -> Iterator[Pupil]:
    while held:
        yield held.popleft()  # let each buffered pupil go once it is checked
    yield from stream
