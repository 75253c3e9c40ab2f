"""The daily reminders: the task that sends them, and the scheduler that queues it once a day.

The task queue (django-tasks-db) has no clock of its own, so the worker process runs a small
scheduler beside its loop: `start_scheduler()` starts a background thread that calls
`run_scheduler_tick()` every minute; from 07:00 London time, the first tick of the day queues
`send_daily_reminders`, and later ticks see it queued and do nothing. In a worker, the same
thread writes the worker's heartbeat every few seconds and runs the reconciler every minute
(`keystage.web.ops.reconcile`: work left by a worker that died is queued again), and the sweep of
partial uploads a killed web process left on this host (`keystage.web.common.upload_temp`).

Queued at most once a day: the marker is the queued task itself (its row in the task table,
enqueued since midnight), checked and written in one transaction. On SQLite the transaction
takes the write lock at BEGIN, so two workers cannot both queue it; on PostgreSQL two workers
ticking in the same instant could, and then the second run finds every reminder already
recorded and sends nothing (see `keystage.web.reminders.sending`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from keystage.web.common import retries, task_order, upload_temp, workers
from keystage.web.common.clock import today
from keystage.web.reminders.sending import send_reminders

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
SEND_FROM = dt.time(7, 0)  # schools' offices open; nobody is emailed in the night
TICK_SECONDS = 60.0


@task(priority=task_order.REMINDERS)  # after checks: keystage.web.common.task_order
def send_daily_reminders(attempt: int = 1) -> dict[str, object]:
    def work() -> dict[str, object]:
        day = today()
        return {"day": day.isoformat(), **send_reminders(day).summary()}

    # Safe to run again: a reminder already sent is recorded, and never sent twice.
    return retries.attempt(send_daily_reminders, [], attempt, work)


retries.register(send_daily_reminders)


def schedule_daily(now: dt.datetime) -> bool:
    """Queues today's reminders if it is 07:00 or later in London and they are not queued yet.
    True if this call queued them."""
    local = now.astimezone(LONDON)
    if local.time() < SEND_FROM:
        return False
    midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=LONDON)
    with transaction.atomic():
        queued = DBTaskResult.objects.filter(
            task_path=send_daily_reminders.module_path, enqueued_at__gte=midnight
        )
        if queued.exists():
            return False
        send_daily_reminders.enqueue()
    log.info("Queued the reminders for %s", local.date())
    return True


def run_scheduler_tick() -> bool:
    """One look at the clock; never raises, so that the scheduler thread keeps going."""
    try:
        return schedule_daily(timezone.now())
    except Exception:  # log it, and try again at the next tick
        log.exception("The reminder scheduler could not queue today's reminders")
        return False


def run_reconciler_tick() -> None:
    """Work a fault left undone is queued again; never raises."""
    from keystage.web.ops.reconcile import reconcile  # imports the tasks, which import processing

    try:
        reconcile()
    except Exception:  # the database may be away: try again at the next tick
        log.exception("The reconciler could not run")


def run_sweep_tick() -> None:
    """Partial uploads no upload can still be writing are removed; never raises."""
    try:
        upload_temp.sweep()
    except OSError:  # the folder unreadable for a moment: try again at the next tick
        log.exception("Could not sweep the partial uploads")


def _beat(worker_id: str) -> None:
    """The worker's heartbeat; never raises (a missed beat or two is allowed for)."""
    try:
        workers.beat(worker_id)
    except Exception:
        log.exception("Could not write the heartbeat of worker %s", worker_id)
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


def start_scheduler(
    interval: float = TICK_SECONDS,
    stop: threading.Event | None = None,
    worker_id: str | None = None,
) -> threading.Thread:
    """Runs `run_scheduler_tick()` every `interval` seconds in a daemon thread (the task worker
    keeps the main thread), until `stop` is set or the process ends. For a worker (`worker_id`)
    it also beats every few seconds, and reconciles and sweeps every `interval`."""
    stopping = stop or threading.Event()
    pause = min(interval, workers.BEAT_SECONDS) if worker_id else interval

    def tick_until_stopped() -> None:
        due = 0.0
        while not stopping.is_set():
            if worker_id is not None:
                _beat(worker_id)
            if time.monotonic() >= due:
                run_scheduler_tick()
                if worker_id is not None:
                    run_reconciler_tick()
                    run_sweep_tick()
                due = time.monotonic() + interval
                connections.close_all()  # this thread's own connections: none kept open idle
            stopping.wait(pause)

    thread = threading.Thread(target=tick_until_stopped, name="keystage-scheduler", daemon=True)
    thread.start()
    return thread
