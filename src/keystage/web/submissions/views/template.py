"""The spreadsheet template route: a school downloads its collection's template, and the CTF
Keystage made from a filled one can be downloaded by the school and by the data team."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.web.accounts.access import (
    la_user_required,
    own_submission,
    school_of,
    school_user_required,
)
from keystage.web.common.audit import Action, record
from keystage.web.models import Collection, Submission
from keystage.web.submissions import downloads, template_upload

_MADE = "the CTF made from the spreadsheet"


@school_user_required
@require_safe
def template(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The collection's blank template, with the school's name and LAESTAB filled in (no
    pupil data: not an audited download)."""
    window = get_object_or_404(Collection, pk=collection_id)
    return template_upload.template_download(window, school_of(request))


@school_user_required
def converted(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    version = own_submission(request, submission_id)  # another school's: 404
    return _converted(request, version, f"{_MADE} of version {version.version}")


@la_user_required
@require_safe
def la_converted(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponseBase:
    asked = request.GET.get("version", "")
    if not asked.strip().isdigit():
        raise Http404("Say which version: ?version=<number>.")
    version = get_object_or_404(
        Submission.objects.select_related("school", "collection"),
        collection_id=collection_id,
        school_id=school_id,
        version=int(asked),
    )
    return _converted(
        request, version, f"{_MADE} of {version.school.name}'s version {version.version}"
    )


def _converted(request: HttpRequest, version: Submission, what: str) -> HttpResponseBase:
    if not version.converted:
        raise Http404("This version was not sent as a spreadsheet template.")
    if gone := downloads.unavailable(request, version.converted, version.collection, what):
        return gone
    record(
        Action.DOWNLOAD, f"downloaded {what}", request=request, school=version.school,
        collection=version.collection, submission=version.pk,
    )  # fmt: skip
    return template_upload.converted_download(version)


urls: list[URLPattern] = [
    path("collections/<int:collection_id>/template.xlsx", template, name="template"),
    path("files/<int:submission_id>/converted.xml", converted, name="converted"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/converted/", la_converted,
         name="la_school_converted"),
]  # fmt: skip
