"""Task workers' signs of life, and the judgement of whether a running task's worker is gone.

Each `keystage worker` names itself, writes a heartbeat as it starts (before it takes any task)
and then every BEAT_SECONDS from its scheduler thread. A running task's worker is gone when:
it started again since it took the task; it ran on this machine and its process has ended; or
its beat is older than STALE_AFTER. A task taken by a worker that never wrote a heartbeat (a
bare `db_worker`) counts as lost only after UNKNOWN_AFTER.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from keystage.web.models import WorkerHeartbeat

BEAT_SECONDS = 10.0
STALE_AFTER = dt.timedelta(seconds=60)
UNKNOWN_AFTER = dt.timedelta(minutes=30)


def new_worker_id() -> str:
    """Unique across the pool (the task table records it): host, process and a random tail."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


def beat(worker_id: str, *, starting: bool = False) -> None:
    """This worker is alive; `starting` also says it holds no task (it has just started, or
    started its loop again), so tasks it took before are lost."""
    now = timezone.now()
    here = {"host": _host(), "pid": os.getpid(), "pid_namespace": _pid_namespace(), "beat_at": now}
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={**here, "started_at": now} if starting else here,
        create_defaults={**here, "started_at": now},
    )


def gone_because(
    task: DBTaskResult[Any, Any], beats: Mapping[str, WorkerHeartbeat], now: dt.datetime
) -> str | None:
    """Why the worker that took a running task is gone; None while it may still be running it."""
    worker = task.worker_ids[-1] if task.worker_ids else ""
    taken = task.started_at or task.enqueued_at
    heard = beats.get(worker)
    if heard is None:
        if taken < now - UNKNOWN_AFTER:
            return f"worker {worker!r} took it at {taken:%Y-%m-%d %H:%M:%S}, never heard from"
        return None
    if heard.started_at > taken:
        return f"worker {worker!r} started again after it took this task"
    if _here(heard) and not _process_alive(heard.pid):
        return f"worker {worker!r} (process {heard.pid} on {heard.host}) has ended"
    if heard.beat_at < now - STALE_AFTER:
        return f"worker {worker!r} was last heard from at {heard.beat_at:%Y-%m-%d %H:%M:%S}"
    return None


def _host() -> str:
    return socket.gethostname()[:255]


def _pid_namespace() -> str:
    try:
        return str(Path("/proc/self/ns/pid").readlink())[:64]
    except OSError:  # no /proc: pids are never compared, only heartbeats' ages
        return ""


def _here(heard: WorkerHeartbeat) -> bool:
    """The worker ran in this machine's (container's) process table, so its pid can be asked."""
    return bool(heard.pid_namespace) and (heard.host, heard.pid_namespace) == (
        _host(),
        _pid_namespace(),
    )


def _process_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: the heartbeat's age decides
    state = stat.rsplit(")", 1)[-1].split()[0]  # after "(name)", which may hold spaces
    return state not in ("Z", "X")  # a zombie is a process that has ended, not yet reaped
