"""The data team acts on a version the checks could not settle alone: checks again one that could
not be checked (a fault on our side, put right since), and lets through or refuses one held
because many of its pupils are in other schools' returns (web/workspace/held.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.models import Collection, School, Submission, User
from keystage.web.submissions.tasks import check_again
from keystage.web.workspace import held


def _posted_version(request: HttpRequest, collection_id: int, school_id: int) -> Submission:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    asked = request.POST.get("version", "").strip()
    return get_object_or_404(
        Submission.objects.select_related("school", "collection"),
        collection=window,
        school=school,
        version=int(asked) if asked.isdigit() else 0,
    )


def _back(version: Submission) -> HttpResponse:
    return redirect(
        "portal:la_school", collection_id=version.collection_id, school_id=version.school_id
    )


@la_user_required
@require_POST
def check_version_again(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    version = _posted_version(request, collection_id, school_id)
    if check_again([version.pk]):
        messages.success(request, f"Version {version.version} is being checked again.")
    else:
        messages.error(request, f"Version {version.version} is not waiting to be checked again.")
    return _back(version)


@la_user_required
@require_POST
def release_held(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    return _on_held(
        request,
        _posted_version(request, collection_id, school_id),
        lambda v, by: held.release(v, by=by, request=request),
        "is being checked",
    )


@la_user_required
@require_POST
def refuse_held(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:1000]
    return _on_held(
        request,
        _posted_version(request, collection_id, school_id),
        lambda v, by: held.refuse(v, reason, by=by, request=request),
        "is refused",
    )


def _on_held(
    request: HttpRequest,
    version: Submission,
    act: Callable[[Submission, User], bool],
    done: str,
) -> HttpResponse:
    if act(version, signed_in(request)):
        messages.success(request, f"Version {version.version} {done}. The school has been emailed.")
    else:
        messages.error(request, f"Version {version.version} is not held.")
    return _back(version)


urls: list[URLPattern] = [
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/check-again/",
        check_version_again,
        name="la_check_again",
    ),
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/release/",
        release_held,
        name="la_release",
    ),
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/refuse/",
        refuse_held,
        name="la_refuse",
    ),
]
