"""Running a task again after a failure on our side.

django-tasks-db runs a task once and records how it ended. Our tasks take an `attempt` keyword
(1 when first queued) and run their work through `attempt()`: when the work raises a transient
error (the database or the disk failing), the task is queued again after a growing delay, up to
MAX_ATTEMPTS; after the last attempt, or at once for any other error (a fault in the code, which
would fail the same way again), the task's registered `give_up` puts the failure where people
see it (a version "could not be checked"). The error is raised again either way, so the task's
row keeps its traceback for the data team.

Every task is idempotent, so running one twice (a retry racing a reconciler) is safe.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.tasks import Task, TaskResult
from django.utils import timezone

log = logging.getLogger(__name__)

GiveUp = Callable[..., None]

TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (10, 60, 300, 900)  # before attempts 2, 3, 4 and 5: about 20 minutes in all

_GIVE_UPS: dict[str, GiveUp] = {}


def register(task: Task[Any, Any], give_up: GiveUp | None = None) -> None:
    """Says a task may be re-queued (it is idempotent), and what to do when it will not run
    again: `give_up` is called with the task's positional arguments."""
    _GIVE_UPS[task.module_path] = give_up or _nothing


def is_registered(task_path: str) -> bool:
    return task_path in _GIVE_UPS


def delay_before(attempt: int) -> dt.timedelta:
    """How long to wait before an attempt (the first runs at once)."""
    if attempt <= 1:
        return dt.timedelta(0)
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) + 1) - 2])


def attempt[T](task: Task[Any, T], args: Sequence[Any], number: int, work: Callable[[], T]) -> T:
    """Runs one attempt of `task(*args, attempt=number)`; see the module's docstring."""
    try:
        return work()
    except TRANSIENT as failure:
        if number < MAX_ATTEMPTS:
            log.warning("%s%s failed (attempt %s); trying again", task.name, tuple(args), number)
            _queue_safely(task, args, number + 1)
        else:
            give_up(task.module_path, args, f"{number} attempts failed: {failure!r}")
        raise
    except Exception as failure:
        give_up(task.module_path, args, f"failed and would fail again: {failure!r}")
        raise


def queue_again(
    task: Task[Any, Any], args: Sequence[Any], number: int, *, wait: bool = True
) -> TaskResult[Any, Any]:
    """Queues attempt `number` of the task, after its back-off delay if `wait`."""
    later = task.using(run_after=timezone.now() + delay_before(number)) if wait else task
    return later.enqueue(*args, attempt=number)


def give_up(task_path: str, args: Sequence[Any], reason: str) -> None:
    """The task will not run again: its give-up hook records that where people look. Never
    raises (the database may be what failed; the reconciler comes back to it then)."""
    log.error("Gave up on %s%s: %s", task_path, tuple(args), reason)
    try:
        _usable_connection()
        hook: GiveUp = _GIVE_UPS.get(task_path) or _nothing
        hook(*args)
    except Exception:
        log.exception("Could not record giving up on %s%s", task_path, tuple(args))


def _queue_safely(task: Task[Any, Any], args: Sequence[Any], number: int) -> None:
    try:
        _usable_connection()
        queue_again(task, args, number)
    except Exception:  # the database is still away: the reconciler queues it when it is back
        log.exception("Could not queue %s%s again", task.name, tuple(args))


def _usable_connection() -> None:
    """After a lost connection, the next query should open a new one. Not inside a transaction
    (a test's, or a caller's): closing would end it."""
    connection = connections["default"]
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _nothing(*args: Any) -> None:
    return None
