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
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "keystage_bench_upload"
COLLECTION = "KS1"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
ACCEPT_P95_TARGET_MS = 500.0
PROCESSED_TARGET_S = 120.0
PROCESS_TIMEOUT_S = 600.0
HEALTH_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
TOKEN_CHARS = string.ascii_letters + string.digits
KEYSTAGE = [sys.executable, "-m", "keystage.cli"]
WSGI_APP = "keystage.web.wsgi:application"


# -- The site: data folder, database and environment ---------------------------------------------


@dataclass
class Site:
    data: Path
    database_url: str | None
    logs: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def engine(self) -> str:
        return "PostgreSQL" if self.database_url else "SQLite"


def make_site(tmp: Path, sqlite: bool) -> Site:
    data, logs = tmp / "data", tmp / "logs"
    data.mkdir()
    logs.mkdir()
    site = Site(data=data, database_url=None if sqlite else f"{PG_SERVER}/{DB_NAME}", logs=logs)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env |= {
        "KEYSTAGE_DATA": str(data),
        "KEYSTAGE_SECRET_KEY": secrets.token_urlsafe(50),
        "KEYSTAGE_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "keystage.web.settings",
        "PYTHONUNBUFFERED": "1",
    }
    if site.database_url:
        env["DATABASE_URL"] = site.database_url
    site.env = env
    return site


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def keystage(site: Site, *arguments: str) -> None:
    """Runs the keystage command line; its output goes to the log folder."""
    log = site.logs / "setup.log"
    with log.open("a") as out:
        done = subprocess.run(
            [*KEYSTAGE, *arguments],
            env=site.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"keystage {' '.join(arguments)} failed:\n{tail(log)}")


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
    keystage(site, "manage", "--data", str(site.data), "migrate", "--verbosity", "0")
    keystage(site, "manage", "--data", str(site.data), "createcachetable")
    keystage(site, "manage", "--data", str(site.data), "loadschools", str(la / "schools.csv"))
    setup_django(site)
    collection_id = open_collection()
    sessions = sign_in_heads()
    uploads = [
        School(laestab=path.name[:7], file=path, session=sessions[path.name[:7]], csrf=token())
        for path in sorted((la / COLLECTION).glob("*.xml"))
    ]
    return collection_id, uploads


def setup_django(site: Site) -> None:
    os.environ.update(site.env)
    import django

    django.setup()


def open_collection() -> int:
    from django.utils import timezone

    from keystage.validate import default_codeset
    from keystage.web.models import Collection

    today = timezone.localdate()
    window = Collection.objects.create(
        kind=COLLECTION,
        academic_year=default_codeset().academic_year,
        opens=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=7),
        closes=today + dt.timedelta(days=21),
    )
    return int(window.pk)


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


# -- Serving: gunicorn and the task workers ------------------------------------------------------


@dataclass
class Services:
    base: str
    web: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]

    @property
    def all(self) -> list[subprocess.Popen[bytes]]:
        return [self.web, *self.workers]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spawn(site: Site, name: str, command: list[str]) -> subprocess.Popen[bytes]:
    with (site.logs / f"{name}.log").open("ab") as out:
        return subprocess.Popen(command, env=site.env, stdout=out, stderr=subprocess.STDOUT)


def start(site: Site, web_workers: int, workers: int) -> Services:
    """gunicorn (gthread, 4 threads a process) and the task workers, logging to the log folder."""
    port = free_port()
    # No control socket: gunicorn's default path is shared by every server on the machine.
    gunicorn = (
        f"--bind 127.0.0.1:{port} --workers {web_workers} --worker-class gthread --threads 4"
        " --timeout 120 --graceful-timeout 10 --no-control-socket"
    )
    web = spawn(site, "gunicorn", [sys.executable, "-m", "gunicorn", WSGI_APP, *gunicorn.split()])
    checkers = [spawn(site, f"worker-w{n}", worker_command(site, n)) for n in range(1, workers + 1)]
    return Services(base=f"127.0.0.1:{port}", web=web, workers=checkers)


def worker_command(site: Site, number: int) -> list[str]:
    polling = f"--interval 0.2 --worker-id w{number}".split()
    return [*KEYSTAGE, "worker", "--data", str(site.data), *polling]


def wait_healthy(services: Services, site: Site) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        dead = [p for p in services.all if p.poll() is not None]
        if dead:
            raise RuntimeError(f"a process exited at start-up: {dead[0].args}\n{logs_tail(site)}")
        try:
            status, body, _ = request(services.base, "GET", "/health")
        except (OSError, http.client.HTTPException):
            status, body = 0, b""
        if status == 200 and body.strip() == b"ok":
            return
        time.sleep(0.2)
    raise RuntimeError(f"/health did not answer ok in {HEALTH_TIMEOUT_S:.0f} s\n{logs_tail(site)}")


def stop(services: Services) -> None:
    """Terminates every process, then kills any still running after STOP_TIMEOUT_S."""
    for process in services.all:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in services.all:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def logs_tail(site: Site) -> str:
    return "\n".join(f"--- {log.name}\n{tail(log)}" for log in sorted(site.logs.glob("*.log")))


# -- Uploading over HTTP -------------------------------------------------------------------------


@dataclass
class Sent:
    laestab: str
    status: int
    seconds: float
    answered_at: dt.datetime
    location: str = ""
    problem: str = ""


def request(
    base: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    """One request on a new connection: the status, the body and the Location header."""
    conn = http.client.HTTPConnection(base, timeout=120)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Location", "")
    finally:
        conn.close()


def multipart(
    fields: dict[str, str], file_field: str, file_name: str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type, built by hand."""
    boundary = f"----keystage{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: application/xml\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


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


def percentile(values: list[float], p: float) -> float:
    """Nearest rank; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


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
    for log in sorted(site.logs.glob("*.log")):
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            first = text[text.index("Traceback") :].split("\n\n")[0]
            print(f"  {text.count('Traceback')} traceback(s) in {log.name}; the first:\n{first}")


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
        recreate_database()
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


def release_database() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def main() -> int:
    args = options()
    tmp = Path(tempfile.mkdtemp(prefix="keystage-bench-upload-"))
    site = make_site(tmp, args.sqlite)
    try:
        measure(args, site)
    except Exception:
        traceback.print_exc()
        print(f"keystage: the benchmark could not run\n{logs_tail(site)}", file=sys.stderr)
        return 1
    finally:
        cleanup(args, site, tmp)
    return 0


def cleanup(args: argparse.Namespace, site: Site, tmp: Path) -> None:
    release_database()
    if args.keep:
        where = f"database {DB_NAME} and " if site.database_url else ""
        print(f"keystage: kept {where}{tmp}")
        return
    if site.database_url:
        drop_database()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
