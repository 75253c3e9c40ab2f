"""Locking and unlocking a collection, or one school in it (data team)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from keystage.web.access import la_user_required
from keystage.web.locks import LockError, lock, unlock
from keystage.web.models import Collection, School, User


@la_user_required
@require_POST
def lock_collection(request: HttpRequest, collection_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    _apply(request, window, None)
    return redirect("portal:la_collection", collection_id=window.pk)


@la_user_required
@require_POST
def lock_school(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    _apply(request, window, school)
    return redirect("portal:la_school", collection_id=window.pk, school_id=school.pk)


def _apply(request: HttpRequest, window: Collection, school: School | None) -> None:
    assert isinstance(request.user, User)
    who = school.name if school else "every school"
    try:
        if request.POST.get("action") == "unlock":
            unlock(window, school, request.user, request.POST.get("reason", ""))
            messages.success(request, f"{window.short_name} is unlocked for {who}.")
        else:
            lock(window, school, request.user)
            messages.success(request, f"{window.short_name} is locked for {who}.")
    except LockError as refused:
        messages.error(request, str(refused))


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/lock/", lock_collection, name="la_lock"),
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/lock/",
        lock_school,
        name="la_lock_school",
    ),
]
