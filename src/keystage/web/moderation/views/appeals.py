"""The school's KS2 moderation page: the visit, and once the data team has told the school, the
outcome, the changed judgements, the letter and the head's appeal (within the LA's window)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.web.accounts.access import school_of, school_user_required, signed_in
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.models import AppealEvidence, ModeratedSchool, Role
from keystage.web.moderation import appeals, roles
from keystage.web.moderation.downloads import evidence_response, letter_response
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.evidence import EvidenceRefusedError, accept_all
from keystage.web.moderation.forms import AppealForm


def _moderated(request: HttpRequest, moderation_id: int) -> ModeratedSchool:
    # Scoped to the user's school: another school's moderation is a 404, as a missing one is.
    return get_object_or_404(
        ModeratedSchool.objects.select_related("school", "round__collection"),
        pk=moderation_id,
        school=school_of(request),
    )


@school_user_required
def moderation_page(request: HttpRequest, moderation_id: int) -> HttpResponse:
    """The page, and the head's appeal it sends."""
    m = _moderated(request, moderation_id)
    if request.method != "POST":
        return _page(request, m, AppealForm())
    form = AppealForm(request.POST, request.FILES)
    if _appealed(request, m, form):
        messages.success(request, "Your appeal is sent. We have emailed you a receipt; the data "
                         "team will tell you its decision.")  # fmt: skip
        return redirect("portal:moderation", moderation_id=m.pk)
    return _page(request, m, form)


def _appealed(request: HttpRequest, m: ModeratedSchool, form: AppealForm) -> bool:
    """Sends the appeal; False, with the form saying why, when it is refused."""
    user = signed_in(request)
    refused = appeals.may_appeal(m, today())
    if user.role != Role.HEAD:
        refused = "Only your head teacher can appeal. Ask them to sign in."
    if refused:
        form.add_error(None, refused)
        return False
    if not form.is_valid():
        return False
    try:
        appeals.submit_appeal(
            m, by=user, name=form.cleaned_data["name"], reasons=form.cleaned_data["reasons"],
            files=accept_all(form.cleaned_data["evidence"]), today=today(), request=request,
        )  # fmt: skip
    except EvidenceRefusedError as problem:
        form.add_error("evidence", str(problem))
        return False
    except ModerationError as problem:
        form.add_error(None, str(problem))
        return False
    return True


def _page(request: HttpRequest, m: ModeratedSchool, form: AppealForm) -> HttpResponse:
    told = m.notified_at is not None
    labels = roles.labels(m.round.collection.academic_year)
    appeal = getattr(m, "appeal", None)
    changes = list(m.changes.all()) if told else []
    viewed(request, "your school's KS2 moderation", upns=[c.upn for c in changes],
           school=m.school, collection=m.round.collection, moderation=m.pk)  # fmt: skip
    return render(
        request,
        "portal/appeal.html",
        {"m": m, "school": m.school, "collection": m.round.collection, "told": told,
         "changes": [(c, labels.get(c.role, c.role)) for c in changes],
         "sampled": m.sample.count() if told else 0, "appeal": appeal,
         "evidence": list(appeal.evidence.all()) if appeal else [], "form": form,
         "refused": appeals.may_appeal(m, today()),
         "is_head": signed_in(request).role == Role.HEAD},
        status=400 if form.errors else 200,
    )  # fmt: skip


@school_user_required
def letter(request: HttpRequest, moderation_id: int) -> HttpResponseBase:
    return letter_response(request, _moderated(request, moderation_id))


@school_user_required
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    item = get_object_or_404(
        AppealEvidence.objects.select_related(
            "appeal__moderated__school", "appeal__moderated__round__collection"
        ),
        pk=evidence_id,
        appeal__moderated__school=school_of(request),
    )
    return evidence_response(request, item)


urls: list[URLPattern] = [
    path("moderation/<int:moderation_id>/", moderation_page, name="moderation"),
    path("moderation/<int:moderation_id>/letter/", letter, name="moderation_letter"),
    path("appeals/evidence/<int:evidence_id>/", evidence, name="appeal_evidence"),
]
