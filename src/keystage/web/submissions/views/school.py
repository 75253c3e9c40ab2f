"""The school's pages: the file request page for a collection, a version's findings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from keystage.codesets import codeset_for
from keystage.codesets.funded import funded_window
from keystage.web.accounts.access import (
    own_submission,
    school_of,
    school_user_required,
    signed_in,
    without_right,
)
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.forms import AnswerForm, UploadForm
from keystage.web.common.page_views import viewed
from keystage.web.models import Collection, Guidance, School, Submission, TeamQuery
from keystage.web.schools.expected import SETTINGS_SEND
from keystage.web.submissions import downloads, refusals
from keystage.web.submissions.answers import save_answer
from keystage.web.submissions.confirmations import last_voided
from keystage.web.submissions.findings import findings_of
from keystage.web.submissions.sources import from_nca
from keystage.web.submissions.state import State, standing, team_queries_waiting, versions_of
from keystage.web.submissions.told import outcomes_for_school
from keystage.web.submissions.uploads import (
    FileRefusedError,
    UploadNotSavedError,
    UploadRefusedError,
    not_saved_page,
    receive,
)


@school_user_required
def collection(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The file request page: upload, state, the current version's findings, every version."""
    school = school_of(request)
    window = get_object_or_404(Collection, pk=collection_id)
    if school.is_setting and window.kind not in SETTINGS_SEND:
        raise Http404("Early years settings send the EYFSP only.")
    if request.method != "POST":
        return _collection_page(request, school, window, UploadForm(setting=school.is_setting))
    if not signed_in(request).may_upload:
        return without_right(request, "upload the school's files", back=request.path)
    form = UploadForm(request.POST, request.FILES, setting=school.is_setting)
    if not window.is_open(today()):
        form.add_error(None, _closed_message(window))
        return _collection_page(request, school, window, form)
    if not form.is_valid():
        return _collection_page(request, school, window, form)
    try:
        submission = receive(school=school, collection=window, upload=form.cleaned_data["file"],
                             user=signed_in(request), request=request)  # fmt: skip
    except FileRefusedError as refused:  # kept apart: the current version is unchanged
        form.add_error("file", refusals.told_school(refused.kept))
    except UploadRefusedError as refused:
        form.add_error("file", str(refused))
    except UploadNotSavedError:
        return not_saved_page(request, back=request.path)
    else:
        messages.success(request, f"We have your file “{submission.original_name}” (version "
                         f"{submission.version}). We are checking it now.")  # fmt: skip
        return redirect("portal:submission", submission_id=submission.pk)
    return _collection_page(request, school, window, form)


def _funded(school: School, window: Collection) -> dict[str, dt.date]:
    """A PVI setting's funded birth window, for its page's words about the template."""
    if not school.is_setting:
        return {}
    first, last = funded_window(codeset_for(window.academic_year).start_year)
    return {"funded_first": first, "funded_last": last}


def _collection_page(
    request: HttpRequest, school: School, window: Collection, form: UploadForm
) -> HttpResponse:
    now = standing(school, window, today())
    findings = findings_of(now.current) if now.current else None
    moves = outcomes_for_school(school, window)
    # The data team's queries and the school's own enquiries.
    threads = list(
        TeamQuery.objects.filter(school=school, collection=window).select_related("raised_by")
    )
    asked = [q for q in threads if not q.from_school]
    shown = (findings.upns if findings else set()) | {m.upn for m in moves}
    shown |= {q.upn for q in threads}
    viewed(request, f"the {window.short_name} page", upns=shown, school=school, collection=window)
    return render(
        request,
        "portal/collection.html",
        {
            "school": school, "standing": now, "form": form,
            "versions": versions_of(school, window),
            "refused_uploads": refusals.kept_for(school, window),
            # Said at the top when the newest upload was refused, unless this page says it now.
            "last_refused": None if form.errors else now.refused_since,
            "findings": findings,
            "voided": None if now.confirmation else last_voided(school, window),
            "team_queries": asked,
            "waiting": [q for q in asked if q.status == TeamQuery.Status.OPEN],
            "enquiries": [q for q in threads if q.from_school],
            "guidance": Guidance.objects.filter(collection=window).first(),
            "moves": moves,
            **_funded(school, window),
            "from_nca": from_nca(window),
        },
        status=400 if form.errors else 200,
    )  # fmt: skip


def _closed_message(window: Collection) -> str:
    if today() < window.opens:
        return f"This collection opens on {window.opens:%-d %B %Y}. You cannot upload yet."
    return (
        f"This collection closed on {window.closes:%-d %B %Y}. "
        "Contact the data team if you need to send a file."
    )


@school_user_required
def submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    version = own_submission(request, submission_id)
    findings = findings_of(version)
    viewed(request, f"the findings of version {version.version}", upns=findings.upns,
           school=version.school, collection=version.collection, submission=version.pk)  # fmt: skip
    # The current version's page leads on to the next step: signing, or the data team first.
    now = standing(version.school, version.collection, today()) if version.is_current else None
    return render(
        request,
        "portal/submission.html",
        {
            "school": version.school,
            "version": version,
            "window": version.collection,
            "findings": findings,
            "next_step": now,
            "waiting": team_queries_waiting(version.school, version.collection) if now else [],
        },
    )


@school_user_required
def submission_status(request: HttpRequest, submission_id: int) -> JsonResponse:
    version = own_submission(request, submission_id)
    return JsonResponse(
        {
            "status": version.status,
            "in_progress": version.in_progress,
            "errors": version.errors,
            "queries": version.queries,
        }
    )


@school_user_required
def findings_csv(request: HttpRequest, submission_id: int) -> HttpResponse:
    version = own_submission(request, submission_id)
    _downloaded(request, version, "the findings (CSV)")
    return downloads.findings_csv(version)


@school_user_required
def submission_file(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    """The file exactly as the school sent it."""
    version = own_submission(request, submission_id)
    what = f"the file you sent as version {version.version}"
    if gone := downloads.unavailable(request, version.file, version.collection, what):
        return gone
    _downloaded(request, version, "the file as sent")
    return downloads.stored_file(version)


def _downloaded(request: HttpRequest, version: Submission, what: str) -> None:
    record(
        Action.DOWNLOAD, f"downloaded {what} of version {version.version}", request=request,
        school=version.school, collection=version.collection, submission=version.pk,
    )  # fmt: skip


@school_user_required
def answer(request: HttpRequest, submission_id: int) -> HttpResponse:
    version = own_submission(request, submission_id)  # before anything else: 404 for others
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AnswerForm(request.POST)
    back = redirect("portal:submission", submission_id=version.pk)
    if not form.is_valid():
        messages.error(request, "Enter an explanation before you save your answer.")
        return back
    upn, code = form.cleaned_data["upn"] or "", form.cleaned_data["code"]
    if not save_answer(version, upn=upn, code=code, text=form.cleaned_data["text"],
                       by=signed_in(request)):  # fmt: skip
        messages.error(request, "That query is not in this version of your file.")
        return back
    if standing(version.school, version.collection, today()).step == State.READY:
        # The last answer: on to the confirmation form, not back to the query just answered.
        messages.success(request, "Your answer is saved. Every query has an answer now: your "
                         "file is ready for the confirmation form.")  # fmt: skip
        return redirect(f"{back.url}#next-step")
    messages.success(request, "Your answer is saved.")
    return redirect(f"{back.url}#query-{code}-{upn}")
