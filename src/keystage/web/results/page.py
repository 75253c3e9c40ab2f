"""What the data team's results page shows of a collection: the LA's figures against England's
(a chart and a table), its headline measure by pupil group, how the schools' headline figures
spread, and every school's headline figures in a table sorted as asked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from keystage.measures import AVERAGE, suppress
from keystage.measures.labels import HEADLINES, label
from keystage.web.common import charts
from keystage.web.common.sorting import Column, by_key, headings, sort_asked, sort_rows
from keystage.web.models import Collection, School
from keystage.web.models.schools import SCHOOL, SETTING
from keystage.web.results.comparators import preference, publisher_order, rank
from keystage.web.results.figures import (
    Comparison,
    SchoolRow,
    cohort_of,
    compared,
    figure_of,
    figures,
    national_figures,
    school_rows,
    shown,
)
from keystage.web.results.pupils import la_pupils
from keystage.web.submissions.sources import awaiting_nca, from_nca


def results_context(collection: Collection, sort: str | None) -> dict[str, Any]:
    """The page's content; `sort`: the schools' table's column asked for (?sort=)."""
    headline = HEADLINES[collection.kind]
    every = school_rows(cohort_of(collection), School.objects.all(), suppressed=True)
    rows = [r for r in every if not r.school.is_setting]  # PVI settings are shown apart
    # Settings send the EYFSP only: elsewhere one is listed only if it somehow has pupils.
    setting_rows = [
        r for r in every if r.school.is_setting and (r.pupils or collection.kind == "EYFSP")
    ]
    la_now, provisional = la_pupils(collection)
    ours = compared(suppress(figures(collection, la_now)), national_figures(collection))
    overall = [c for c in ours if c.group == "all" and c.measure != "eyfsp_not_assessed"]
    table = columns(headline)
    chosen = sort_asked(sort, table, "name")
    return {
        "collection": collection,
        "la_name": settings.LA_NAME,
        "provisional": provisional,
        "overall": overall,
        "breakdown": [c for c in ours if c.measure == headline[0]],
        "headline": headline[0],
        "headline_label": label(headline[0]),
        "chart": comparison_chart(overall),
        "side_by_side": side_by_side(overall),
        "preference": preference(),
        "table_rows": [(r, r.cells(headline)) for r in sort_rows(rows, chosen, table, by_name)],
        "setting_rows": [
            (r, r.cells(headline)) for r in sort_rows(setting_rows, "name", table, by_name)
        ],
        "by_provider": by_provider(collection, headline) if setting_rows else [],
        "headline_labels": [label(m) for m in headline],
        "headings": headings(list(table.values()), chosen, _sorted_by),
        "histogram": histogram(rows, headline[0]),
        "pupils": sum(r.pupils for r in every),
        "settings_with_data": sum(1 for r in setting_rows if r.pupils),
        "with_data": sum(1 for r in rows if r.pupils),
        "from_nca": from_nca(collection),
        "awaiting_nca": awaiting_nca(collection),
    }


PROVIDERS = ((SCHOOL, "Schools"), (SETTING, "PVI settings"))


def by_provider(
    collection: Collection, measures: Sequence[str]
) -> list[tuple[str, int, list[str]]]:
    """The LA's headline figures for its schools' pupils and its PVI settings' apart: (label,
    pupils, each measure's figure as shown), as the LA's own figures are made (la_pupils)."""
    found = []
    for kind, said in PROVIDERS:
        pupils = la_pupils(collection, kind)[0]
        made = {m.measure: m for m in suppress(figures(collection, pupils)) if m.group == "all"}
        found.append((said, len(pupils), [shown(made.get(m)) for m in measures]))
    return found


def _sorted_by(sort: str) -> str:
    return "?" + urlencode({"sort": sort}) + "#schools"


# -- The schools' table --------------------------------------------------------------------------


def columns(measures: Sequence[str]) -> dict[str, Column[SchoolRow]]:
    """The schools' table's columns: a blank (no data, or `c`) sorts last either way."""
    return by_key(
        Column("name", "School", lambda r: r.school.name.casefold()),
        Column("district", "District", lambda r: r.school.district.casefold() or None),
        Column("pupils", "Pupils", lambda r: r.pupils or None, numeric=True),
        *(Column(m, label(m), _by_figure(m), numeric=True) for m in measures),
    )


def _by_figure(measure: str) -> Callable[[SchoolRow], float | None]:
    return lambda row: figure_of(row.figures.get(measure))


def by_name(row: SchoolRow) -> tuple[str, str]:
    return row.school.name.casefold(), row.school.number


# -- The charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """England's figure of one publisher at one stage, as the side-by-side table shows it."""

    text: str
    used: bool


@dataclass(frozen=True)
class SideBySide:
    origins: list[str]  # "DfE provisional", "NCER emerging": the columns, preferred first
    rows: list[tuple[Comparison, list[Held | None]]]  # a measure's figures, one a column


def side_by_side(comparisons: Sequence[Comparison]) -> SideBySide:
    """Every figure held for England for each measure's year, a column a publisher and stage,
    the one the page uses marked: NCER's emerging figure beside the DfE's provisional one."""
    order = publisher_order()
    every = [f for c in comparisons if c.national for f in (c.national, *c.others)]
    ranked = sorted(every, key=lambda f: rank(f, order))
    origins = list(dict.fromkeys(f.origin for f in ranked))
    rows = []
    for c in comparisons:
        if c.national is None:
            continue
        held = {f.origin: Held(c.text_of(f), f is c.national) for f in (c.national, *c.others)}
        rows.append((c, [held.get(origin) for origin in origins]))
    return SideBySide(origins, rows)


def comparison_chart(comparisons: Sequence[Comparison]) -> str:
    """Each percentage measure's bars: the LA's figure and England's."""
    rows = [
        charts.Row(c.label, [figure_of(c.ours), c.national_value])
        for c in comparisons
        if c.ours.kind != AVERAGE
    ]
    return charts.bars((settings.LA_NAME, "England"), rows, web=True)


def bands(rows: Sequence[SchoolRow], measure: str) -> list[tuple[str, int]]:
    """Schools by their figure in 10-point bands (100% in the last), with each band's label;
    a school whose figure is `c` or who has no pupils is in none."""
    counts = [0] * 10
    for row in rows:
        value = figure_of(row.figures.get(measure))
        if value is not None:
            counts[min(int(value // 10), 9)] += 1
    return [
        (f"{n * 10}\N{EN DASH}{n * 10 + 9 if n < 9 else 100}%", schools)
        for n, schools in enumerate(counts)
    ]


@dataclass(frozen=True)
class Histogram:
    bands: list[tuple[str, int]]  # (band, schools)
    shown: int  # schools with a figure that may be shown
    svg: str


def histogram(rows: Sequence[SchoolRow], measure: str) -> Histogram:
    found = bands(rows, measure)
    title = f"Number of schools in each band of {label(measure).lower()}"
    svg = charts.columns(found, name="histogram", title=title)
    return Histogram(found, sum(schools for _, schools in found), svg)
