"""The LA's first page: each collection and how many of the schools it expects are at each
step (and, apart, how many of the PVI settings it expects), and how many not expected sent a
file anyway (listed on the collection's page)."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keystage.web.accounts.access import la_user_required
from keystage.web.common.clock import today
from keystage.web.models import School
from keystage.web.schools.expected import expected_school_ids
from keystage.web.submissions.state import State, collections_for_home, standings_for


@la_user_required
def overview(request: HttpRequest) -> HttpResponse:
    schools = list(School.objects.all())
    is_setting = {s.pk for s in schools if s.is_setting}
    rows = []
    for window in collections_for_home(today()):
        wanted = expected_school_ids(window)
        standings = standings_for(window, schools, today())
        counts = Counter((s.state, pk in is_setting) for pk, s in standings.items() if pk in wanted)
        apart = sum(1 for pk, s in standings.items() if pk not in wanted and s.latest is not None)
        steps = [(state, counts[state, False], counts[state, True]) for state in State]
        rows.append((window, steps, apart, bool(wanted & is_setting)))
    settings = len(is_setting)
    return render(
        request,
        "portal/la_overview.html",
        {"rows": rows, "schools": len(schools) - settings, "settings": settings},
    )
