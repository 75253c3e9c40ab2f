"""Checking a stored version: idempotent, and the newest checked version is current."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from portal_builders import make_pupil_record
from portal_support import ctf_bytes, upload, with_bad_result

from keystage.web.models import Collection, FindingRecord, PupilRecord, School, Submission
from keystage.web.submissions.processing import check_submission


def test_checking_again_changes_nothing(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
    version = Submission.objects.get()
    assert check_submission(version.pk) == "checked"
    pupils, findings = PupilRecord.objects.count(), FindingRecord.objects.count()
    assert check_submission(version.pk) == "checked"
    assert (PupilRecord.objects.count(), FindingRecord.objects.count()) == (pupils, findings)


def test_a_version_left_half_checked_is_checked_again_whole(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    version = Submission.objects.get()
    # as a worker that died mid-way would leave it
    Submission.objects.filter(pk=version.pk).update(status="checking")
    make_pupil_record(version, upn="X", surname="Half", forename="Done")
    check_submission(version.pk)
    version.refresh_from_db()
    assert version.status == "checked" and version.is_current
    assert not PupilRecord.objects.filter(upn="X").exists()
    assert version.pupil_set.count() == version.pupils


def test_an_older_version_finishing_last_does_not_become_current(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    first, second = Submission.objects.order_by("version")
    check_submission(second.pk)  # two workers: version 2 finishes first
    check_submission(first.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_current and not first.is_current
    assert first.status == second.status == "checked"


def test_dropped_pupils_are_a_query_against_the_previous_version(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    check_submission(Submission.objects.get().pk)
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=lambda pupils: pupils[1:]))
    second = Submission.objects.get(version=2)
    check_submission(second.pk)
    assert second.finding_set.filter(code="VERSION-PUPILS-DROPPED").exists()
