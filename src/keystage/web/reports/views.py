"""Results reports: a school's own PDFs to download, and the data team's publish page."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse

from keystage.web.accounts.access import (
    la_user_required,
    school_of,
    school_user_required,
    signed_in,
    without_right,
)
from keystage.web.common import audit
from keystage.web.common.clock import today
from keystage.web.models import Collection, Publication, Report, School
from keystage.web.reports.publish import progress, publish
from keystage.web.reports.publishable import publishable
from keystage.web.submissions import downloads
from keystage.web.submissions.state import Standing, standing


@school_user_required
def reports(request: HttpRequest) -> HttpResponse:
    """The school's reports of every published collection, newest version first."""
    school = school_of(request)
    found = (
        Report.objects.filter(school=school, collection__publication__isnull=False)
        .select_related("collection")
        .order_by("-collection__academic_year", "collection__kind", "-version", "kind")
    )
    by_collection: dict[Collection, list[Report]] = {}
    for report in found:
        by_collection.setdefault(report.collection, []).append(report)
    published = Collection.objects.filter(publication__isnull=False, purged_at__isnull=True)
    now = {c: standing(school, c, today()) for c in published}
    collections = [
        (c, found[0].version, found, _kept_note(now.get(c), found[0], school))
        for c, found in by_collection.items()
    ]
    waiting = [  # published collections the school has sent a file for, and no report yet
        (c, publishable(here, school))
        for c, here in now.items()
        if c not in by_collection and here.latest is not None
    ]
    return render(
        request,
        "portal/reports.html",
        {"school": school, "collections": collections, "waiting": waiting},
    )


def _kept_note(now: Standing | None, latest: Report, school: School) -> str:
    """Why the school's reports do not follow its data now ("" when they do): they stay as
    they were until the head confirms again."""
    if now is None or publishable(now, school):
        return ""
    sent = now.latest is not None and now.latest.pk != latest.made_from_id
    return ("You have sent a new file since these reports were made. " if sent else "") + (
        "They stay as they are until you sign the confirmation form for your data; then we "
        "make new reports and email you."
    )


@school_user_required
def report_download(request: HttpRequest, report_id: int) -> HttpResponseBase:
    # Scoped to the user's school: another school's report is a 404, as a missing one is.
    report = get_object_or_404(
        Report.objects.select_related("collection", "school"),
        pk=report_id,
        school=school_of(request),
        collection__publication__isnull=False,
    )
    if report.kind == Report.Kind.PUPIL and not signed_in(request).may_see_pupil_reports:
        return without_right(
            request, "download the pupil-level reports", back=reverse("portal:reports")
        )
    what = f"the {report.get_kind_display().lower()} report, version {report.version}"
    if gone := downloads.unavailable(request, report.file, report.collection, what):
        return gone
    audit.record(
        audit.Action.DOWNLOAD,
        f"downloaded the {report.get_kind_display().lower()} report, version {report.version}",
        request=request,
        school=report.school,
        collection=report.collection,
        report_id=report.pk,
        kind=report.kind,
        version=report.version,
    )
    name = (
        f"{report.school.number}-{report.collection.kind}-{report.collection.summer}-"
        f"{report.kind}-v{report.version}.pdf"
    )
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@la_user_required
def la_publish(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    if request.method == "POST":
        again = Publication.objects.filter(collection=collection).exists()
        schools = publish(collection, signed_in(request))
        left_out = len(progress(collection).left_out)
        audit.record(
            audit.Action.PUBLISH, f"published the reports of {collection.short_name}",
            request=request, collection=collection, schools=schools, left_out=left_out,
            again=again,
        )  # fmt: skip
        messages.success(request, _published(schools, left_out, again))
        return redirect("portal:la_publish", collection_id=collection.pk)
    publication = Publication.objects.filter(collection=collection).first()
    return render(
        request,
        "la/publish.html",
        {"collection": collection, "publication": publication, "progress": progress(collection)},
    )


def _published(schools: int, left_out: int, again: bool) -> str:
    plural = "s" if schools != 1 else ""
    said = (
        f"Published again: of the {schools} school{plural} to publish to, those whose data has "
        "changed get new reports, and are emailed when they are ready."
        if again
        else f"Published: reports for {schools} school{plural} are being made; each is "
        "emailed when its reports are ready."
    )
    if left_out:
        said += (
            f" {left_out} school{'s were' if left_out != 1 else ' was'} left out, as listed "
            "below: each gets its reports once it confirms or you lock it."
        )
    return said


urls: list[URLPattern] = [
    path("reports/", reports, name="reports"),
    path("reports/<int:report_id>/download/", report_download, name="report_download"),
    path("la/collections/<int:collection_id>/publish/", la_publish, name="la_publish"),
]
