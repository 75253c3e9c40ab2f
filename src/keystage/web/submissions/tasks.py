"""Task entry points. Their import paths are stored with queued work: keep them stable.

Each runs through `keystage.web.common.retries`: a failure on our side (the database, the disk) is
tried again with a delay, and a version that cannot be checked ends "could not be checked"
rather than "being checked" for ever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.tasks import task
from django.urls import reverse

from keystage.web.common import clock, mail, retries, task_order
from keystage.web.models import Submission
from keystage.web.submissions.processing import FINISHED, check_submission

log = logging.getLogger(__name__)


@task(priority=task_order.CHECK)  # before any other work: keystage.web.common.task_order
def check_upload(submission_id: int, attempt: int = 1) -> str:
    def work() -> str:
        return check_submission(submission_id, attempt)

    return retries.attempt(check_upload, [submission_id], attempt, work)


def could_not_check(submission_id: int) -> None:
    """The version is shown as "could not be checked" (school and data team) instead of
    "being checked"; the data team can check it again once the fault is put right."""
    changed = (
        Submission.objects.filter(pk=submission_id)
        .exclude(status__in=FINISHED)
        .update(status=Submission.Status.FAILED, checked_at=clock.now())
    )
    if changed:
        log.error("Version %s could not be checked: it is shown as failed", submission_id)
        _tell_school(submission_id)


def _tell_school(submission_id: int) -> None:
    """The school hears at once that the delay is ours, so nobody re-sends or waits on a page.
    Never raises: the version is already shown as failed, which is what matters."""
    try:
        version = Submission.objects.select_related("school", "collection", "uploaded_by").get(
            pk=submission_id
        )
        if version.is_nca:  # the STA's results, which the school neither sent nor sees
            _tell_importer(version)
            return
        to = mail.school_addresses(version.school)
        if version.uploaded_by is not None and version.uploaded_by.email:
            to = sorted({*to, version.uploaded_by.email.strip().lower()})
        url = mail.link(reverse("portal:submission", args=[version.pk]))
        mail.send("could_not_check", to, {"version": version, "url": url})
    except Exception:
        log.exception(
            "Could not tell the school that version %s could not be checked", submission_id
        )


def _tell_importer(version: Submission) -> None:
    """An NCA Portal version that could not be checked is the LA's to see to: the person who
    imported it hears, with the import's page; the school is never told of it."""
    if version.uploaded_by is None or not version.uploaded_by.email or version.nca_import is None:
        return
    url = mail.link(
        reverse("portal:la_nca_import", args=[version.collection_id, version.nca_import_id])
    )
    by = version.uploaded_by
    said = {"version": version, "url": url, "name": by.get_full_name() or by.username}
    mail.send("could_not_check_nca", [by.email], said)


def check_again(submission_ids: Iterable[int] | None = None) -> list[int]:
    """Versions that could not be checked are queued afresh (all their attempts again), once
    the fault is put right: the data team's button, or `keystage manage reconcile --failed`."""
    failed = Submission.objects.filter(status=Submission.Status.FAILED)
    if submission_ids is not None:
        failed = failed.filter(pk__in=list(submission_ids))
    queued = []
    for pk in failed.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            changed = Submission.objects.filter(pk=pk, status=Submission.Status.FAILED).update(
                status=Submission.Status.RECEIVED, attempts=0, checked_at=None
            )
            if changed:
                check_upload.enqueue(pk)
                queued.append(pk)
    return queued


retries.register(check_upload, give_up=could_not_check)
