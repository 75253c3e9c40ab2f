"""`keystage serve` and `keystage worker`: the embedded default in one command.

serve migrates the SQLite database in the data folder, loads the demo on first run, starts one
worker child for the task queue, and serves the portal until stopped.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

DEMO_TODAY = "2026-06-19"  # the demo's date: a week before the KS1 deadline


def configure(data: Path) -> None:
    """Environment for settings: the data folder and a secret key kept beside the data."""
    data.mkdir(parents=True, exist_ok=True)
    os.environ["KEYSTAGE_DATA"] = str(data.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.web.settings")
    if not os.environ.get("KEYSTAGE_SECRET_KEY"):
        key_file = data / "secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["KEYSTAGE_SECRET_KEY"] = key_file.read_text().strip()


def serve(args: argparse.Namespace) -> int:
    data = Path(args.data)
    configure(data)
    if args.demo:
        os.environ.setdefault("KEYSTAGE_TODAY", DEMO_TODAY)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    password = None
    if args.demo:
        from keystage.web.demo import load

        print("keystage: loading the demo LA (first run only) ...", flush=True)
        password = load(data)
    worker = subprocess.Popen([sys.executable, "-m", "keystage.cli", "worker", "--data", str(data)])
    url = f"http://{args.host}:{args.port}/"
    print(f"\nKeystage is running at {url}", flush=True)
    if password:
        _print_demo(password)
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, verbosity=0)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return 0


def _print_demo(password: str) -> None:
    from keystage.web.models import School

    print(f"  demo date: {os.environ['KEYSTAGE_TODAY']} (set KEYSTAGE_TODAY to change it)")
    for school in School.objects.order_by("laestab")[:3]:
        print(f"  head teacher of {school.name}: sign in as {school.urn}")
    print("  LA data team: data.team; LA administrator: la.admin (they set up two-factor first)")
    print(f"  password for every demo account: {password}\n", flush=True)


def worker(args: argparse.Namespace) -> int:
    configure(Path(args.data))
    import django
    from django.core.management import call_command

    django.setup()
    from keystage.web.tasks_schedule import start_scheduler

    start_scheduler()  # queues the daily reminders; a thread, so the worker keeps the main one
    options: dict[str, object] = {"interval": float(args.interval)}
    if args.worker_id:
        options["worker_id"] = args.worker_id
    call_command("db_worker", **options)
    return 0


def manage(args: argparse.Namespace) -> int:
    configure(Path(args.data))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keystage manage", *args.arguments])
    return 0
