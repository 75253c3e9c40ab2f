"""The data team's page of one moderated school: the visit, the sample, the changed judgements,
the outcome and the letter; one address for each thing it does (save the visit, record a
change, take one back, tell the school)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST, require_safe

from keystage.web.accounts.access import la_user_required, signed_in
from keystage.web.common.page_views import viewed
from keystage.web.models import ModeratedSchool
from keystage.web.moderation import records, roles
from keystage.web.moderation.downloads import letter_response
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.forms import ChangeForm, VisitForm
from keystage.web.moderation.steps import step


def _moderated(moderation_id: int) -> ModeratedSchool:
    return get_object_or_404(
        ModeratedSchool.objects.select_related("school", "round__collection"), pk=moderation_id
    )


def _back(m: ModeratedSchool) -> HttpResponse:
    return redirect("portal:la_moderated", moderation_id=m.pk)


@la_user_required
@require_safe
def moderated_page(request: HttpRequest, moderation_id: int) -> HttpResponse:
    return _page(request, _moderated(moderation_id))


@la_user_required
@require_POST
def save_visit(request: HttpRequest, moderation_id: int) -> HttpResponse:
    m = _moderated(moderation_id)
    visit = VisitForm(request.POST)
    try:
        if visit.is_valid():
            records.record_visit(m, **visit.visit(), by=signed_in(request), request=request)
            messages.success(request, "The visit is recorded.")
            return _back(m)
    except ModerationError as problem:
        visit.add_error(None, str(problem))
    return _page(request, m, visit=visit, failed=visit)


@la_user_required
@require_POST
def add_change(request: HttpRequest, moderation_id: int) -> HttpResponse:
    m = _moderated(moderation_id)
    change = ChangeForm(request.POST, roles=roles.labels(m.round.collection.academic_year))
    try:
        if change.is_valid():
            done = records.add_change(m, **change.cleaned_data, by=signed_in(request),
                                      request=request)  # fmt: skip
            messages.success(request, f"The change for UPN {done.upn} is recorded.")
            return _back(m)
    except ModerationError as problem:
        change.add_error(None, str(problem))
    return _page(request, m, change=change, failed=change)


@la_user_required
@require_POST
def remove_change(request: HttpRequest, moderation_id: int, change_id: int) -> HttpResponse:
    m = _moderated(moderation_id)
    gone = get_object_or_404(m.changes, pk=change_id)
    try:
        records.remove_change(gone, by=signed_in(request), request=request)
    except ModerationError as problem:
        return _page(request, m, failed=_refused(problem))
    messages.success(request, f"The change for UPN {gone.upn} is taken back.")
    return _back(m)


@la_user_required
@require_POST
def notify(request: HttpRequest, moderation_id: int) -> HttpResponse:
    """Tells the school its outcome: the letter is made and the head emailed."""
    m = _moderated(moderation_id)
    try:
        records.notify(m, by=signed_in(request), request=request)
    except ModerationError as problem:
        return _page(request, m, failed=_refused(problem))
    messages.success(request, f"{m.school.name} is being told: the letter is made and the head "
                     "emailed.")  # fmt: skip
    return _back(m)


def _refused(problem: ModerationError) -> forms.Form:
    """A form with no fields that carries why, for the page's error summary (bound, as only a
    bound form takes errors)."""
    said = forms.Form(data={})
    said.add_error(None, str(problem))
    return said


def _page(
    request: HttpRequest, m: ModeratedSchool, *, visit: VisitForm | None = None,
    change: ChangeForm | None = None, failed: forms.Form | None = None,
) -> HttpResponse:  # fmt: skip
    """The page; with the form that was sent and its errors when an action was refused."""
    collection = m.round.collection
    labels = roles.labels(collection.academic_year)
    changes = list(m.changes.all())
    sample = list(m.sample.values_list("upn", flat=True))
    viewed(request, f"{m.school.name}'s KS2 moderation", upns=[*sample, *(c.upn for c in changes)],
           school=m.school, collection=collection, moderation=m.pk)  # fmt: skip
    return render(
        request,
        "la/moderation_school.html",
        {"m": m, "collection": collection, "failed": failed,
         "visit": visit or _visit_form(m, sample), "change": change or ChangeForm(roles=labels),
         "changes": [(c, labels.get(c.role, c.role)) for c in changes],
         "sample": sample, "step": step(m), "appeal": getattr(m, "appeal", None),
         "codes": _allowed(collection.academic_year)},
        status=400 if failed is not None and failed.errors else 200,
    )  # fmt: skip


def _visit_form(m: ModeratedSchool, sample: list[str]) -> VisitForm:
    return VisitForm(initial={
        "moderator": m.moderator, "visit_date": m.visit_date, "outcome": m.outcome,
        "notes": m.notes, "sample": "\n".join(sample),
    })  # fmt: skip


def _allowed(academic_year: str) -> list[tuple[str, list[str]]]:
    """Each moderated assessment's name and the judgements the year's table allows for it."""
    labels = roles.labels(academic_year)
    return [(labels[r], codes) for r, codes in roles.judgements_allowed(academic_year).items()]


@la_user_required
@require_safe
def letter(request: HttpRequest, moderation_id: int) -> HttpResponseBase:
    return letter_response(request, _moderated(moderation_id))


urls: list[URLPattern] = [
    path("la/moderation/<int:moderation_id>/", moderated_page, name="la_moderated"),
    path("la/moderation/<int:moderation_id>/visit/", save_visit, name="la_moderated_visit"),
    path("la/moderation/<int:moderation_id>/changes/", add_change, name="la_moderated_change"),
    path("la/moderation/<int:moderation_id>/changes/<int:change_id>/take-back/", remove_change,
         name="la_moderated_take_back"),
    path("la/moderation/<int:moderation_id>/notify/", notify, name="la_moderated_notify"),
    path("la/moderation/<int:moderation_id>/letter/", letter, name="la_moderation_letter"),
]  # fmt: skip
