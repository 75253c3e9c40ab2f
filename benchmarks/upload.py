"""Upload benchmark: every school of a Birmingham-sized LA uploads its KS1 CTF at once, over
real HTTP, to the production set-up (gunicorn, PostgreSQL, separate task workers) on loopback.

    .venv/bin/python benchmarks/upload.py [--schools 300] [--concurrency 30] [--workers 2]
                                          [--web-workers 2] [--keep] [--sqlite]

It makes a fresh database (keystage_bench_upload on 127.0.0.1:5432, user postgres; --sqlite
uses the embedded SQLite set-up instead) and a temporary data folder, writes a synthetic LA,
migrates, loads the schools, creates a head teacher and a signed-in session for each school and
a KS1 collection open today. It then starts gunicorn and the task workers, posts every school's
file with a pool of threads, and waits for the workers to check them all.

Prints files sent, stored and processed, files lost (must be 0), non-302 responses, the upload
wall time, accept latency (time to the 302) p50/p95/max, processing time per file (check
finished minus task claimed), the time from the last upload accepted to the last file processed
and pupils processed per second. Targets: accept p95 under 500 ms; every file processed within
120 s of the last upload. Benchmarks print figures: it exits 0 whether or not targets are met,
and non-zero only when it could not run. --keep leaves the database and the data folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import secrets
import string
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from _support import (
    AUTH_BACKEND,
    Services,
    Site,
    keystage,
    migrate,
    multipart,
    open_ks1_window,
    percentile,
    recreate_database,
    release_database,
    request,
    run_benchmark,
    setup_django,
    start,
    stop,
    tracebacks,
    wait_healthy,
)

DB_NAME = "keystage_bench_upload"
COLLECTION = "KS1"
ACCEPT_P95_TARGET_MS = 500.0
PROCESSED_TARGET_S = 120.0
PROCESS_TIMEOUT_S = 600.0
TOKEN_CHARS = string.ascii_letters + string.digits


# -- Setting up: synthetic LA, schema, schools, heads, sessions, collection ----------------------


@dataclass
class School:
    laestab: str
    file: Path
    session: str
    csrf: str


def prepare(site: Site, schools: int) -> tuple[int, list[School]]:
    """The LA written and loaded; returns the collection's id and each school's upload."""
    la = site.data.parent / "la"
    synth = f"--la 330 --schools {schools} --collection {COLLECTION} --seed 1".split()
    keystage(site, "synth", *synth, "--out", str(la))
    migrate(site)
    keystage(site, "manage", "--data", str(site.data), "loadschools", str(la / "schools.csv"))
    setup_django(site)
    collection_id = open_ks1_window(deadline_in_days=7, closes_in_days=21)
    sessions = sign_in_heads()
    uploads = [
        School(laestab=path.name[:7], file=path, session=sessions[path.name[:7]], csrf=token())
        for path in sorted((la / COLLECTION).glob("*.xml"))
    ]
    return collection_id, uploads


def sign_in_heads() -> dict[str, str]:
    """A head account per school and a session for each, as if each had signed in."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from keystage.web.models import School as SchoolRow
    from keystage.web.models import User

    password = make_password(secrets.token_urlsafe(16))  # hashed once: hashing is slow
    User.objects.bulk_create(
        User(username=s.urn, role="head", school=s, password=password)
        for s in SchoolRow.objects.all()
    )
    sessions: dict[str, str] = {}
    for head in User.objects.filter(role="head").select_related("school"):
        store = SessionStore()
        store["_auth_user_id"] = str(head.pk)
        store["_auth_user_backend"] = AUTH_BACKEND
        store["_auth_user_hash"] = head.get_session_auth_hash()
        store.create()
        sessions[head.school.laestab] = str(store.session_key)
    return sessions


def token() -> str:
    """A CSRF secret of our choosing: Django accepts it as both cookie and form field."""
    return "".join(secrets.choice(TOKEN_CHARS) for _ in range(32))


# -- Uploading over HTTP -------------------------------------------------------------------------


@dataclass
class Sent:
    laestab: str
    status: int
    seconds: float
    answered_at: dt.datetime
    location: str = ""
    problem: str = ""


def cookies(school: School) -> str:
    return f"sessionid={school.session}; csrftoken={school.csrf}"


def upload_one(base: str, path: str, school: School, content: bytes) -> Sent:
    body, content_type = multipart(
        {"csrfmiddlewaretoken": school.csrf}, "file", school.file.name, content
    )
    headers = {"Content-Type": content_type, "Cookie": cookies(school)}
    started = time.perf_counter()
    try:
        status, reply, location = request(base, "POST", path, body, headers)
    except (OSError, http.client.HTTPException) as problem:
        status, reply, location = 0, repr(problem).encode(), ""
    seconds = time.perf_counter() - started
    now = dt.datetime.now(dt.UTC)
    problem = "" if status == 302 else reply[:300].decode(errors="replace")
    return Sent(school.laestab, status, seconds, now, location, problem)


def upload_all(
    base: str, collection_id: int, schools: list[School], concurrency: int
) -> tuple[list[Sent], float]:
    contents = {s.laestab: s.file.read_bytes() for s in schools}  # read before the clock starts
    path = f"/collections/{collection_id}/"
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        sent = list(pool.map(lambda s: upload_one(base, path, s, contents[s.laestab]), schools))
    return sent, time.perf_counter() - started


def smoke_check(base: str, collection_id: int, school: School) -> str:
    """The file request page as a signed-in head sees it: a note if it does not render."""
    status, _, location = request(
        base, "GET", f"/collections/{collection_id}/", headers={"Cookie": cookies(school)}
    )
    if status == 200:
        return ""
    return f"GET /collections/{collection_id}/ as a head gave {status} {location}".strip()


# -- Waiting for the workers and reading the outcome ---------------------------------------------


def wait_processed(timeout: float) -> bool:
    """Polls until no stored version waits or is being checked; False if it timed out."""
    from django.db import close_old_connections

    from keystage.web.models import Submission

    waiting = (Submission.Status.RECEIVED, Submission.Status.CHECKING)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if not Submission.objects.filter(status__in=waiting).exists():
            return True
        time.sleep(0.5)
    return False


@dataclass
class Stored:
    laestab: str
    status: str
    uploaded_at: dt.datetime
    claimed_at: dt.datetime | None  # a worker took the task
    done_at: dt.datetime | None  # the task finished (else checked_at): the outcome is stored
    pupils: int


def stored_versions() -> list[Stored]:
    from keystage.web.models import Submission

    tasks = task_times()
    rows = Submission.objects.values_list(
        "pk", "school__laestab", "status", "uploaded_at", "checked_at", "pupils"
    )
    return [
        Stored(laestab, status, uploaded, *tasks.get(pk, (None, checked)), pupils)
        for pk, laestab, status, uploaded, checked, pupils in rows
    ]


def task_times() -> dict[int, tuple[dt.datetime | None, dt.datetime | None]]:
    """When a worker claimed each version's check and when it finished, by submission id."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path__endswith="check_upload").values_list(
        "args_kwargs", "started_at", "finished_at"
    )
    return {int(a["args"][0]): (started, finished) for a, started, finished in rows}


def failed_tasks() -> tuple[int, str]:
    """How many checks raised, and the first traceback."""
    from django_tasks_db.models import DBTaskResult

    failed = DBTaskResult.objects.failed().order_by("finished_at")
    first = failed.values_list("traceback", flat=True).first()
    return failed.count(), first or ""


# -- Figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    schools: int
    sent: list[Sent]
    wall_s: float
    stored: list[Stored]
    finished: bool
    failed: int

    @property
    def accepted(self) -> list[Sent]:
        return [s for s in self.sent if s.status == 302]

    @property
    def processed(self) -> list[Stored]:
        return [s for s in self.stored if s.status in ("checked", "refused")]

    @property
    def lost(self) -> int:
        stored = {s.laestab for s in self.stored}
        never_stored = sum(1 for s in self.sent if s.laestab not in stored)
        return never_stored + len(self.stored) - len(self.processed)

    @property
    def latencies_ms(self) -> list[float]:
        return [s.seconds * 1000 for s in self.accepted]

    @property
    def processing_ms(self) -> list[float]:
        return [
            (s.done_at - s.claimed_at).total_seconds() * 1000
            for s in self.processed
            if s.done_at and s.claimed_at
        ]

    @property
    def queued_s(self) -> list[float]:
        return [
            (s.claimed_at - s.uploaded_at).total_seconds() for s in self.processed if s.claimed_at
        ]

    @property
    def drain_s(self) -> float:
        """From the last upload accepted to the last file processed."""
        done = [s.done_at for s in self.processed if s.done_at]
        if not self.accepted or not done or not self.finished:
            return math.nan
        return (max(done) - max(s.answered_at for s in self.accepted)).total_seconds()

    @property
    def pupils_per_s(self) -> float:
        """Pupils checked over the whole run: first upload sent to last file processed."""
        done = [s.done_at for s in self.processed if s.done_at]
        if not done or not self.sent:
            return math.nan
        first = min(s.answered_at - dt.timedelta(seconds=s.seconds) for s in self.sent)
        span = (max(done) - first).total_seconds()
        return sum(s.pupils for s in self.processed) / span if span > 0 else math.nan


def row(label: str, value: str) -> str:
    return f"  {label:<50} {value}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(title: str, figures: Figures) -> None:
    print(f"\n{title}")
    for label, value in [*counts(figures), *timings(figures)]:
        print(row(label, value))
    print("Targets")
    for label, value in targets(figures):
        print(row(label, value))


def counts(f: Figures) -> list[tuple[str, str]]:
    refused = sum(1 for s in f.processed if s.status == "refused")
    return [
        ("schools", f"{f.schools}"),
        ("files sent", f"{len(f.sent)}"),
        ("files stored (Submission rows)", f"{len(f.stored)}"),
        ("processed (checked + refused)", f"{len(f.processed)} ({refused} refused)"),
        ("lost (not stored, or never processed)", f"{f.lost}"),
        ("non-302 responses", f"{len(f.sent) - len(f.accepted)}"),
        ("checks that raised (task failed)", f"{f.failed}"),
    ]


def timings(f: Figures) -> list[tuple[str, str]]:
    pupils = sum(s.pupils for s in f.processed)
    return [
        (
            "upload wall time (files per second)",
            f"{f.wall_s:.1f} s ({len(f.sent) / f.wall_s:.0f}/s)",
        ),
        ("accept latency p50 / p95 / max", triple(f.latencies_ms, "ms")),
        ("processing per file p50 / p95 (task claimed to done)", pair(f.processing_ms, "ms")),
        ("queue wait p50 / p95 (uploaded to claimed)", pair(f.queued_s, "s", 1)),
        ("last upload accepted to last file processed", seconds(f.drain_s)),
        ("pupils processed (per second overall)", f"{pupils:,} ({f.pupils_per_s:,.0f}/s)"),
    ]


def targets(f: Figures) -> list[tuple[str, str]]:
    p95 = percentile(f.latencies_ms, 95)
    in_time = f.finished and f.lost == 0 and f.drain_s <= PROCESSED_TARGET_S
    return [
        (
            f"accept p95 < {ACCEPT_P95_TARGET_MS:.0f} ms",
            f"{p95:.0f} ms  {verdict(p95 < ACCEPT_P95_TARGET_MS)}",
        ),
        (
            f"all processed within {PROCESSED_TARGET_S:.0f} s of the last upload",
            f"{seconds(f.drain_s)}  {verdict(in_time)}",
        ),
        ("no file lost", f"{f.lost}  {verdict(f.lost == 0)}"),
    ]


def triple(values: list[float], unit: str) -> str:
    p50, p95, top = percentile(values, 50), percentile(values, 95), max(values, default=math.nan)
    return f"{p50:.0f} / {p95:.0f} / {top:.0f} {unit}"


def pair(values: list[float], unit: str, places: int = 0) -> str:
    return f"{percentile(values, 50):.{places}f} / {percentile(values, 95):.{places}f} {unit}"


def seconds(value: float) -> str:
    return "not all processed" if math.isnan(value) else f"{value:.1f} s"


def problems(figures: Figures, failure: str, site: Site) -> None:
    """What went wrong, briefly: refusals by status, the first failed check, logged errors."""
    refused = Counter((s.status, s.problem[:120]) for s in figures.sent if s.status != 302)
    for (status, text), count in refused.most_common(5):
        print(f"  {count} x HTTP {status}: {' '.join(text.split())}")
    if failure:
        print(f"  first failed check:\n{failure}")
    for said in tracebacks(site):
        print(said)


# -- The run -------------------------------------------------------------------------------------


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Every school uploads its CTF at once to gunicorn and the task workers."
    )
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="task worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the database and data folder")
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite set-up")
    return parser.parse_args()


def measure(args: argparse.Namespace, site: Site) -> None:
    if site.database_url:
        recreate_database(DB_NAME)
    print(f"keystage: setting up {args.schools} schools in {site.data.parent} ...", flush=True)
    collection_id, schools = prepare(site, args.schools)
    load = os.getloadavg()[0]  # other work on the machine skews every figure: say how much
    services = start(site, args.web_workers, args.workers)
    try:
        wait_healthy(services, site)
        figures, failure = run(args, services, collection_id, schools)
    finally:
        stop(services)
        release_database()
    title = (
        f"Upload benchmark: {site.engine}, {args.schools} schools, concurrency "
        f"{args.concurrency}, gunicorn {args.web_workers} x 4 threads, {args.workers} task workers"
        f"\n  ({os.cpu_count()} CPUs; load average {load:.1f} before the run)"
    )
    report(title, figures)
    problems(figures, failure, site)


def run(
    args: argparse.Namespace, services: Services, collection_id: int, schools: list[School]
) -> tuple[Figures, str]:
    """Uploads every file, waits for the workers; the figures and the first failed check."""
    note = smoke_check(services.base, collection_id, schools[0])
    if note:
        print(f"keystage: note: {note}")
    print(f"keystage: uploading {len(schools)} files to http://{services.base}/ ...", flush=True)
    sent, wall = upload_all(services.base, collection_id, schools, args.concurrency)
    finished = wait_processed(PROCESS_TIMEOUT_S)
    failed, failure = failed_tasks()
    return Figures(args.schools, sent, wall, stored_versions(), finished, failed), failure


def main() -> int:
    args = options()
    databases = [] if args.sqlite else [DB_NAME]
    return run_benchmark("upload", databases, args.keep, lambda site: measure(args, site))


if __name__ == "__main__":
    sys.exit(main())
