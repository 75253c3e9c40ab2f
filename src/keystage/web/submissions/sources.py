"""Which versions the figures are made from: ONE place for every reader of figures.

From the 2026 tests (academic year 2025-26), the LA takes KS2 results from the STA's NCA
Portal (dfe-returns.md §5): the KS2 figures, results page, reports and exports read only the
versions imported from it (channel NCA, current through `is_current_nca`). Schools may still
upload KS2 to check their teacher assessment before it goes to the STA; those versions are
shown apart and feed nothing. Every other collection, and KS2 before 2025-26 (results then
came from schools' own files), reads each school's own current version.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from keystage.web.models import Collection, NcaImport, Submission

NCA = Submission.Channel.NCA
# The first academic year whose KS2 results come from the NCA Portal (it replaced PAG for the
# July 2026 results). Earlier years keep the schools' own files they were made from.
NCA_FIRST_YEAR = "2025-26"
NCA_KINDS = frozenset({"KS2"})


def from_nca(collection: Collection) -> bool:
    """The collection's figures come from the NCA Portal's results, not schools' files."""
    return collection.kind in NCA_KINDS and collection.academic_year >= NCA_FIRST_YEAR


def current_filter(collection: Collection, prefix: str = "") -> Q:
    """The condition on Submission (through `prefix`, "submission__") for a version that feeds
    the collection's figures."""
    field = "is_current_nca" if from_nca(collection) else "is_current"
    return Q(**{f"{prefix}{field}": True})


def figures_source(collection: Collection) -> QuerySet[Submission]:
    """The versions the collection's figures, reports and exports are made from: one a school."""
    return Submission.objects.filter(current_filter(collection), collection=collection)


def awaiting_nca(collection: Collection) -> bool:
    """The figures must come from the NCA Portal and no download has been imported yet."""
    return from_nca(collection) and not NcaImport.objects.filter(collection=collection).exists()
