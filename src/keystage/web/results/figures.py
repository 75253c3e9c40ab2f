"""The figures as they stand: each school's, the LA's and England's, for the data team's results
page and its school-level downloads.

Every current record is loaded once and grouped by school in Python, and the pure core
computes each school's figures: a fixed number of queries however many schools the LA has.
Anything about one school that other schools' eyes can reach is suppressed (`c` for a group of
5 pupils or fewer, or the group hidden with it so that it cannot be worked out from the others).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keystage.codesets import codeset_for
from keystage.ctf.model import Pupil, pupil_from_dict
from keystage.measures import AVERAGE, SPECS, Measure, compute, suppress
from keystage.measures.labels import group_label, label
from keystage.web.models import Collection, ComparisonFigure, PupilRecord, School
from keystage.web.results.comparators import Choice, chosen
from keystage.web.results.pupils import current_records

NO_DATA = "\N{EN DASH}"


def shown(m: Measure | None) -> str:
    """A figure as a page shows it: 62.7%, 13.4, c (suppressed) or a dash (no pupils)."""
    if m is None:
        return NO_DATA
    if m.suppressed:
        return "c"
    figure = figure_of(m)
    if figure is None:
        return NO_DATA
    return f"{figure:.1f}" if m.kind == AVERAGE else f"{figure:.1f}%"


def figure_of(m: Measure | None) -> float | None:
    """The percentage, or the mean of an average; None when suppressed or for no pupils."""
    if m is None or m.suppressed:
        return None
    return m.value if m.kind == AVERAGE else m.percent


# -- Each school's -------------------------------------------------------------------------------


@dataclass
class Cohort:
    collection: Collection
    by_school: dict[int, list[PupilRecord]]

    @property
    def records(self) -> Iterable[PupilRecord]:
        return (r for rows in self.by_school.values() for r in rows)


def cohort_of(collection: Collection) -> Cohort:
    by_school: dict[int, list[PupilRecord]] = defaultdict(list)
    for row in current_records(collection):
        by_school[row.submission.school_id].append(row)
    return Cohort(collection, dict(by_school))


def figures(collection: Collection, pupils: Iterable[Pupil]) -> list[Measure]:
    return compute(pupils, collection.kind, codeset_for(collection.academic_year))


@dataclass
class SchoolRow:
    school: School
    pupils: int
    figures: dict[str, Measure]  # measure -> its "all" figure, as other schools may see it

    def cells(self, measures: Sequence[str]) -> list[str]:
        return [shown(self.figures.get(m)) for m in measures]


def school_rows(cohort: Cohort, schools: Iterable[School], *, suppressed: bool) -> list[SchoolRow]:
    """Each school's figures for "all", suppressed (beyond the school) or as they are."""
    rows = []
    for school in schools:
        records = cohort.by_school.get(school.pk, [])
        pupils = [pupil_from_dict(r.data) for r in records]
        found = figures(cohort.collection, pupils) if records else []
        if suppressed:
            found = suppress(found)
        rows.append(
            SchoolRow(school, len(records), {m.measure: m for m in found if m.group == "all"})
        )
    return rows


# -- The LA's against England's ------------------------------------------------------------------


def national_figures(collection: Collection) -> dict[tuple[str, str], Choice]:
    """(measure, group) -> England's figure the page uses for the collection's year (or the
    latest before it), with the others held for that year (results.comparators chooses; the
    page says which, its source and status, and shows the others beside it)."""
    return chosen(collection, [s.name for s in SPECS[collection.kind]])


@dataclass(frozen=True)
class Comparison:
    measure: str
    group: str
    ours: Measure
    national: ComparisonFigure | None  # the one used
    others: tuple[ComparisonFigure, ...] = ()  # the year's from other publishers or stages

    @property
    def label(self) -> str:
        return label(self.measure)

    @property
    def group_label(self) -> str:
        return group_label(self.group)

    @property
    def ours_text(self) -> str:
        return shown(self.ours)

    @property
    def counts(self) -> str:
        m = self.ours
        if m.suppressed or not m.denominator:
            return ""
        if m.kind == AVERAGE:
            return f"over {m.denominator} pupils"
        return f"{m.numerator} of {m.denominator}"

    @property
    def national_value(self) -> float | None:
        return self.national.value if self.national else None

    @property
    def national_text(self) -> str:
        return self.text_of(self.national) if self.national else "Not held"

    def text_of(self, figure: ComparisonFigure) -> str:
        """A comparison figure as the page shows it: to one decimal, as the LA's are."""
        if figure.value is None:
            return "x"  # not published (suppressed or not applicable)
        return f"{figure.value:.1f}" if self.ours.kind == AVERAGE else f"{figure.value:.1f}%"


def compared(ours: Iterable[Measure], national: dict[tuple[str, str], Choice]) -> list[Comparison]:
    found = []
    for m in ours:
        choice = national.get((m.measure, m.group))
        used, others = (choice.used, tuple(choice.others)) if choice else (None, ())
        found.append(Comparison(m.measure, m.group, m, used, others))
    return found
