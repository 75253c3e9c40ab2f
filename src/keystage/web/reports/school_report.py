"""A school's school-level report: its headline figures with the LA's and England's, each
subject's results, the main measures by pupil group, and the years before (reports.subjects,
reports.trend), rendered as a tagged PDF (keystage.web.common.pdf).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from keystage.codesets import codeset_for
from keystage.measures import PERCENT, SPECS, Measure, compute, mark_small
from keystage.measures.groups import dimension_of
from keystage.measures.labels import DIMENSIONS, HEADLINES, group_label, label, short_label
from keystage.web.common import charts
from keystage.web.common.pdf import pdf_of
from keystage.web.models import Collection, School
from keystage.web.reports.figures import (
    NOT_AVAILABLE,
    National,
    figure,
    la_measures,
    national,
    share,
)
from keystage.web.reports.front import front
from keystage.web.reports.subjects import spread, subjects
from keystage.web.reports.trend import trend
from keystage.web.results.pupils import la_schools, pupils

Figures = dict[tuple[str, str], Measure]  # (measure, group) -> its figure

SCHOOL_TITLE = "School-level results"
SETTING_TITLE = "Setting-level results"  # a PVI setting's report: the same builder


def main_measures(kind: str, names: Sequence[str]) -> list[str]:
    """The measures charted and broken down by group: the collection's headline measures that
    are percentages (a chart of shares has no place for a mean), of those the school has."""
    percentages = {s.name for s in SPECS.get(kind, ()) if s.kind == PERCENT}
    return [n for n in HEADLINES.get(kind, ()) if n in percentages and n in names]


@dataclass
class HeadlineRow:
    label: str
    school: str
    small: bool
    la: str
    england: str  # its source and year: _england_sources


@dataclass
class BreakdownRow:
    label: str
    pupils: int
    cells: list[str]  # a main measure each: "the school's (the LA's)"
    small: bool  # a figure of the row is over 5 pupils or fewer


@dataclass
class Breakdown:
    title: str
    rows: list[BreakdownRow] = field(default_factory=list)


def school_context(school: School, collection: Collection) -> dict[str, Any]:
    """The school-level report's content (reports/school.html)."""
    codeset = codeset_for(collection.academic_year)
    found = pupils(collection, school)  # loaded once: the measures', the subjects' and trend's
    measures = compute(found, collection.kind, codeset)
    mine = mark_small(measures)
    own = {(m.measure, m.group): m for m in mine}
    la = la_measures(collection)
    names = [m.measure for m in mine if m.group == "all"]
    england = national(collection, names)
    main = main_measures(collection.kind, names)
    each = subjects(found, collection.kind, codeset)
    return {
        **front(school, collection, SETTING_TITLE if school.is_setting else SCHOOL_TITLE),
        "headline": [_headline(name, own, la, england) for name in names],
        "england_sources": _england_sources(names, england),
        "chart": _chart(main, own, la, england),
        "subjects": each,
        "spread": spread(each),
        "main": [(short_label(name), label(name)) for name in main],
        "breakdowns": _breakdowns(mine, main, own, la),
        "trend": trend(school, collection, measures, main),
        "note": next((m.note for m in mine if m.note and m.group == "all"), None),
        "la_provisional": la_schools(collection)[1],
    }


def _headline(
    name: str,
    own: Figures,
    la: Figures,
    england: dict[tuple[str, str], National],
) -> HeadlineRow:
    mine = own.get((name, "all"))
    found = england.get((name, "all"))
    return HeadlineRow(
        label=label(name),
        school=figure(mine),
        small=bool(mine and mine.small),
        la=share(la.get((name, "all"))),
        england=found.shown if found else NOT_AVAILABLE,
    )


def _england_sources(
    names: Sequence[str], england: dict[tuple[str, str], National]
) -> list[tuple[str, list[str]]]:
    """Where England's figures come from: each source and year, with the measures it gives
    (no list when one source gives every figure shown)."""
    found: dict[str, list[str]] = {}
    for name in names:
        figure = england.get((name, "all"))
        if figure:
            said = f"{figure.origin} figures, {figure.academic_year} ({figure.source})"
            found.setdefault(said, []).append(label(name))
    if len(found) == 1:
        return [(source, []) for source in found]
    return list(found.items())


def _chart(
    main: Sequence[str],
    own: Figures,
    la: Figures,
    england: dict[tuple[str, str], National],
) -> str:
    rows = []
    for name in main:
        here, pooled, far = (
            own.get((name, "all")),
            la.get((name, "all")),
            england.get((name, "all")),
        )
        rows.append(
            charts.Row(
                short_label(name),
                [here.percent if here else None, pooled.percent if pooled else None,
                 far.value if far else None],
            )
        )  # fmt: skip
    return charts.bars(("School", "LA", "England"), rows)


def _breakdowns(
    mine: list[Measure],
    main: Sequence[str],
    own: Figures,
    la: Figures,
) -> list[Breakdown]:
    if not main:
        return []
    tables: dict[str, Breakdown] = {}
    for m in mine:
        dim = dimension_of(m.group)
        if m.measure != main[0] or dim is None or not m.denominator:
            continue
        table = tables.setdefault(dim, Breakdown(DIMENSIONS.get(dim, dim)))
        cells, small = [], False
        for name in main:
            here = own.get((name, m.group))
            cells.append(f"{share(here)} ({share(la.get((name, m.group)))})")
            small = small or bool(here and here.small)
        table.rows.append(BreakdownRow(group_label(m.group), m.denominator, cells, small))
    return [tables[dim] for dim in DIMENSIONS if dim in tables]


def render_school_report(school: School, collection: Collection) -> bytes:
    return pdf_of(render_to_string("reports/school.html", school_context(school, collection)))[0]
