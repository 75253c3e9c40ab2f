"""Where everyone lands after signing in: the school's collections, or the LA's own pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.accounts.access import school_of, school_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.submissions.state import collections_for_home, standing, team_queries_waiting


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everyone lands here after signing in; the LA's people go to their own pages."""
    if signed_in(request).is_la:
        return redirect("portal:la")
    return _school_home(request)


@school_user_required
def _school_home(request: HttpRequest) -> HttpResponse:
    school = school_of(request)
    standings = [standing(school, c, today()) for c in collections_for_home(today())]
    return render(
        request,
        "portal/home.html",
        {"school": school, "standings": standings, "team_queries": team_queries_waiting(school)},
    )
