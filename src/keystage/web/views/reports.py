"""Results reports: a school's own PDFs to download, and the data team's publish page."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web import audit, downloads
from keystage.web.access import la_user_required, school_of, school_user_required
from keystage.web.models import Collection, Publication, Report, User
from keystage.web.reports.publish import progress, publish


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
    collections = [(c, found[0].version, found) for c, found in by_collection.items()]
    return render(request, "portal/reports.html", {"school": school, "collections": collections})


@school_user_required
def report_download(request: HttpRequest, report_id: int) -> HttpResponseBase:
    # Scoped to the user's school: another school's report is a 404, as a missing one is.
    report = get_object_or_404(
        Report.objects.select_related("collection", "school"),
        pk=report_id,
        school=school_of(request),
        collection__publication__isnull=False,
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
        f"{report.school.laestab}-{report.collection.kind}-{report.collection.summer}-"
        f"{report.kind}-v{report.version}.pdf"
    )
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@la_user_required
def la_publish(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    if request.method == "POST":
        assert isinstance(request.user, User)
        again = Publication.objects.filter(collection=collection).exists()
        schools = publish(collection, request.user)
        audit.record(
            audit.Action.PUBLISH, f"published the reports of {collection.short_name}",
            request=request, collection=collection, schools=schools, again=again,
        )  # fmt: skip
        messages.success(
            request,
            f"{'Published again' if again else 'Published'}: reports for {schools} "
            f"school{'s' if schools != 1 else ''} are being made. Schools whose data has not "
            "changed keep their current reports; the others are emailed when theirs are ready.",
        )
        return redirect("portal:la_publish", collection_id=collection.pk)
    publication = Publication.objects.filter(collection=collection).first()
    return render(
        request,
        "la/publish.html",
        {"collection": collection, "publication": publication, "progress": progress(collection)},
    )


urls: list[URLPattern] = [
    path("reports/", reports, name="reports"),
    path("reports/<int:report_id>/download/", report_download, name="report_download"),
    path("la/collections/<int:collection_id>/publish/", la_publish, name="la_publish"),
]
