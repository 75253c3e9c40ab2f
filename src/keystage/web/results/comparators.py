"""Which comparison figure the results pages and the reports use, where several are held.

Several publishers give a national figure for one year, at several stages: NCER's emerging
figures in the summer (from the LAs that share their data early), the DfE's provisional ones
in the autumn and its revised or final ones later; a consortium or statistical neighbours
publish averages. Every one is kept (results.comparisons); this module alone chooses, so the
LA's results page and a school's report never disagree:

1. the collection's year if any figure is held for it, else the latest year before it;
2. within that year, the publisher first in `settings.PREFER_COMPARATOR`
   (`KEYSTAGE_PREFER_COMPARATOR`, docs/production.md); by default the DfE, then NCER, then a
   consortium, statistical neighbours, anyone else;
3. within a publisher, its most final stage: final, then revised, provisional, emerging.

So by default the DfE's latest figure wins as soon as it is imported, and NCER's emerging one
fills the summer before it. An LA that would rather compare like with like all year (NCER's
emerging figures are made the same way as its own) sets the variable to `ncer`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from keystage.web.models import Collection, ComparisonFigure

Publisher = ComparisonFigure.Publisher
Status = ComparisonFigure.Status
DEFAULT_ORDER = (Publisher.DFE, Publisher.NCER, Publisher.CONSORTIUM, Publisher.NEIGHBOURS,
                 Publisher.OTHER)  # fmt: skip
FINALITY = list(Status.values)  # least final first, as the choices are declared


def publisher_order() -> list[str]:
    """The publishers in the order the LA prefers them: those the setting names, then the
    rest in the default order. An unknown name is refused, naming the ones there are."""
    asked = [p.strip().casefold() for p in settings.PREFER_COMPARATOR.split(",") if p.strip()]
    unknown = [p for p in asked if p not in Publisher.values]
    if unknown:
        raise ImproperlyConfigured(
            f"KEYSTAGE_PREFER_COMPARATOR names {', '.join(unknown)}: use one or more of "
            f"{', '.join(Publisher.values)}, comma-separated, the preferred first."
        )
    return list(dict.fromkeys([*asked, *DEFAULT_ORDER]))


APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"  # as the pages' own text writes it
POSSESSIVE = {
    Publisher.DFE: f"the DfE{APOSTROPHE}s",
    Publisher.NCER: f"NCER{APOSTROPHE}s",
    Publisher.CONSORTIUM: f"the consortium{APOSTROPHE}s",
    Publisher.NEIGHBOURS: f"the statistical neighbours{APOSTROPHE}",
    Publisher.OTHER: f"another publisher{APOSTROPHE}s",
}


def preference() -> str:
    """The order in words, for the pages and reports that say which figure they use."""
    first, then = publisher_order()[:2]
    return (
        f"{POSSESSIVE[Publisher(first)]} most final figure (revised before provisional) where "
        f"held, else {POSSESSIVE[Publisher(then)]}"
    )


def rank(figure: ComparisonFigure, order: Sequence[str]) -> tuple[int, int]:
    """Lower is preferred: the publisher's place, then the stage, most final first."""
    return order.index(figure.publisher), -FINALITY.index(figure.status)


@dataclass
class Choice:
    """The figure used for one measure and group, and the others held for its year."""

    used: ComparisonFigure
    others: list[ComparisonFigure] = field(default_factory=list)

    @property
    def held(self) -> list[ComparisonFigure]:
        """Every figure of the year, the one used first."""
        return [self.used, *self.others]


def choose(figures: Iterable[ComparisonFigure]) -> Choice | None:
    """The preferred figure among those of one measure, group and area (any years): the
    latest year's, ranked as the module says."""
    held = list(figures)
    if not held:
        return None
    year = max(f.academic_year for f in held)
    order = publisher_order()
    ranked = sorted((f for f in held if f.academic_year == year), key=lambda f: rank(f, order))
    return Choice(ranked[0], ranked[1:])


def chosen(
    collection: Collection,
    names: Iterable[str],
    level: str = ComparisonFigure.Level.NATIONAL,
) -> dict[tuple[str, str], Choice]:
    """(measure, group) -> the figure used for the collection (its year, or the latest before
    it), with the others held for that year: one query."""
    rows = ComparisonFigure.objects.filter(
        measure__in=list(names), level=level, academic_year__lte=collection.academic_year
    )
    found: dict[tuple[str, str, str], list[ComparisonFigure]] = defaultdict(list)
    for row in rows:
        found[(row.measure, row.group, row.area)].append(row)
    choices: dict[tuple[str, str], Choice] = {}
    for (measure, group, _area), held in sorted(found.items()):
        choice = choose(held)
        if choice is not None:
            choices.setdefault((measure, group), choice)  # one area a level: England's
    return choices


def used_ids(shown: Sequence[ComparisonFigure]) -> set[int]:
    """Of the figures a page lists (the comparison figures page), those the results pages and
    reports would use for their measure, group, area and year: each year's preferred one,
    chosen among all held for it, listed on the page or not."""
    held = ComparisonFigure.objects.filter(
        measure__in={f.measure for f in shown},
        area__in={f.area for f in shown},
        academic_year__in={f.academic_year for f in shown},
    )
    by_key: dict[tuple[str, ...], list[ComparisonFigure]] = defaultdict(list)
    for f in held:
        by_key[(f.measure, f.group, f.level, f.area, f.academic_year)].append(f)
    return {c.used.pk for c in map(choose, by_key.values()) if c is not None}
