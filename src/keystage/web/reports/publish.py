"""Publishing a collection's reports: a task a school, and a new report version only when the
school's data changed since its last one (so publishing again, or a task run twice, is safe).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from keystage.web import clock, mail
from keystage.web.models import Collection, Publication, Report, School, Submission, User
from keystage.web.results import fingerprint

TASK_PATH = "keystage.web.tasks_reports.render_reports_for"


def publish(collection: Collection, by: User) -> int:
    """Publishes (or publishes again) and queues every school's reports; returns the schools."""
    with transaction.atomic():
        Publication.objects.update_or_create(
            collection=collection,
            defaults={"published_by": by, "published_at": clock.now()},
        )
        return _enqueue(collection)


def refresh_published(collection: Collection) -> int:
    """After data changed: queues every school again if the collection is published. Schools
    whose data did not change get no new version (render_for checks)."""
    if not Publication.objects.filter(collection=collection).exists():
        return 0
    return _enqueue(collection)


def refresh_school(collection: Collection, school_id: int) -> bool:
    """A school's new current version: its published reports are made again (and it is told)."""
    if not Publication.objects.filter(collection=collection).exists():
        return False
    from keystage.web.tasks_reports import render_reports_for

    render_reports_for.enqueue(school_id, collection.pk)
    return True


def _enqueue(collection: Collection) -> int:
    # Imported here: the task module imports this one.
    from keystage.web.tasks_reports import render_reports_for

    schools = schools_with_data(collection)
    for school_id in schools:
        render_reports_for.enqueue(school_id, collection.pk)  # a task row each: any worker
    return len(schools)


def schools_with_data(collection: Collection) -> list[int]:
    return list(
        Submission.objects.filter(collection=collection, is_current=True)
        .order_by("school_id")
        .values_list("school_id", flat=True)
    )


def render_for(school_id: int, collection_id: int) -> str:
    """The task's work: renders and stores both reports if the data changed, then emails."""
    school = School.objects.get(pk=school_id)
    collection = Collection.objects.get(pk=collection_id)
    if collection.purged_at is not None:
        return "purged"  # no names left to print, and no pupil-level PDF may be made again
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
        version = _next_version(school, collection)
        current = Submission.objects.filter(
            school=school, collection=collection, is_current=True
        ).first()
        for kind, pdf, seconds in (
            (Report.Kind.SCHOOL, school_pdf, school_seconds),
            (Report.Kind.PUPIL, pupils_pdf, pupil_seconds),
        ):
            _store(school, collection, kind, version, pdf, seconds, current, made_from)
    _tell_school(school, collection, version)
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


def _tell_school(school: School, collection: Collection, version: int) -> None:
    mail.send(
        "reports_ready",
        mail.school_addresses(school),
        {
            "school": school,
            "collection": collection,
            "version": version,
            "updated": version > 1,
            "url": mail.link(reverse("portal:reports")),
        },
    )


@dataclass(frozen=True)
class Progress:
    """For the data team's publish page."""

    with_data: int  # schools with a current version
    with_reports: int  # schools with at least one report
    up_to_date: int  # schools whose latest report was made from their current version
    queued: int  # report tasks waiting or running


def progress(collection: Collection) -> Progress:
    current = dict(
        Submission.objects.filter(collection=collection, is_current=True).values_list(
            "school_id", "pk"
        )
    )
    latest: dict[int, int | None] = {}
    rows = Report.objects.filter(collection=collection, kind=Report.Kind.SCHOOL).order_by(
        "school_id", "-version"
    )
    for school_id, made_from in rows.values_list("school_id", "made_from_id"):
        latest.setdefault(school_id, made_from)
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH, finished_at__isnull=True).count()
    return Progress(
        with_data=len(current),
        with_reports=len(latest),
        up_to_date=sum(1 for s, pk in current.items() if latest.get(s) == pk),
        queued=queued,
    )
