"""Whether a file is this school's return for this collection at all, told from its start.

    refused = refusal_at_start(raw, Context(codeset, collection="PHON", school=ours))

The portal asks before it gives an upload a version number, so a file that is not the
school's return for the collection (another school's, another collection's, not a CTF) is
refused there and then. It reads the header (the school, the CTF version) and only as many
pupils as it takes to tell the collection: the first with a result of the collection settles
it, so a right file costs one pupil. The rules and messages are the whole check's own (the
REFUSING codes), so the school is told the same words either way. Reading stops at a budget
of pupils and bytes: a file still undecided there is left to the whole check, which reads it
all and refuses it the same way (as a refused version, not at upload).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, cast

from keystage.checks.engine import HeaderCheck
from keystage.checks.model import Context, Finding
from keystage.checks.registry import Accumulator, Rule, finding, rules_for
from keystage.checks.run import Lookup, Run
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Header, Pupil
from keystage.ctf.reader import DEFAULT_MAX_BYTES, read_ctf

# Findings that mean the file is not this school's return for this collection: it is kept for
# the record, never used. The reader's refusals, another school's header, another collection's
# results.
REFUSING = frozenset(
    {"FILE-NOT-XML", "FILE-HOSTILE", "FILE-NOT-CTF", "HDR-SCHOOL", "FILE-WRONG-COLLECTION"}
)
# What the start may cost: a year group's file (a few hundred pupils, under 2 MB) is read
# whole well within it, in a fraction of a second; a larger file still undecided at the
# budget is left to the whole check.
START_PUPILS = 2000
START_BYTES = 4 * 1024 * 1024


class _Counted:
    """The file as the reader reads it, counting the bytes taken."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.count += len(data)
        return data


def refusal_at_start(
    raw: IO[bytes],
    context: Context,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pupils: int = START_PUPILS,
    budget: int = START_BYTES,
) -> Finding | None:
    """The finding that refuses the file, if its start shows one; None when it does not (the
    whole check may still find more). `context.collection` is the collection it is sent for."""
    counted = _Counted(raw)
    run = _run(context)
    try:
        with read_ctf(cast(IO[bytes], counted), max_bytes=max_bytes) as reader:
            found = _refusal_in_header(reader.header, run)
            if found is None:
                found = _refusal_in_pupils(iter(reader), run, max_pupils, counted, budget)
    except CTFError as refused:
        return finding(refused.code, refused.message)  # as the task would store it
    return found


def refusal_in_header(header: Header, context: Context) -> Finding | None:
    """The first refusing finding of the header's rules: another school's file. (A filled
    spreadsheet template's header is made from its hidden details: this is its check.)"""
    return _refusal_in_header(header, _run(context))


def _run(context: Context) -> Run:
    return Run(context, context.collection, Lookup(context.codeset))


def _refusal_in_header(header: Header, run: Run) -> Finding | None:
    for item in _refusing(run, "header"):
        for found in cast(HeaderCheck, item.check)(header, run):
            return found
    return None


def _refusal_in_pupils(
    pupils: Iterator[Pupil], run: Run, max_pupils: int, counted: _Counted, budget: int
) -> Finding | None:
    """Feeds the refusing file rules until each is settled, the file ends, or the budget is
    spent (undecided: None)."""
    folds = [cast(type[Accumulator], item.check)(run) for item in _refusing(run, "file")]
    if not folds:
        return None
    for count, pupil in enumerate(pupils, start=1):
        for fold in folds:
            for found in fold.pupil(pupil):
                return found
        if all(fold.settled() for fold in folds):
            return None
        if count >= max_pupils or counted.count > budget:
            return None
    for fold in folds:
        for found in fold.finish():
            return found
    return None


def _refusing(run: Run, scope: str) -> list[Rule]:
    return [
        item
        for item in rules_for(run.codeset.academic_year)
        if item.code in REFUSING and item.scope == scope and item.applies_to(run.collection)
    ]
