"""A worker killed in the middle of checking a file: nothing half-written, nothing lost, and
the version is checked exactly once after the reconciler and a new worker have run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult
from fault_support import CHECK, manage, start_worker, stop, wait_until
from portal_support import ctf_bytes, upload, with_bad_result

from keystage.web.models import Collection, FindingRecord, PupilRecord, School, Submission
from keystage.web.ops.reconcile import reconcile

# Real processes: about 7 s a test on an idle 2-core machine (not marked slow: under 10 s).
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_check_leaves_nothing_half_written_and_the_check_completes(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, tmp_path: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_bad_result))
    version = Submission.objects.get()
    stopped_at, log = tmp_path / "fault", tmp_path / "worker.log"
    stopped_at.mkdir()

    # The worker stops inside the storing transaction, its pupils written and not committed.
    first = start_worker(log, KEYSTAGE_FAULT_POINT="stored-pupils",
                         KEYSTAGE_FAULT_DIR=str(stopped_at))  # fmt: skip
    try:
        wait_until(lambda: any(stopped_at.glob("*.reached")), "the worker to stop mid-way", log)
    finally:
        stop(first, signal.SIGKILL)

    version.refresh_from_db()
    assert version.status == "checking" and not version.is_current
    assert version.attempts == 1
    assert not PupilRecord.objects.filter(submission=version).exists()
    assert not FindingRecord.objects.filter(submission=version).exists()
    (left,) = DBTaskResult.objects.filter(task_path=CHECK)
    assert left.status == TaskResultStatus.RUNNING  # what a dead worker leaves behind
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Checking" in page and "We are checking" in page

    done = manage("reconcile")
    assert done.returncode == 0, done.stderr
    assert "queued again: keystage.web.submissions.tasks.check_upload" in done.stdout
    assert "as attempt 2" in done.stdout and "has ended" in done.stdout
    left.refresh_from_db()
    assert left.status == TaskResultStatus.FAILED
    assert left.exception_class_path == "keystage.web.ops.reconcile.WorkerLostError"
    assert not reconcile().lines()  # a second run finds nothing more to do
    assert DBTaskResult.objects.filter(task_path=CHECK).count() == 2

    second = start_worker(log)
    try:
        wait_until(
            lambda: Submission.objects.filter(pk=version.pk, status="checked").exists(),
            "the new worker to check the version",
            log,
        )
    finally:
        stop(second)

    version.refresh_from_db()
    assert version.is_current and version.attempts == 2
    records = PupilRecord.objects.filter(submission=version)
    assert records.count() == version.pupils > 0
    assert len(set(records.values_list("upn", flat=True))) == version.pupils  # each pupil once
    (bad,) = FindingRecord.objects.filter(submission=version, code="RESULT-INVALID")
    assert (
        version.errors == FindingRecord.objects.filter(submission=version, severity="error").count()
    )
    statuses = sorted(DBTaskResult.objects.filter(task_path=CHECK).values_list("status", flat=True))
    assert statuses == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]

    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Errors to fix" in page
    assert f"Version {version.version}</a>: {version.pupils} pupils, 1 error" in page
    assert escape(bad.message.split(".")[0]) in page


def test_serve_starts_its_worker_again_when_it_is_killed(tmp_path: Path) -> None:
    """The embedded mode: `keystage serve`'s worker child, killed, is started again (and the
    new one's reconciler queues again what the old one was running, as above)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "keystage.cli", "serve", "--data", str(tmp_path / "data"),
         "--port", str(port), "--no-demo"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    pattern = f"keystage.cli worker --data {tmp_path / 'data'}"

    def workers() -> set[int]:
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
        return {int(pid) for pid in found.stdout.split()}

    try:
        wait_until(lambda: len(workers()) == 1, "serve to start its worker", log)
        (first,) = workers()
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: len(workers()) == 1 and first not in workers(), "a new worker", log)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    said = log.read_text(errors="replace")
    assert "the worker ended (exit code -9); starting it again" in said, said[-3000:]
    wait_until(lambda: not workers(), "the worker to end with serve", log)
