"""The task workers' signs of life, so that work held by a worker that died is queued again."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each `keystage worker` (its scheduler thread). A task left
    running by a worker whose beat stopped, or that started again since, is re-queued by
    `keystage.web.ops.reconcile`."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    # The process's PID namespace: a pid means the same process only within one namespace
    # (containers on one host can share a host name).
    pid_namespace = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()  # when this worker process (or its loop) started
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"
