"""The data team's page of one appeal: what the head sent, the review and the final decision,
each at its own address; and the evidence to download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.models import Appeal, AppealEvidence
from keystage.web.moderation import appeals, roles
from keystage.web.moderation.downloads import evidence_response
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.forms import DecisionForm, ReviewForm


def _appeal(appeal_id: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.select_related("moderated__school", "moderated__round__collection"),
        pk=appeal_id,
    )


def _decision_form(appeal: Appeal, data: object = None) -> DecisionForm:
    year = appeal.moderated.round.collection.academic_year
    return DecisionForm(
        data, initial={"decided_on": today()}, changes=list(appeal.moderated.changes.all()),
        codes=roles.judgements_allowed(year),
    )  # fmt: skip


@la_user_required
@require_safe
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _page(request, _appeal(appeal_id))


@la_user_required
@require_POST
def save_review(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(appeal_id)
    review = ReviewForm(request.POST)
    try:
        if review.is_valid():
            data = review.cleaned_data
            appeals.record_review(appeal, notes=data["review_notes"], on=data["reviewed_on"],
                                  by=signed_in(request), request=request)  # fmt: skip
            messages.success(request, "The review is recorded.")
            return redirect("portal:la_appeal", appeal_id=appeal.pk)
    except ModerationError as problem:
        review.add_error(None, str(problem))
    return _page(request, appeal, review=review, failed=review)


@la_user_required
@require_POST
def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal(appeal_id)
    decision = _decision_form(appeal, request.POST)
    try:
        if decision.is_valid():
            data = decision.cleaned_data
            appeals.decide(appeal, decision=data["decision"], finals=decision.finals(),
                           notes=data["decision_notes"], on=data["decided_on"],
                           by=signed_in(request), request=request)  # fmt: skip
            messages.success(request, "The decision is recorded and the school emailed. The "
                             "final judgements are now in the figures.")  # fmt: skip
            return redirect("portal:la_appeal", appeal_id=appeal.pk)
    except ModerationError as problem:
        decision.add_error(None, str(problem))
    return _page(request, appeal, decision=decision, failed=decision)


def _page(
    request: HttpRequest, appeal: Appeal, *, review: ReviewForm | None = None,
    decision: DecisionForm | None = None, failed: forms.Form | None = None,
) -> HttpResponse:  # fmt: skip
    """The page; with the form that was sent and its errors when an action was refused."""
    m = appeal.moderated
    collection = m.round.collection
    changes = list(m.changes.all())
    labels = roles.labels(collection.academic_year)
    viewed(request, f"{m.school.name}'s KS2 moderation appeal", upns=[c.upn for c in changes],
           school=m.school, collection=collection, appeal=appeal.pk)  # fmt: skip
    return render(
        request,
        "la/moderation_appeal.html",
        {"appeal": appeal, "m": m, "collection": collection, "failed": failed,
         "review": review or _review_form(appeal), "decision": decision or _decision_form(appeal),
         "changes": [(c, labels.get(c.role, c.role)) for c in changes],
         "evidence": list(appeal.evidence.all())},
        status=400 if failed is not None and failed.errors else 200,
    )  # fmt: skip


def _review_form(appeal: Appeal) -> ReviewForm:
    return ReviewForm(initial={"review_notes": appeal.review_notes,
                               "reviewed_on": appeal.reviewed_on or today()})  # fmt: skip


@la_user_required
@require_safe
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    item = get_object_or_404(
        AppealEvidence.objects.select_related(
            "appeal__moderated__school", "appeal__moderated__round__collection"
        ),
        pk=evidence_id,
    )
    return evidence_response(request, item)


urls: list[URLPattern] = [
    path("la/appeals/<int:appeal_id>/", appeal_page, name="la_appeal"),
    path("la/appeals/<int:appeal_id>/review/", save_review, name="la_appeal_review"),
    path("la/appeals/<int:appeal_id>/decision/", decide, name="la_appeal_decide"),
    path("la/appeals/evidence/<int:evidence_id>/", evidence, name="la_appeal_evidence"),
]
