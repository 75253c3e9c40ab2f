"""Collection page benchmark: the data team's progress page for one KS1 collection, with 30
schools and then with 300 schools and about 15,000 pupils.

    .venv/bin/python benchmarks/collection_page.py [--schools 300] [--few 30] [--requests 100]
                                                   [--postgres] [--keep]

It writes a synthetic LA (keystage.synth), makes a fresh database (SQLite in a temporary data
folder; with --postgres, the database keystage_bench_page on 127.0.0.1:5432, user postgres),
migrates, and opens a KS1 collection. It loads the first `--few` schools and checks each one's
file in-process (the real `uploads.receive` then `processing.check_submission`, no HTTP), signs
some schools' confirmations, raises a few data-team queries and leaves some schools not
started; then it measures the page. It then loads the rest of the register, does the same for
the other schools, and measures again.

Each measurement signs in an LA data officer (with an authenticator set up, as the LA's pages
require) in Django's test Client and times 100 GETs of the page after 5 to warm up: server
time p50/p95/max in ms (middleware, views, queries and templates; no network), the number of
SQL queries per request and the page's size. Target: p95 under 150 ms; the query count the
same for both sizes. Benchmarks print figures: it exits 0 whether or not targets are met, and
non-zero only when it could not run. --keep leaves the database and the data folder.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "keystage_bench_page"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
P95_TARGET_MS = 150.0
WARM_UP = 5


# -- Django and the database -------------------------------------------------------------------


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def setup_django(data: Path, postgres: bool) -> None:
    """Configures Django from the environment, as the real processes are, before setup()."""
    for name in [k for k in os.environ if k.startswith("KEYSTAGE_")]:
        del os.environ[name]
    os.environ.pop("DATABASE_URL", None)
    os.environ["KEYSTAGE_DATA"] = str(data)
    os.environ["KEYSTAGE_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keystage.web.settings"
    if postgres:
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DB_NAME}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def release_database() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


# -- Building the LA: schools, files checked in-process, confirmations, queries ------------------


def write_register_part(register: Path, out: Path, rows: int) -> Path:
    """The register's header and its first `rows` schools, to load the LA in two steps."""
    with register.open(newline="", encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines[: rows + 1])
    return out


def open_collection() -> Any:
    from django.utils import timezone

    from keystage.validate import default_codeset
    from keystage.web.models import Collection

    today = timezone.localdate()
    return Collection.objects.create(
        kind="KS1",
        academic_year=default_codeset().academic_year,
        opens=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=7),
        closes=today + dt.timedelta(days=21),
    )


def make_officer() -> Any:
    """A data officer with an authenticator app set up, as the LA's pages require."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from keystage.web.models import Role, User

    officer = User.objects.create(username="bench.officer", role=Role.LA_DATA)
    TOTP.activate(officer, generate_totp_secret())
    return officer


def check_files(collection: Any, la: Path, laestabs: set[str]) -> int:
    """Each school's file stored as a version and checked, as the worker would; returns how
    many files. Every twentieth school sends nothing (not started)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.web.models import School
    from keystage.web.submissions.processing import check_submission
    from keystage.web.submissions.uploads import receive

    schools = {s.laestab: s for s in School.objects.filter(laestab__in=laestabs)}
    files = 0
    for number, path in enumerate(sorted((la / "KS1").glob("*.xml"))):
        school = schools.get(path.name[:7])
        if school is None or number % 20 == 19:
            continue
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")
        version = receive(school=school, collection=collection, upload=upload, user=None)
        check_submission(version.pk)
        files += 1
    return files


def sign_and_query(collection: Any, officer: Any, laestabs: set[str]) -> tuple[int, int]:
    """Three in four schools with a clean file sign, on days spread since the window opened;
    one school in twelve has a data-team query. Returns (confirmations, queries)."""
    from django.utils import timezone

    from keystage.web.models import (
        Confirmation,
        QueryMessage,
        Role,
        School,
        Submission,
        TeamQuery,
        User,
    )

    now = timezone.now()
    signed = asked = 0
    schools = School.objects.filter(laestab__in=laestabs).order_by("laestab")
    current = {
        v.school_id: v
        for v in Submission.objects.filter(
            collection=collection, is_current=True, school__in=schools
        )
    }
    for number, school in enumerate(schools):
        version = current.get(school.pk)
        if version is not None and not (version.errors or version.queries) and number % 4 != 3:
            head = User.objects.create(username=school.urn, role=Role.HEAD, school=school)
            Confirmation.objects.create(
                submission=version, signed_by=head, signer_name=f"Head of {school.name}",
                signer_role="Head teacher", responsible="Year 2 teachers",
                moderation_done=True, outcomes_agreed=True,
                signed_at=now - dt.timedelta(days=number % 28, hours=number % 7),
            )  # fmt: skip
            signed += 1
        if number % 12 == 5:
            query = TeamQuery.objects.create(
                school=school, collection=collection, submission=version,
                subject="Fewer pupils than the census", raised_by=officer, raised_at=now,
            )  # fmt: skip
            QueryMessage.objects.create(
                query=query, author=officer, body="Please check your Year 2 roll.", sent_at=now
            )
            asked += 1
    return signed, asked


# -- Measuring ---------------------------------------------------------------------------------


@dataclass
class Figures:
    schools: int
    pupils: int
    confirmations: int
    queries: int
    timings_ms: list[float]
    sql_queries: int
    page_kb: float

    def line(self) -> str:
        ordered = sorted(self.timings_ms)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        met = "met" if p95 < P95_TARGET_MS else "NOT met"
        return (
            f"  {self.schools:>4} schools, {self.pupils:>6} pupils, {self.confirmations} signed, "
            f"{self.queries} data-team queries: p50 {statistics.median(ordered):.1f} ms, "
            f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms ({met}: p95 < {P95_TARGET_MS:.0f} ms); "
            f"{self.sql_queries} SQL queries per request; page {self.page_kb:.0f} KB"
        )


def measure(collection: Any, officer: Any, requests: int) -> tuple[list[float], int, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(officer, backend=AUTH_BACKEND)
    url = f"/la/collections/{collection.pk}/"
    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    sql = len(run)  # now: the log is cleared at the next request
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return timings, sql, len(response.content) / 1024


def run(args: argparse.Namespace, tmp: Path) -> list[Figures]:
    from keystage.synth import write_la
    from keystage.validate import default_codeset

    la = tmp / "la"
    print(f"keystage: writing a synthetic LA of {args.schools} schools ...", flush=True)
    write_la(out=la, la="330", schools=args.schools, collection="KS1", seed=1, defects=0.004,
             academic_year=default_codeset().academic_year)  # the collection's  # fmt: skip
    setup_django(tmp / "data", args.postgres)

    from keystage.web.models import School, Submission
    from keystage.web.schools.register import apply, load_register

    collection = open_collection()
    officer = make_officer()
    found: list[Figures] = []
    done: set[str] = set()
    for size in sorted({min(args.few, args.schools), args.schools}):
        started = time.perf_counter()
        apply(
            load_register(
                write_register_part(la / "schools.csv", tmp / f"schools-{size}.csv", size)
            )
        )
        new = set(School.objects.values_list("laestab", flat=True)) - done
        files = check_files(collection, la, new)
        signed, asked = sign_and_query(collection, officer, new)
        done |= new
        print(f"keystage: {len(new)} more schools loaded, {files} files checked in "
              f"{time.perf_counter() - started:.0f} s; measuring ...", flush=True)  # fmt: skip
        timings, sql, kb = measure(collection, officer, args.requests)
        pupils = sum(
            Submission.objects.filter(collection=collection, is_current=True).values_list(
                "pupils", flat=True
            )
        )
        before = found[-1] if found else None
        found.append(Figures(
            len(done), pupils, signed + (before.confirmations if before else 0),
            asked + (before.queries if before else 0), timings, sql, kb,
        ))  # fmt: skip
    return found


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The data team's collection page, timed.")
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--few", type=int, default=30, help="the smaller LA measured first")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on 127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database and data folder")
    return parser.parse_args()


def main() -> int:
    args = options()
    tmp = Path(tempfile.mkdtemp(prefix="keystage-bench-page-"))
    engine = "PostgreSQL" if args.postgres else "SQLite"
    try:
        if args.postgres:
            recreate_database()
        load = os.getloadavg()[0]  # other work on the machine skews every figure: say how much
        found = run(args, tmp)
    except Exception:
        traceback.print_exc()
        print("keystage: the benchmark could not run", file=sys.stderr)
        return 1
    finally:
        release_database()
        if args.keep:
            print(f"keystage: kept {f'database {DB_NAME} and ' if args.postgres else ''}{tmp}")
        else:
            if args.postgres:
                drop_database()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"Collection page benchmark: {engine}, {args.requests} requests after {WARM_UP} to "
          f"warm up ({os.cpu_count()} CPUs; load average {load:.1f} before the run)")  # fmt: skip
    for figures in found:
        print(figures.line())
    counts = {f.sql_queries for f in found}
    print(f"  SQL queries per request {'do not grow' if len(counts) == 1 else 'GROW'} "
          "with the number of schools")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
