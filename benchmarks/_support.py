"""What the benchmarks that run the production set-up share: a data folder and a PostgreSQL
database of their own, the keystage command line, gunicorn and task workers on loopback, plain
HTTP requests and percentiles.

Benchmarks run as scripts (`python benchmarks/upload.py`), so this module is imported as
`_support` from the benchmarks folder, which Python puts first on the path.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
HEALTH_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
KEYSTAGE = [sys.executable, "-m", "keystage.cli"]
WSGI_APP = "keystage.web.wsgi:application"
ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


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


def make_site(tmp: Path, database: str | None) -> Site:
    """A data folder and log folder under `tmp`; `database` names a PostgreSQL database (None:
    the embedded SQLite in the data folder). The environment is ours alone: no KEYSTAGE_ or
    DJANGO_ setting of the caller's leaks in."""
    data, logs = tmp / "data", tmp / "logs"
    data.mkdir(exist_ok=True)
    logs.mkdir(exist_ok=True)
    url = f"{PG_SERVER}/{database}" if database else None
    site = Site(data=data, database_url=url, logs=logs)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    for name in ("DATABASE_URL", "EMAIL_URL"):
        env.pop(name, None)
    env |= {
        "KEYSTAGE_DATA": str(data),
        "KEYSTAGE_SECRET_KEY": secrets.token_urlsafe(50),
        "KEYSTAGE_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "keystage.web.settings",
        "PYTHONUNBUFFERED": "1",
    }
    if url:
        env["DATABASE_URL"] = url
    site.env = env
    return site


def admin_sql(*statements: str) -> None:
    """Runs statements on the server's maintenance database (creating and dropping ours)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # names are ours, never input


def recreate_database(name: str, template: str | None = None) -> None:
    copy = f" TEMPLATE {template}" if template else ""
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}{copy}")


def drop_database(name: str) -> None:
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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


def migrate(site: Site) -> None:
    keystage(site, "manage", "--data", str(site.data), "migrate", "--verbosity", "0")
    keystage(site, "manage", "--data", str(site.data), "createcachetable")


def setup_django(site: Site) -> None:
    """Django in this process, on the site's database and data folder."""
    os.environ.update(site.env)
    import django

    django.setup()


def release_database() -> None:
    """Closes this process's connections, so the database can be dropped or copied."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


# -- Serving: gunicorn and the task workers ------------------------------------------------------


@dataclass
class Services:
    base: str
    web: subprocess.Popen[bytes] | None
    workers: list[subprocess.Popen[bytes]]

    @property
    def all(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in (self.web, *self.workers) if p is not None]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spawn(site: Site, name: str, command: list[str]) -> subprocess.Popen[bytes]:
    with (site.logs / f"{name}.log").open("ab") as out:
        return subprocess.Popen(command, env=site.env, stdout=out, stderr=subprocess.STDOUT)


def gunicorn_command(port: int, web_workers: int, threads: int, conf: bool) -> list[str]:
    """gunicorn on loopback: with the deployment's settings file when `conf` and there is one
    (the command line wins over it for the address and the sizes), else gthread as deployed."""
    settings = ["--config", str(GUNICORN_CONF)] if conf and GUNICORN_CONF.exists() else []
    # No control socket: gunicorn's default path is shared by every server on the machine.
    options = (
        f"--bind 127.0.0.1:{port} --workers {web_workers} --worker-class gthread"
        f" --threads {threads} --timeout 120 --graceful-timeout 10 --no-control-socket"
    )
    return [sys.executable, "-m", "gunicorn", *settings, WSGI_APP, *options.split()]


def start_web(
    site: Site, web_workers: int, threads: int = 4, conf: bool = False, port: int | None = None
) -> Services:
    port = port or free_port()
    web = spawn(site, "gunicorn", gunicorn_command(port, web_workers, threads, conf))
    return Services(base=f"127.0.0.1:{port}", web=web, workers=[])


def start_workers(site: Site, services: Services, workers: int) -> None:
    services.workers += [
        spawn(site, f"worker-w{n}", worker_command(site, n)) for n in range(1, workers + 1)
    ]


def start(site: Site, web_workers: int, workers: int, threads: int = 4) -> Services:
    """gunicorn (gthread) and the task workers, logging to the log folder."""
    services = start_web(site, web_workers, threads)
    start_workers(site, services, workers)
    return services


def worker_command(site: Site, number: int) -> list[str]:
    polling = f"--interval 0.2 --worker-id w{number}".split()
    return [*KEYSTAGE, "worker", "--data", str(site.data), *polling]


def wait_healthy(services: Services, site: Site) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        dead = [p for p in services.all if p.poll() is not None]
        if dead:
            said = f"a process exited at start-up: {dead[0].args!r}"
            raise RuntimeError(f"{said}\n{logs_tail(site)}")
        try:
            status, body, _ = request(services.base, "GET", "/health")
        except (OSError, http.client.HTTPException):
            status, body = 0, b""
        if status == 200 and healthy(body):
            return
        time.sleep(0.2)
    raise RuntimeError(f"/health did not answer ok in {HEALTH_TIMEOUT_S:.0f} s\n{logs_tail(site)}")


def healthy(body: bytes) -> bool:
    """/health's answer: "ok", or JSON with "status": "ok"."""
    if body.strip() == b"ok":
        return True
    try:
        said = json.loads(body)
    except ValueError:
        return False
    return isinstance(said, dict) and said.get("status") == "ok"


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


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (VmHWM), in MB; nan when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return math.nan
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def cpu_seconds(pid: int) -> float:
    """A live process's CPU time so far (user and system), in seconds; nan when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def logs_tail(site: Site) -> str:
    return "\n".join(f"--- {log.name}\n{tail(log)}" for log in sorted(site.logs.glob("*.log")))


def tracebacks(site: Site) -> list[str]:
    """One line per log with tracebacks in it, and the first of them."""
    found = []
    for log in sorted(site.logs.glob("*.log")):
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            first = text[text.index("Traceback") :].split("\n\n")[0]
            count = text.count("Traceback")
            found.append(f"  {count} traceback(s) in {log.name}; the first:\n{first}")
    return found


# -- HTTP ----------------------------------------------------------------------------------------


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


# -- Figures -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def machine() -> str:
    """The CPUs and how busy they were: other work on the machine skews every figure."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs; load average {one:.1f} (1 min), {five:.1f} (5 min)"


def open_ks1_window(
    deadline_in_days: int, closes_in_days: int, academic_year: str | None = None
) -> int:
    """A KS1 collection window, opened 30 days ago, of `academic_year` (the year the synthetic
    files are written for; default this year's code table); its id."""
    import datetime as dt

    from django.utils import timezone

    from keystage.validate import default_codeset
    from keystage.web.models import Collection

    today = timezone.localdate()
    window = Collection.objects.create(
        kind="KS1",
        academic_year=academic_year or default_codeset().academic_year,
        opens=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=deadline_in_days),
        closes=today + dt.timedelta(days=closes_in_days),
    )
    return int(window.pk)


def run_benchmark(
    name: str, databases: Sequence[str], keep: bool, measure: Callable[[Site], None]
) -> int:
    """A benchmark's outer shell: a data folder and a site on the first of `databases` (none:
    SQLite), `measure`, and everything it made removed unless `keep`. Exit status 0 whatever the
    figures, 1 when the benchmark could not run."""
    # Stopped with kill: leave through the finally block, which stops what was started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix=f"keystage-bench-{name}-"))
    site = make_site(tmp, databases[0] if databases else None)
    try:
        measure(site)
    except Exception:
        traceback.print_exc()
        print(f"keystage: the benchmark could not run\n{logs_tail(site)}", file=sys.stderr)
        return 1
    finally:
        release_database()
        if keep:
            kept = f"databases {', '.join(databases)} and " if databases else ""
            print(f"keystage: kept {kept}{tmp}")
        else:
            for database in databases:
                drop_database(database)
            shutil.rmtree(tmp, ignore_errors=True)
    return 0
