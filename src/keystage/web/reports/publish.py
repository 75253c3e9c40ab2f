"""Publishing a collection's reports: a task a school, and a new report version only when the
school's data changed since its last one (so publishing again, or a task run twice, is safe).

Only schools that are publishable (keystage.web.reports.publishable: confirmed, or locked by
the data team's decision) get reports; the others keep what they had until they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from keystage.web.common import clock
from keystage.web.models import Collection, Publication, Report, User
from keystage.web.reports.publishable import (
    LeftOut,
    publishable_ids,
    sort_schools,
)
from keystage.web.reports.tasks import render_reports_for

TASK_PATH = render_reports_for.module_path


def publish(collection: Collection, by: User) -> int:
    """Publishes (or publishes again) and queues every publishable school's reports; returns
    how many schools were queued."""
    with transaction.atomic():
        Publication.objects.update_or_create(
            collection=collection,
            defaults={"published_by": by, "published_at": clock.now()},
        )
        chosen = [school.pk for school, _ in sort_schools(collection).chosen]
        for school_id in chosen:
            _queue(school_id, collection)  # a task row each: any worker
    return len(chosen)


def refresh_schools(collection: Collection, school_ids: Iterable[int]) -> int:
    """These schools' data changed, or they confirmed, or were locked: if the collection is
    published, each publishable one's reports are made again (and it is told). Returns how many
    were queued."""
    if not Publication.objects.filter(collection=collection).exists():
        return 0
    chosen = publishable_ids(collection, school_ids)
    for school_id in chosen:
        _queue(school_id, collection)
    return len(chosen)


def _queue(school_id: int, collection: Collection) -> None:
    render_reports_for.enqueue(school_id, collection.pk)


@dataclass(frozen=True)
class Progress:
    """For the data team's publish page."""

    publishable: int  # schools confirmed, or locked by decision, with a current version
    with_reports: int  # of those, the schools with at least one report
    up_to_date: int  # of those, the schools whose latest report was made from that version
    queued: int  # report tasks waiting or running
    left_out: list[LeftOut]  # every other school, with why and the reports it keeps


def progress(collection: Collection) -> Progress:
    found = sort_schools(collection)
    latest: dict[int, int | None] = {}
    rows = Report.objects.filter(collection=collection, kind=Report.Kind.SCHOOL).order_by(
        "school_id", "-version"
    )
    for school_id, made_from in rows.values_list("school_id", "made_from_id"):
        latest.setdefault(school_id, made_from)
    current = {
        school.pk: here.current.pk for school, here in found.chosen if here.current is not None
    }
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH, finished_at__isnull=True).count()
    return Progress(
        publishable=len(found.chosen),
        with_reports=sum(1 for s in current if s in latest),
        up_to_date=sum(1 for s, pk in current.items() if latest.get(s) == pk),
        queued=queued,
        left_out=found.left_out,
    )
