"""The head's confirmation: who may sign and when, signing, and the sign-off a newer version
voided (keystage.web.submissions.processing voids it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from keystage.web.common import clock, events
from keystage.web.common.audit import Action, record
from keystage.web.common.clock import today
from keystage.web.models import Collection, Confirmation, School, Submission, User
from keystage.web.submissions import signed_forms
from keystage.web.submissions.state import Standing, State, standing


def why_closed(now: Standing, user: User) -> str | None:
    """Why this person cannot sign now, in words for the page; None when they can."""
    if not user.may_sign:
        return ("Your head teacher has not given your account the right to sign the "
                "confirmation form. Ask them to sign it, or to give you the right on the "
                "People page.")  # fmt: skip
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


def sign(
    current: Submission, user: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Confirmation | None:
    """Signs, unless the version stopped being ready since the page was read: its row is locked
    first, so a query put on it meanwhile (cross_school.put_owed) is seen here or comes after.
    Audited; a published collection's reports are made from the data once it is confirmed."""
    school, window = current.school, current.collection
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=current.pk).first()
        if locked is None or why_closed(standing(school, window, today()), user) is not None:
            return None
        signed = _confirmation(current, user, data)
    transaction.on_commit(lambda: events.data_changed(window, [school.pk]))
    signed_forms.send_receipt(signed)
    record(
        Action.CONFIRM, f"signed the confirmation of version {current.version}",
        request=request, school=school, collection=window, confirmation=signed.pk,
    )  # fmt: skip
    return signed


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


def last_voided(school: School, window: Collection) -> Confirmation | None:
    """The newest sign-off a newer version voided: the page says it must be signed again."""
    return (
        Confirmation.objects.filter(
            submission__school=school, submission__collection=window, voided_at__isnull=False
        )
        .select_related("submission", "voided_by")
        .order_by("-voided_at")
        .first()
    )
