"""The phonics screening check: the Year 1 check and the Year 2 re-check."""

from __future__ import annotations

from collections.abc import Iterable

from keystage.checks.model import ERROR, QUERY, Finding
from keystage.checks.registry import finding, rule
from keystage.checks.rules.claims import PHONICS_MARK, phonics_mark_out_of_range
from keystage.checks.rules.pupil import RECHECK_YEAR
from keystage.checks.run import Run
from keystage.checks.text import FIX, is_numeric, kind_field, valid_results, who
from keystage.codesets.model import as_mark
from keystage.ctf.model import Assessment, Pupil


def _marks(pupil: Pupil, run: Run) -> list[Assessment]:
    """The pupil's phonics check results (marks or codes), in file order."""
    return [
        a
        for a, kind in run.results(pupil).own
        if kind.role == PHONICS_MARK and a.result is not None
    ]


@rule(
    code="PHON-MARK-AND-CODE",
    severity=ERROR,
    scope="pupil",
    collections=("PHON",),
    fields=(PHONICS_MARK,),
    summary="Both a mark and a code for the check in the same year.",
)
def mark_and_code(pupil: Pupil, run: Run) -> Iterable[Finding]:
    kind = run.codeset.role(PHONICS_MARK)
    by_year: dict[str | None, list[list[str]]] = {}
    for a in _marks(pupil, run):
        marks, codes = by_year.setdefault(a.year, [[], []])
        if is_numeric(a.result):
            marks.append(a.result or "")
        elif a.result in kind.results.codes:
            codes.append(a.result or "")
    found = []
    for year, (marks, codes) in by_year.items():
        if marks and codes:
            of_year = f" of {year}" if year else ""
            message = (
                f"{who(pupil)}: the phonics check{of_year} has both a mark ({marks[0]}) and the "
                f"code {codes[0]}. Give the mark or the code, not both. {FIX}"
            )
            found.append(finding("PHON-MARK-AND-CODE", message, pupil, kind_field(kind)))
    return found


@rule(
    code="PHON-MARK-RANGE",
    severity=ERROR,
    scope="pupil",
    collections=("PHON",),
    fields=(PHONICS_MARK,),
    summary="A mark that is not a whole number 0-40 (41, -1, 32.5).",
)
def mark_range(pupil: Pupil, run: Run) -> Iterable[Finding]:
    found = []
    for a, kind in run.results(pupil).own:
        value = a.result
        if value is None or kind.results.accepts(value):
            continue
        if phonics_mark_out_of_range(kind, value, run.codeset):
            message = (
                f"{who(pupil)}: the phonics mark '{value}' is not possible: it must be "
                f"{valid_results(kind.results)}. {FIX}"
            )
            found.append(finding("PHON-MARK-RANGE", message, pupil, kind_field(kind)))
    return found


def _split_years(
    pupil: Pupil, results: list[Assessment], year: str
) -> tuple[list[Assessment], list[Assessment]]:
    """(earlier years' results, this year's). When the file gives no years at all, a Year 2
    pupil's first result is taken as the Year 1 check and the rest as the re-check."""
    if pupil.nc_year == RECHECK_YEAR and all(a.year is None for a in results):
        return results[:1], results[1:]
    earlier = [a for a in results if a.year and a.year < year]
    current = [a for a in results if a.year == year]
    return earlier, current


@rule(
    code="PHON-Y2-ALREADY-MET",
    severity=QUERY,
    scope="pupil",
    collections=("PHON",),
    fields=(PHONICS_MARK,),
    summary="A Year 2 re-check for a pupil whose Year 1 mark met the threshold.",
)
def y2_already_met(pupil: Pupil, run: Run) -> Iterable[Finding]:
    results = _marks(pupil, run)
    if len(results) < 2:
        return ()
    threshold = run.codeset.phonics_threshold
    earlier, current = _split_years(pupil, results, run.codeset.assessment_year)
    met = [a for a in earlier if (mark := as_mark(a.result)) is not None and mark >= threshold]
    if not met or not current:
        return ()
    message = (
        f"{who(pupil)} has a re-check result ({current[-1].result}) this year, but met the "
        f"standard in Year 1 with a mark of {met[0].result} (the threshold is {threshold}). "
        "Only pupils who did not meet it take the re-check: check the marks in your MIS, or "
        "confirm and explain."
    )
    field = kind_field(run.codeset.role(PHONICS_MARK))
    return (finding("PHON-Y2-ALREADY-MET", message, pupil, field),)
