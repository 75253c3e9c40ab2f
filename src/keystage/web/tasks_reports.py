"""Report tasks. Their import paths are stored with queued work: keep them stable."""

from __future__ import annotations

from django.tasks import task

from keystage.web.reports.publish import render_for


@task()
def render_reports_for(school_id: int, collection_id: int) -> str:
    """One school's two PDF reports for one collection (nothing new if its data did not change)."""
    return render_for(school_id, collection_id)
