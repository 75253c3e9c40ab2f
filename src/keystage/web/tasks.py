"""Task entry points. Their import paths are stored with queued work: keep them stable."""

from __future__ import annotations

from django.tasks import task

from keystage.web.processing import check_submission


@task()
def check_upload(submission_id: int) -> str:
    return check_submission(submission_id)
