"""A task that fails on our side is tried again with a delay; one that cannot be checked ends
"could not be checked" (school and data team see it), never "checking" for ever; the data team
checks it again once the fault is put right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.test import Client
from django_tasks_db.models import DBTaskResult
from fault_support import CHECK, run_ready
from portal_support import ctf_bytes, upload

from keystage.web.common import retries
from keystage.web.models import Collection, School, Submission
from keystage.web.reports.tasks import render_reports_for
from keystage.web.submissions import processing
from keystage.web.submissions.processing import Outcome


def failing(times: int, error: Exception) -> Callable[[Submission], Outcome]:
    """Reading the stored file, failing its first `times` calls with `error` (after the check
    has started, as a disk or database fault would)."""
    calls: list[int] = []
    read = processing._read_and_check

    def check(submission: Submission) -> Outcome:
        calls.append(submission.pk)
        if len(calls) <= times:
            raise error
        return read(submission)

    return check


def tasks() -> list[DBTaskResult]:  # type: ignore[type-arg]
    return list(DBTaskResult.objects.filter(task_path=CHECK).order_by("enqueued_at"))


def test_a_failure_on_our_side_is_tried_again_after_a_delay(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(
        "keystage.web.submissions.processing._read_and_check",
        failing(2, OperationalError("connection lost")),
    )
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_ready()
    first, second = tasks()
    assert first.status == TaskResultStatus.FAILED and "connection lost" in first.traceback
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs == {"args": [Submission.objects.get().pk], "kwargs": {"attempt": 2}}
    assert second.run_after - first.finished_at >= dt.timedelta(seconds=9)  # not at once
    run_ready()  # nothing is due yet
    assert tasks()[1].status == TaskResultStatus.READY

    run_ready(now_or_later=True, limit=1)  # the second attempt fails too
    version = Submission.objects.get()
    assert version.in_progress and version.attempts == 2 and version.retrying
    page = head_a.get(f"/files/{version.pk}/").content.decode()
    assert "we had a problem on our side and are trying again" in page
    assert "You do not need to upload the file again" in page
    shown = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Checking" in shown and "trying again" in shown

    run_ready(now_or_later=True)  # the third succeeds
    version.refresh_from_db()
    assert version.status == "checked" and version.is_current and version.attempts == 3
    assert [t.status for t in tasks()] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert "Ready to confirm" in head_a.get(f"/collections/{ks1.pk}/").content.decode()


def test_after_the_last_attempt_the_version_could_not_be_checked_and_can_be_checked_again(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, la_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(
        "keystage.web.submissions.processing._read_and_check",
        failing(99, OSError(5, "Input/output error")),
    )
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    for _ in range(retries.MAX_ATTEMPTS + 2):
        run_ready(now_or_later=True)
    assert [t.status for t in tasks()] == ["FAILED"] * retries.MAX_ATTEMPTS
    version = Submission.objects.get()
    assert version.status == "failed" and not version.in_progress and not version.is_current
    told = [m for m in mail.outbox if "could not check" in m.subject]
    assert len(told) == 1, "the school is told once, not once an attempt"
    assert school_a.main_email in told[0].to
    assert "not in your file" in told[0].body and f"/files/{version.pk}/" in told[0].body

    school_page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Could not be checked" in school_page
    assert "We could not check" in school_page and "not in your file" in school_page
    assert "The data team has been told" in school_page
    version_page = head_a.get(f"/files/{version.pk}/").content.decode()
    assert "We could not check this file" in version_page
    assert 'id="checking"' not in version_page  # the page no longer waits
    assert head_a.get(f"/files/{version.pk}/status/").json()["in_progress"] is False
    progress = la_client.get(f"/la/collections/{ks1.pk}/").content.decode()
    assert "Could not be checked" in progress
    assert f"version 1 from {school_a.name}" in progress
    la_page = la_client.get(f"/la/collections/{ks1.pk}/schools/{school_a.pk}/").content.decode()
    assert "Check version 1 again" in la_page

    monkeypatch.undo()  # the fault is put right
    answer = la_client.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/check-again/", {"version": "1"}
    )
    assert answer.status_code == 302
    version.refresh_from_db()
    assert version.status == "received" and version.attempts == 0
    run_ready()
    version.refresh_from_db()
    assert version.status == "checked" and version.is_current
    assert "Ready to confirm" in head_a.get(f"/collections/{ks1.pk}/").content.decode()
    again = la_client.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/check-again/", {"version": "1"}
    )
    assert again.status_code == 302 and len(tasks()) == retries.MAX_ATTEMPTS + 1  # not again


def test_a_fault_in_the_code_is_not_tried_again(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(
        "keystage.web.submissions.processing._read_and_check", failing(99, KeyError("bug"))
    )
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_ready(now_or_later=True)
    assert [t.status for t in tasks()] == ["FAILED"]
    assert Submission.objects.get().status == "failed"


def test_school_users_cannot_ask_for_a_check_again(
    head_a: Client, school_a: School, ks1: Collection
) -> None:
    answer = head_a.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/check-again/", {"version": "1"}
    )
    assert answer.status_code in (403, 404)


def test_report_rendering_is_tried_again_when_the_disk_is_full(
    school_a: School, ks1: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(school_id: int, collection_id: int) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("keystage.web.reports.tasks.render_for", full)
    render_reports_for.enqueue(school_a.pk, ks1.pk)
    run_ready()
    rows = DBTaskResult.objects.filter(task_path=render_reports_for.module_path)
    first, second = rows.order_by("enqueued_at")
    assert first.status == "FAILED" and "No space left" in first.traceback
    assert second.status == "READY" and second.args_kwargs["kwargs"] == {"attempt": 2}


def test_the_delays_grow_and_stop() -> None:
    waits = [retries.delay_before(n).total_seconds() for n in range(1, 8)]
    assert waits == [0, 10, 60, 300, 900, 900, 900]
