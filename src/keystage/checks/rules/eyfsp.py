"""The Early Years Foundation Stage Profile."""

from __future__ import annotations

from collections.abc import Iterable

from keystage.checks.model import ERROR, Finding
from keystage.checks.registry import finding, rule
from keystage.checks.run import Run
from keystage.checks.text import join, kind_field, who
from keystage.ctf.model import Pupil


@rule(
    code="EYF-A-PARTIAL",
    severity=ERROR,
    scope="pupil",
    collections=("EYFSP",),
    fields=("ELG01-ELG17",),
    summary="Some goals are A but not all: A means the whole profile could not be assessed.",
)
def a_partial(pupil: Pupil, run: Run) -> Iterable[Finding]:
    not_assessed = run.codeset.code_set("elg_not_assessed")
    given = [(a, k) for a, k in run.results(pupil).own if a.result is not None]
    marked = [k for a, k in given if a.result in not_assessed]
    if not marked or len(marked) == len(given):
        return ()
    code = join(sorted(not_assessed), "or")
    goals = join([k.key.component for k in marked])
    message = (
        f"{who(pupil)}: {len(marked)} of {len(given)} goals {'is' if len(marked) == 1 else 'are'} "
        f"{code} ({goals}). {code} means "
        "the whole profile could not be assessed, so it is given for every goal or for none. "
        f"Give each goal its level, or {code} for all, in your MIS and make the file again."
    )
    return (finding("EYF-A-PARTIAL", message, pupil, kind_field(marked[0])),)
