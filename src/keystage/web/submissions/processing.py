"""Checking a stored upload: the core's reader and rules, then the cross-school check, stored.

Runs in a task. It is idempotent: a version already checked is left alone, and a version
left half-done by a worker that died is checked again from its stored file, its earlier
partial rows replaced inside one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator, Mapping

from django.db import transaction
from django.db.models import Q

from keystage.checks import REFUSING, Context, Finding, finding, run_checks
from keystage.codesets import codeset_for
from keystage.ctf.errors import CTFError
from keystage.ctf.model import Pupil, pupil_to_dict
from keystage.ctf.reader import read_ctf
from keystage.web.common import bulk, clock, events, faultpoints
from keystage.web.common.columns import shortened, whole_or_blank
from keystage.web.models import Confirmation, FindingRecord, PupilMatch, PupilRecord, Submission
from keystage.web.submissions import cross_school, template_upload

log = logging.getLogger(__name__)

# Findings that mean the file is not this school's return for this collection: kept, never
# current, none of its pupils stored. The same codes refuse a file at upload (refusals), where
# its start tells; what its start could not tell (an error deep in the file) is refused here.
REFUSING_CODES = REFUSING
# A version in one of these has been dealt with: checking it again changes nothing.
FINISHED = frozenset({Submission.Status.CHECKED, Submission.Status.REFUSED, Submission.Status.HELD})


@dataclasses.dataclass
class Outcome:
    pupils: list[Pupil]
    findings: list[Finding]
    refused: Finding | None = None


def check_submission(submission_id: int, attempt: int | None = None) -> str:
    """Checks one stored version and stores what it found; returns its final status. A task
    passes its `attempt`, counted before the work, so that a worker killed mid-way has still
    used one up."""
    submission = Submission.objects.select_related("school", "collection").get(pk=submission_id)
    if submission.status in FINISHED:
        return submission.status
    counted = {} if attempt is None else {"attempts": attempt}
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHECKING, **counted)
    outcome = _read_and_check(submission)
    faultpoints.reached("before-store")
    return _store(submission, outcome)


def _read_and_check(submission: Submission) -> Outcome:
    collection = submission.collection
    context = Context(
        codeset=codeset_for(collection.academic_year),
        collection=collection.kind,
        school=template_upload.school_ref(submission.school),
        setting=submission.school.is_setting,
        file_name=submission.original_name,
        previous=_previous_pupils(submission),
    )
    if template_upload.is_template(submission):  # a filled spreadsheet template: same rules
        read, found, refused = template_upload.read_and_check(submission, context, REFUSING_CODES)
        return Outcome(pupils=read, findings=found, refused=refused)
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


def _previous_pupils(submission: Submission) -> Mapping[str, Pupil] | None:
    """The school's current version before this one, read again from its stored file."""
    if submission.version == 1:
        return None  # no earlier version: spares every first upload a query
    previous = (
        Submission.objects.filter(
            _current(submission),
            school=submission.school,
            collection=submission.collection,
            version__lt=submission.version,
        )
        .only("file", "converted")
        .first()
    )
    if previous is None:
        return None
    stored = previous.converted or previous.file  # a template's: the CTF made from it
    try:
        with stored.open("rb") as raw, read_ctf(raw) as reader:
            return {p.upn: p for p in reader if p.upn}
    except (CTFError, OSError):
        log.exception("previous version %s could not be read again", previous.pk)
        return None


def _store(submission: Submission, outcome: Outcome) -> str:
    """Stores the outcome in one transaction; returns the version's status."""
    now = clock.now()
    # Made before the transaction: the locks below are held for less time.
    pupil_rows = [_pupil_row(submission, p) for p in outcome.pupils]
    with transaction.atomic():
        # Its pupils first: schools' versions sharing a pupil, stored at once, take turns at
        # the cross-school check, so each sees the other (see cross_school).
        upns = [p.upn for p in outcome.pupils if p.upn]
        seen = _sight(submission, upns)
        # Lock the school's versions of this collection (in its stream: its own, or the NCA
        # Portal's) so two versions finishing at once cannot both become current.
        versions = list(
            Submission.objects.select_for_update()
            .filter(school=submission.school, collection=submission.collection)
            .stream_of(submission)
            .order_by("version")
        )
        status = _status(submission, outcome, seen)
        owed: cross_school.Owed = []
        if status == Submission.Status.CHECKED:
            outcome.findings.extend(cross_school.findings_for(submission, outcome.pupils, seen))
            owed = cross_school.owed_elsewhere(submission, outcome.pupils, seen)
        _replace_rows(submission, outcome, pupil_rows, seen, now)
        faultpoints.reached("stored-pupils")  # the fault tests kill a worker here
        made_current = _make_current(submission, status, versions, now)
        _checked(submission, outcome, status, made_current, now)
        if made_current:
            cross_school.put_owed(owed)
    return status


def _current(submission: Submission) -> Q:
    """The current version of the submission's stream: the school's own, or the NCA Portal's."""
    return Q(**{submission.current_field: True})


def _sight(submission: Submission, upns: list[str]) -> cross_school.Sighting:
    """The NCA Portal's results are the STA's record of where each pupil sat the tests: never
    matched against schools' own files, never held (the LA imported them itself)."""
    if submission.is_nca:
        return cross_school.Sighting([], {}, frozenset(), frozenset(), 0)
    cross_school.lock_pupils(submission, upns)
    return cross_school.sight(submission, upns)


def _replace_rows(
    submission: Submission, outcome: Outcome, pupil_rows: list[PupilRecord],
    seen: cross_school.Sighting, now: dt.datetime,
) -> None:  # fmt: skip
    """The version's pupils, findings and matches, in place of any a worker left half-done."""
    PupilRecord.objects.filter(submission=submission).delete()
    FindingRecord.objects.filter(submission=submission).delete()
    bulk.insert([_finding_row(submission, f) for f in outcome.findings])
    bulk.insert(pupil_rows)
    PupilMatch.objects.filter(version=submission).delete()
    bulk.insert(cross_school.matches_to_keep(submission, outcome.pupils, seen, now))


def _checked(
    submission: Submission, outcome: Outcome, status: str, made_current: bool, now: dt.datetime
) -> None:
    field = submission.current_field
    Submission.objects.filter(pk=submission.pk).update(
        status=status,
        checked_at=now,
        **{field: made_current},
        pupils=len(outcome.pupils),
        errors=sum(1 for f in outcome.findings if f.severity == "error"),
        queries=sum(1 for f in outcome.findings if f.severity == "query"),
        refusal_code=outcome.refused.code if outcome.refused else "",
        refusal_message=outcome.refused.message if outcome.refused else "",
    )


def _status(
    submission: Submission, outcome: Outcome, seen: cross_school.Sighting
) -> Submission.Status:
    if outcome.refused:
        return Submission.Status.REFUSED
    if submission.is_nca or submission.hold_released:
        return Submission.Status.CHECKED
    if cross_school.too_many(submission, outcome.pupils, seen):
        return Submission.Status.HELD  # the LA looks first (see cross_school)
    return Submission.Status.CHECKED


def _make_current(
    submission: Submission, status: str, versions: list[Submission], now: dt.datetime
) -> bool:
    """Makes the newest checked version the school's current one (the version rows are locked
    and fresh); True when that is this version."""
    checked = [v.version for v in versions if v.status == Submission.Status.CHECKED]
    if status == Submission.Status.CHECKED:
        checked.append(submission.version)
    newest = max(checked, default=0)
    # Most files are a school's first, with no other version to demote or sign-off to void,
    # and are spared those two writes.
    field = submission.current_field
    if any(getattr(v, field) and v.version != newest for v in versions):
        Submission.objects.filter(
            _current(submission), school=submission.school, collection=submission.collection
        ).exclude(version=newest).update(**{field: False})
    made_current = status == Submission.Status.CHECKED and newest == submission.version
    if made_current:
        transaction.on_commit(lambda: _refresh_reports(submission))
    if made_current and not submission.is_nca and any(v.pk != submission.pk for v in versions):
        # A new current version is not what the head signed: the sign-off must be redone.
        Confirmation.objects.filter(
            submission__school=submission.school,
            submission__collection=submission.collection,
            voided_at__isnull=True,
        ).update(voided_at=now, voided_by=submission)
    return made_current


def _refresh_reports(submission: Submission) -> None:
    events.data_changed(submission.collection, [submission.school_id])


def _finding_row(submission: Submission, item: Finding) -> FindingRecord:
    # Each value within its column (see columns): a finding about a 14-character UPN keeps
    # the UPN in its message only.
    return FindingRecord(
        submission=submission,
        code=item.code,
        severity=item.severity,
        message=item.message,
        upn=whole_or_blank(FindingRecord, "upn", item.upn),
        pupil=shortened(FindingRecord, "pupil", item.pupil),
        field=shortened(FindingRecord, "field", item.field),
        line=item.line,
        location=shortened(FindingRecord, "location", item.location),
    )


def _pupil_row(submission: Submission, pupil: Pupil) -> PupilRecord:
    # Each value within its column (see columns), the whole of it in `data`: a UPN, sex or NC
    # year too long for its column is not a real one (UPN-INVALID, SEX-INVALID or
    # FIELD-TOO-LONG says so) and is left blank, never cut into another value.
    return PupilRecord(
        submission=submission,
        upn=whole_or_blank(PupilRecord, "upn", pupil.upn),
        surname=shortened(PupilRecord, "surname", pupil.surname),
        forename=shortened(PupilRecord, "forename", pupil.forename),
        dob=pupil.dob_date,
        sex=whole_or_blank(PupilRecord, "sex", pupil.sex),
        nc_year=whole_or_blank(PupilRecord, "nc_year", pupil.nc_year),
        data=pupil_to_dict(pupil),  # = dataclasses.asdict, faster
    )
