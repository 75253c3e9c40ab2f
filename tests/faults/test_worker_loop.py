"""`keystage worker` survives the database going away under its task loop: it waits for the
database, says it starts again (so the task it held is queued again), and carries on."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from django.db import OperationalError

from keystage.web.models import WorkerHeartbeat
from keystage.web.ops import serve


@pytest.mark.django_db(transaction=True)  # the loop closes its connections, as a worker does
def test_the_worker_loop_starts_again_after_the_database_went_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[dict[str, Any]] = []

    def db_worker(name: str, **options: Any) -> None:
        assert name == "db_worker"
        runs.append(options)
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    started: list[str] = []
    monkeypatch.setattr(serve, "configure", lambda data: None)
    monkeypatch.setattr(serve, "call_command", db_worker)
    monkeypatch.setattr("keystage.web.ops.scheduler.start_scheduler",
                        lambda **kw: started.append(kw["worker_id"]))  # fmt: skip
    beats: list[str] = []
    real_beat = serve._started

    def counted(worker_id: str) -> None:
        beats.append(worker_id)
        real_beat(worker_id)

    monkeypatch.setattr(serve, "_started", counted)
    args = argparse.Namespace(data="unused", interval="0.5", worker_id="loop-test")
    assert serve.worker(args) == 0
    assert [r["worker_id"] for r in runs] == ["loop-test", "loop-test"]
    assert beats == ["loop-test", "loop-test"]  # once at the start, once after the failure
    assert started == ["loop-test"]  # one scheduler thread for the process
    assert WorkerHeartbeat.objects.get(worker_id="loop-test").started_at is not None
