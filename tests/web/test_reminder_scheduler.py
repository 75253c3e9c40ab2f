"""The daily reminders run from 07:00 London time: the scheduler queues the task once a day,
and its thread ticks until it is stopped."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from portal_support import run_tasks
from reminders_support import D, at

from keystage.web.models import School
from keystage.web.ops import scheduler
from keystage.web.ops.scheduler import run_scheduler_tick, start_scheduler
from keystage.web.reminders.daily import schedule_daily


def test_the_scheduler_queues_the_task_once_a_day_from_7am(three_schools: list[School]) -> None:
    day = D(2026, 6, 19)
    with at(day, 6, 59):
        assert schedule_daily(timezone.now()) is False
    with at(day, 7, 0):
        assert run_scheduler_tick() is True
    with at(day, 12, 30):
        assert schedule_daily(timezone.now()) is False
        run_tasks()
    assert len(mail.outbox) == 2
    (done,) = DBTaskResult.objects.successful().filter(
        task_path="keystage.web.reminders.daily.send_daily_reminders"
    )
    assert done.return_value == {"day": "2026-06-19", "sent": 2, "no_address": [], "failed": []}
    with at(day, 23, 59):
        assert run_scheduler_tick() is False
    with at(D(2026, 6, 20), 7, 1):  # Saturday: queued, and sends nothing
        assert run_scheduler_tick() is True
        run_tasks()
    assert len(mail.outbox) == 2


def test_the_scheduler_thread_ticks_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    ticked = threading.Event()
    stop = threading.Event()
    monkeypatch.setattr(scheduler, "run_scheduler_tick", ticked.set)
    thread = start_scheduler(interval=0.01, stop=stop)
    assert ticked.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and thread.daemon
