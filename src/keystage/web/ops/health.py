"""/health for the load balancer and the monitoring: is this process able to do its work?

200 when the database answers and the file storage takes a write; 503 when either fails. The
task queue's figures are there to watch (a growing oldest age means no worker is running), not
to fail on: the web pages work without workers. No sign-in, and nothing in it that would help
an attacker: no versions, no error text (that goes to the log).
"""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

OK, FAILING = "ok", "failing"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("health: the database did not answer")
        return False


def storage_ok() -> bool:
    """Writes, reads back and deletes a small file where uploads are kept."""
    name = f"health/probe-{uuid.uuid4().hex}.txt"
    try:
        stored = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(stored, "rb") as probe:
                return bool(probe.read() == b"ok")
        finally:
            default_storage.delete(stored)
    except Exception:
        log.exception("health: the file storage did not take a write")
        return False


def task_figures() -> dict[str, int | None]:
    due = DBTaskResult.objects.ready().aggregate(queued=Count("id"), oldest=Min("enqueued_at"))
    oldest = due["oldest"]
    return {
        "queued": due["queued"],
        "running": DBTaskResult.objects.running().count(),
        "oldest_queued_seconds": (
            None if oldest is None else int((timezone.now() - oldest).total_seconds())
        ),
    }


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    database = database_ok()
    storage = storage_ok()
    tasks = None
    if database:
        try:
            tasks = task_figures()
        except Exception:
            log.exception("health: the task queue could not be counted")
    healthy = database and storage
    return JsonResponse(
        {
            "status": OK if healthy else FAILING,
            "database": OK if database else FAILING,
            "storage": OK if storage else FAILING,
            "tasks": tasks,
        },
        status=200 if healthy else 503,
    )
