"""The worker's scheduler thread: the task queue (django-tasks-db) has no clock of its own, so
each worker process runs this beside its loop. `start_scheduler()` starts a background thread
that, every minute, queues the day's reminders once it is 07:00 in London
(keystage.web.reminders.daily), and in a worker also writes the worker's heartbeat every few
seconds, runs the reconciler (keystage.web.ops.reconcile: work left by a worker that died is
queued again) and sweeps the partial uploads a killed web process left on this host
(keystage.web.ops.upload_temp). It drives those features from above: none imports it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import connections
from django.utils import timezone

from keystage.web.common import workers
from keystage.web.ops import upload_temp
from keystage.web.ops.reconcile import reconcile
from keystage.web.reminders.daily import schedule_daily

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0


def run_scheduler_tick() -> bool:
    """One look at the clock; never raises, so that the scheduler thread keeps going."""
    try:
        return schedule_daily(timezone.now())
    except Exception:  # log it, and try again at the next tick
        log.exception("The reminder scheduler could not queue today's reminders")
        return False


def run_reconciler_tick() -> None:
    """Work a fault left undone is queued again; never raises."""

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
