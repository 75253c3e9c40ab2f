"""Data-team queries: the LA raises and closes them; the school reads and replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web import queries
from keystage.web.access import la_user_required, school_of, school_user_required
from keystage.web.forms import RaiseQueryForm, ReplyForm
from keystage.web.models import Collection, School, TeamQuery, User
from keystage.web.page_views import viewed


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@la_user_required
def raise_query(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    form = RaiseQueryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        query = queries.raise_query(school=school, collection=window, by=_user(request),
                                    **form.cleaned_data)  # fmt: skip
        messages.success(request, f"Your query is sent to {school.name}, and they are emailed.")
        return redirect("portal:la_query", query_id=query.pk)
    return render(
        request,
        "la/raise_query.html",
        {"window": window, "school": school, "form": form},
        status=400 if form.errors else 200,
    )


@la_user_required
def la_query(request: HttpRequest, query_id: int) -> HttpResponse:
    query = get_object_or_404(TeamQuery.objects.select_related("school", "collection"), pk=query_id)
    return _thread(request, query, "portal:la_query", la=True)


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
        if request.POST.get("action") == "close":
            if not la:
                raise Http404("Only the data team closes its queries.")
            queries.close(query, by=_user(request))
            messages.success(request, "The query is closed.")
            return redirect(here, query_id=query.pk)
        if query.status == TeamQuery.Status.CLOSED:
            form.add_error(None, "This query is closed. Ask the data team to raise a new one.")
        elif form.is_valid():
            queries.reply(query, by=_user(request), body=form.cleaned_data["body"])
            messages.success(request, "Your reply is sent.")
            return redirect(here, query_id=query.pk)
    viewed(request, "a query about one pupil", upns=[query.upn], school=query.school,
           collection=query.collection, query=query.pk)  # fmt: skip
    return render(
        request,
        "la/query.html" if la else "portal/query.html",
        {"query": query, "thread": query.messages.select_related("author"), "form": form},
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/query/",
        raise_query,
        name="la_raise_query",
    ),
    path("la/queries/<int:query_id>/", la_query, name="la_query"),
    path("queries/<int:query_id>/", school_query, name="query"),
]
