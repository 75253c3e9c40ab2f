"""The school's pages: home, the file request page for a collection, a version's findings."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.db import IntegrityError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from keystage.web.accounts.access import own_submission, school_of, school_user_required
from keystage.web.common import clock
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.forms import AnswerForm, UploadForm
from keystage.web.common.page_views import viewed
from keystage.web.models import (
    Answer,
    Collection,
    Confirmation,
    RefusedUpload,
    School,
    Submission,
    TeamQuery,
    User,
)
from keystage.web.submissions import downloads, refusals
from keystage.web.submissions.findings import findings_of
from keystage.web.submissions.state import State, collections_for_home, standing
from keystage.web.submissions.told import outcomes_for_school
from keystage.web.submissions.uploads import (
    FileRefusedError,
    UploadNotSavedError,
    UploadRefusedError,
    not_saved_page,
    receive,
)


@school_user_required
def home(request: HttpRequest) -> HttpResponse:
    school = school_of(request)
    standings = [standing(school, c, today()) for c in collections_for_home(today())]
    asked = TeamQuery.objects.filter(school=school, status=TeamQuery.Status.OPEN)
    return render(
        request,
        "portal/home.html",
        {
            "school": school,
            "standings": standings,
            "team_queries": asked.select_related("collection"),
        },
    )


@school_user_required
def collection(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The file request page: upload, state, the current version's findings, every version."""
    school = school_of(request)
    window = get_object_or_404(Collection, pk=collection_id)
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if not window.is_open(today()):
            form.add_error(None, _closed_message(window))
        elif form.is_valid():
            try:
                submission = receive(
                    school=school,
                    collection=window,
                    upload=form.cleaned_data["file"],
                    user=_user(request),
                    request=request,
                )
            except FileRefusedError as refused:  # kept apart: the current version is unchanged
                form.add_error("file", refusals.told_school(refused.kept))
            except UploadRefusedError as refused:
                form.add_error("file", str(refused))
            except UploadNotSavedError:
                return not_saved_page(request, back=request.path)
            else:
                messages.success(
                    request,
                    f"We have your file “{submission.original_name}” (version "
                    f"{submission.version}). We are checking it now.",
                )
                return redirect("portal:submission", submission_id=submission.pk)
    now = standing(school, window, today())
    versions = Submission.objects.filter(school=school, collection=window).select_related(
        "uploaded_by"
    )
    turned_away = list(
        RefusedUpload.objects.filter(school=school, collection=window).select_related("uploaded_by")
    )
    findings = findings_of(now.current) if now.current else None
    moves = outcomes_for_school(school, window)
    asked = list(TeamQuery.objects.filter(school=school, collection=window))
    shown = (findings.upns if findings else set()) | {m.upn for m in moves} | {q.upn for q in asked}
    viewed(request, f"the {window.short_name} page", upns=shown, school=school, collection=window)
    return render(
        request,
        "portal/collection.html",
        {
            "school": school,
            "standing": now,
            "form": form,
            "versions": versions,
            "refused_uploads": turned_away,
            # Said at the top when the newest upload was refused, unless this page says it now.
            "last_refused": None if form.errors else now.refused_since,
            "findings": findings,
            "voided": None if now.confirmation else _last_voided(school, window),
            "team_queries": asked,
            "waiting": [q for q in asked if q.status == TeamQuery.Status.OPEN],
            "moves": moves,
        },
        status=400 if form.errors else 200,
    )


def _closed_message(window: Collection) -> str:
    if today() < window.opens:
        return f"This collection opens on {window.opens:%-d %B %Y}. You cannot upload yet."
    return (
        f"This collection closed on {window.closes:%-d %B %Y}. "
        "Contact the data team if you need to send a file."
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _last_voided(school: School, window: Collection) -> Confirmation | None:
    return (
        Confirmation.objects.filter(
            submission__school=school, submission__collection=window, voided_at__isnull=False
        )
        .select_related("submission", "voided_by")
        .order_by("-voided_at")
        .first()
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
            "waiting": _waiting(version.school, version.collection) if now else [],
        },
    )


def _waiting(school: School, window: Collection) -> list[TeamQuery]:
    """The data team's queries in the collection that wait for the school's reply."""
    return list(
        TeamQuery.objects.filter(school=school, collection=window, status=TeamQuery.Status.OPEN)
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
    if not version.finding_set.filter(severity="query", upn=upn, code=code).exists():
        messages.error(request, "That query is not in this version of your file.")
        return back
    # Two people answering at the same moment: the first answer stands.
    with contextlib.suppress(IntegrityError):
        Answer.objects.update_or_create(
            school=version.school,
            collection=version.collection,
            upn=upn,
            code=code,
            defaults={
                "text": form.cleaned_data["text"],
                "answered_by": _user(request),
                "answered_at": clock.now(),
            },
            create_defaults={
                "text": form.cleaned_data["text"],
                "answered_by": _user(request),
                "answered_at": clock.now(),
                "first_submission": version,
            },
        )
    if standing(version.school, version.collection, today()).step == State.READY:
        # The last answer: on to the confirmation form, not back to the query just answered.
        messages.success(
            request,
            "Your answer is saved. Every query has an answer now: your file is ready for the "
            "confirmation form.",
        )
        return redirect(f"{back.url}#next-step")
    messages.success(request, "Your answer is saved.")
    return redirect(f"{back.url}#query-{code}-{upn}")
