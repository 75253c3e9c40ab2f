"""Checking a stored upload: the core's reader and rules, then the cross-school check, stored.

Runs in a task. It is idempotent: a version already checked is left alone, and a version
left half-done by a worker that died is checked again from its stored file, its earlier
partial rows replaced inside one transaction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping

from django.db import transaction
from django.utils import timezone

from keystage import codesets
from keystage.checks import Context, Finding, finding, run_checks
from keystage.codesets import Codeset
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.web.models import Confirmation, FindingRecord, PupilRecord, Submission

log = logging.getLogger(__name__)

# Findings that mean the file is not this school's return at all: kept, never current.
REFUSING_CODES = frozenset({"FILE-NOT-XML", "FILE-HOSTILE", "FILE-NOT-CTF", "HDR-SCHOOL"})
BATCH = 1000


@dataclasses.dataclass
class Outcome:
    pupils: list[Pupil]
    findings: list[Finding]
    refused: Finding | None = None


def codeset_for(academic_year: str) -> Codeset:
    available = codesets.available_years()
    return codesets.load(academic_year if academic_year in available else available[-1])


def check_submission(submission_id: int) -> str:
    """Checks one stored version and stores what it found; returns its final status."""
    submission = Submission.objects.select_related("school", "collection").get(pk=submission_id)
    if submission.status in (Submission.Status.CHECKED, Submission.Status.REFUSED):
        return submission.status
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHECKING)
    outcome = _read_and_check(submission)
    outcome.findings.extend(_other_schools(submission, outcome.pupils))
    _store(submission, outcome)
    return Submission.objects.values_list("status", flat=True).get(pk=submission.pk)


def _read_and_check(submission: Submission) -> Outcome:
    collection = submission.collection
    context = Context(
        codeset=codeset_for(collection.academic_year),
        collection=collection.kind,
        school=_school_ref(submission),
        file_name=submission.original_name,
        previous=_previous_pupils(submission),
    )
    pupils: list[Pupil] = []

    def kept(stream: Iterator[Pupil]) -> Iterator[Pupil]:
        for pupil in stream:
            pupils.append(pupil)
            yield pupil

    try:
        with submission.file.open("rb") as raw, read_ctf(raw) as reader:
            result = run_checks(reader.header, kept(iter(reader)), context)
    except CTFError as refused:
        item = finding(refused.code, refused.message)
        return Outcome(pupils=[], findings=[item], refused=item)
    refusal = next((f for f in result.findings if f.code in REFUSING_CODES), None)
    if refusal is not None:
        return Outcome(pupils=[], findings=[refusal], refused=refusal)
    return Outcome(pupils=pupils, findings=result.findings)


def _school_ref(submission: Submission) -> SchoolRef:
    school = submission.school
    return SchoolRef(la=school.la, estab=school.estab, urn=school.urn, name=school.name)


def _previous_pupils(submission: Submission) -> Mapping[str, Pupil] | None:
    """The school's current version before this one, read again from its stored file."""
    previous = (
        Submission.objects.filter(
            school=submission.school,
            collection=submission.collection,
            is_current=True,
            version__lt=submission.version,
        )
        .only("file")
        .first()
    )
    if previous is None:
        return None
    try:
        with previous.file.open("rb") as raw, read_ctf(raw) as reader:
            return {p.upn: p for p in reader if p.upn}
    except (CTFError, OSError):
        log.exception("previous version %s could not be read again", previous.pk)
        return None


def _other_schools(submission: Submission, pupils: list[Pupil]) -> list[Finding]:
    """PUPIL-OTHER-SCHOOL: a UPN already current in another school's file for this collection."""
    by_upn = {p.upn: p for p in pupils if p.upn}
    found: list[Finding] = []
    upns = list(by_upn)
    for start in range(0, len(upns), BATCH):
        rows = (
            PupilRecord.objects.filter(
                upn__in=upns[start : start + BATCH],
                submission__collection=submission.collection,
                submission__is_current=True,
            )
            .exclude(submission__school=submission.school)
            .values_list("upn", "submission__school__name", "submission__school__laestab")
        )
        for upn, name, laestab in rows:
            pupil = by_upn[upn]
            found.append(
                finding(
                    "PUPIL-OTHER-SCHOOL",
                    f"{pupil.display_name} (UPN {upn}) is also in the file that {name} "
                    f"({laestab}) sent for this collection. The LA will decide which school "
                    "reports this pupil: usually the school where the pupil was registered for "
                    "more days in May. Tell us here if the pupil moved, and when.",
                    pupil=pupil,
                    field="UPN",
                )
            )
    return found


def _store(submission: Submission, outcome: Outcome) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Lock the school's versions of this collection so two versions finishing at once
        # cannot both become current.
        versions = list(
            Submission.objects.select_for_update()
            .filter(school=submission.school, collection=submission.collection)
            .order_by("version")
        )
        PupilRecord.objects.filter(submission=submission).delete()
        FindingRecord.objects.filter(submission=submission).delete()
        FindingRecord.objects.bulk_create(
            [_finding_row(submission, f) for f in outcome.findings], batch_size=BATCH
        )
        PupilRecord.objects.bulk_create(
            [_pupil_row(submission, p) for p in outcome.pupils], batch_size=BATCH
        )
        status = Submission.Status.REFUSED if outcome.refused else Submission.Status.CHECKED
        checked = [v.version for v in versions if v.status == Submission.Status.CHECKED]
        if status == Submission.Status.CHECKED:
            checked.append(submission.version)
        newest = max(checked, default=0)
        Submission.objects.filter(
            school=submission.school, collection=submission.collection, is_current=True
        ).exclude(version=newest).update(is_current=False)
        made_current = status == Submission.Status.CHECKED and newest == submission.version
        if made_current:
            transaction.on_commit(lambda: _refresh_reports(submission))
            # A new current version is not what the head signed: the sign-off must be redone.
            Confirmation.objects.filter(
                submission__school=submission.school,
                submission__collection=submission.collection,
                voided_at__isnull=True,
            ).update(voided_at=now, voided_by=submission)
        Submission.objects.filter(pk=submission.pk).update(
            status=status,
            checked_at=now,
            is_current=made_current,
            pupils=len(outcome.pupils),
            errors=sum(1 for f in outcome.findings if f.severity == "error"),
            queries=sum(1 for f in outcome.findings if f.severity == "query"),
            refusal_code=outcome.refused.code if outcome.refused else "",
            refusal_message=outcome.refused.message if outcome.refused else "",
        )


def _refresh_reports(submission: Submission) -> None:
    # Imported here: reports import the results, which import this module.
    from keystage.web.reports.publish import refresh_school

    refresh_school(submission.collection, submission.school_id)


def _finding_row(submission: Submission, item: Finding) -> FindingRecord:
    return FindingRecord(
        submission=submission,
        code=item.code,
        severity=item.severity,
        message=item.message,
        upn=item.upn or "",
        pupil=item.pupil or "",
        field=item.field or "",
        line=item.line,
    )


def _pupil_row(submission: Submission, pupil: Pupil) -> PupilRecord:
    return PupilRecord(
        submission=submission,
        upn=pupil.upn or "",
        surname=pupil.surname or "",
        forename=pupil.forename or "",
        dob=pupil.dob_date,
        sex=(pupil.sex or "")[:1],
        nc_year=(pupil.nc_year or "")[:4],
        data=dataclasses.asdict(pupil),
    )
