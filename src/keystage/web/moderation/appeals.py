"""A head's appeal against KS2 moderation: whether they may appeal today, the appeal with its
evidence as received, the data team's review and final decision, and the emails to the school.

Every step is audited (AuditEvent APPEAL). The decision's final judgements are the ones that
stand (keystage.web.moderation.judgements), so the school's published reports are made again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from keystage.codesets import codeset_for
from keystage.codesets.model import AssessmentType
from keystage.web.common import audit, clock, mail
from keystage.web.models import Appeal, AppealEvidence, JudgementChange, ModeratedSchool, Role, User
from keystage.web.moderation import judgements
from keystage.web.moderation.errors import ModerationError
from keystage.web.moderation.evidence import Evidence
from keystage.web.moderation.roles import moderated_roles


def may_appeal(moderated: ModeratedSchool, today: dt.date) -> str | None:
    """None when the head may appeal today; otherwise why not, in the head's words."""
    window = moderated.round
    if moderated.notified_at is None:
        return "You can appeal once the data team has told you the outcome of moderation."
    if hasattr(moderated, "appeal"):
        return "You have already appealed. The data team will tell you its decision."
    if window.appeal_opens is None or window.appeal_closes is None:
        return "The data team has not set the dates for appeals yet."
    if today < window.appeal_opens:
        return f"Appeals open on {window.appeal_opens:%A %-d %B %Y}. Come back then to appeal."
    if today > window.appeal_closes:
        return (
            f"Appeals closed on {window.appeal_closes:%A %-d %B %Y}. Contact the data team if "
            "you think your appeal should still be heard."
        )
    return None


def submit_appeal(
    moderated: ModeratedSchool, *, by: User, name: str, reasons: str, files: list[Evidence],
    today: dt.date, request: HttpRequest | None = None,
) -> Appeal:  # fmt: skip
    """The head's appeal with its evidence, stored as received; all of it or none of it."""
    if by.school_id != moderated.school_id or by.role != Role.HEAD:
        raise ModerationError("Only the school's head teacher can appeal")
    refused = may_appeal(moderated, today)
    if refused:
        raise ModerationError(refused)
    if not files:
        raise ModerationError("Choose at least one file of evidence")
    stored: list[AppealEvidence] = []
    try:
        with transaction.atomic():
            appeal = _appeal(moderated, by, name, reasons)
            for found in files:
                stored.append(_store(appeal, found))
            audit.record(
                audit.Action.APPEAL,
                f"appealed the KS2 moderation of {moderated.school.name} with "
                f"{len(files)} file{'s' if len(files) != 1 else ''} of evidence",
                request=request, actor=by, school=moderated.school,
                collection=moderated.round.collection, appeal=appeal.pk,
                evidence=[{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files],
            )  # fmt: skip
            _tell(moderated, "moderation_appeal_received", appeal=appeal)
    except BaseException:
        _delete_files(stored)  # the rows went with the transaction; the files must go too
        raise
    return appeal


def _appeal(moderated: ModeratedSchool, by: User, name: str, reasons: str) -> Appeal:
    """The appeal's row, once only: two heads' sessions appealing at once take turns."""
    ModeratedSchool.objects.select_for_update().filter(pk=moderated.pk).first()
    if Appeal.objects.filter(moderated=moderated).exists():
        raise ModerationError("You have already appealed.")
    return Appeal.objects.create(
        moderated=moderated, submitted_by=by, submitter_name=name.strip(),
        reasons=reasons.strip(), submitted_at=clock.now(),
    )  # fmt: skip


def _store(appeal: Appeal, found: Evidence) -> AppealEvidence:
    item = AppealEvidence(
        appeal=appeal, original_name=found.name, content_type=found.content_type,
        sha256=found.sha256, size=found.size, uploaded_at=appeal.submitted_at,
    )  # fmt: skip
    item.file.save(found.name, found.upload, save=False)
    try:
        item.save()
    except BaseException:
        _delete_files([item])
        raise
    return item


def _delete_files(stored: list[AppealEvidence]) -> None:
    for item in stored:
        if item.file.name:
            item.file.storage.delete(item.file.name)


def record_review(
    appeal: Appeal, *, notes: str, on: dt.date, by: User, request: HttpRequest | None = None
) -> None:
    if appeal.decided:
        raise ModerationError("This appeal is decided: its review cannot change now")
    if on < timezone.localdate(appeal.submitted_at):
        raise ModerationError("The review cannot be before the appeal was made")
    with transaction.atomic():
        appeal.review_notes, appeal.reviewed_on, appeal.reviewed_by = notes.strip(), on, by
        appeal.save(update_fields=["review_notes", "reviewed_on", "reviewed_by"])
        moderated = appeal.moderated
        audit.record(
            audit.Action.APPEAL,
            f"recorded the review of {moderated.school.name}'s appeal ({on:%d/%m/%Y})",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, appeal=appeal.pk, reviewed_on=on.isoformat(),
        )  # fmt: skip


def decide(
    appeal: Appeal, *, decision: str, finals: Mapping[int, str], notes: str, on: dt.date,
    by: User, request: HttpRequest | None = None,
) -> None:  # fmt: skip
    """The final decision: upheld restores the school's judgements, not upheld keeps the
    moderated ones, partly upheld takes a final judgement for each change (change id -> code)."""
    if appeal.decided:
        raise ModerationError("This appeal is already decided")
    if appeal.reviewed_on is None:
        raise ModerationError("Record the review before the decision")
    if on < appeal.reviewed_on:
        raise ModerationError("The decision cannot be before the review")
    moderated = appeal.moderated
    changes = _finals(moderated, decision, finals)
    with transaction.atomic():
        JudgementChange.objects.bulk_update(changes, ["final_judgement"])
        appeal.decision, appeal.decision_notes = decision, notes.strip()
        appeal.decided_on, appeal.decided_by, appeal.decided_at = on, by, clock.now()
        appeal.save()
        audit.record(
            audit.Action.APPEAL,
            f"decided {moderated.school.name}'s appeal: {appeal.get_decision_display().lower()}",
            request=request, actor=by, school=moderated.school,
            collection=moderated.round.collection, appeal=appeal.pk, decision=decision,
            decided_on=on.isoformat(),
            finals={f"{c.upn} {c.role}": c.final_judgement for c in changes},
        )  # fmt: skip
        _tell(moderated, "moderation_appeal_decided", appeal=appeal)
        judgements.changed(moderated)


def _finals(
    moderated: ModeratedSchool, decision: str, finals: Mapping[int, str]
) -> list[JudgementChange]:
    """The school's changes, each with the final judgement the decision gives it."""
    if decision not in Appeal.Decision.values:
        raise ModerationError("Choose the decision")
    kinds = moderated_roles(codeset_for(moderated.round.collection.academic_year))
    changes = list(moderated.changes.all())
    for change in changes:
        change.final_judgement = _final(change, decision, finals.get(change.pk, ""), kinds)
    return changes


def _final(
    change: JudgementChange, decision: str, chosen: str, kinds: Mapping[str, AssessmentType]
) -> str:
    if decision == Appeal.Decision.UPHELD:
        return change.school_judgement
    if decision == Appeal.Decision.NOT_UPHELD:
        return change.moderated_judgement
    if chosen not in kinds[change.role].results.codes:  # partly upheld: chosen for each
        raise ModerationError(f"Choose the final judgement for UPN {change.upn}")
    return chosen


def _tell(moderated: ModeratedSchool, template: str, **context: Any) -> None:
    """Emails the school's head and main address once the step is stored."""
    url = mail.link(reverse("portal:moderation", args=[moderated.pk]))
    to = mail.school_addresses(moderated.school)
    values = {"school": moderated.school, "collection": moderated.round.collection,
              "url": url, **context}  # fmt: skip
    transaction.on_commit(lambda: mail.send(template, to, values))
