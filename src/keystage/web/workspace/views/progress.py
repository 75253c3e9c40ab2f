"""The data team's collection page (every school's progress, its CSV and XLSX exports) and its
page for one school (every version, its findings, the confirmation, the queries, the lock),
with the school's files and findings to download. What they show is workspace.progress's and
workspace.school_record's.
"""

from __future__ import annotations

import dataclasses

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.exports import write_csv
from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import Action, record
from keystage.web.common.page_views import viewed
from keystage.web.common.sorting import Heading, headings
from keystage.web.common.xlsx import CONTENT_TYPE, workbook
from keystage.web.models import Collection, School, Submission
from keystage.web.schools.expected import has_list
from keystage.web.submissions import downloads
from keystage.web.workspace.la_queries import open_enquiries
from keystage.web.workspace.progress import (
    COLUMNS,
    SORTS,
    Table,
    collection_lock,
    progress_table,
    totals,
)
from keystage.web.workspace.progress_chart import submissions_chart
from keystage.web.workspace.progress_export import export_table, file_name
from keystage.web.workspace.progress_rows import rows_html
from keystage.web.workspace.school_record import school_record, versions_of

# -- The collection page and its exports ------------------------------------------------------


@la_user_required
@require_safe
def collection_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    exports = table.query()
    # PVI settings are shown apart from schools: their own table and figures (issue 17).
    schools = [r for r in table.rows if not r.school.is_setting]
    settings = [r for r in table.rows if r.school.is_setting]
    return render(
        request,
        "la/progress.html",
        {
            "collection": collection,
            "table": table,
            "form": table.form,
            "rows": schools,
            "rows_html": rows_html(schools, collection),
            "settings": settings,
            "settings_html": rows_html(settings, collection),
            "settings_totals": totals(settings),
            "apart_html": rows_html(table.apart, collection),
            "totals": totals(schools),
            "chart": submissions_chart(collection, schools, table.today),
            "headings": _headings(table),
            "settings_headings": _headings(table, provider="Setting"),
            "lock": collection_lock(collection),
            "exports": f"?{exports}" if exports else "",
            "filtered": table.filtered,
            "enquiries": open_enquiries(collection),
            "listed": has_list(collection),
        },
    )


def _headings(table: Table, provider: str = "School") -> list[Heading]:
    """The columns' headings; the settings' table names its first column "Setting"."""
    found = headings([SORTS[key] for key in COLUMNS], table.sort,
                     lambda sort: f"?{table.query(sort=sort)}")  # fmt: skip
    return [dataclasses.replace(h, label=provider) if h.key == "name" else h for h in found]


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@la_user_required
@require_safe
def collection_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_csv(response, export_table(table.every))
    return _attachment(response, file_name(collection, "csv"))


@la_user_required
@require_safe
def collection_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    table = progress_table(collection, request.GET)
    body = workbook({collection.short_name: export_table(table.every)})
    return _attachment(HttpResponse(body, content_type=CONTENT_TYPE), file_name(collection, "xlsx"))


# -- One school's page ----------------------------------------------------------------------------


@la_user_required
@require_safe
def school_page(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    school = get_object_or_404(School, pk=school_id)
    versions = versions_of(school, collection)
    found = school_record(collection, school, versions, _version_asked(request, versions))
    which = {"submission": found.shown.pk} if found.shown else {}
    viewed(request, f"{school.name}'s page", upns=found.pupils, school=school,
           collection=collection, **which)  # fmt: skip
    return render(request, "la/school.html", found.context())


def _version_asked(request: HttpRequest, versions: list[Submission]) -> Submission | None:
    """?version=<n>: that version, 404 when the school has none by that number."""
    asked = request.GET.get("version", "")
    if not asked:
        return None
    found = next((v for v in versions if str(v.version) == asked.strip()), None)
    if found is None:
        raise Http404("This school has no version by that number.")
    return found


# -- Pupil-level downloads from the school page: each one is in the audit trail --------------


def _school_version(request: HttpRequest, collection_id: int, school_id: int) -> Submission:
    version = get_object_or_404(
        Submission.objects.select_related("school", "collection"),
        collection_id=collection_id,
        school_id=school_id,
        version=_version_number(request),
    )
    return version


def _version_number(request: HttpRequest) -> int:
    asked = request.GET.get("version", "")
    if not asked.strip().isdigit():
        raise Http404("Say which version: ?version=<number>.")
    return int(asked)


def _downloaded(request: HttpRequest, version: Submission, what: str) -> None:
    record(
        Action.DOWNLOAD, f"downloaded {what} of {version.school.name}'s version {version.version}",
        request=request, school=version.school, collection=version.collection,
        submission=version.pk,
    )  # fmt: skip


@la_user_required
@require_safe
def findings_csv(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    version = _school_version(request, collection_id, school_id)
    _downloaded(request, version, "the findings (CSV)")
    return downloads.findings_csv(version)


@la_user_required
@require_safe
def school_file(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponseBase:
    """The file exactly as the school (or whoever sent it for the school) sent it."""
    version = _school_version(request, collection_id, school_id)
    what = f"version {version.version} of {version.school.name}'s file"
    if gone := downloads.unavailable(request, version.file, version.collection, what):
        return gone
    _downloaded(request, version, "the file as sent")
    return downloads.stored_file(version)


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/", collection_page, name="la_collection"),
    path("la/collections/<int:collection_id>/export.csv", collection_csv,
         name="la_collection_csv"),
    path("la/collections/<int:collection_id>/export.xlsx", collection_xlsx,
         name="la_collection_xlsx"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/", school_page,
         name="la_school"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/findings.csv",
         findings_csv, name="la_school_findings_csv"),
    path("la/collections/<int:collection_id>/schools/<int:school_id>/file/", school_file,
         name="la_school_file"),
]  # fmt: skip
