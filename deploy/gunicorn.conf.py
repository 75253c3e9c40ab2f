"""gunicorn's settings for Keystage in production (docs/production.md).

    gunicorn --config deploy/gunicorn.conf.py keystage.web.wsgi:application

Sizes come from the environment, so one file serves every host; the command line wins over
it. Logs are JSON lines like the application's own: gunicorn's on standard error; its access
log is off by default because the application already logs each request (with the user and
the request id), and KEYSTAGE_GUNICORN_ACCESS_LOG=1 adds gunicorn's line on standard output.
"""

import os

from keystage.web.common.logs import JsonFormatter

bind = os.environ.get("KEYSTAGE_BIND", "127.0.0.1:8000")
# Threads, not more processes: pages wait on the database, and each process holds the app.
worker_class = "gthread"
workers = int(os.environ.get("KEYSTAGE_WEB_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("KEYSTAGE_WEB_THREADS", "4"))
timeout = int(os.environ.get("KEYSTAGE_WEB_TIMEOUT", "60"))  # a stuck worker is restarted
graceful_timeout = 30  # a restart lets uploads in flight finish
keepalive = 5  # behind the proxy, which keeps its own connections to browsers
# A fresh process now and then bounds any slow growth in memory.
max_requests = 5000
max_requests_jitter = 500
# Headers larger than these are refused before the application sees the request.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Only the local proxy's X-Forwarded-* headers are believed (a list of addresses, or *).
forwarded_allow_ips = os.environ.get("KEYSTAGE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat files: in memory, as a slow or full disk must not make workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108, PTH112
control_socket_disable = True  # systemd's signals (HUP, TTIN, TTOU) manage it instead

accesslog = "-" if os.environ.get("KEYSTAGE_GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
access_log_format = '%(m)s %(U)s %(s)s %(M)sms request_id=%({x-request-id}o)s'


class GunicornJsonFormatter(JsonFormatter):
    """gunicorn's access lines as JSON with their fields, from the atoms it passes as args."""

    def format(self, record):  # type: ignore[no-untyped-def]
        atoms = record.args
        if record.name == "gunicorn.access" and isinstance(atoms, dict):
            record.method = atoms["m"]
            record.path = atoms["U"]
            record.status = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
            record.duration_ms = atoms["M"]
            record.request_id = atoms["{x-request-id}o"]
            record.remote = atoms["h"]
        return super().format(record)


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": GunicornJsonFormatter}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json",
                   "stream": "ext://sys.stderr"},
        "stdout": {"class": "logging.StreamHandler", "formatter": "json",
                   "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if accesslog else "CRITICAL",
            "handlers": ["stdout"],
            "propagate": False,
        },
    },
}
