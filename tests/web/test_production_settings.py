"""Production settings: Django's deployment checks pass, https is enforced (but the health
check answers over http), debug is refused, and stored files go to a shared folder or to
object storage."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from front_door_support import CSP


def _run_django(env: dict[str, str], code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    clean |= {
        "KEYSTAGE_DATA": str(tmp_path / "data"),
        "KEYSTAGE_SECRET_KEY": "k" * 20 + "-production-like-secret-for-this-test-only-0123456789",
        "DJANGO_SETTINGS_MODULE": "keystage.web.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "KEYSTAGE_BASE_URL": "https://keystage.example.gov.uk",
    "KEYSTAGE_HOSTS": "keystage.example.gov.uk",
    "KEYSTAGE_BEHIND_PROXY": "1",
    "EMAIL_URL": "smtp+tls://keystage:secret@mail.example.gov.uk:587",
}


def test_production_passes_djangos_deployment_checks(tmp_path: Path) -> None:
    done = _run_django(
        PRODUCTION,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


PROBE = """
import json, django
django.setup()
from django.test import Client
c = Client(HTTP_HOST="keystage.example.gov.uk")
out = {}
secure = c.get("/nowhere/", HTTP_X_FORWARDED_PROTO="https")
out["secure"] = {"status": secure.status_code, "hsts": secure.get("Strict-Transport-Security"),
                 "csp": secure.get("Content-Security-Policy")}
plain = c.get("/accounts/login/")
out["plain"] = {"status": plain.status_code, "location": plain.get("Location")}
health = c.get("/health")
out["health"] = {"status": health.status_code}
from django.conf import settings
out["cookies"] = [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]
print(json.dumps(out))
"""


def test_production_is_strict_and_health_stays_on_http(tmp_path: Path) -> None:
    done = _run_django(PRODUCTION, PROBE, tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["secure"] == {
        "status": 404,
        "hsts": "max-age=31536000; includeSubDomains",
        "csp": CSP,
    }
    assert seen["plain"] == {
        "status": 301,
        "location": "https://keystage.example.gov.uk/accounts/login/",
    }
    assert seen["health"]["status"] in (200, 503)  # answered over http, not redirected
    assert seen["cookies"] == [True, True]


def test_production_refuses_debug(tmp_path: Path) -> None:
    done = _run_django(
        {**PRODUCTION, "KEYSTAGE_DEBUG": "1", "KEYSTAGE_ENV": "production"},
        "import django; django.setup()",
        tmp_path,
    )
    assert done.returncode != 0 and "unset it in production" in done.stderr


# -- Where stored files go ----------------------------------------------------------------------

STORAGE_PROBE = (
    "import django; django.setup(); from django.core.files.storage import default_storage as s; "
    "s._setup(); w = s._wrapped; print(type(w).__name__, getattr(w, 'location', ''), "
    "getattr(w, 'bucket_name', ''), getattr(w, 'endpoint_url', ''))"
)


def test_files_go_to_a_shared_folder_or_to_object_storage(tmp_path: Path) -> None:
    shared = tmp_path / "shared-files"
    folder = _run_django({"KEYSTAGE_FILES": str(shared)}, STORAGE_PROBE, tmp_path)
    assert folder.stdout.split()[:2] == ["FileSystemStorage", str(shared)], folder.stderr
    s3 = {
        "KEYSTAGE_STORAGE": "s3",
        "KEYSTAGE_S3_BUCKET": "keystage-files",
        "KEYSTAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "KEYSTAGE_S3_PREFIX": "la330",
    }
    bucket = _run_django(s3, STORAGE_PROBE, tmp_path)
    if importlib.util.find_spec("storages") is None:  # the default install: no boto3
        assert bucket.returncode != 0
        assert "KEYSTAGE_STORAGE=s3 needs django-storages: pip install 'keystage[s3]'" in (
            bucket.stderr
        )
    else:
        assert bucket.stdout.split() == [
            "S3Storage", "la330", "keystage-files", "http://127.0.0.1:9"
        ], bucket.stderr  # fmt: skip
    wrong = _run_django({"KEYSTAGE_STORAGE": "nfs"}, STORAGE_PROBE, tmp_path)
    assert wrong.returncode != 0 and "set it to local or s3" in wrong.stderr
