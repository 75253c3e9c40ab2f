"""Load benchmark: deadline day. 100 head teachers sign in, look round, upload their KS1 CTF,
wait for the check, read the findings, answer any queries, sign the confirmation form and go
home, all at once, against the production set-up on loopback.

    .venv/bin/python benchmarks/load.py [--users 100] [--duration 300] [--think 2.0]
        [--ramp 60] [--web-workers 2] [--threads 4] [--workers 2] [--keep]

It makes a fresh database (keystage_bench_load on 127.0.0.1:5432, user postgres) and a
temporary data folder, writes a clean synthetic LA (keystage.synth, KS1, no planted defects),
loads the schools, gives each a head teacher with a password and opens a KS1 collection whose
deadline is today. The few schools beyond the users sent their files earlier (checked before
the users start), and every tenth user's file also holds one of their pupils, so that user
has a PUPIL-OTHER-SCHOOL query to answer before signing. It starts gunicorn as deployed
(deploy/gunicorn.conf.py when there is one: gthread, `--web-workers` processes x `--threads`
threads) in production mode behind a pretend proxy (X-Forwarded-Proto: https), and
`--workers` task workers.

Each simulated user is a thread with its own cookies, a new connection a request, and a think
time of about `--think` seconds between pages; users start spread over `--ramp` seconds. A
user: GET the sign-in page, POST it (the CSRF token from the form), the home page, the
collection page, POST the file, the version's page, the status every 2 s (as the page's script
does) until checked, the findings again, POST an answer to each query, the confirmation form
and POST it (the password again), the collection page it lands on, and home. Every fourth user
also downloads the findings CSV. A user stops where it is when `--duration` seconds have passed.

Prints requests per second overall, p50/p95/p99/max by page (route name), errors (a status
outside 2xx/3xx, a redirect to the wrong place, or a page showing an error summary: must be
0), the journeys completed and signatures stored, and the processing lag (the file accepted to
its check finished) p50/p95/max. Every sign-in and signature checks a password (PBKDF2, about
0.6 s of CPU each): with many users at once that CPU bounds the latencies. Benchmarks print
figures: it exits 0 whether or not targets are met, and non-zero only when it could not run.
--keep leaves the database and data folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import math
import random
import re
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from _support import (
    Services,
    Site,
    free_port,
    keystage,
    machine,
    migrate,
    multipart,
    open_ks1_window,
    percentile,
    recreate_database,
    release_database,
    run_benchmark,
    setup_django,
    start_web,
    start_workers,
    stop,
    tracebacks,
    wait_healthy,
)

COLLECTION = "KS1"
POLL_S = 2.0  # what the version page's script waits between asking
FIRST_POLL_S = 1.0
CSV_EVERY = 4  # every fourth user downloads the findings CSV
SHARED_EVERY = 10  # every tenth user's file shares a pupil with a school that sent earlier
TIMEOUT_S = 120.0
ANSWER = "The pupil joined us in March; we have told the other school."
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_QUERY = re.compile(
    r'name="upn" value="([^"]*)">\s*<input type="hidden" name="code" value="([^"]+)"'
)
_SUBMISSION = re.compile(r"^/files/(\d+)/$")


# -- Setting up: the LA, heads with passwords, a collection due today ---------------------------


@dataclass(frozen=True)
class Head:
    urn: str
    laestab: str
    file: Path


def write_la(site: Site, schools: int) -> Path:
    la = site.data.parent / "la"
    synth = f"--la 330 --schools {schools} --collection {COLLECTION} --seed 1".split()
    keystage(site, "synth", *synth, "--out", str(la))
    return la


def seed(site: Site, la: Path, password: str, users: int) -> tuple[int, list[Head]]:
    """The schools, their heads and the collection, in this process (the servers are starting
    meanwhile). Schools beyond the users have sent their file already; every SHARED_EVERY-th
    user's file also holds one of their pupils, so that user has a PUPIL-OTHER-SCHOOL query to
    answer before signing. Returns the collection's id and the users' heads and files."""
    setup_django(site)
    from django.core.management import call_command

    call_command("loadschools", str(la / "schools.csv"), stdout=io.StringIO())
    collection_id = open_ks1_window(deadline_in_days=0, closes_in_days=14)  # deadline today
    urns = make_heads(password)
    heads = [
        Head(urn=urns[path.name[:7]], laestab=path.name[:7], file=path)
        for path in sorted((la / COLLECTION).glob("*.xml"))
    ]
    on, early = heads[:users], heads[users:]
    send_early(collection_id, early)
    shared = share_pupils(on, early, la / "uploads")
    release_database()
    return collection_id, shared


def send_early(collection_id: int, heads: list[Head]) -> None:
    """The schools that are not users sent their files before today: stored and queued (the
    workers check them before the users start)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.web.models import Collection, School
    from keystage.web.submissions.uploads import receive

    window = Collection.objects.get(pk=collection_id)
    for head in heads:
        upload = SimpleUploadedFile(head.file.name, head.file.read_bytes(), "application/xml")
        school = School.objects.get(laestab=head.laestab)
        receive(school=school, collection=window, upload=upload, user=None, channel="la")


def share_pupils(users: list[Head], early: list[Head], folder: Path) -> list[Head]:
    """Every SHARED_EVERY-th user's file with one more pupil: one an early school sent."""
    from keystage.ctf.reader import read_all
    from keystage.ctf.writer import write_ctf

    donors = [read_all(h.file)[1][0] for h in early]
    if not donors:
        return users
    folder.mkdir(exist_ok=True)
    changed = []
    for number, head in enumerate(users):
        if number % SHARED_EVERY:
            changed.append(head)
            continue
        header, pupils = read_all(head.file)
        moved = donors[(number // SHARED_EVERY) % len(donors)]
        write_ctf(header, [*pupils, moved], folder / head.file.name)
        changed.append(Head(head.urn, head.laestab, folder / head.file.name))
    return changed


def make_heads(password: str) -> dict[str, str]:
    """A head teacher a school, signing in with the school's URN; their URNs by LAESTAB."""
    from django.contrib.auth.hashers import make_password

    from keystage.web.models import School, User

    hashed = make_password(password)  # hashed once: hashing is slow, and the same for all
    schools = list(School.objects.all())
    User.objects.bulk_create(
        User(
            username=s.urn,
            role="head",
            school=s,
            password=hashed,
            first_name="Head",
            last_name=s.name[:100],
            email=f"head.{s.urn}@example.sch.uk",
        )
        for s in schools
    )
    return {s.laestab: s.urn for s in schools}


def production_env(site: Site, address: str) -> None:
    """Production mode behind a proxy that terminates TLS: the proxy is pretended by sending
    X-Forwarded-Proto: https from loopback, so cookies, CSRF and redirects are as deployed."""
    site.env |= {
        "KEYSTAGE_ENV": "production",
        "KEYSTAGE_BASE_URL": f"https://{address}",
        "KEYSTAGE_BEHIND_PROXY": "1",
        "KEYSTAGE_SSL_REDIRECT": "1",
        "KEYSTAGE_HSTS_SECONDS": "0",
    }


# -- A simulated user ------------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    status: int
    ms: float
    problem: str = ""


@dataclass
class Visitor:
    """One head teacher's browser: cookies, the pages seen, what went wrong."""

    base: str
    head: Head
    password: str
    collection_id: int
    think: float
    stop_at: float
    samples: list[Sample] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    submission: int | None = None
    accepted_at: dt.datetime | None = None
    finished: bool = False

    # -- HTTP, as a browser behind the proxy does it

    def send(
        self, page: str, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, str, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.base}{path}",  # what the CSRF check wants over https
            "Accept": "text/html,application/json",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.base, timeout=TIMEOUT_S)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            status, location = response.status, response.getheader("Location", "")
            for value in response.headers.get_all("Set-Cookie") or []:
                self.keep_cookie(value)
        except (OSError, http.client.HTTPException) as problem:
            status, text, location = 0, repr(problem), ""
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        sample = Sample(page, status, ms, judge(status, text))
        self.samples.append(sample)
        return status, text, urlsplit(location).path if location else ""

    def keep_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def expect(self, where: str, wanted: str | re.Pattern[str]) -> bool:
        """A redirect went where it should; otherwise the last sample is an error."""
        ok = where == wanted if isinstance(wanted, str) else bool(wanted.match(where))
        if not ok and not self.samples[-1].problem:
            self.samples[-1].problem = f"redirected to {where or 'nowhere'}"
        return ok

    def pause(self) -> bool:
        """A person reading the page; False once the run's time is up."""
        time.sleep(self.think * self.rng.uniform(0.5, 1.5))
        return time.monotonic() < self.stop_at

    def token(self, html: str) -> str:
        found = _CSRF.search(html)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    # -- The journey

    def journey(self) -> None:
        steps = (
            self.sign_in, self.look_round, self.upload, self.wait_checked, self.answer_queries,
            self.sign, self.go_home,
        )  # fmt: skip
        for step in steps:
            if not step() or time.monotonic() >= self.stop_at:
                return
        self.finished = True

    def sign_in(self) -> bool:
        status, html, _ = self.send("account_login", "GET", "/accounts/login/")
        if status != 200:
            return False
        form = {"csrfmiddlewaretoken": self.token(html), "login": self.head.urn,
                "password": self.password}  # fmt: skip
        body = urlencode(form).encode()
        _, _, where = self.send(
            "account_login POST", "POST", "/accounts/login/", body,
            "application/x-www-form-urlencoded",
        )  # fmt: skip
        return self.expect(where, "/") and self.pause()

    def look_round(self) -> bool:
        status, _, _ = self.send("portal:home", "GET", "/")
        if status != 200 or not self.pause():
            return False
        status, _, _ = self.send("portal:collection", "GET", self.collection_path)
        return status == 200 and self.pause()

    @property
    def collection_path(self) -> str:
        return f"/collections/{self.collection_id}/"

    def upload(self) -> bool:
        _, html, _ = self.send("portal:collection", "GET", self.collection_path)
        content = self.head.file.read_bytes()
        body, content_type = multipart(
            {"csrfmiddlewaretoken": self.token(html)}, "file", self.head.file.name, content
        )
        _, _, where = self.send(
            "portal:collection POST (upload)", "POST", self.collection_path, body, content_type
        )
        if not self.expect(where, _SUBMISSION):
            return False
        self.accepted_at = dt.datetime.now(dt.UTC)
        found = _SUBMISSION.match(where)
        assert found is not None
        self.submission = int(found.group(1))
        status, _, _ = self.send("portal:submission", "GET", where)
        return status == 200

    def wait_checked(self) -> bool:
        time.sleep(FIRST_POLL_S)
        path = f"/files/{self.submission}/status/"
        while time.monotonic() < self.stop_at:
            status, text, _ = self.send("portal:status", "GET", path)
            if status != 200:
                return False
            if '"in_progress": false' in text:
                if '"status": "checked"' not in text or '"errors": 0' not in text:
                    self.samples[-1].problem = f"the clean file was not accepted: {text[:120]}"
                    return False
                return True
            time.sleep(POLL_S)
        return False

    def answer_queries(self) -> bool:
        page = f"/files/{self.submission}/"
        status, html, _ = self.send("portal:submission", "GET", page)
        if status != 200 or not self.pause():
            return False
        for upn, code in dict.fromkeys(_QUERY.findall(html)):  # one answer a pupil and query
            form = {"csrfmiddlewaretoken": self.token(html), "upn": upn, "code": code,
                    "text": ANSWER}  # fmt: skip
            _, _, where = self.send(
                "portal:answer POST", "POST", f"/files/{self.submission}/answer/",
                urlencode(form).encode(), "application/x-www-form-urlencoded",
            )  # fmt: skip
            if not self.expect(where, page):
                return False
            status, html, _ = self.send("portal:submission", "GET", page)
            if status != 200 or not self.pause():
                return False
        if self.head_number % CSV_EVERY == 0:
            status, _, _ = self.send(
                "portal:findings_csv", "GET", f"/files/{self.submission}/findings.csv"
            )
            return status == 200 and self.pause()
        return True

    @property
    def head_number(self) -> int:
        return int(self.head.urn)

    def sign(self) -> bool:
        path = f"/collections/{self.collection_id}/confirm/"
        status, html, _ = self.send("portal:confirm", "GET", path)
        if status != 200 or "Sign and submit" not in html:
            self.samples[-1].problem = self.samples[-1].problem or "the form was not offered"
            return False
        if not self.pause():
            return False
        form = {
            "csrfmiddlewaretoken": self.token(html), "signer_name": "Head Teacher",
            "signer_role": "Head teacher", "responsible": "Year 2 teachers: A. Teacher",
            "moderation_done": "on", "outcomes_agreed": "on", "password": self.password,
        }  # fmt: skip
        _, _, where = self.send(
            "portal:confirm POST", "POST", path, urlencode(form).encode(),
            "application/x-www-form-urlencoded",
        )  # fmt: skip
        if not self.expect(where, self.collection_path):
            return False
        status, _, _ = self.send("portal:collection", "GET", self.collection_path)
        return status == 200 and self.pause()

    def go_home(self) -> bool:
        status, _, _ = self.send("portal:home", "GET", "/")
        return status == 200


def judge(status: int, text: str) -> str:
    """What is wrong with a response, or ""."""
    if not 200 <= status < 400:
        return f"HTTP {status}: {' '.join(text[:160].split())}"
    if "govuk-error-summary" in text:
        return "the page shows an error summary"
    return ""


# -- Running the users ---------------------------------------------------------------------------


def run_users(args: argparse.Namespace, base: str, collection_id: int, heads: list[Head],
              password: str) -> tuple[list[Visitor], float]:  # fmt: skip
    users = heads[: args.users]
    stop_at = time.monotonic() + args.duration
    visitors = [
        Visitor(
            base=base,
            head=h,
            password=password,
            collection_id=collection_id,
            think=args.think,
            stop_at=stop_at,
            rng=random.Random(i),
        )
        for i, h in enumerate(users)
    ]
    started = time.perf_counter()

    def one(number: int) -> None:
        time.sleep(args.ramp * number / max(1, len(visitors)))
        try:
            visitors[number].journey()
        except Exception as problem:  # a bug here must show, not hang the pool
            visitors[number].samples.append(Sample("(the simulated user)", 0, 0, repr(problem)))

    with ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        list(pool.map(one, range(len(visitors))))
    return visitors, time.perf_counter() - started


def wait_queue_empty(timeout: float) -> None:
    """The checks of files uploaded just before time ran out, so the lag covers every file."""
    from django.db import close_old_connections

    from keystage.web.models import Submission

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if not Submission.objects.filter(status__in=["received", "checking"]).exists():
            return
        time.sleep(0.5)


def processing_lags() -> list[float]:
    """Seconds from each file accepted to its check finished."""
    from django_tasks_db.models import DBTaskResult

    from keystage.web.models import Submission

    uploads = Submission.objects.filter(channel="portal")  # the users', not those sent earlier
    uploaded = dict(uploads.values_list("pk", "uploaded_at"))
    lags = []
    rows = DBTaskResult.objects.filter(
        task_path__endswith="check_upload", finished_at__isnull=False
    ).values_list("args_kwargs", "finished_at")
    for arguments, finished in rows:
        at = uploaded.get(int(arguments["args"][0]))
        if at is not None and finished is not None:
            lags.append((finished - at).total_seconds())
    return lags


def stored_counts() -> dict[str, int]:
    from keystage.web.models import Answer, Confirmation, Submission

    return {
        "files uploaded": Submission.objects.filter(channel="portal").count(),
        "files checked": Submission.objects.filter(channel="portal", status="checked").count(),
        "sent earlier (not users)": Submission.objects.filter(channel="la").count(),
        "answers stored": Answer.objects.count(),
        "confirmations signed": Confirmation.objects.filter(voided_at__isnull=True).count(),
    }


# -- Figures -------------------------------------------------------------------------------------


def report(args: argparse.Namespace, visitors: list[Visitor], wall: float, lags: list[float],
           counts: dict[str, int], before: str, setup: str) -> int:  # fmt: skip
    samples = [s for v in visitors for s in v.samples]
    errors = [s for s in samples if s.problem]
    print(
        f"\nLoad benchmark: {len(visitors)} users on deadline day, {setup}, "
        f"{args.workers} task workers, PostgreSQL\n  ({before} before the run)"
    )
    print(f"  requests {len(samples):,} in {wall:.1f} s: {len(samples) / wall:.1f} requests/s")
    done = sum(v.finished for v in visitors)
    print(f"  journeys completed {done} of {len(visitors)} (think time ~{args.think:g} s)")
    for label, value in counts.items():
        print(f"  {label:<26} {value}")
    print(f"  {'page':<34} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'errors':>6}")  # fmt: skip
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    for page, rows in sorted(by_page.items()):
        ms = [s.ms for s in rows]
        print(
            f"  {page:<34} {len(rows):>6} {percentile(ms, 50):>8.0f} {percentile(ms, 95):>8.0f}"
            f" {percentile(ms, 99):>8.0f} {max(ms):>8.0f} {sum(1 for s in rows if s.problem):>6}"
        )
    print(
        f"  processing lag (file accepted to checked) p50 / p95 / max: "
        f"{percentile(lags, 50):.1f} / {percentile(lags, 95):.1f} / "
        f"{max(lags, default=math.nan):.1f} s over {len(lags)} files"
    )
    print("Targets")
    print(f"  errors: {len(errors)}  {'PASS' if not errors else 'MISS'}")
    for sample in errors[:10]:
        print(f"    {sample.page}: {sample.problem}")
    return len(errors)


# -- The run -------------------------------------------------------------------------------------


def options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Deadline day: many heads at once.")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds at most")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between pages")
    parser.add_argument("--ramp", type=float, default=60.0, help="seconds to start every user")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads a gunicorn process")
    parser.add_argument("--workers", type=int, default=2, help="task worker processes")
    parser.add_argument("--database", default="keystage_bench_load")
    parser.add_argument("--keep", action="store_true", help="keep the database and data folder")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, site: Site) -> None:
    password = secrets.token_urlsafe(16)
    recreate_database(args.database)
    # More schools than users: some sent their files earlier (one for about every 10 users, to
    # share a pupil with them), and junior schools have no KS1 file.
    schools = args.users + max(2, args.users // 8)
    print(f"keystage: setting up {schools} schools in {site.data.parent} ...", flush=True)
    la = write_la(site, schools)
    migrate(site)
    before = machine()
    services = launch(args, site)
    try:
        collection_id, heads = seed(site, la, password, args.users)
        if len(heads) < args.users:
            print(f"keystage: only {len(heads)} schools have a KS1 file: {len(heads)} users")
        wait_healthy(services, site)
        setup_django(site)
        wait_queue_empty(TIMEOUT_S)  # the early schools' files checked
        release_database()
        print(f"keystage: {min(args.users, len(heads))} users on http://{services.base}/ ...",
              flush=True)  # fmt: skip
        visitors, wall = run_users(args, services.base, collection_id, heads, password)
        setup_django(site)
        wait_queue_empty(TIMEOUT_S)
        lags, counts = processing_lags(), stored_counts()
    finally:
        stop(services)
        release_database()
    setup = f"gunicorn {args.web_workers} x {args.threads} threads (gthread)"
    report(args, visitors, wall, lags, counts, before, setup)
    for said in tracebacks(site):
        print(said)


def launch(args: argparse.Namespace, site: Site) -> Services:
    """gunicorn as deployed, in production mode behind a pretend proxy, and the workers."""
    port = free_port()
    production_env(site, f"127.0.0.1:{port}")
    services = start_web(site, args.web_workers, args.threads, conf=True, port=port)
    start_workers(site, services, args.workers)
    return services


def main(argv: Sequence[str] | None = None) -> int:
    args = options(argv)
    return run_benchmark("load", [args.database], args.keep, lambda site: measure(args, site))


if __name__ == "__main__":
    sys.exit(main())
