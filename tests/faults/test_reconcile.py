"""The reconciler: tasks left running by a worker that is gone are queued again (and only
those); versions with no task are queued; every run after the first finds nothing; two
reconcilers at once queue a thing once."""

from __future__ import annotations

import datetime as dt
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connections
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from fault_support import CHECK, run_ready
from portal_builders import make_heartbeat
from portal_support import ctf_bytes, upload

from keystage.web.common import retries, workers
from keystage.web.models import Collection, School, Submission, WorkerHeartbeat
from keystage.web.ops.reconcile import reconcile
from keystage.web.ops.scheduler import start_scheduler


def claimed(by: str, *, minutes_ago: float = 0) -> DBTaskResult:  # type: ignore[type-arg]
    """The one queued task, taken by a worker `by` (as db_worker's claim does)."""
    (task,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    task.claim(by)
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    task.refresh_from_db()
    return task


@pytest.fixture
def version(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    return Submission.objects.get()


def test_a_task_held_by_a_worker_that_stopped_beating_is_queued_again(
    version: Submission,
) -> None:
    make_heartbeat("silent", seconds_ago=300)
    lost = claimed("silent")
    done = reconcile()
    assert len(done.requeued) == 1 and "last heard from" in done.requeued[0]
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED and "queued again" in lost.traceback
    (again,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert again.args_kwargs == {"args": [version.pk], "kwargs": {"attempt": 2}}
    assert not reconcile().lines()
    run_ready()
    version.refresh_from_db()
    assert version.status == "checked" and version.attempts == 2


@pytest.mark.parametrize(
    ("beat", "taken_minutes_ago"),
    [
        ({"seconds_ago": 5}, 0),  # beating, on another machine
        ({"host": "here", "seconds_ago": 5}, 0),  # beating, on this machine, process alive
        (None, 10),  # never beat (a bare db_worker), and not for long
    ],
)
def test_a_task_held_by_a_live_worker_is_left_alone(
    version: Submission, beat: dict[str, object] | None, taken_minutes_ago: float
) -> None:
    if beat is not None:
        if beat.get("host") == "here":
            make_heartbeat("busy", host=workers._host(), pid=os.getpid(),
                           pid_namespace=workers._pid_namespace())  # fmt: skip
        else:
            make_heartbeat("busy", **beat)  # type: ignore[arg-type]
    claimed("busy", minutes_ago=taken_minutes_ago)
    assert not reconcile().lines()
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


@pytest.mark.parametrize(
    ("why", "beat", "taken_minutes_ago"),
    [
        ("started again", {"seconds_ago": 1, "started_minutes_ago": 1}, 5),
        ("never heard from", None, 45),
    ],
)
def test_a_task_whose_worker_started_again_or_never_beat_is_queued_again(
    version: Submission, why: str, beat: dict[str, float] | None, taken_minutes_ago: float
) -> None:
    if beat is not None:
        make_heartbeat("w", **beat)
    claimed("w", minutes_ago=taken_minutes_ago)
    done = reconcile()
    assert len(done.requeued) == 1 and why in done.requeued[0]


def test_a_task_whose_process_has_ended_on_this_machine_is_queued_at_once(
    version: Submission,
) -> None:
    ended = 2**22 + 12345  # above the usual pid_max: no such process
    make_heartbeat("killed", host=workers._host(), pid=ended,
                   pid_namespace=workers._pid_namespace())  # it beat a moment ago  # fmt: skip
    claimed("killed")
    done = reconcile()
    assert len(done.requeued) == 1 and "has ended" in done.requeued[0]


def test_on_its_last_attempt_a_lost_check_is_given_up_and_shown(
    version: Submission, head_a: Client, ks1: Collection
) -> None:
    DBTaskResult.objects.all().delete()
    from keystage.web.submissions.tasks import check_upload

    check_upload.enqueue(version.pk, attempt=retries.MAX_ATTEMPTS)
    make_heartbeat("gone", seconds_ago=600)
    claimed("gone")
    done = reconcile()
    assert done.requeued == [] and len(done.given_up) == 1
    version.refresh_from_db()
    assert version.status == "failed"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert "Could not be checked" in head_a.get(f"/collections/{ks1.pk}/").content.decode()


def test_a_version_whose_task_is_lost_is_queued_again(version: Submission) -> None:
    DBTaskResult.objects.all().delete()  # as if its task failed and could not be queued again
    Submission.objects.filter(pk=version.pk).update(status="checking", attempts=1)
    done = reconcile()
    assert done.requeued == [f"version {version.pk} had no task (attempt 2)"]
    assert not reconcile().lines()
    run_ready()
    version.refresh_from_db()
    assert version.status == "checked" and version.is_current


def test_a_task_not_known_to_be_safe_to_repeat_is_not_repeated(version: Submission) -> None:
    DBTaskResult.objects.filter(pk=claimed("gone").pk).update(task_path="elsewhere.some_task")
    make_heartbeat("gone", seconds_ago=600)
    done = reconcile()
    assert "may be repeated" in done.given_up[0]
    # The version, left with no check task, is queued again in the same run: once.
    assert done.requeued == [f"version {version.pk} had no task (attempt 1)"]
    assert not reconcile().lines()


@pytest.mark.django_db(transaction=True)
def test_two_reconcilers_at_once_queue_each_lost_thing_once(
    head_a: Client, head_b: Client, school_a: School, school_b: School, ks1: Collection,
    la_folder: Path,
) -> None:  # fmt: skip
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    make_heartbeat("silent", seconds_ago=300)
    claimed("silent")  # school A's check: left running by a lost worker
    upload(head_b, ks1, ctf_bytes(la_folder, school_b))
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()  # B's: lost
    together = threading.Barrier(2)

    def run() -> int:
        try:
            together.wait(timeout=30)
            return len(reconcile().requeued)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(lambda _: run(), range(2)))
    assert sum(counts) == 2  # A's task once, B's version once
    ready = DBTaskResult.objects.filter(task_path=CHECK, status=TaskResultStatus.READY)
    assert sorted(t.args_kwargs["args"][0] for t in ready) == sorted(
        Submission.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_of_a_worker_beats() -> None:
    stop = threading.Event()
    thread = start_scheduler(interval=3600, stop=stop, worker_id="thread-test")
    try:
        deadline = timezone.now() + dt.timedelta(seconds=60)
        while not WorkerHeartbeat.objects.filter(worker_id="thread-test").exists():
            assert timezone.now() < deadline, "no heartbeat was written"
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(30)
    beat = WorkerHeartbeat.objects.get(worker_id="thread-test")
    assert beat.pid == os.getpid() and beat.host == workers._host()


def test_a_report_task_left_running_is_queued_again(school_a: School, ks1: Collection) -> None:
    from keystage.web.reports.tasks import render_reports_for

    render_reports_for.enqueue(school_a.pk, ks1.pk)
    make_heartbeat("gone", seconds_ago=600)
    claimed("gone")
    done = reconcile()
    assert len(done.requeued) == 1 and "render_reports_for" in done.requeued[0]
    (again,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert again.task_path == render_reports_for.module_path
    assert again.args_kwargs == {"args": [school_a.pk, ks1.pk], "kwargs": {"attempt": 2}}
