"""Files refused at upload (models.RefusedUpload), as sent: the school downloads its own, the
data team any school's. Each download is in the audit trail, as a version's is."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.web.accounts.access import la_user_required, school_of, school_user_required
from keystage.web.common.audit import Action, record
from keystage.web.models import RefusedUpload
from keystage.web.submissions import downloads


@school_user_required
def school_download(request: HttpRequest, refused_id: int) -> HttpResponseBase:
    kept = get_object_or_404(
        RefusedUpload.objects.select_related("school", "collection"),
        pk=refused_id,
        school=school_of(request),  # another school's: the same 404 as none
    )
    return _download(request, kept, f"the file you sent as refused upload {kept.number}")


@la_user_required
@require_safe
def la_download(request: HttpRequest, refused_id: int) -> HttpResponseBase:
    kept = get_object_or_404(
        RefusedUpload.objects.select_related("school", "collection"), pk=refused_id
    )
    return _download(request, kept, f"{kept.school.name}'s refused upload {kept.number}")


def _download(request: HttpRequest, kept: RefusedUpload, what: str) -> HttpResponseBase:
    if gone := downloads.unavailable(request, kept.file, kept.collection, what):
        return gone
    record(
        Action.DOWNLOAD, f"downloaded the file as sent of refused upload {kept.number}",
        request=request, school=kept.school, collection=kept.collection, refused=kept.pk,
        sha256=kept.sha256,
    )  # fmt: skip
    # As a plain download, whatever it holds: it was refused, and may not be a CTF at all.
    return FileResponse(
        kept.file.open("rb"),
        as_attachment=True,
        filename=kept.original_name or f"refused-upload-{kept.number}",
        content_type="application/octet-stream",
    )


urls: list[URLPattern] = [
    path("refused/<int:refused_id>/download/", school_download, name="refused_download"),
    path("la/refused/<int:refused_id>/download/", la_download, name="la_refused_download"),
]
