"""Publishing a collection's reports: a task a school, and a new report version only when the
school's data changed since its last one (so publishing again, or a task run twice, is safe).

Only schools that are publishable (keystage.web.reports.publishable: confirmed, or locked by
the data team's decision) get reports; the others keep what they had until they are.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from keystage.web.common import clock, mail
from keystage.web.models import Collection, Publication, Report, School, Submission, User
from keystage.web.reports.publishable import (
    LeftOut,
    publishable_ids,
    publishable_now,
    sort_schools,
)
from keystage.web.results.pupils import fingerprint
from keystage.web.submissions.state import Standing

TASK_PATH = "keystage.web.reports.tasks.render_reports_for"


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


def refresh_school(collection: Collection, school_id: int) -> bool:
    """A school's data changed, or it confirmed, or it was locked: if the collection is
    published and the school publishable, its reports are made again (and it is told)."""
    return refresh_schools(collection, [school_id]) == 1


def refresh_schools(collection: Collection, school_ids: Iterable[int]) -> int:
    """refresh_school for many schools at once; returns how many were queued."""
    if not Publication.objects.filter(collection=collection).exists():
        return 0
    chosen = publishable_ids(collection, school_ids)
    for school_id in chosen:
        _queue(school_id, collection)
    return len(chosen)


def _queue(school_id: int, collection: Collection) -> None:
    # Imported here: the task module imports this one.
    from keystage.web.reports.tasks import render_reports_for

    render_reports_for.enqueue(school_id, collection.pk)


def render_for(school_id: int, collection_id: int) -> str:
    """The task's work: renders and stores both reports if the data changed, then emails."""
    school = School.objects.get(pk=school_id)
    collection = Collection.objects.get(pk=collection_id)
    if collection.purged_at is not None:
        return "purged"  # no names left to print, and no pupil-level PDF may be made again
    if publishable_now(collection, school) is None:
        return "left out"  # e.g. a new upload voided the confirmation since it was queued
    made_from = fingerprint(collection, school)
    if _latest_fingerprint(school, collection) == made_from:
        return "unchanged"
    # Imported here: WeasyPrint takes seconds to import, and web processes never render.
    from keystage.web.reports import pupil_pdf, render

    started = time.perf_counter()
    school_pdf, _ = render.pdf_of(
        render_to_string("reports/school.html", render.school_context(school, collection))
    )
    school_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pupils_pdf, _ = pupil_pdf.pupil_report_pdf(school, collection)  # in parts when long
    pupil_seconds = time.perf_counter() - started
    with transaction.atomic():
        School.objects.select_for_update().get(pk=school.pk)  # one new version at a time
        if _latest_fingerprint(school, collection) == made_from:
            return "unchanged"  # another worker stored the same data's reports meanwhile
        now = publishable_now(collection, school)
        if now is None or fingerprint(collection, school) != made_from:
            # Changed while it was rendered: a new upload voided the confirmation (the school
            # keeps its reports as they were), or a decision queued this school again.
            return "changed meanwhile"
        version = _next_version(school, collection)
        for kind, pdf, seconds in (
            (Report.Kind.SCHOOL, school_pdf, school_seconds),
            (Report.Kind.PUPIL, pupils_pdf, pupil_seconds),
        ):
            _store(school, collection, kind, version, pdf, seconds, now.current, made_from)
    _tell_school(school, collection, version, now)
    return f"version {version}"


def _latest_fingerprint(school: School, collection: Collection) -> str | None:
    return (
        Report.objects.filter(school=school, collection=collection, kind=Report.Kind.SCHOOL)
        .order_by("-version")
        .values_list("data_fingerprint", flat=True)
        .first()
    )


def _next_version(school: School, collection: Collection) -> int:
    latest = (
        Report.objects.filter(school=school, collection=collection)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (latest or 0) + 1


def _store(
    school: School,
    collection: Collection,
    kind: str,
    version: int,
    pdf: bytes,
    seconds: float,
    made_from: Submission | None,
    data_fingerprint: str,
) -> Report:
    report = Report(
        school=school, collection=collection, kind=kind, version=version,
        sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), made_from=made_from,
        data_fingerprint=data_fingerprint, made_at=clock.now(), render_seconds=seconds,
    )  # fmt: skip
    name = f"{school.laestab}_{collection.kind}_{collection.academic_year}_{kind}_v{version}.pdf"
    report.file.save(name, ContentFile(pdf), save=False)
    report.save()
    return report


def _tell_school(school: School, collection: Collection, version: int, now: Standing) -> None:
    mail.send(
        "reports_ready",
        mail.school_addresses(school),
        {
            "school": school,
            "collection": collection,
            "version": version,
            "updated": version > 1,
            "file_version": now.current.version if now.current else None,
            "confirmed": now.confirmation is not None,
            "url": mail.link(reverse("portal:reports")),
        },
    )


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
