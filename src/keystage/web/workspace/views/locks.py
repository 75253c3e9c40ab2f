"""Locking and unlocking a collection, or one school in it (data team): one URL per action.

Locking the whole collection first shows who has not submitted (keystage.web.workspace.lock_all); a
school locked, or unlocked, never changes another school's reports: only a school that became
publishable by the lock (keystage.web.reports.publishable) has its reports made.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common import events
from keystage.web.models import Collection, School
from keystage.web.schools.expected import SETTINGS_SEND
from keystage.web.submissions.locks import LockError, lock, unlock
from keystage.web.workspace.lock_all import Locked, choice, lock_all


@la_user_required
@require_http_methods(["GET", "POST"])
def lock_collection(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The confirmation page (every school not Submitted, each left out unless unticked), and
    the lock it asks for."""
    window = get_object_or_404(Collection, pk=collection_id)
    back = redirect("portal:la_collection", collection_id=window.pk)
    try:
        if request.method == "POST":
            done = lock_all(
                window, signed_in(request),
                shown=_ids(request.POST.getlist("shown")),
                left_out=_ids(request.POST.getlist("leave_out")),
            )  # fmt: skip
            events.data_changed(window, [s.pk for s in done.by_decision])
            messages.success(request, _said(window, done))
            return back
        shown = choice(window)
    except LockError as refused:
        messages.error(request, str(refused))
        return back
    return render(request, "la/lock_collection.html", {
        "collection": window, "choice": shown,
        "providers": "Schools and settings" if window.kind in SETTINGS_SEND else "Schools",
    })  # fmt: skip


@la_user_required
@require_POST
def unlock_collection(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    try:
        unlock(window, None, signed_in(request), request.POST.get("reason", ""))
        messages.success(request, f"{window.short_name} is unlocked for every school.")
    except LockError as refused:
        messages.error(request, str(refused))
    return redirect("portal:la_collection", collection_id=window.pk)


@la_user_required
@require_POST
def lock_school(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    try:
        lock(window, school, signed_in(request))
        events.data_changed(window, [school.pk])  # locked by decision, if it had not confirmed
        messages.success(request, f"{window.short_name} is locked for {school.name}.")
    except LockError as refused:
        messages.error(request, str(refused))
    return redirect("portal:la_school", collection_id=window.pk, school_id=school.pk)


@la_user_required
@require_POST
def unlock_school(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    try:
        unlock(window, school, signed_in(request), request.POST.get("reason", ""))
        messages.success(request, f"{window.short_name} is unlocked for {school.name}.")
    except LockError as refused:
        messages.error(request, str(refused))
    return redirect("portal:la_school", collection_id=window.pk, school_id=school.pk)


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _said(window: Collection, done: Locked) -> str:
    if done.whole:
        return f"{window.short_name} is locked for every school."
    if not done.count:
        who = "school or setting" if window.kind in SETTINGS_SEND else "school"
        return f"No {who} was locked: you left out every {who} that has not submitted."
    left = len(done.left_out)
    return (
        f"{window.short_name} is locked for {_providers(window, done.count)}. "
        f"{_providers(window, left)} {'were' if left != 1 else 'was'} left out: not locked."
    )


def _providers(window: Collection, count: int) -> str:
    """ "3 schools", or for a collection PVI settings send, "3 schools and settings"."""
    if window.kind in SETTINGS_SEND:
        return f"{count} {'schools and settings' if count != 1 else 'school or setting'}"
    return f"{count} school{'s' if count != 1 else ''}"


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/lock/", lock_collection, name="la_lock"),
    path("la/collections/<int:collection_id>/unlock/", unlock_collection, name="la_unlock"),
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/lock/",
        lock_school,
        name="la_lock_school",
    ),
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/unlock/",
        unlock_school,
        name="la_unlock_school",
    ),
]
