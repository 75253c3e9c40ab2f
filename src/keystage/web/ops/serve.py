"""`keystage serve` and `keystage worker`: the embedded default in one command.

serve migrates the SQLite database in the data folder, loads the demo on first run, starts one
worker child for the task queue, and serves the portal until stopped.

The command line imports this module before Django is set up (the settings read the
environment `configure` writes), so the portal's own modules, which need the app registry, are
imported inside the functions, after `django.setup()`.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import django
from django.core.management import call_command, execute_from_command_line
from django.db import InterfaceError, OperationalError, connections

DEMO_TODAY = "2026-06-19"  # the demo's date: a week before the KS1 deadline
# The demo's enquiries line: Ofcom keeps 0121 496 0000-0999 for drama, so it rings nobody.
DEMO_PHONE = "0121 496 0000"
WAIT_FOR_DATABASE = 5.0  # seconds between a worker's tries while the database is away

log = logging.getLogger("keystage.worker")


def configure(data: Path, served: str | None = None) -> None:
    """Environment for settings: the data folder, a secret key kept beside the data, and (for
    `serve`) the address it is reached at, for links in emails from it and its worker, unless
    the LA says otherwise (KEYSTAGE_BASE_URL, e.g. behind a proxy)."""
    if served:
        os.environ.setdefault("KEYSTAGE_BASE_URL", served)
    data.mkdir(parents=True, exist_ok=True)
    os.environ["KEYSTAGE_DATA"] = str(data.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.web.settings")
    if not os.environ.get("KEYSTAGE_SECRET_KEY"):
        key_file = data / "secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["KEYSTAGE_SECRET_KEY"] = key_file.read_text().strip()


def served_at(host: str, port: int) -> str:
    """The address people reach `serve` at (a wildcard host is reached on this machine)."""
    # The wildcard is compared with, never bound to here: bandit cannot tell.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104  # nosec B104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def serve(args: argparse.Namespace) -> int:
    data = Path(args.data)
    configure(data, served_at(args.host, args.port))
    if args.demo:
        os.environ.setdefault("KEYSTAGE_TODAY", DEMO_TODAY)
        os.environ.setdefault("KEYSTAGE_ENQUIRIES_PHONE", DEMO_PHONE)
    django.setup()
    from keystage.web.common import clock  # after setup: see the module's docstring

    clock.start()  # the demo's date moves with real time from now, in serve and its worker
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    password = None
    if args.demo:
        from keystage.web.ops.demo import load

        print("keystage: loading the demo LA (first run only) ...", flush=True)
        password = load(data)
    worker = WorkerChild(data)
    url = served_at(args.host, args.port) + "/"
    print(f"\nKeystage is running at {url}", flush=True)
    if password:
        _print_demo(password)
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, verbosity=0)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    return 0


class WorkerChild:
    """serve's one worker process, started again if it ends while serve runs (killed, or out of
    memory): the new one's reconciler queues again the task the old one was running."""

    RESTART_AFTER = 2.0  # seconds

    def __init__(self, data: Path) -> None:
        self.data = data
        self.stopping = threading.Event()
        self.changing = threading.Lock()
        self.process = self._start()
        threading.Thread(target=self._watch, name="keystage-worker-watch", daemon=True).start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "keystage.cli", "worker", "--data", str(self.data)]
        )

    def _watch(self) -> None:
        while True:
            code = self.process.wait()
            if self.stopping.wait(self.RESTART_AFTER):
                return
            with self.changing:
                if self.stopping.is_set():
                    return
                print(f"keystage: the worker ended (exit code {code}); starting it again",
                      flush=True)  # fmt: skip
                self.process = self._start()

    def stop(self) -> None:
        with self.changing:
            self.stopping.set()
        self.process.terminate()
        self.process.wait(timeout=30)


def _print_demo(password: str) -> None:
    from keystage.web.models import School
    from keystage.web.ops.demo import opted_out_of_ks1

    print(f"  demo date: {os.environ['KEYSTAGE_TODAY']} (set KEYSTAGE_TODAY to change it)")
    for school in School.objects.filter(kind=School.Kind.SCHOOL).order_by("laestab")[:3]:
        print(f"  head teacher of {school.name}: sign in as {school.urn}")
    for setting in School.objects.filter(kind=School.Kind.SETTING).order_by("urn")[:1]:
        print(f"  early years setting {setting.name}: sign in with its EY URN, {setting.urn}")
    print("  LA data team: data.team; LA administrator: la.admin (they set up two-factor first)")
    for school in opted_out_of_ks1():
        print(f"  {school.name} opted out of KS1: not expected, so never chased for it")
    print(f"  password for every demo account: {password}\n", flush=True)


def worker(args: argparse.Namespace) -> int:
    configure(Path(args.data))
    django.setup()
    from keystage.web.common.workers import new_worker_id
    from keystage.web.ops.scheduler import start_scheduler

    worker_id = args.worker_id or new_worker_id()
    _started(worker_id)  # before the first task is taken: see keystage.web.common.workers
    # Queues the daily reminders, beats, reconciles: a thread, so the worker keeps the main one.
    start_scheduler(worker_id=worker_id)
    while True:
        if _work(worker_id, float(args.interval)):
            return 0
        _started(worker_id)


def _work(worker_id: str, interval: float, max_tasks: int | None = None) -> bool:
    """The task loop; False when the database went away under it (the loop then starts again
    once it is back, and the reconciler queues again what it was running). It takes the
    waiting task of the highest priority first: a check before anything else (see
    keystage.web.common.task_order). `max_tasks`: return after so many (for tests)."""
    try:
        call_command("db_worker", worker_id=worker_id, interval=interval, max_tasks=max_tasks)
    except (OperationalError, InterfaceError):
        log.exception("keystage worker: the database went away; starting again when it is back")
        connections.close_all()
        return False
    return True


def _started(worker_id: str) -> None:
    """Says the worker is (again) starting, holding no task; waits for the database."""
    from keystage.web.common.workers import beat

    while True:
        try:
            beat(worker_id, starting=True)
            return
        except (OperationalError, InterfaceError):
            log.warning("keystage worker: waiting for the database")
            connections.close_all()
            time.sleep(WAIT_FOR_DATABASE)


def manage(args: argparse.Namespace) -> int:
    configure(Path(args.data))
    execute_from_command_line(["keystage manage", *args.arguments])
    return 0
