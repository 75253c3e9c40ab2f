"""National-size benchmark: a synthetic England KS1 year (about 16,500 schools and 600,000
pupils) checked by 1, 2 and 4 `keystage worker` processes on PostgreSQL.

    .venv/bin/python benchmarks/national.py [--schools 16500] [--pupils-per-school 36]
        [--workers 1,2,4] [--per-la 150] [--resend 0.03] [--shared 0.002] [--profile 0]
        [--keep] [--analyze-every 60] [--database keystage_bench_national]
        [--cache var/bench-cache]

The synthetic England is many LAs (`--per-la` schools each, LA numbers 201 upwards) written by
keystage.synth in parallel processes, every school given a distinct URN and its file cut to
`--pupils-per-school` pupils on average (the LA's own sizes scaled, so schools still differ).
`--resend` of the schools also send a second version without one pupil, which exercises
VERSION-PUPILS-DROPPED, and `--shared` of the pupils are also in the next school's file (a
move during the year), which gives the school whose file came later a PUPIL-OTHER-SCHOOL
query. UPNs allocated outside an LA are renumbered so that, as in life, no two pupils share
one across England.
The files are cached under `--cache`, by seed and size, for later runs.

The ingest is the LA's bulk channel: `keystage manage importctf --collection KS1` over the
files (two processes at once), which stores each file as a version of the KS1 2025-26
collection and queues its check. That prepared database is copied as a template; for each
worker count a fresh copy is made and N `keystage worker` processes drain the queue. Timed from
the first check claimed to the last finished. Where the server runs without autovacuum (as
this test server does), the benchmark runs ANALYZE every `--analyze-every` seconds instead, as
autovacuum would on a production server: without statistics the cross-school UPN lookup is
planned as a sequential scan of every pupil.

Prints, per worker count: files and pupils checked, seconds, pupils per second, scaling
efficiency (throughput(N) / (N x throughput(1))), check time per file p50/p95, each worker's
peak RSS (VmHWM), the CPU the workers and PostgreSQL used a pupil (what bounds throughput on
idle cores, whatever else the machine runs) and how often the workers' database sessions
waited for a lock. Then every query of one check with the table full (a version checked again
in a transaction rolled back), with the plan PostgreSQL chose for each read, flagging a
sequential scan of a table that grows with the country. `--profile K` checks the last K files
again in one worker under cProfile and prints where the time goes, by phase. Targets: the
whole of England (600,000 pupils) in under 10 minutes on 2 cores; throughput growing with
workers up to the core count. Benchmarks print figures: it exits 0 whether or not targets are
met, and non-zero only when it could not run. --keep leaves the databases and the data folder.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import itertools
import json
import math
import multiprocessing
import os
import pstats
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _support import (
    KEYSTAGE,
    ROOT,
    Services,
    Site,
    cpu_seconds,
    logs_tail,
    machine,
    migrate,
    open_ks1_window,
    peak_rss_mb,
    percentile,
    recreate_database,
    release_database,
    run_benchmark,
    setup_django,
    spawn,
    start_workers,
    stop,
    tracebacks,
)

COLLECTION = "KS1"
ACADEMIC_YEAR = "2025-26"  # the files' year (the cache keeps them), and so the window's
ENGLAND_PUPILS = 600_000
ENGLAND_TARGET_S = 600.0
FIRST_LA = 201
FIRST_URN = 100_000
SENDING_LA = 600  # the LA numbers that allocated the UPNs of pupils who joined from outside
PROGRESS_EVERY_S = 30.0
CHECK_TASK = "keystage.web.submissions.tasks.check_upload"


# -- The synthetic England: many LAs, cached ------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    schools: int
    pupils_per_school: int
    per_la: int
    resend: float
    shared: float
    seed: int

    @property
    def key(self) -> str:
        """The cache folder's name: every setting that changes the files."""
        return (
            f"national2-seed{self.seed}-{self.schools}x{self.pupils_per_school}"
            f"-la{self.per_la}-resend{self.resend:g}-shared{self.shared:g}"
        )

    def las(self) -> list[tuple[str, int, int]]:
        """(LA number, schools, the first school's URN) for each LA, sizes as even as can be."""
        count = math.ceil(self.schools / self.per_la)
        if FIRST_LA + count > 999:
            raise ValueError(f"{count} LAs need more LA numbers than there are: raise --per-la")
        if SENDING_LA + count > 999:
            raise ValueError(f"{count} LAs are more than this benchmark numbers: raise --per-la")
        sizes = [self.schools // count + (i < self.schools % count) for i in range(count)]
        starts = [FIRST_URN + sum(sizes[:i]) for i in range(count)]
        return [(str(FIRST_LA + i), sizes[i], starts[i]) for i in range(count)]


@dataclass(frozen=True)
class Corpus:
    folder: Path
    schools: int
    files: int
    pupils: int
    resent: int

    @property
    def register(self) -> Path:
        return self.folder / "schools.csv"

    @property
    def first_versions(self) -> Path:
        return self.folder / COLLECTION

    @property
    def second_versions(self) -> Path:
        return self.folder / f"{COLLECTION}-again"


def corpus(plan: Plan, cache: Path) -> Corpus:
    """The files for this plan, from the cache or written now (the manifest is written last,
    so a run interrupted while writing is written again)."""
    folder = cache / plan.key
    manifest = folder / "corpus.json"
    if manifest.exists():
        said = json.loads(manifest.read_text())
        print(f"keystage: using the cached files in {folder}", flush=True)
        return Corpus(folder, **said)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    las = plan.las()
    print(f"keystage: writing {plan.schools:,} schools in {len(las)} LAs to {folder} ...")
    started = time.perf_counter()
    written = write_las(plan, folder, las)
    rows = [row for part in written for row in part["register"]]
    write_register_rows(rows, folder / "schools.csv")
    said = {
        "schools": len(rows),
        "files": sum(part["files"] for part in written),
        "pupils": sum(part["pupils"] for part in written),
        "resent": sum(part["resent"] for part in written),
    }
    manifest.write_text(json.dumps(said, indent=1) + "\n")
    print(f"keystage: written in {time.perf_counter() - started:.0f} s: {said}", flush=True)
    return Corpus(folder, **said)


def write_las(plan: Plan, folder: Path, las: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Each LA in a process of its own (fork: this script has no __main__-less imports)."""
    if len(las) == 1:
        return [write_one_la(plan, folder, *las[0])]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        return list(pool.map(write_one_la, *zip(*[(plan, folder, *la) for la in las], strict=True)))


def write_one_la(plan: Plan, folder: Path, la: str, schools: int, first_urn: int) -> dict[str, Any]:
    """One LA's files: URNs and UPNs made unique across England, pupils cut to the plan's
    average, a few pupils in two schools' files, a few schools sending a second version."""
    from keystage.ctf.writer import write_ctf
    from keystage.synth import SynthConfig, generate_la, generate_schools

    config = SynthConfig(la=la, schools=schools, collection=COLLECTION, seed=plan.seed,
                         academic_year=ACADEMIC_YEAR)  # fmt: skip
    urns = {
        s.estab: str(first_urn + i) for i, s in enumerate(generate_schools(la, schools, plan.seed))
    }
    files = list(generate_la(config))
    natural = sum(len(f.pupils) for f in files)
    share = min(1.0, plan.pupils_per_school * schools / max(1, natural))
    rng = random.Random(f"{plan.seed}:{la}:national")
    sender = f"{SENDING_LA + int(la) - FIRST_LA}"
    kept = [national_upns(cut(item.pupils, share, rng), la, sender) for item in files]
    kept = in_two_schools(kept, plan.shared, rng)
    resent = 0
    for item, pupils in zip(files, kept, strict=True):
        school = dataclasses.replace(item.school, urn=urns[item.school.estab])
        source = dataclasses.replace(item.header.source, urn=school.urn)
        header = dataclasses.replace(item.header, source=source)
        write_file(write_ctf, folder / COLLECTION / la / item.name, header, pupils)
        if len(pupils) > 1 and rng.random() < plan.resend:
            again = dataclasses.replace(header, date_time=later(header.date_time))
            name = item.name.replace("_001.xml", "_002.xml")
            write_file(write_ctf, folder / f"{COLLECTION}-again" / la / name, again, pupils[:-1])
            resent += 1
    register = [
        register_row(dataclasses.replace(s, urn=urns[s.estab]))
        for s in generate_schools(la, schools, plan.seed)
    ]
    pupils_in = sum(len(p) for p in kept)
    return {"register": register, "files": len(files), "pupils": pupils_in, "resent": resent}


def in_two_schools(kept: list[list[Any]], shared: float, rng: random.Random) -> list[list[Any]]:
    """A pupil who moved during the year is in both schools' files: each pupil, with chance
    `shared`, is also put in the next school's file (PUPIL-OTHER-SCHOOL for the later one)."""
    if len(kept) < 2 or not shared:
        return kept
    moved: list[list[Any]] = [[] for _ in kept]
    for number, pupils in enumerate(kept):
        moved[(number + 1) % len(kept)] += [p for p in pupils if rng.random() < shared]
    return [pupils + extra for pupils, extra in zip(kept, moved, strict=True)]


def national_upns(pupils: list[Any], la: str, sender: str) -> list[Any]:
    """Pupils who joined from another LA carry a UPN that LA allocated. Every synthetic LA
    draws them from the same few neighbours and estab numbers, so across England they would
    collide (real UPNs are unique nationally, and a collision is a PUPIL-OTHER-SCHOOL query):
    each LA's get a sending LA of its own, `sender`, with the check letter made again."""
    from keystage.ctf.upn import check_letter

    renumbered = []
    for pupil in pupils:
        upn = pupil.upn or ""
        if len(upn) == 13 and upn[1:4] != la:
            body = sender + upn[4:]
            history = tuple(
                dataclasses.replace(h, la=sender) if h.la == upn[1:4] else h
                for h in pupil.school_history
            )
            pupil = dataclasses.replace(
                pupil, upn=check_letter(body) + body, school_history=history
            )
        renumbered.append(pupil)
    return renumbered


def cut(pupils: list[Any], share: float, rng: random.Random) -> list[Any]:
    """`share` of the pupils (at least one), chosen at random, in the file's order."""
    keep = max(1, round(len(pupils) * share))
    if keep >= len(pupils):
        return pupils
    chosen = sorted(rng.sample(range(len(pupils)), keep))
    return [pupils[i] for i in chosen]


def later(stamp: str | None) -> str | None:
    """A second export of the same file, a day later."""
    if not stamp:
        return stamp
    return (dt.datetime.fromisoformat(stamp) + dt.timedelta(days=1)).isoformat()


def write_file(write_ctf: Any, path: Path, header: Any, pupils: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ctf(header, pupils, path)


REGISTER_COLUMNS = ("laestab", "urn", "name", "type", "district", "email")


def register_row(school: Any) -> list[str]:
    return [school.laestab, school.urn, school.name, school.type, school.district, school.email]


def write_register_rows(rows: list[list[str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REGISTER_COLUMNS)
        writer.writerows(rows)


# -- The database, prepared once: schools, the collection, every file stored and queued ----------


def prepare(site: Site, files: Corpus, importers: int) -> float:
    """Migrates, loads the schools and opens the collection, then imports every file through
    the LA's bulk channel; returns the import's seconds."""
    migrate(site)
    setup_django(site)
    load_schools(files.register)
    open_ks1_window(deadline_in_days=7, closes_in_days=21, academic_year=ACADEMIC_YEAR)
    release_database()
    started = time.perf_counter()
    import_folders(site, files.first_versions, importers)
    if files.resent:
        import_folders(site, files.second_versions, importers)  # queued after every first
    return time.perf_counter() - started


def load_schools(register: Path) -> None:
    """The register in one go (loadschools' row-by-row upsert is not what is measured)."""
    from keystage.web.models import School

    with register.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    School.objects.bulk_create([school_row(School, r) for r in rows], batch_size=2000)


def school_row(model: Any, row: dict[str, str]) -> Any:
    return model(
        laestab=row["laestab"], urn=row["urn"], name=row["name"], phase="Primary",
        type=row["type"], district=row["district"], main_email=row["email"],
    )  # fmt: skip


def import_folders(site: Site, root: Path, importers: int) -> None:
    """`keystage manage importctf` over the LA folders, shared between `importers` processes."""
    folders = sorted(str(p) for p in root.iterdir() if p.is_dir())
    shares = [folders[i::importers] for i in range(importers)]
    command = [*KEYSTAGE, "manage", "--data", str(site.data), "importctf"]
    running = [
        spawn(site, f"import-{root.name}-{n}", [*command, "--collection", COLLECTION, *share])
        for n, share in enumerate(shares)
        if share
    ]
    for process in running:
        if process.wait() != 0:
            raise RuntimeError(f"importctf failed (exit {process.returncode})\n{logs_tail(site)}")


# -- Draining the queue with N workers ------------------------------------------------------------


@dataclass
class Drained:
    workers: int
    files: int
    pupils: int
    refused: int
    failed: int
    left: int
    seconds: float
    per_file_ms: list[float]
    peaks_mb: list[float]
    findings: dict[str, int]
    load_before: str
    load_after: str
    failure: str = ""
    cpu_s: float = math.nan  # the workers' CPU time, all together
    lock_waits: float = math.nan  # share of busy database sessions waiting for a lock
    database_cpu_s: float = math.nan  # PostgreSQL's server processes for this database

    @property
    def cpu_ms_a_pupil(self) -> float:
        """Workers' and PostgreSQL's CPU for one pupil: what bounds throughput on N cores."""
        return (self.cpu_s + self.database_cpu_s) * 1000 / self.pupils if self.pupils else math.nan

    @property
    def rate(self) -> float:
        return self.pupils / self.seconds if self.seconds > 0 else math.nan


def drain(site: Site, workers: int, timeout: float, analyzer: Analyzer) -> Drained:
    """Starts the workers, waits until no check is waiting or running, reads their peak
    memory and CPU time while they are still alive, stops them and reads the outcome."""
    before = machine()
    services = Services(base="", web=None, workers=[])
    start_workers(site, services, workers)
    watch = Watch()
    try:
        left = wait_drained(services, timeout, watch, analyzer)
        peaks = [peak_rss_mb(p.pid) for p in services.workers]
        cpu = sum(cpu_seconds(p.pid) for p in services.workers)
    finally:
        stop(services)
    drained = outcome(workers, left, peaks, before, machine())
    drained.cpu_s, drained.lock_waits = cpu, watch.lock_share
    drained.database_cpu_s = watch.database_cpu_s
    return drained


@dataclass
class Watch:
    """What the workers' database sessions were doing, sampled at each poll."""

    active: int = 0  # sessions running a statement
    locked: int = 0  # of which waiting for a lock another session holds
    backends: dict[int, float] = field(default_factory=dict)  # CPU s by server process

    @property
    def database_cpu_s(self) -> float:
        return sum(self.backends.values())

    def sample(self) -> None:
        from django.db import connection

        self.backends |= database_backends(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock')"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'active' AND pid <> pg_backend_pid()"
            )
            active, locked = cursor.fetchone()
        self.active += active
        self.locked += locked

    @property
    def lock_share(self) -> float:
        return self.locked / self.active if self.active else math.nan


@dataclass
class Analyzer:
    """Stands in for autovacuum's ANALYZE where the server runs without autovacuum (this test
    server does): with no statistics PostgreSQL plans the UPN lookup of the cross-school check
    as a sequential scan of every pupil (0.4 s a query at 400,000 pupils, where the index
    takes 0.5 ms), which a production server, analysing as the table grows, never does."""

    every: float  # seconds between ANALYZEs; 0 never
    last: float = field(default_factory=time.monotonic)
    runs: int = 0

    def tick(self) -> None:
        if not self.every or time.monotonic() - self.last < self.every:
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.last, self.runs = time.monotonic(), self.runs + 1


def autovacuum_on() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return bool(cursor.fetchone()[0] == "on")


def database_backends(database: str) -> dict[int, float]:
    """The CPU time so far of each PostgreSQL server process serving `database` (it names the
    database in its title), on this machine."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found[int(entry.name)] = cpu_seconds(int(entry.name))
    return found


def unfinished() -> tuple[int, int]:
    """Checks waiting or running, and finished."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    close_old_connections()
    checks = DBTaskResult.objects.filter(task_path=CHECK_TASK)
    waiting = checks.filter(status__in=["READY", "RUNNING"]).count()
    return waiting, checks.count() - waiting


def wait_drained(services: Services, timeout: float, watch: Watch, analyzer: Analyzer) -> int:
    """Polls until the queue is empty; the checks left when it timed out or workers died."""
    deadline = time.monotonic() + timeout
    said = time.monotonic()
    while True:
        waiting, done = unfinished()
        if waiting == 0:
            return 0
        if all(p.poll() is not None for p in services.workers):
            print("keystage: every worker exited with checks still queued", flush=True)
            return waiting
        if time.monotonic() > deadline:
            print(f"keystage: timed out after {timeout:.0f} s", flush=True)
            return waiting
        if time.monotonic() - said > PROGRESS_EVERY_S:
            print(f"  ... {done:,} files checked, {waiting:,} to go", flush=True)
            said = time.monotonic()
        watch.sample()
        analyzer.tick()
        time.sleep(0.5)


def outcome(workers: int, left: int, peaks: list[float], before: str, after: str) -> Drained:
    from django.db.models import Count, Max, Min, Sum
    from django_tasks_db.models import DBTaskResult

    from keystage.web.models import FindingRecord, Submission

    tasks = DBTaskResult.objects.filter(task_path=CHECK_TASK, finished_at__isnull=False)
    span = tasks.aggregate(first=Min("started_at"), last=Max("finished_at"))
    seconds = (span["last"] - span["first"]).total_seconds() if span["first"] else math.nan
    per_file = [
        (finished - started).total_seconds() * 1000
        for started, finished in tasks.values_list("started_at", "finished_at")
        if started and finished
    ]
    versions = Submission.objects.filter(status__in=["checked", "refused"])
    failed = DBTaskResult.objects.filter(task_path=CHECK_TASK, status="FAILED")
    # On current versions only: what every school sees at the end, the same whatever the
    # number of workers unless a store missed another (an older version's own findings depend
    # on what was current when it was checked, which the order of checking changes).
    current = FindingRecord.objects.filter(submission__is_current=True)
    findings = dict(current.values_list("code").annotate(n=Count("id")).values_list("code", "n"))
    return Drained(
        workers=workers,
        files=versions.count(),
        pupils=versions.aggregate(n=Sum("pupils"))["n"] or 0,
        refused=versions.filter(status="refused").count(),
        failed=failed.count(),
        left=left,
        seconds=seconds,
        per_file_ms=per_file,
        peaks_mb=peaks,
        findings=findings,
        load_before=before,
        load_after=after,
        failure=failed.values_list("traceback", flat=True).first() or "",
    )


# -- Where the time goes: query plans and a profile ----------------------------------------------


def explain_queries() -> list[str]:
    """Every query one real check makes, with the pupils table full, and the plan PostgreSQL
    chose for each read: a version sharing a pupil with another school (so the cross-school
    queries find something) is checked again inside a transaction that is rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from keystage.web.models import PupilRecord, Submission
    from keystage.web.submissions.processing import check_submission

    version = sample_version()
    if version is None:
        return ["  (no current version to check again)"]
    lines = [f"  {PupilRecord.objects.count():,} pupil records in the table; version "
             f"{version.pk} ({version.pupils} pupils) checked again:"]  # fmt: skip
    with transaction.atomic():
        Submission.objects.filter(pk=version.pk).update(status="received")
        with CaptureQueriesContext(connection) as captured:
            check_submission(version.pk)
        lines += [plan_line(connection, q["sql"], float(q["time"])) for q in captured]
        transaction.set_rollback(True)
    return lines


def sample_version() -> Any:
    from keystage.web.models import Submission

    current = Submission.objects.filter(is_current=True, status="checked")
    shared = current.filter(finding_set__code="PUPIL-OTHER-SCHOOL").order_by("pk").first()
    return shared or current.order_by("pk").first()


BIG_TABLES = ("portal_pupilrecord", "portal_findingrecord", "portal_submission")


def plan_line(connection: Any, sql: str, seconds: float) -> str:
    """The query's time, and for a read its plan's scans, with a warning for a sequential
    scan of a table that grows with the country."""
    said = f"    {seconds * 1000:7.1f} ms  {' '.join(sql.split())[:110]}"
    if not sql.lstrip().upper().startswith("SELECT"):
        return said
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
    scans = [" ".join(n.split("(cost")[0].split()) for n in plan if "Scan" in n]
    sequential = [n for n in scans if n.startswith("-> Seq Scan") or n.startswith("Seq Scan")]
    warning = any(t in n for n in sequential for t in BIG_TABLES)
    took = next((n.split(":")[1].strip() for n in plan if n.startswith("Execution Time")), "?")
    flag = "  <- SEQUENTIAL SCAN of a big table" if warning else ""
    return f"{said}\n      plan ({took}): {'; '.join(scans) or 'no scan'}{flag}"


def profile(site: Site, files: int) -> list[str]:
    """Re-checks the last `files` versions in one worker under cProfile, with the pupils table
    full: their pupils and findings are dropped, their checks queued again."""
    requeue(files)
    out = site.logs / "worker.prof"
    code = (
        "import cProfile, django; django.setup()\n"
        "from django.core.management import call_command\n"
        f'cProfile.run(\'call_command("db_worker", batch=True, interval=0, '
        f'startup_delay=False, worker_id="profiled")\', {str(out)!r})\n'
    )
    log = site.logs / "profile.log"
    with log.open("ab") as sink:
        done = subprocess.run(
            [sys.executable, "-c", code], env=site.env, stdout=sink, stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
    if done.returncode != 0:
        return [f"  the profiled worker failed:\n{logs_tail(site)}"]
    return top_functions(out)


def requeue(files: int) -> None:
    """The last versions checked back to "received", their rows gone, their checks queued."""
    from django.db import transaction

    from keystage.web.models import FindingRecord, PupilRecord, Submission
    from keystage.web.submissions.tasks import check_upload

    chosen = list(Submission.objects.filter(status="checked").order_by("-checked_at")[:files])
    with transaction.atomic():
        ids = [v.pk for v in chosen]
        PupilRecord.objects.filter(submission__in=ids).delete()
        FindingRecord.objects.filter(submission__in=ids).delete()
        Submission.objects.filter(pk__in=ids).update(
            status="received", is_current=False, checked_at=None, pupils=0
        )
        for version in chosen:
            check_upload.enqueue(version.pk)


PHASES = (
    ("the task, all of it (claim to result stored)", "db_worker.py", "run_task"),
    ("  check_submission", "processing.py", "check_submission"),
    ("    reading and checking the file (core)", "processing.py", "_read_and_check"),
    ("      the core's rules and reader", "engine.py", "run_checks"),
    ("    storing (one transaction, its pupils locked)", "processing.py", "_store"),
    ("      cross-school: this version's findings", "cross_school.py", "findings_for"),
    ("      cross-school: queries owed to later files", "cross_school.py", "put_owed"),
    ("      inserting rows (bulk_create)", "query.py", "bulk_create"),
    ("  waiting on PostgreSQL (all queries)", "connection.py", "wait"),
)


def top_functions(path: Path, count: int = 25) -> list[str]:
    """Where the time went by phase (cumulative, so phases nest), then the top functions."""
    stats = pstats.Stats(str(path), stream=io.StringIO())
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max((row[3] for row in table.values()), default=0.0)
    lines = [f"  by phase (of {total:.1f} s under the profiler):"]
    for label, file, function in PHASES:
        seconds = sum(
            row[3] for (name, _, func), row in table.items()
            if name.endswith(file) and func == function
        )  # fmt: skip
        lines.append(f"    {label:<52} {seconds:7.2f} s  {seconds / total:5.0%}")
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(str(path), stream=text).strip_dirs().sort_stats(order).print_stats(count)
        body = text.getvalue().splitlines()
        start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
        lines.append(f"  by {order}:")
        lines += [f"    {line}" for line in body[start:] if line.strip()]
    return lines


# -- Figures -------------------------------------------------------------------------------------


def report(
    plan: Plan, files: Corpus, ingest_s: float, runs: list[Drained], analyzer: Analyzer
) -> None:
    print(
        f"\nNational benchmark: PostgreSQL, {files.schools:,} schools in "
        f"{len(plan.las())} LAs, {files.files:,} KS1 files and {files.resent:,} second "
        f"versions, {files.pupils:,} pupils in first versions"
    )
    from keystage.web.models import Submission

    stored, sent = Submission.objects.count(), files.files + files.resent
    print(
        f"  {stored:,} of {sent:,} files stored and queued by importctf in {ingest_s:.0f} s"
        " (not part of the figures)"
    )
    print(f"  PostgreSQL: {server_settings()}")
    if analyzer.every:
        print(
            f"  (autovacuum is off: ANALYZE ran every {analyzer.every:.0f} s instead, "
            f"{analyzer.runs} times in all, as autovacuum would keep the statistics)"
        )
    base = next((r for r in runs if r.workers == min(x.workers for x in runs)), None)
    cores = os.cpu_count() or 1
    header = "workers  files   pupils      seconds  pupils/s  efficiency  per file p50/p95 ms"
    print(f"  {header}  peak RSS MB per worker")
    for run in runs:
        print("  " + run_line(run, base, cores))
    for run in runs:
        cores_used = run.cpu_s / run.seconds if run.seconds > 0 else math.nan
        print(
            f"  {run.workers} worker(s): CPU: workers {run.cpu_s:.0f} s ({cores_used:.2f} of a "
            f"core on average), PostgreSQL {run.database_cpu_s:.0f} s; "
            f"{run.cpu_ms_a_pupil:.2f} ms a pupil, so at most "
            f"{cores * 1000 / run.cpu_ms_a_pupil:,.0f} pupils/s on {cores} idle cores\n"
            f"    busy database sessions waiting for a lock: {run.lock_waits:.0%} of samples\n"
            f"    before: {run.load_before}; after: {run.load_after}"
        )
    for run in runs:
        found = ", ".join(f"{code} {n:,}" for code, n in sorted(run.findings.items()))
        print(f"  findings on current versions with {run.workers} worker(s): {found or 'none'}")
        if run.failure:
            print(f"  first failed check:\n{run.failure}")
    targets(runs, cores)


def server_settings() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        said = [version]
        for name in ("autovacuum", "shared_buffers", "synchronous_commit"):
            cursor.execute(f"SHOW {name}")  # names are ours
            said.append(f"{name} {cursor.fetchone()[0]}")
    return ", ".join(said)


def run_line(run: Drained, base: Drained | None, cores: int) -> str:
    efficiency = math.nan
    if base is not None and base.rate > 0:
        efficiency = run.rate / (run.workers / base.workers * base.rate)
    more = " (more than the cores)" if run.workers > cores else ""
    peaks = " ".join(f"{p:.0f}" for p in run.peaks_mb)
    unchecked = f"  {run.left:,} NOT CHECKED" if run.left else ""
    return (
        f"{run.workers:>7}  {run.files:>6,}  {run.pupils:>9,}  {run.seconds:>9.1f}  "
        f"{run.rate:>8,.0f}  {efficiency:>10.2f}  "
        f"{percentile(run.per_file_ms, 50):>8.0f} / {percentile(run.per_file_ms, 95):<6.0f}"
        f"  {peaks}{more}{unchecked}"
    )


def targets(runs: list[Drained], cores: int) -> None:
    print("Targets")
    at_cores = [r for r in runs if r.workers <= cores]
    best = max(at_cores or runs, key=lambda r: r.rate)
    england = ENGLAND_PUPILS / best.rate if best.rate > 0 else math.inf
    ok = england < ENGLAND_TARGET_S and best.left == 0 and best.failed == 0
    print(
        f"  England ({ENGLAND_PUPILS:,} pupils) in under {ENGLAND_TARGET_S / 60:.0f} min on "
        f"{cores} cores: {england / 60:.1f} min at {best.rate:,.0f} pupils/s with "
        f"{best.workers} worker(s)  {'PASS' if ok else 'MISS'}"
    )
    rising = sorted(at_cores, key=lambda r: r.workers)
    grows = all(b.rate > a.rate for a, b in itertools.pairwise(rising))
    rates = " < ".join(f"{r.rate:,.0f} ({r.workers})" for r in rising)
    print(f"  throughput grows with workers up to {cores}: {rates}  {'PASS' if grows else 'MISS'}")
    lost = sum(r.left + r.failed for r in runs)
    print(f"  every file checked, no check failed: {lost} not  {'PASS' if not lost else 'MISS'}")
    same = all(r.findings == runs[0].findings for r in runs)
    said = "PASS" if same else "MISS"
    print(f"  the same findings on current versions whatever the workers  {said}")


# -- The run -------------------------------------------------------------------------------------


def worker_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give worker counts like 1,2,4")
    return counts


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="A synthetic England KS1 year checked by 1, 2 and 4 task workers."
    )
    parser.add_argument("--schools", type=int, default=16_500)
    parser.add_argument("--pupils-per-school", type=int, default=36)
    parser.add_argument("--workers", type=worker_counts, default=[1, 2, 4])
    parser.add_argument("--per-la", type=int, default=150, help="schools in each synthetic LA")
    parser.add_argument("--resend", type=float, default=0.03, help="share sending a 2nd version")
    parser.add_argument("--shared", type=float, default=0.002, help="share of pupils in 2 schools")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--importers", type=int, default=2, help="importctf processes")
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="re-check the last K files in one worker under cProfile")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=0, help="seconds per worker count")
    parser.add_argument("--analyze-every", type=float, default=60.0, metavar="SECONDS",
                        help="ANALYZE this often without autovacuum (0: never)")  # fmt: skip
    parser.add_argument("--database", default="keystage_bench_national")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench-cache")
    parser.add_argument("--keep", action="store_true", help="keep the databases and data folder")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, site: Site) -> None:
    plan = Plan(
        args.schools, args.pupils_per_school, args.per_la, args.resend, args.shared, args.seed
    )
    files = corpus(plan, args.cache)
    template = f"{args.database}_ready"
    recreate_database(args.database)
    print(f"keystage: storing {files.files + files.resent:,} files ({machine()}) ...", flush=True)
    ingest_s = prepare(site, files, args.importers)
    release_database()
    recreate_database(template, template=args.database)
    timeout = args.timeout or max(600.0, files.pupils / 50)
    analyzer = Analyzer(0.0 if autovacuum_on() else args.analyze_every)
    runs: list[Drained] = []
    for number, workers in enumerate(args.workers):
        if number:
            release_database()
            recreate_database(args.database, template=template)
        print(f"keystage: checking with {workers} worker(s) ({machine()}) ...", flush=True)
        runs.append(drain(site, workers, timeout, analyzer))
    report(plan, files, ingest_s, runs, analyzer)
    print("One check's queries and their plans, with the pupils table full")
    for line in explain_queries():
        print(line)
    if args.profile:
        print(f"Profile: the last {args.profile} files re-checked by one worker under cProfile")
        for line in profile(site, args.profile):
            print(line)
    for said in tracebacks(site):
        print(said)


def main(argv: Sequence[str] | None = None) -> int:
    args = options(argv)
    databases = [args.database, f"{args.database}_ready"]
    return run_benchmark("national", databases, args.keep, lambda site: measure(args, site))


if __name__ == "__main__":
    sys.exit(main())
