"""Data-team queries: the LA raises and closes them; the school reads and replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from keystage.web.accounts.access import (
    la_user_required,
    school_of,
    school_user_required,
    signed_in,
)
from keystage.web.common.forms import RaiseQueryForm, ReplyForm
from keystage.web.common.page_views import viewed
from keystage.web.models import Collection, School, Submission, TeamQuery
from keystage.web.workspace import la_queries


@la_user_required
def raise_query(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    version = la_queries.current_version(school, window)
    pupils = la_queries.pupils_to_ask_about(version)
    choices = [(p.upn, f"{p.surname.upper()}, {p.forename} (UPN {p.upn})") for p in pupils]
    form = RaiseQueryForm(request.POST if request.method == "POST" else None, pupils=choices,
                          whole_file=la_queries.WHOLE_FILE)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            query = la_queries.raise_query(school=school, collection=window, by=signed_in(request),
                                        **form.cleaned_data)  # fmt: skip
        except la_queries.NotThatSchoolsPupilError:  # a new version came in while the form was open
            form.add_error("upn", "Choose a pupil of the school's current file, or the file as "
                                  "a whole: the school has sent a new file since")  # fmt: skip
        else:
            messages.success(request, f"Your query is sent to {school.name}, and they are emailed.")
            return redirect("portal:la_query", query_id=query.pk)
    viewed(request, f"the pupils to raise a query about with {school.name}",
           upns=[p.upn for p in pupils], school=school, collection=window)  # fmt: skip
    return render(
        request,
        "la/raise_query.html",
        {"window": window, "school": school, "form": form, "pupil_hint": _pupil_hint(version)},
        status=400 if form.errors else 200,
    )


def _pupil_hint(version: Submission | None) -> str:
    if version is None:
        return "The school has no file we could use yet: ask about its return as a whole."
    return (
        f"One of the {version.pupils} pupils in version {version.version}, the school's current "
        "file, listed by surname; or the file as a whole."
    )


@la_user_required
def la_query(request: HttpRequest, query_id: int) -> HttpResponse:
    query = get_object_or_404(TeamQuery.objects.select_related("school", "collection"), pk=query_id)
    return _thread(request, query, "portal:la_query", la=True)


@la_user_required
@require_POST
def close_query(request: HttpRequest, query_id: int) -> HttpResponse:
    """Only the data team closes its queries."""
    query = get_object_or_404(TeamQuery.objects.select_related("school", "collection"), pk=query_id)
    la_queries.close(query, by=signed_in(request))
    messages.success(request, "The query is closed.")
    return redirect("portal:la_query", query_id=query.pk)


@school_user_required
def school_query(request: HttpRequest, query_id: int) -> HttpResponse:
    query = get_object_or_404(
        TeamQuery.objects.select_related("school", "collection"),
        pk=query_id,
        school=school_of(request),
    )
    return _thread(request, query, "portal:query", la=False)


def _thread(request: HttpRequest, query: TeamQuery, here: str, *, la: bool) -> HttpResponse:
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                la_queries.reply(query, by=signed_in(request), body=form.cleaned_data["body"])
            except la_queries.QueryClosedError:
                query.refresh_from_db()
                form.add_error(None, _closed(la))
            else:
                messages.success(request, _sent(la))
                return redirect(here, query_id=query.pk)
        elif not query.is_open:
            form.add_error(None, _closed(la))
    viewed(request, "a query about one pupil", upns=[query.upn], school=query.school,
           collection=query.collection, query=query.pk)  # fmt: skip
    return render(
        request,
        "la/query.html" if la else "portal/query.html",
        {"query": query, "thread": query.messages.select_related("author"), "form": form},
        status=400 if form.errors else 200,
    )


def _closed(la: bool) -> str:
    if la:
        return "This query is closed. Raise a new one to ask the school more."
    return "This query is closed. Ask the data team to raise a new one."


def _sent(la: bool) -> str:
    if la:
        return "Your reply is sent. The school is emailed, and has to reply before it can submit."
    return "Your reply is sent. The data team will read it, and close the question or ask you more."


urls: list[URLPattern] = [
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/query/",
        raise_query,
        name="la_raise_query",
    ),
    path("la/queries/<int:query_id>/", la_query, name="la_query"),
    path("la/queries/<int:query_id>/close/", close_query, name="la_query_close"),
    path("queries/<int:query_id>/", school_query, name="query"),
]
