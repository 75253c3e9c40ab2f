"""The daily reminders: the task that sends them, and `schedule_daily`, which queues it once a
day from 07:00 London time. The worker's scheduler thread (keystage.web.ops.scheduler) calls it
every minute: the task queue has no clock of its own; the first call of the day queues
`send_daily_reminders`, and later calls see it queued and do nothing.

Queued at most once a day: the marker is the queued task itself (its row in the task table,
enqueued since midnight), checked and written in one transaction. On SQLite the transaction
takes the write lock at BEGIN, so two workers cannot both queue it; on PostgreSQL two workers
ticking in the same instant could, and then the second run finds every reminder already
recorded and sends nothing (see `keystage.web.reminders.sending`).
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from keystage.web.common import retries, task_order
from keystage.web.common.clock import today
from keystage.web.reminders.sending import send_reminders

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
SEND_FROM = dt.time(7, 0)  # schools' offices open; nobody is emailed in the night


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
