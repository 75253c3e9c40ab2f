"""The results downloads as tables (a heading row, then a row a school or a pupil), for CSV and
XLSX alike: every school's figures, in full or for publication, and every pupil's outcomes,
with names or minimised.

Pupil level, minimised: no names, no date of birth, no UPN. The UPN is a national identifier
that follows a child through school, so a pupil ID stands in for it
(keystage.web.common.pupil_ids): the same across downloads of one collection, so files can be
joined. Term of birth stands in for the date of birth.
"""

from __future__ import annotations

from keystage.checks.run import Lookup
from keystage.codesets import codeset_for
from keystage.ctf.model import pupil_from_dict
from keystage.measures import AVERAGE, SPECS, Measure
from keystage.measures.compute import scorer_for
from keystage.measures.groups import groups_of
from keystage.measures.results import by_role
from keystage.web.common.clock import today
from keystage.web.common.pupil_ids import pseudonym
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.results.figures import cohort_of, school_rows
from keystage.web.results.pupils import current_records

Table = list[list[object]]


def file_name(collection: Collection, what: str, extension: str) -> str:
    return f"{collection.kind}-{collection.academic_year}-{what}-{today():%Y-%m-%d}.{extension}"


# -- School level --------------------------------------------------------------------------------


def school_table(collection: Collection, *, publication: bool) -> Table:
    """Every school with every measure's "all" figure; for publication, small groups are `c`."""
    specs = [s for s in SPECS[collection.kind] if s.name != "eyfsp_not_assessed"]
    head: list[object] = ["LAESTAB", "URN", "School", "District", "Pupils"]
    for s in specs:
        parts = ("denominator", "value") if s.kind == AVERAGE else (
            "numerator", "denominator", "percent")  # fmt: skip
        head += [f"{s.name}_{p}" for p in parts]
    rows = school_rows(cohort_of(collection), School.objects.all(), suppressed=publication)
    table = [head]
    for row in sorted(rows, key=lambda r: r.school.laestab):
        line: list[object] = [row.school.laestab, row.school.urn, row.school.name,
                              row.school.district, row.pupils]  # fmt: skip
        for s in specs:
            line += _figure_cells(row.figures.get(s.name), s.kind == AVERAGE)
        table.append(line)
    return table


def _figure_cells(m: Measure | None, average: bool) -> list[object]:
    width = 2 if average else 3
    if m is None:
        return [None] * width
    if m.suppressed:
        return ["c"] * width
    if average:
        return [m.denominator, m.value]
    return [m.numerator, m.denominator, m.percent]


# -- Pupil level ---------------------------------------------------------------------------------

FULL_PUPIL = ["LAESTAB", "School", "UPN", "Surname", "Forename", "Date of birth"]
MINIMISED_PUPIL = ["LAESTAB", "Pupil ID"]
PUPIL_FLAGS = ["Sex", "NC year", "Term of birth", "Disadvantaged", "SEN", "EAL", "Ethnic group"]


def pupil_table(collection: Collection, *, minimised: bool) -> Table:
    """Every current pupil with their groups and, per measure, 1 met / 0 not (a score for an
    average; blank where the pupil is not counted)."""
    codeset = codeset_for(collection.academic_year)
    scorer, lookup = scorer_for(collection.kind, codeset), Lookup(codeset)
    names = [s.name for s in SPECS[collection.kind]]
    schools = {s.pk: s for s in School.objects.all()}
    lines: list[tuple[tuple[str, ...], list[object]]] = []
    for row in current_records(collection):
        school = schools[row.submission.school_id]
        pupil = pupil_from_dict(row.data)
        flags = [g.split("=", 1)[1] for g in groups_of(pupil, codeset)[1:]]
        scores = dict(scorer.score(pupil, by_role(pupil, lookup, collection.kind)))
        order, who = _who(collection, school, row, minimised)
        lines.append((order, [*who, flags[0], row.nc_year, flags[4], *flags[1:4], flags[5],
                              *(scores.get(n) for n in names)]))  # fmt: skip
    head: list[object] = [*(MINIMISED_PUPIL if minimised else FULL_PUPIL), *PUPIL_FLAGS, *names]
    return [head, *(line for _, line in sorted(lines, key=lambda item: item[0]))]


def _who(
    collection: Collection, school: School, row: PupilRecord, minimised: bool
) -> tuple[tuple[str, ...], list[object]]:
    """The pupil's key to sort by, and the cells saying who they are."""
    if minimised:
        ident = pseudonym(collection, row.upn or f"record {row.pk}")
        return (school.laestab, ident), [school.laestab, ident]
    order = (school.laestab, row.surname.casefold(), row.forename.casefold(), row.upn)
    return order, [school.laestab, school.name, row.upn, row.surname, row.forename, row.dob]
