"""Task entry points. Their import paths are stored with queued work: keep them stable.

Each runs through `keystage.web.retries`: a failure on our side (the database, the disk) is
tried again with a delay, and a version that cannot be checked ends "could not be checked"
rather than "being checked" for ever.
"""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from keystage.web import retries
from keystage.web.models import Submission
from keystage.web.processing import check_submission

log = logging.getLogger(__name__)

FINISHED = (Submission.Status.CHECKED, Submission.Status.REFUSED)


@task()
def check_upload(submission_id: int, attempt: int = 1) -> str:
    def work() -> str:
        # Counted before the work, so that a worker killed mid-way still used up an attempt.
        Submission.objects.filter(pk=submission_id).exclude(status__in=FINISHED).update(
            attempts=attempt
        )
        return check_submission(submission_id)

    return retries.attempt(check_upload, [submission_id], attempt, work)


def could_not_check(submission_id: int) -> None:
    """The version is shown as "could not be checked" (school and data team) instead of
    "being checked"; the data team can check it again once the fault is put right."""
    changed = (
        Submission.objects.filter(pk=submission_id)
        .exclude(status__in=FINISHED)
        .update(status=Submission.Status.FAILED, checked_at=timezone.now())
    )
    if changed:
        log.error("Version %s could not be checked: it is shown as failed", submission_id)


retries.register(check_upload, give_up=could_not_check)
