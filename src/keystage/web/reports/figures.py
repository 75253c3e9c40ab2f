"""The figures the reports print, and the LA's and England's to set beside the school's.

The LA's are every school's pupils pooled, computed once per state of the data and shared by
the workers through the cache; England's are the comparison figures imported
(ComparisonFigure), chosen where several are held as the LA's results page chooses
(results.comparators).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache as shared_cache

from keystage.codesets import codeset_for
from keystage.measures import AVERAGE, Measure, compute
from keystage.web.models import Collection
from keystage.web.moderation import judgements as moderation
from keystage.web.results.comparators import chosen
from keystage.web.results.pupils import la_pupils, la_schools
from keystage.web.submissions.sources import figures_source
from keystage.web.workspace.shared_pupils import excluded_records

NOT_AVAILABLE = "not available"
LA_CACHE_SECONDS = 6 * 60 * 60


def figure(m: Measure | None) -> str:
    """A figure as the reports print it: "31 of 40 (77.5%)", or a mean and its pupils."""
    if m is None or m.denominator is None:
        return NOT_AVAILABLE
    if m.kind == AVERAGE:
        return "no pupils" if m.value is None else f"{m.value:.1f} ({m.denominator} pupils)"
    if m.percent is None:
        return "no pupils"
    return f"{m.numerator} of {m.denominator} ({m.percent:.1f}%)"


def share(m: Measure | None) -> str:
    """Just the percentage or mean (the LA's and trend columns)."""
    if m is None:
        return NOT_AVAILABLE
    number = m.value if m.kind == AVERAGE else m.percent
    if number is None:
        return "no pupils"
    return f"{number:.1f}" if m.kind == AVERAGE else f"{number:.1f}%"


def la_measures(collection: Collection) -> dict[tuple[str, str], Measure]:
    """The LA's figures (every school pooled), computed once per state of the data: the key
    changes whenever any school's current version or the data team's decisions change."""
    digest = hashlib.sha256()
    current = figures_source(collection)
    for pk in current.order_by("pk").values_list("pk", flat=True):
        digest.update(f"{pk};".encode())
    for school_id, upn in sorted(excluded_records(collection)):
        digest.update(f"{school_id}:{upn};".encode())
    locked, provisional = la_schools(collection)
    digest.update(f"{sorted(locked or ())}:{provisional}".encode())
    digest.update(moderation.state(collection).encode())  # KS2 judgements after moderation
    key = f"reports:la:{collection.pk}:{digest.hexdigest()}"
    found: list[Measure] | None = shared_cache.get(key)
    if found is None:
        found = compute(la_pupils(collection)[0], collection.kind,
                        codeset_for(collection.academic_year))  # fmt: skip
        shared_cache.set(key, found, LA_CACHE_SECONDS)
    return {(m.measure, m.group): m for m in found}


@dataclass(frozen=True)
class National:
    value: float | None
    kind: str
    area: str
    academic_year: str
    source: str
    origin: str = ""  # who published it and how final: "DfE provisional", "NCER emerging"

    @property
    def shown(self) -> str:
        if self.value is None:
            return "c"  # suppressed at source
        return f"{self.value:.1f}" if self.kind == AVERAGE else f"{self.value:.1f}%"


def national(collection: Collection, names: Iterable[str]) -> dict[tuple[str, str], National]:
    """England's figure for each measure and group: the latest year up to the collection's,
    and of that year's the one results.comparators prefers (as the LA's results page uses)."""
    kinds = {spec_name: AVERAGE if "_avg_" in spec_name else "percent" for spec_name in names}
    return {
        key: National(row.value, kinds[row.measure], row.area, row.academic_year, row.source,
                      row.origin)
        for key, choice in chosen(collection, kinds).items()
        for row in (choice.used,)
    }  # fmt: skip
