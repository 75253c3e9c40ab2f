"""The data team's page of the summer's KS2 moderation: the schools moderated and where each is,
the appeal window; one address for each thing it does (set the window, choose the schools,
tell every school that is ready)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.models import Collection, ModerationRound
from keystage.web.moderation import records, steps
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.forms import SchoolsForm, WindowForm
from keystage.web.moderation.roles import KIND


def _ks2(collection_id: int) -> Collection:
    collection = get_object_or_404(Collection, pk=collection_id)
    if collection.kind != KIND:
        raise Http404("Moderation is for KS2 collections.")
    return collection


@la_user_required
@require_safe
def round_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _page(request, _ks2(collection_id))


@la_user_required
@require_POST
def save_window(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = _ks2(collection_id)
    window = WindowForm(request.POST)
    if not window.is_valid():
        return _page(request, collection, window=window, failed=window)
    data = window.cleaned_data
    records.set_window(records.round_for(collection), data["appeal_opens"], data["appeal_closes"],
                       by=signed_in(request), request=request)  # fmt: skip
    messages.success(request, "The appeal window is set.")
    return redirect("portal:la_moderation", collection_id=collection.pk)


@la_user_required
@require_POST
def save_schools(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = _ks2(collection_id)
    chosen = SchoolsForm(request.POST)
    if not chosen.is_valid():
        return _page(request, collection, chosen=chosen, failed=chosen)
    try:
        added, removed = records.choose_schools(
            records.round_for(collection), chosen.cleaned_data["schools"],
            by=signed_in(request), request=request,
        )  # fmt: skip
    except ModerationError as problem:
        chosen.add_error("schools", str(problem))
        return _page(request, collection, chosen=chosen, failed=chosen)
    messages.success(request, f"Schools moderated: {len(added)} added, {len(removed)} taken off.")
    return redirect("portal:la_moderation", collection_id=collection.pk)


@la_user_required
@require_POST
def notify_ready(request: HttpRequest, collection_id: int) -> HttpResponse:
    """Tells every school that is ready: each gets its letter, and its head an email."""
    collection = _ks2(collection_id)
    told = records.notify_ready(
        records.round_for(collection), by=signed_in(request), request=request
    )
    messages.success(request, f"{told} school{'s are' if told != 1 else ' is'} being told: the "
                     "letters are made and the heads emailed.")  # fmt: skip
    return redirect("portal:la_moderation", collection_id=collection.pk)


def _page(
    request: HttpRequest, collection: Collection, *, window: WindowForm | None = None,
    chosen: SchoolsForm | None = None, failed: forms.Form | None = None,
) -> HttpResponse:  # fmt: skip
    """The page; with the form that was sent and its errors when an action was refused."""
    found = ModerationRound.objects.filter(collection=collection).first()
    rows = steps.rows(found)
    return render(
        request,
        "la/moderation.html",
        {"collection": collection, "round": found, "failed": failed, "rows": rows,
         "window": window or _window_form(found), "chosen": chosen or _schools_form(found),
         "ready": steps.ready(rows),
         "appeals_open": bool(found and found.appeals_open(today()))},
        status=400 if failed is not None else 200,
    )  # fmt: skip


def _window_form(found: ModerationRound | None) -> WindowForm:
    if found is None:
        return WindowForm()
    return WindowForm(initial={"appeal_opens": found.appeal_opens,
                               "appeal_closes": found.appeal_closes})  # fmt: skip


def _schools_form(found: ModerationRound | None) -> SchoolsForm:
    chosen = list(found.schools.values_list("school_id", flat=True)) if found else []
    return SchoolsForm(initial={"schools": chosen})


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/moderation/", round_page, name="la_moderation"),
    path("la/collections/<int:collection_id>/moderation/window/", save_window,
         name="la_moderation_window"),
    path("la/collections/<int:collection_id>/moderation/schools/", save_schools,
         name="la_moderation_schools"),
    path("la/collections/<int:collection_id>/moderation/notify/", notify_ready,
         name="la_moderation_notify"),
]  # fmt: skip
