"""The head's confirmation form: open once the current version is clean and every query answered
(to the head, and staff the head lets sign); the signed form as a PDF, for the school's people
and the LA."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from keystage.web.accounts.access import (
    la_user_required,
    own_submission,
    school_of,
    school_user_required,
    signed_in,
    without_right,
)
from keystage.web.common.clock import today
from keystage.web.common.forms import ConfirmationForm
from keystage.web.models import Collection
from keystage.web.submissions import signed_forms
from keystage.web.submissions.confirmations import sign, why_closed
from keystage.web.submissions.state import standing


@school_user_required
def confirm(request: HttpRequest, collection_id: int) -> HttpResponse:
    school = school_of(request)
    window = get_object_or_404(Collection, pk=collection_id)
    user = signed_in(request)
    if not user.may_sign:
        back = reverse("portal:collection", args=[window.pk])
        return without_right(request, "sign the confirmation form", back=back)
    now = standing(school, window, today())
    blocked = why_closed(now, user)
    form = ConfirmationForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and blocked is None and form.is_valid():
        assert now.current is not None
        if sign(now.current, user, form.cleaned_data, request) is None:
            # A query arrived a moment ago: the page says what is left to do.
            return redirect("portal:confirm", collection_id=window.pk)
        messages.success(request, f"You have confirmed your {window.short_name} data. Thank you.")
        return redirect("portal:collection", collection_id=window.pk)
    return render(
        request,
        "portal/confirm.html",
        {"school": school, "standing": now, "form": form, "blocked": blocked},
        status=400 if form.errors and blocked is None else 200,
    )


@school_user_required
def confirmation_pdf(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The form signed for one of the school's own versions (another school's is a 404)."""
    version = own_submission(request, submission_id)
    signed = signed_forms.latest_for(version.pk)
    if signed is None:
        raise Http404("This version has not been signed.")
    return signed_forms.pdf_response(signed)


@la_user_required
def la_confirmation_pdf(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The form signed for any school's version (a voided one says it no longer stands)."""
    signed = signed_forms.latest_for(submission_id)
    if signed is None:
        raise Http404("This version has not been signed.")
    return signed_forms.pdf_response(signed)
