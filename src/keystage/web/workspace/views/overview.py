"""The LA's first page: each collection and how many schools are at each step."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keystage.web.accounts.access import la_user_required
from keystage.web.common.clock import today
from keystage.web.models import School
from keystage.web.submissions.state import State, collections_for_home, standings_for


@la_user_required
def overview(request: HttpRequest) -> HttpResponse:
    schools = list(School.objects.all())
    rows = []
    for window in collections_for_home(today()):
        counts = Counter(s.state for s in standings_for(window, schools, today()).values())
        rows.append((window, [(state, counts.get(state, 0)) for state in State]))
    return render(request, "portal/la_overview.html", {"rows": rows, "schools": len(schools)})
