"""Where everyone lands after signing in: the school's collections, or the LA's own pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.web.accounts.access import school_of, school_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.schools.expected import SETTINGS_SEND, is_expected
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
    every = [standing(school, c, today()) for c in collections_for_home(today())]
    # A collection the LA does not expect of the school is not its to chase (never "Late"),
    # unless it sent a file anyway; it is named apart, and its page still takes a file.
    ours, others = [], []
    for here in every:
        if here.latest is not None or is_expected(here.collection, school):
            ours.append(here)
        elif not school.is_setting or here.collection.kind in SETTINGS_SEND:
            others.append(here.collection)  # (a setting is never asked for KS1, phonics, KS2)
    return render(
        request,
        "portal/home.html",
        {"school": school, "standings": ours, "not_expected": others,
         "team_queries": team_queries_waiting(school)},
    )  # fmt: skip
