"""The data team's pages for a collection: progress, checks, shared pupils, locks, queries and
schools' enquiries, guidance for schools."""

from django.urls import URLPattern, path

from keystage.web.workspace.views import (
    checks,
    enquiries,
    guidance,
    locks,
    overview,
    progress,
    queries,
    shared_pupils,
)

urlpatterns: list[URLPattern] = [
    path("la/", overview.overview, name="la"),
    *progress.urls,
    *checks.urls,
    *shared_pupils.urls,
    *locks.urls,
    *queries.urls,
    *enquiries.urls,
    *guidance.urls,
]
