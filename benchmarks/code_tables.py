"""Code tables benchmark: what asking the database for the year's table in force costs a check.

    .venv/bin/python benchmarks/code_tables.py [--schools 300] [--rounds 3] [--postgres]

Every `codeset_for(year)` asks the portal's source for the version in force (one indexed
query), so that a table the LA publishes is used by every process's next check. This writes a
synthetic LA (KS1, 2025-26), makes a fresh database (SQLite in a temporary data folder; with
--postgres, keystage_bench_codes on 127.0.0.1:5432, user postgres), and checks every school's
file in-process (`uploads.receive` then `processing.check_submission`) three ways, in turn,
`--rounds` times after one warm-up: without the source (the shipped table, as before), with
the source and no table published, and with a published table. It prints the seconds each
way (median of the rounds), and the cost of one `codeset_for` call each way. Target: the
check of the collection no more than 1% slower. Benchmarks print figures: it exits 0 whether
or not the target is met.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "keystage_bench_codes"
YEAR = "2025-26"
CALLS = 5000


def setup_django(data: Path, postgres: bool) -> None:
    for name in [k for k in os.environ if k.startswith("KEYSTAGE_")]:
        del os.environ[name]
    os.environ.pop("DATABASE_URL", None)
    os.environ["KEYSTAGE_DATA"] = str(data)
    os.environ["KEYSTAGE_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "keystage.web.settings"
    if postgres:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DB_NAME}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def check_all(collection: Any, files: list[Path], schools: dict[str, Any]) -> float:
    """Seconds to check every file once, each as a first version (earlier ones removed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.web.models import Submission
    from keystage.web.submissions.processing import check_submission
    from keystage.web.submissions.uploads import receive

    Submission.objects.filter(collection=collection).delete()
    spent = 0.0
    for path in files:
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")
        version = receive(school=schools[path.name[:7]], collection=collection, upload=upload,
                          user=None)  # fmt: skip
        start = time.perf_counter()
        check_submission(version.pk)
        spent += time.perf_counter() - start
    return spent


def per_call_us() -> float:
    from keystage import codesets

    codesets.codeset_for(YEAR)
    start = time.perf_counter()
    for _ in range(CALLS):
        codesets.codeset_for(YEAR)
    return (time.perf_counter() - start) / CALLS * 1e6


def run(schools: int, rounds: int, postgres: bool) -> None:
    from keystage.synth import write_la

    work = Path(tempfile.mkdtemp(prefix="keystage-bench-codes-"))
    write_la(la="330", schools=schools, collection="KS1", seed=1, out=work / "la",
             academic_year=YEAR)  # fmt: skip
    setup_django(work / "data", postgres)
    from django.utils import timezone
    from keystage.web.accounts.register import load_register

    from keystage import codesets
    from keystage.web.codetables import loading, published
    from keystage.web.models import CodeTable, Collection, Role, School, User

    load_register(work / "la" / "schools.csv")
    by_laestab = {s.laestab: s for s in School.objects.all()}
    files = sorted((work / "la" / "KS1").glob("*.xml"))
    today = timezone.localdate()
    collection = Collection.objects.create(kind="KS1", academic_year=YEAR, opens=today,
                                           deadline=today, closes=today)  # fmt: skip
    admin = User.objects.create(username="bench.admin", role=Role.LA_ADMIN)

    def without_source() -> None:
        codesets.unregister_source(published.source)
        CodeTable.objects.all().delete()

    def nothing_published() -> None:
        codesets.register_source(published.source)
        CodeTable.objects.all().delete()

    def table_published() -> None:
        codesets.register_source(published.source)
        row = loading.load_file(codesets.shipped_text(YEAR).encode(), file_name="la.toml",
                                notes="", user=admin)  # fmt: skip
        loading.publish(row, user=admin)

    ways: dict[str, Callable[[], None]] = {
        "shipped table, no source (before)": without_source,
        "source asked, nothing published": nothing_published,
        "source asked, a table published": table_published,
    }
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    calls: dict[str, float] = {}
    check_all(collection, files, by_laestab)  # warm-up: imports, the parse, the disk cache
    names = list(ways)
    for round_ in range(rounds):
        for name in names[round_ % 3 :] + names[: round_ % 3]:  # each way first in turn
            ways[name]()
            seconds[name].append(check_all(collection, files, by_laestab))
            calls[name] = per_call_us()
    engine = "PostgreSQL" if postgres else "SQLite"
    print(f"{len(files)} KS1 files, {engine}, median of {rounds} rounds")
    before = statistics.median(seconds["shipped table, no source (before)"])
    for name in ways:
        took = statistics.median(seconds[name])
        print(f"  {name:38} {took:7.2f} s  ({(took / before - 1) * 100:+5.1f}%)  "
              f"codeset_for: {calls[name]:7.1f} µs a call")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    run(args.schools, args.rounds, args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
