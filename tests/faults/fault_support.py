"""Helpers for the fault tests: real worker processes on the test database, and waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import close_old_connections, connection
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

CHECK = "keystage.web.submissions.tasks.check_upload"
WAIT = 90.0  # seconds: a generous bound on a worker's start and a small file's check


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a `keystage` process on this test session's database and files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["KEYSTAGE_SECRET_KEY"] = "keystage-tests-only"
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(str(db.get("USER") or ""))
        password = f":{quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}"
        )
    else:  # the worker's settings find the SQLite file in its data folder (see conftest)
        assert str(db["NAME"]) == str(Path(settings.DATA_DIR) / "keystage.sqlite3"), db["NAME"]
    env.update(extra)
    return env


def start_worker(log: Path, **extra: str) -> subprocess.Popen[bytes]:
    out: IO[Any] = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "keystage.cli", "worker", "--data", str(settings.DATA_DIR),
         "--interval", "0.1"],
        env=process_env(**extra), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def manage(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`keystage manage ...` on this test session's database and files."""
    return subprocess.run(
        [sys.executable, "-m", "keystage.cli", "manage", "--data", str(settings.DATA_DIR),
         *arguments],
        env=process_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def stop(worker: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(timeout=60)


def wait_until(done: Callable[[], bool], what: str, log: Path | None = None) -> None:
    """Waits for a state (never asserts how long it took): fails after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        close_old_connections()
        if done():
            return
        time.sleep(0.1)
    shown = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"waited {WAIT} s for {what}\n{shown}")


def run_ready(*, now_or_later: bool = False, limit: int | None = None) -> None:
    """Runs queued tasks in this thread, as a worker would, without failing on a failed one
    (these tests make tasks fail). `now_or_later` runs retries queued for later at once;
    `limit` stops after that many tasks."""
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while limit is None or ran < limit:
        ran += 1
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        queued = (waiting if now_or_later else waiting.ready()).order_by("enqueued_at").first()
        if queued is None:
            return
        queued.claim("tests")
        worker.run_task(queued)


class FullDiskStorage(FileSystemStorage):
    """Only where a small file system cannot be mounted (not root): a storage whose writes run
    out of space part-way, as a full disk's do. The tests say which one they used."""

    def _save(self, name: str, content: Any) -> str:
        full = self.path(name)
        Path(full).parent.mkdir(parents=True, exist_ok=True)
        with open(full, "wb") as partial:
            partial.write(b"<?xml")  # part of the file is written before the disk is full
        raise OSError(28, "No space left on device", full)
