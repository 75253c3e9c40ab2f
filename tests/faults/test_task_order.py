"""A school's upload is checked before any other work, whatever is queued: the worker loop of
`keystage worker` (and of serve's worker child, which runs it) takes the check first."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django_tasks_db.models import DBTaskResult
from portal_support import ctf_bytes, upload

from keystage.web.common import retries, task_order
from keystage.web.models import Collection, School, Submission
from keystage.web.moderation.letters import send_letter
from keystage.web.ops import serve
from keystage.web.reminders.daily import send_daily_reminders
from keystage.web.reports.tasks import render_reports_for
from keystage.web.submissions.tasks import check_again, check_upload

RENDERS = 13  # what a new upload waited behind after a publication


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """The worker loop takes over the process's signals, as a worker's should: given back."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def run_one_task() -> None:
    """The worker's own loop, on this test's database, until it has run one task."""
    assert serve._work("order-test", 0.0, max_tasks=1)


def taken(task_path: str | None = None) -> list[DBTaskResult]:
    """The tasks a worker has taken (of one kind), whatever became of them."""
    found = DBTaskResult.objects.exclude(status=TaskResultStatus.READY)
    return list(found if task_path is None else found.filter(task_path=task_path))


@pytest.mark.django_db(transaction=True)  # the worker loop closes its connections
@pytest.mark.usefixtures("signals_kept")
def test_a_check_is_taken_before_reports_queued_earlier(
    la_folder: Path, school_a: School, schools: list[School], ks1: Collection, head_a: Client
) -> None:
    for n in range(RENDERS):
        render_reports_for.enqueue(schools[n % len(schools)].pk, ks1.pk)
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    version = Submission.objects.get(school=school_a, collection=ks1)
    assert version.status == Submission.Status.RECEIVED
    run_one_task()
    (check,) = taken(check_upload.module_path)
    assert check.status == TaskResultStatus.SUCCESSFUL, check.traceback
    version.refresh_from_db()
    assert version.status == Submission.Status.CHECKED
    reports = DBTaskResult.objects.filter(task_path=render_reports_for.module_path)
    assert [r.status for r in reports] == [TaskResultStatus.READY] * RENDERS


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("signals_kept")
def test_every_kind_of_task_is_taken_in_its_order(
    la_folder: Path, school_a: School, ks1: Collection, head_a: Client
) -> None:
    """Queued lowest first: the worker takes the check, then the reminders, then the letter,
    and the reports last."""
    render_reports_for.enqueue(school_a.pk, ks1.pk)
    send_letter.enqueue(0)  # no such school: the order is what is looked at, not the letter
    send_daily_reminders.enqueue()
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    seen: set[object] = set()
    for expected in (check_upload, send_daily_reminders, send_letter):
        run_one_task()
        now = {t.pk: t.task_path for t in taken()}
        assert [path for pk, path in now.items() if pk not in seen] == [expected.module_path]
        seen |= now.keys()
    assert not taken(render_reports_for.module_path)


@pytest.mark.django_db
def test_a_check_queued_again_keeps_its_place_before_the_reports(
    la_folder: Path, school_a: School, ks1: Collection, head_a: Client
) -> None:
    """A retry after a failure on our side, and the data team's "check again", are checks
    like the first: taken before any report."""
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    version = Submission.objects.get(school=school_a, collection=ks1)
    retries.queue_again(check_upload, [version.pk], 2)
    Submission.objects.filter(pk=version.pk).update(status=Submission.Status.FAILED)
    assert check_again([version.pk]) == [version.pk]
    checks = DBTaskResult.objects.filter(task_path=check_upload.module_path)
    assert [c.priority for c in checks] == [task_order.CHECK] * 3
