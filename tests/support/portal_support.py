"""Helpers shared by the portal's tests and the browser tests: changed CTFs, queued tasks."""

from __future__ import annotations

import dataclasses

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from keystage.ctf.model import Pupil


def with_bad_result(pupils: list[Pupil]) -> list[Pupil]:
    """The first pupil's first result becomes a code no table has: RESULT-INVALID, an error."""
    first = pupils[0]
    bad = dataclasses.replace(first.assessments[0], result="XYZ")
    return [dataclasses.replace(first, assessments=(bad, *first.assessments[1:])), *pupils[1:]]


def with_old_pupil(pupils: list[Pupil]) -> list[Pupil]:
    """The first pupil is two years too old for the year group: DOB-RANGE, a query."""
    first = pupils[0]
    born = first.dob_date
    assert born is not None
    older = born.replace(year=born.year - 2).isoformat()
    return [dataclasses.replace(first, dob=older), *pupils[1:]]


def run_tasks() -> None:
    """Runs every queued task in this thread, as a worker process would; fails loudly when one
    fails (a worker would only record it, and a page would wait for ever).

    Claims and runs them one by one without the worker's loop, which closes the database
    connection between tasks and would end a test's transaction.
    """
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip
    while (queued := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        queued.claim("tests")
        worker.run_task(queued)
    failed = list(DBTaskResult.objects.failed())
    assert not failed, "\n\n".join(f"{t.task_path} failed:\n{t.traceback}" for t in failed)
