"""The data team's results pages: a collection's LA figures against England's with every
school's headline figures (results.page), the school- and pupil-level downloads
(results.downloads; the pupil-level ones are in the audit trail), and the comparison figures
held, with importing them for LA administrators (results.comparisons).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.exports import csv_text
from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.audit import Action, record
from keystage.web.common.xlsx import CONTENT_TYPE, workbook
from keystage.web.models import Collection, ComparisonFigure
from keystage.web.results.comparators import preference, used_ids
from keystage.web.results.comparisons import ComparisonImportError, import_figures
from keystage.web.results.downloads import Table, file_name, pupil_table, school_table
from keystage.web.results.forms import ComparisonUploadForm, figure_filter
from keystage.web.results.page import results_context

CSV = "text/csv; charset=utf-8"


@la_user_required
@require_safe
def results_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    return render(request, "la/results.html", results_context(collection, request.GET.get("sort")))


# -- Downloads -----------------------------------------------------------------------------------


def _attachment(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file(collection: Collection, table: Table, what: str, extension: str) -> HttpResponse:
    name = file_name(collection, what, extension)
    if extension == "csv":
        return _attachment(csv_text(table), CSV, name)
    return _attachment(workbook({collection.short_name: table}), CONTENT_TYPE, name)


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in ("1", "yes", "true")


def _school_download(request: HttpRequest, collection_id: int, extension: str) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    publication = _flag(request, "publication")
    what = "school-results-publication" if publication else "school-results"
    return _file(collection, school_table(collection, publication=publication), what, extension)


def _pupil_download(request: HttpRequest, collection_id: int, extension: str) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    minimised = _flag(request, "minimised")
    table = pupil_table(collection, minimised=minimised)
    kind = "minimised, no names, dates of birth or UPNs" if minimised else "with names"
    record(
        Action.DOWNLOAD,
        f"downloaded the pupil-level results of every school ({extension.upper()}, {kind})",
        request=request, collection=collection, minimised=minimised, pupils=len(table) - 1,
        format=extension,
    )  # fmt: skip
    return _file(collection, table, "pupils-minimised" if minimised else "pupils", extension)


@la_user_required
@require_safe
def results_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _school_download(request, collection_id, "csv")


@la_user_required
@require_safe
def results_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _school_download(request, collection_id, "xlsx")


@la_user_required
@require_safe
def pupils_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _pupil_download(request, collection_id, "csv")


@la_user_required
@require_safe
def pupils_xlsx(request: HttpRequest, collection_id: int) -> HttpResponse:
    return _pupil_download(request, collection_id, "xlsx")


# -- The comparison figures held, and importing them (LA administrators) ------------------------


@la_user_required
def comparisons_page(request: HttpRequest) -> HttpResponse:
    upload = ComparisonUploadForm()
    if request.method == "POST":
        upload = ComparisonUploadForm(request.POST, request.FILES)
        if (imported := _import(request, upload)) is not None:
            return imported
    chosen = figure_filter(request.GET)
    page = Paginator(chosen.chosen(ComparisonFigure.objects.all()), 200).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "la/comparisons.html",
        {
            "page": page,
            "used": used_ids(list(page)),
            "preference": preference(),
            "form": chosen,
            "upload": upload if signed_in(request).is_la_admin else None,
            "filtered": chosen.filtered,
            "query": chosen.query,
        },
    )


def _import(request: HttpRequest, upload: ComparisonUploadForm) -> HttpResponse | None:
    """Imports the file posted and goes back to the page; None when the form has an error
    to show. Importing is for LA administrators only."""
    if not signed_in(request).is_la_admin:
        raise Http404("Importing comparison figures is for LA administrators.")
    if not upload.is_valid():
        return None
    file, source = upload.cleaned_data["file"], upload.cleaned_data["source"]
    publisher, status = upload.cleaned_data["publisher"], upload.cleaned_data["status"]
    try:
        summary = import_figures(
            file, source=source, publisher=publisher, status=status, user=signed_in(request)
        )
    except ComparisonImportError as problem:
        upload.add_error("file", str(problem))
        return None
    record(Action.IMPORT, f"imported comparison figures from {file.name}", request=request,
           created=summary.created, updated=summary.updated, source=source,
           publisher=publisher or "from the file", status=status or "from the file")  # fmt: skip
    messages.success(request, " ".join(summary.lines()))
    return redirect("portal:la_comparisons")


urls: list[URLPattern] = [
    path("la/comparisons/", comparisons_page, name="la_comparisons"),
    path("la/collections/<int:collection_id>/results/", results_page, name="la_results"),
    path("la/collections/<int:collection_id>/results.csv", results_csv, name="la_results_csv"),
    path("la/collections/<int:collection_id>/results.xlsx", results_xlsx,
         name="la_results_xlsx"),
    path("la/collections/<int:collection_id>/pupils.csv", pupils_csv, name="la_pupils_csv"),
    path("la/collections/<int:collection_id>/pupils.xlsx", pupils_xlsx, name="la_pupils_xlsx"),
]  # fmt: skip
