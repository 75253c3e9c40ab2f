"""The moderation letter: made as a tagged PDF in a task, kept for the school to download in the
portal, and the head (and the school's main address) emailed that it is there.

The task's import path is stored with queued work: keep it stable. WeasyPrint is imported only
when a letter is made, never by a web process.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from keystage.codesets import codeset_for
from keystage.web.common import audit, clock, mail, task_order
from keystage.web.common.pdf import pdf_of
from keystage.web.common.pupil_ids import display_name
from keystage.web.models import ModeratedSchool, PupilRecord
from keystage.web.moderation.roles import moderated_roles
from keystage.web.submissions.sources import current_filter


@task(priority=task_order.LETTER)  # after checks and reminders: keystage.web.common.task_order
def send_letter(moderated_id: int) -> str:
    return make_and_send(moderated_id)


def letter_context(moderated: ModeratedSchool) -> dict[str, Any]:
    collection = moderated.round.collection
    kinds = moderated_roles(codeset_for(collection.academic_year))
    changes = list(moderated.changes.all())
    names = {
        r.upn: display_name(r)
        for r in PupilRecord.objects.filter(
            submission__collection=collection, submission__school=moderated.school,
            upn__in=[c.upn for c in changes],
        ).filter(Q(submission__is_current=True) | current_filter(collection, "submission__"))
    }  # fmt: skip
    return {
        "title": f"KS2 moderation outcome: {moderated.school.name}, {collection.summer}",
        "moderated": moderated,
        "school": moderated.school,
        "collection": collection,
        "round": moderated.round,
        "sampled": moderated.sample.count(),
        "changes": [
            (c, names.get(c.upn, ""), kinds[c.role].label if c.role in kinds else c.role)
            for c in changes
        ],
        "la_name": settings.LA_NAME,
        "dated": timezone.localdate(moderated.notified_at or clock.now()),
    }


def make_and_send(moderated_id: int) -> str:
    """Makes the letter once and emails once; a task run twice does neither twice."""
    moderated = ModeratedSchool.objects.select_related("school", "round__collection").get(
        pk=moderated_id
    )
    if moderated.notified_at is None:
        return "not released"
    if not moderated.letter_sha256:
        _make(moderated)
        moderated.refresh_from_db()
    if moderated.letter_sent_at is not None:
        return "already sent"
    _email(moderated)
    return "sent"


def _make(moderated: ModeratedSchool) -> None:
    """The letter as a PDF, kept once: another run that made it meanwhile keeps its own."""
    pdf, _ = pdf_of(render_to_string("reports/letter.html", letter_context(moderated)))
    with transaction.atomic():
        row = ModeratedSchool.objects.select_for_update().get(pk=moderated.pk)
        if not row.letter_sha256:
            row.letter_sha256 = hashlib.sha256(pdf).hexdigest()
            row.letter_size = len(pdf)
            row.letter.save("letter.pdf", ContentFile(pdf), save=False)
            row.save(update_fields=["letter", "letter_sha256", "letter_size"])


def _email(moderated: ModeratedSchool) -> None:
    to = mail.school_addresses(moderated.school)
    mail.send(
        "moderation_letter", to,
        {"school": moderated.school, "collection": moderated.round.collection,
         "letter_url": mail.link(reverse("portal:moderation_letter", args=[moderated.pk])),
         "url": mail.link(reverse("portal:moderation", args=[moderated.pk]))},
    )  # fmt: skip
    ModeratedSchool.objects.filter(pk=moderated.pk).update(letter_sent_at=clock.now())
    audit.record(
        audit.Action.MODERATE,
        f"emailed {moderated.school.name} that its KS2 moderation letter is in the portal",
        school=moderated.school, collection=moderated.round.collection, to=to,
        letter_sha256=moderated.letter_sha256,
    )  # fmt: skip
