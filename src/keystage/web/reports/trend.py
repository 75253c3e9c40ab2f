"""A school report's "over the years": the school's headline figures in this and earlier years
of the same collection, the change on last year, and a chart of the main measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from keystage.measures import AVERAGE, Measure
from keystage.measures.labels import label, short_label
from keystage.web.common import charts
from keystage.web.models import Collection, School
from keystage.web.reports.figures import NOT_AVAILABLE, share
from keystage.web.results.pupils import measures_for
from keystage.web.submissions.sources import figures_source


@dataclass
class TrendRow:
    label: str
    figures: list[str]  # a year each, oldest first
    change: str  # from the year before to this year


@dataclass
class Trend:
    years: list[str]
    rows: list[TrendRow]
    chart: str


def _change(before: Measure | None, now: Measure | None) -> str:
    """The change from last year: percentage points, or the mean's own units."""
    if before is None or now is None:
        return NOT_AVAILABLE
    was, is_now = (
        (before.value, now.value) if now.kind == AVERAGE else (before.percent, now.percent)
    )
    if was is None or is_now is None:
        return NOT_AVAILABLE
    points = " points" if now.kind != AVERAGE else ""
    return f"{is_now - was:+.1f}{points}"


def trend(
    school: School, collection: Collection, measures: list[Measure], main: Sequence[str]
) -> Trend | None:
    """The school's "all" figures in earlier years of the same collection, if it has any
    (`measures`: this year's, already computed)."""
    earlier = Collection.objects.filter(
        kind=collection.kind, academic_year__lt=collection.academic_year
    ).order_by("academic_year")
    had_data = [c for c in earlier if figures_source(c).filter(school=school).exists()]
    years = [*had_data, collection]
    if len(years) < 2:
        return None
    by_year = [_for_all_pupils(measures_for(c, school)) for c in years[:-1]]
    by_year.append(_for_all_pupils(measures))
    names = list(by_year[-1])
    rows = [
        TrendRow(
            label(name),
            [share(found.get(name)) for found in by_year],
            _change(by_year[-2].get(name), by_year[-1].get(name)),
        )
        for name in names
    ]
    bars = [
        charts.Row(short_label(name), [_percent(found.get(name)) for found in by_year])
        for name in main
    ]
    labels = [c.academic_year for c in years]
    return Trend(labels, rows, charts.bars(labels, bars))


def _for_all_pupils(measures: list[Measure]) -> dict[str, Measure]:
    return {m.measure: m for m in measures if m.group == "all"}


def _percent(m: Measure | None) -> float | None:
    return m.percent if m else None
