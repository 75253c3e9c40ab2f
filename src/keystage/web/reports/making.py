"""Making one school's reports for one collection: both PDFs rendered and stored as a new
version when its data changed since the last one, and the school told. The report task's work
(keystage.web.reports.tasks); safe to run twice.

WeasyPrint is imported on the first render (keystage.web.common.pdf), not by this module.
"""

from __future__ import annotations

import hashlib
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from keystage.web.common import clock, mail
from keystage.web.models import Collection, Report, School, Submission
from keystage.web.reports import pupil_pdf
from keystage.web.reports.publishable import publishable_now
from keystage.web.reports.school_report import render_school_report
from keystage.web.results.pupils import fingerprint
from keystage.web.submissions.sources import NCA, figures_source, from_nca
from keystage.web.submissions.state import Standing


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
    rendered = _rendered(school, collection)
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
        # The version the figures come from: the school's current one, or for KS2 from 2026
        # the NCA Portal's results (keystage.web.submissions.sources).
        source = figures_source(collection).filter(school=school).first()
        for kind, pdf, seconds in rendered:
            _store(school, collection, kind, version, pdf, seconds, source, made_from)
    _tell_school(school, collection, version, now, source)
    return f"version {version}"


def _rendered(school: School, collection: Collection) -> list[tuple[str, bytes, float]]:
    """Both reports: (kind, PDF, seconds to render it)."""
    started = time.perf_counter()
    school_pdf = render_school_report(school, collection)
    school_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pupils_pdf, _ = pupil_pdf.pupil_report_pdf(school, collection)  # in parts when long
    pupil_seconds = time.perf_counter() - started
    return [
        (Report.Kind.SCHOOL, school_pdf, school_seconds),
        (Report.Kind.PUPIL, pupils_pdf, pupil_seconds),
    ]


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
    name = f"{school.number}_{collection.kind}_{collection.academic_year}_{kind}_v{version}.pdf"
    report.file.save(name, ContentFile(pdf), save=False)
    report.save()
    return report


def _tell_school(
    school: School, collection: Collection, version: int, now: Standing, source: Submission | None
) -> None:
    mail.send(
        "reports_ready",
        mail.school_addresses(school),
        {
            "school": school,
            "collection": collection,
            "version": version,
            "updated": version > 1,
            # The school's own file's version; not the NCA Portal's, which it never sees.
            "file_version": source.version if source and source.channel != NCA else None,
            "from_nca": from_nca(collection),
            "confirmed": now.confirmation is not None,
            "url": mail.link(reverse("portal:reports")),
        },
    )
