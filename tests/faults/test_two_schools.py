"""Two schools' files holding the same pupils, checked at once by two worker processes: the
later-received file has PUPIL-OTHER-SCHOOL, whichever worker stores first, the earlier school is
left as it was, no deadlock, no lost update. And in one process: a school's later upload never
changes the school that sent first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult
from fault_support import run_ready, start_worker, stop, wait_until
from portal_support import ctf_bytes, ctf_path, upload

from keystage.ctf.model import Pupil
from keystage.ctf.reader import read_ctf
from keystage.web.models import Collection, FindingRecord, School, Submission

pytestmark = pytest.mark.django_db(transaction=True)
Change = Callable[[list[Pupil]], list[Pupil]]


def pupils_of(la_folder: Path, school: School) -> list[Pupil]:
    with read_ctf(ctf_path(la_folder, school)) as reader:
        return list(reader)


def with_pupils_of_a(la_folder: Path, school_a: School, how_many: int = 2) -> Change:
    shared = pupils_of(la_folder, school_a)[:how_many]
    return lambda pupils: [*pupils, *shared]


def other_school(version: Submission) -> list[tuple[str, str]]:
    rows = FindingRecord.objects.filter(submission=version, code="PUPIL-OTHER-SCHOOL")
    return sorted(rows.values_list("upn", "message"))


def assert_counts_agree(version: Submission) -> None:
    version.refresh_from_db()
    found = FindingRecord.objects.filter(submission=version)
    assert version.queries == found.filter(severity="query").count()
    assert version.errors == found.filter(severity="error").count()


def test_two_schools_checked_at_once_the_later_file_has_the_query(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path, tmp_path: Path,
) -> None:  # fmt: skip
    shared = [p.upn for p in pupils_of(la_folder, school_a)[:2]]
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    upload(
        head_b, ks1, ctf_bytes(la_folder, school_b, change=with_pupils_of_a(la_folder, school_a))
    )
    meeting, log = tmp_path / "fault", tmp_path / "workers.log"
    meeting.mkdir()
    # Each worker checks its file, then waits for the other at the same step: both are about
    # to store at the same moment, each having read the other's version as not yet current.
    barrier = {"KEYSTAGE_FAULT_POINT": "before-store", "KEYSTAGE_FAULT_DIR": str(meeting),
               "KEYSTAGE_FAULT_PARTIES": "2"}  # fmt: skip
    workers = [start_worker(log, **barrier), start_worker(log, **barrier)]
    try:
        wait_until(
            lambda: Submission.objects.filter(status="checked").count() == 2,
            "both versions to be checked",
            log,
        )
    finally:
        for worker in workers:
            stop(worker)
    assert len(list(meeting.glob("*.reached"))) == 2, "the two checks did not meet"
    checks = DBTaskResult.objects.filter(task_path="keystage.web.submissions.tasks.check_upload")
    assert set(checks.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert len({ids[-1] for ids in checks.values_list("worker_ids", flat=True)}) == 2  # one each

    mine = Submission.objects.get(school=school_a)
    theirs = Submission.objects.get(school=school_b)
    assert mine.is_current and theirs.is_current
    assert other_school(mine) == []
    assert [upn for upn, _ in other_school(theirs)] == sorted(shared)
    assert all(school_a.name not in message for _, message in other_school(theirs))
    assert_counts_agree(mine)
    assert_counts_agree(theirs)

    page = head_b.get(f"/files/{theirs.pk}/").content.decode()
    assert f"is also in another school{escape(chr(39))}s return" in page
    assert escape(school_a.name) not in page


def test_a_later_upload_never_changes_the_school_that_sent_first(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_ready()
    mine = Submission.objects.get(school=school_a)
    assert other_school(mine) == [] and mine.queries == 0
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page

    # School B sends a file holding two of school A's pupils: B, which sent later, is asked.
    upload(
        head_b, ks1, ctf_bytes(la_folder, school_b, change=with_pupils_of_a(la_folder, school_a))
    )
    run_ready()
    theirs = Submission.objects.get(school=school_b)
    assert len(other_school(theirs)) == 2
    assert other_school(mine) == []
    assert_counts_agree(mine)
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page and "another school" not in page

    # B sends again without them: its new version has no such query; A is still untouched.
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    run_ready()
    again = Submission.objects.get(school=school_b, is_current=True)
    assert other_school(again) == [] and other_school(mine) == []
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page
