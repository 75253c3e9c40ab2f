"""Report tasks. Their import paths are stored with queued work: keep them stable."""

from __future__ import annotations

from django.tasks import task

from keystage.web.common import retries, task_order
from keystage.web.reports.making import render_for


@task(priority=task_order.REPORTS)  # after every other kind: keystage.web.common.task_order
def render_reports_for(school_id: int, collection_id: int, attempt: int = 1) -> str:
    """One school's two PDF reports for one collection (nothing new if its data did not change).
    Tried again after a failure on our side (a full disk, the database away)."""
    return retries.attempt(
        render_reports_for,
        [school_id, collection_id],
        attempt,
        lambda: render_for(school_id, collection_id),
    )


# Giving up needs no record of its own: the data team's publish page counts the schools whose
# reports are not up to date, and publishing again queues them.
retries.register(render_reports_for)
