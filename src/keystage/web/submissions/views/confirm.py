"""The head's confirmation form: open once the current version is clean and every query answered."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from keystage.web.accounts.access import school_of, school_user_required
from keystage.web.common import clock, events
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.common.forms import ConfirmationForm
from keystage.web.models import Collection, Confirmation, Submission, User
from keystage.web.submissions.state import Standing, State, standing


def why_closed(now: Standing, user: User) -> str | None:
    """Why this person cannot sign now, in words for the page; None when they can."""
    if not user.may_sign:
        return "Only the head teacher, or someone the head teacher has allowed, can sign."
    if now.step == State.SUBMITTED:
        return "This collection is already confirmed."
    if now.step == State.QUERIES and not now.unanswered:
        return "Reply to the data team's questions first: they are on your collection's page."
    if now.step != State.READY:
        return {
            State.NOT_STARTED: "Upload your file first.",
            State.CHECKING: "Wait until we have finished checking your file.",
            State.ERRORS: "Fix the errors in your file and upload it again first.",
            State.QUERIES: "Answer every query first, or fix them and upload again.",
            State.HELD: "Wait until the data team has looked at your file.",
        }.get(now.step, "You cannot sign yet.")
    return None


@school_user_required
def confirm(request: HttpRequest, collection_id: int) -> HttpResponse:
    school = school_of(request)
    window = get_object_or_404(Collection, pk=collection_id)
    user = request.user
    assert isinstance(user, User)
    now = standing(school, window, today())
    blocked = why_closed(now, user)
    form = ConfirmationForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and blocked is None and form.is_valid():
        assert now.current is not None
        signed = _sign(now.current, user, form)
        if signed is None:  # a query arrived a moment ago: the page says what is left to do
            return redirect("portal:confirm", collection_id=window.pk)
        # Confirmed: a published collection's reports are made from this data (publishable).
        transaction.on_commit(lambda: events.data_changed(window, [school.pk]))
        record(
            Action.CONFIRM, f"signed the confirmation of version {now.current.version}",
            request=request, school=school, collection=window, confirmation=signed.pk,
        )  # fmt: skip
        messages.success(request, f"You have confirmed your {window.short_name} data. Thank you.")
        return redirect("portal:collection", collection_id=window.pk)
    return render(
        request,
        "portal/confirm.html",
        {"school": school, "standing": now, "form": form, "blocked": blocked},
        status=400 if form.errors and blocked is None else 200,
    )


def _sign(current: Submission, user: User, form: ConfirmationForm) -> Confirmation | None:
    """Signs, unless the version stopped being ready since the page was read: its row is locked
    first, so a query put on it meanwhile (cross_school.put_owed) is seen here or comes after."""
    data = form.cleaned_data
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=current.pk).first()
        school, window = current.school, current.collection
        if locked is None or why_closed(standing(school, window, today()), user) is not None:
            return None
        return _confirmation(current, user, data)


def _confirmation(current: Submission, user: User, data: dict[str, Any]) -> Confirmation:
    return Confirmation.objects.create(
        submission=current,
        signed_by=user,
        signer_name=data["signer_name"],
        signer_role=data["signer_role"],
        responsible=data["responsible"],
        moderation_done=data["moderation_done"],
        outcomes_agreed=data["outcomes_agreed"],
        signed_at=clock.now(),
    )
