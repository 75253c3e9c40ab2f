"""Work a fault left undone, queued again. Run every minute by each worker's scheduler thread,
when a worker starts, and by `keystage manage reconcile`.

1. A task left running by a worker that is gone (killed, its machine lost, or started again
   since; see `keystage.web.common.workers`) is marked failed and queued again as a new task,
   its next attempt, or given up after the last attempt (a version then shows "could not be
   checked").
2. A version waiting to be checked with no task waiting or running for it (its task failed
   while the database was away, so it could not be queued again) is queued again.

Safe with several workers reconciling at once: each row is taken with
select_for_update(skip_locked=True) and looked at again under the lock; on SQLite writing
transactions run one at a time anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from keystage.web.common import retries, workers
from keystage.web.models import Submission, WorkerHeartbeat
from keystage.web.submissions.tasks import check_upload

log = logging.getLogger(__name__)

WAITING = (Submission.Status.RECEIVED, Submission.Status.CHECKING)
LIVE = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class WorkerLostError(Exception):
    """Recorded as the error of a task whose worker went away while running it."""


@dataclass
class Reconciled:
    requeued: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"queued again: {x}" for x in self.requeued] + [
            f"gave up: {x}" for x in self.given_up
        ]


def reconcile(now: dt.datetime | None = None) -> Reconciled:
    done = Reconciled()
    now = now or timezone.now()
    for task_id, reason in _lost_tasks(now):
        _recover(task_id, reason, now, done)
    for submission_id in _unqueued_versions():
        _queue_version(submission_id, done)
    for line in done.lines():
        log.warning("Reconciled: %s", line)
    return done


# -- 1. Tasks left running by a worker that is gone ------------------------------------------


def _lost_tasks(now: dt.datetime) -> list[tuple[Any, str]]:
    fields = ("id", "worker_ids", "started_at", "enqueued_at")
    running = list(DBTaskResult.objects.running().only(*fields))
    names = {t.worker_ids[-1] for t in running if t.worker_ids}
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=names)}
    found = []
    for task in running:
        reason = workers.gone_because(task, beats, now)
        if reason is not None:
            found.append((task.pk, reason))
    return found


def _recover(task_id: Any, reason: str, now: dt.datetime, done: Reconciled) -> None:
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=task_id, status=TaskResultStatus.RUNNING)
            .first()
        )
        if row is None:  # it finished meanwhile, or another worker is reconciling it
            return
        args = list(row.args_kwargs.get("args", []))
        number = int(row.args_kwargs.get("kwargs", {}).get("attempt", 1)) + 1
        what = f"{row.task_path}{tuple(args)}"
        try:
            task = row.task  # imports the task's module, which registers it
        except (ImportError, SuspiciousOperation):
            task = None
        if task is None or not retries.is_registered(row.task_path):
            outcome = "It was not queued again: it is not known to be safe to run twice."
            done.given_up.append(f"{what}: {reason}; not a task that may be repeated")
        elif number > retries.MAX_ATTEMPTS:
            retries.give_up(row.task_path, args, f"{reason}, on its last attempt")
            outcome = "It was not queued again: that was its last attempt."
            done.given_up.append(f"{what}: {reason}; that was its last attempt")
        else:
            again = retries.queue_again(task, args, number, wait=False)
            outcome = f"It was queued again as task {again.id} (attempt {number})."
            done.requeued.append(f"{what} as attempt {number}: {reason}")
        _mark_lost(row, f"{reason}. {outcome}", now)


def _mark_lost(row: DBTaskResult[Any, Any], text: str, now: dt.datetime) -> None:
    row.status = TaskResultStatus.FAILED
    row.finished_at = now
    row.return_value = None
    row.exception_class_path = f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}"
    row.traceback = f"{WorkerLostError.__qualname__}: {text}\n"
    row.save(update_fields=["status", "finished_at", "return_value", "exception_class_path",
                            "traceback"])  # fmt: skip


# -- 2. Versions waiting with no task for them -------------------------------------------------


def _unqueued_versions() -> list[int]:
    # The versions first, then the tasks: a version and its task commit together, so a version
    # seen here has its task visible below (or it has finished, and checking it again is a no-op).
    waiting = set(Submission.objects.filter(status__in=WAITING).values_list("pk", flat=True))
    if not waiting:
        return []
    live = DBTaskResult.objects.filter(task_path=check_upload.module_path, status__in=LIVE)
    queued = {
        args[0]
        for stored in live.values_list("args_kwargs", flat=True)
        if (args := stored.get("args"))
    }
    return sorted(waiting - queued)


def _queue_version(submission_id: int, done: Reconciled) -> None:
    with transaction.atomic():
        version = (
            Submission.objects.select_for_update(skip_locked=True)
            .filter(pk=submission_id, status__in=WAITING)
            .first()
        )
        if version is None or _has_live_check(submission_id):
            return
        number = version.attempts + 1
        if number > retries.MAX_ATTEMPTS:
            retries.give_up(check_upload.module_path, [submission_id], "no attempts left")
            done.given_up.append(f"version {submission_id}: no task, and no attempts left")
        else:
            check_upload.enqueue(submission_id, attempt=number)
            done.requeued.append(f"version {submission_id} had no task (attempt {number})")


def _has_live_check(submission_id: int) -> bool:
    return DBTaskResult.objects.filter(
        task_path=check_upload.module_path, status__in=LIVE, args_kwargs__args__0=submission_id
    ).exists()
