"""The data team's onward exports of a collection: the return to the DfE's COLLECT (EYFSP and
phonics: one XML file a school or setting and a CSV of the whole LA, in one ZIP, or one
school's file) and the pupil-level benchmarking file (every kind; minimised by default).

Only confirmed and locked schools go; the page lists the others with why, and the failures
of the DfE's checks run before the files are made, each with the school or setting to chase.
Every download is pupil-level data and is recorded in the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from keystage.checks.model import NOTE
from keystage.codesets import codeset_for
from keystage.exports import FULL, MINIMISED, PROFILES
from keystage.exports.tables import benchmark_columns, la_return_columns
from keystage.web.accounts.access import la_user_required
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.exports import files as exports
from keystage.web.models import Collection, School
from keystage.web.schools.expected import SETTINGS_SEND

PROFILE_WORDS = {
    MINIMISED: "minimised: no names, dates of birth or UPNs",
    FULL: "full, with names, dates of birth and UPNs, for the LA's own use",
}


@la_user_required
@require_safe
def exports_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=collection_id)
    ready = exports.readiness(collection, today())
    dfe_allowed = exports.dfe_allowed(collection)
    checked = None
    if dfe_allowed and ready.any:
        checked = exports.dfe_return(collection, ready, exports.next_number(collection))
        shown = [f.upn for f in checked.findings if f.upn]  # the failures name the children
        viewed(request, "the DfE return's check failures", upns=shown, collection=collection)
    return render(
        request,
        "la/exports.html",
        {
            "collection": collection,
            "ready": ready,
            "dfe_allowed": dfe_allowed,
            # PVI settings send the EYFSP only: other collections' tables are of schools
            "providers": "Schools and settings" if collection.kind in SETTINGS_SEND else "Schools",
            "checked": checked,
            "failures": [(f, checked.school_of(f)) for f in checked.findings if f.severity != NOTE]
            if checked
            else [],
        },
    )


@la_user_required
@require_safe
def layout_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    """Every column of the collection's pupil-level CSVs, with its meaning and values: what a
    consortium's analyst reads before using the file (the same declarations that make it)."""
    collection = get_object_or_404(Collection, pk=collection_id)
    codeset = codeset_for(collection.academic_year)
    layouts = [
        (f"Benchmarking CSV, {PROFILE_WORDS[p]}", benchmark_columns(collection.kind, codeset, p))
        for p in PROFILES
    ]
    if exports.dfe_allowed(collection):
        layouts.append(
            ("The LA's CSV sent with the DfE return", la_return_columns(collection.kind, codeset))
        )
    return render(request, "la/export_layout.html", {"collection": collection, "layouts": layouts})


NOBODY = "No school is both confirmed and locked yet, so there is nothing to export."


class _NotNowError(Exception):
    """An export that cannot be made now: the message is shown on the exports page."""


def _exportable(collection_id: int, *, dfe: bool = False) -> tuple[Collection, exports.Readiness]:
    """The collection and its schools' readiness; a 404 for the DfE return of KS1 or KS2."""
    collection = get_object_or_404(Collection, pk=collection_id)
    if dfe and not exports.dfe_allowed(collection):
        raise Http404("The return to the DfE is made for the EYFSP and phonics only.")
    ready = exports.readiness(collection, today())
    if not ready.any:
        raise _NotNowError(NOBODY)
    return collection, ready


def _back(request: HttpRequest, collection_id: int, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("portal:la_exports", collection_id=collection_id)


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


HEADER_WRONG = "The return's header fails the DfE's checks, so no file can be made: see below."
NONE_CLEAR = "No school or setting passes the DfE's checks yet: see the failures below."


@la_user_required
@require_safe
def dfe_zip(request: HttpRequest, collection_id: int) -> HttpResponseBase:
    """Every confirmed, locked school's and setting's COLLECT file that passes the DfE's checks,
    and the LA's CSV, in one ZIP, streamed as each file is made. The audit event is written
    before the first byte goes: it names every file planned (NOT-INCLUDED.txt in the ZIP lists
    those left out, and why)."""
    try:
        collection, ready = _exportable(collection_id, dfe=True)
    except _NotNowError as refused:
        return _back(request, collection_id, str(refused))
    number = exports.next_number(collection)
    made = exports.dfe_return(collection, ready, number)
    if made.header_wrong or not made.going:
        return _back(request, collection_id, HEADER_WRONG if made.header_wrong else NONE_CLEAR)
    pupils = sum(len(made.children[s.pk]) for s in made.going)
    record(
        Action.DOWNLOAD,
        f"downloaded the return to the DfE ({len(made.going)} schools' and settings' files, "
        f"{pupils} pupils, and the LA's CSV)",
        request=request, collection=collection, export=exports.DFE_EXPORT, number=number,
        files=made.names, pupils=pupils,
        left_out=[m.school.number for m in [*ready.missing, *made.failed]],
    )  # fmt: skip
    response = StreamingHttpResponse(made.zip(ready.missing), content_type="application/zip")
    name = exports.export_name(collection, f"dfe-return-{number:03d}", "zip", today())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@la_user_required
@require_safe
def dfe_school(request: HttpRequest, collection_id: int, school_id: int) -> HttpResponse:
    """One confirmed, locked school's or setting's file to the DfE, checked with the whole
    return (a child can be in two schools' files)."""
    try:
        collection, ready = _exportable(collection_id, dfe=True)
    except _NotNowError as refused:
        return _back(request, collection_id, str(refused))
    school = get_object_or_404(School, pk=school_id)
    missing = next((m for m in ready.missing if m.school.pk == school.pk), None)
    if missing is not None:
        return _back(request, collection_id, f"{school.name} cannot go yet: {missing.reason}.")
    number = exports.next_number(collection)
    made = exports.dfe_return(collection, ready, number)
    if made.header_wrong:
        return _back(request, collection_id, HEADER_WRONG)
    file = made.file_for(school)
    if file is None:
        reason = next((m.reason for m in made.failed if m.school.pk == school.pk), "")
        return _back(request, collection_id, f"{school.name}: {reason}")
    record(
        Action.DOWNLOAD,
        f"downloaded {school.name}'s return to the DfE ({file.children} pupils)",
        request=request, school=school, collection=collection, export=exports.DFE_EXPORT,
        number=number, files=[file.name], pupils=file.children,
    )  # fmt: skip
    return _attachment(file.body, "application/xml", file.name)


@la_user_required
@require_safe
def la_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The LA's CSV that goes with the DfE return, on its own: the pupils of the return's
    files, as the ZIP's CSV (exports.la_csv says why)."""
    try:
        collection, ready = _exportable(collection_id, dfe=True)
    except _NotNowError as refused:
        return _back(request, collection_id, str(refused))
    made = exports.dfe_return(collection, ready, exports.next_number(collection))
    if made.header_wrong or not made.going:
        return _back(request, collection_id, HEADER_WRONG if made.header_wrong else NONE_CLEAR)
    body = exports.la_csv(made)
    pupils = len(made.rows())
    record(
        Action.DOWNLOAD,
        f"downloaded the LA's CSV for the DfE ({pupils} pupils, with names)",
        request=request, collection=collection, export="dfe-csv", pupils=pupils,
        schools=[s.number for s in made.going],
    )  # fmt: skip
    name = exports.export_name(collection, "dfe-pupils", "csv", today())
    return _attachment(body, "text/csv; charset=utf-8", name)


@la_user_required
@require_safe
def benchmark_csv(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The pupil-level file for benchmarking with other LAs: ?profile=minimised (the default)
    or full."""
    profile = request.GET.get("profile", MINIMISED)
    if profile not in PROFILES:
        raise Http404("The profile is minimised or full.")
    try:
        collection, ready = _exportable(collection_id)
    except _NotNowError as refused:
        return _back(request, collection_id, str(refused))
    gathered = exports.gather(collection, ready.included)
    body = exports.benchmark_csv(gathered, profile)
    record(
        Action.DOWNLOAD,
        f"downloaded the benchmarking file ({gathered.total} pupils, {PROFILE_WORDS[profile]})",
        request=request, collection=collection, export=exports.BENCHMARK_EXPORT,
        profile=profile, minimised=profile == MINIMISED, pupils=gathered.total,
        schools=[s.laestab for s in gathered.schools],
    )  # fmt: skip
    name = exports.export_name(collection, f"benchmark-{profile}", "csv", today())
    return _attachment(body, "text/csv; charset=utf-8", name)


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/exports/", exports_page, name="la_exports"),
    path("la/collections/<int:collection_id>/exports/layout/", layout_page,
         name="la_export_layout"),
    path("la/collections/<int:collection_id>/exports/dfe.zip", dfe_zip, name="la_export_dfe"),
    path("la/collections/<int:collection_id>/exports/dfe/<int:school_id>.xml", dfe_school,
         name="la_export_dfe_school"),
    path("la/collections/<int:collection_id>/exports/la.csv", la_csv, name="la_export_la_csv"),
    path("la/collections/<int:collection_id>/exports/benchmark.csv", benchmark_csv,
         name="la_export_benchmark"),
]  # fmt: skip
