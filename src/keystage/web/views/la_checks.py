"""The data team checks again a version that could not be checked (a fault on our side, put
right since): the school's "could not be checked" becomes "checking" again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from keystage.web.access import la_user_required
from keystage.web.models import Collection, School, Submission
from keystage.web.reconcile import check_again


@la_user_required
@require_POST
def check_version_again(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    window = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    asked = request.POST.get("version", "").strip()
    version = get_object_or_404(
        Submission,
        collection=window,
        school=school,
        version=int(asked) if asked.isdigit() else 0,
    )
    if check_again([version.pk]):
        messages.success(request, f"Version {version.version} is being checked again.")
    else:
        messages.error(request, f"Version {version.version} is not waiting to be checked again.")
    return redirect("portal:la_school", collection_id=window.pk, school_id=school.pk)


urls: list[URLPattern] = [
    path(
        "la/collections/<int:collection_id>/schools/<int:school_id>/check-again/",
        check_version_again,
        name="la_check_again",
    ),
]
