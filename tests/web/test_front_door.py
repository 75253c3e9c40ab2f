"""The front door: security headers, uploads refused before they are read, error pages without
internals, the admin behind two-factor sign-in, request ids and JSON log lines."""

from __future__ import annotations

import importlib.util
import inspect
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from portal_support import PASSWORD, ctf_bytes, make_user, run_tasks, signed_in, upload

from keystage.web import urls
from keystage.web.common import logs
from keystage.web.models import Collection, Role, School, Submission, User
from keystage.web.ops import upload_handlers

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "keystage" / "web" / "templates"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
# Inline script or style in markup: a <script> without src, an event handler, a style.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|<style\b|\sstyle\s*=|javascript:", re.I
)


# -- A test-only page that fails, for the 500 page --------------------------------------------


def _fails(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("secret detail: /srv/keystage/settings.py line 42")


urlpatterns = [*urls.urlpatterns, path("test-only/fails/", _fails)]
handler400 = urls.handler400
handler500 = urls.handler500


# -- Headers -------------------------------------------------------------------------------------


def assert_front_door_headers(response: Any) -> None:
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_page_has_every_header(head_a: Client, ks1: Collection) -> None:
    response = head_a.get(f"/collections/{ks1.pk}/")
    assert response.status_code == 200
    assert_front_door_headers(response)
    assert "Strict-Transport-Security" not in response  # http: the embedded default


def test_the_sign_in_page_and_static_files_have_the_headers(client: Client, db: None) -> None:
    assert_front_door_headers(client.get("/accounts/login/"))
    icon = client.get("/static/keystage/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Security-Policy"] == CSP  # an SVG is a document: it gets the policy


@pytest.fixture
def admin_with_totp(db: None) -> User:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = make_user("la.root", Role.LA_ADMIN, is_staff=True, is_superuser=True)
    TOTP.activate(person, generate_totp_secret())
    return person


def test_the_admin_has_the_headers_and_no_inline_script(admin_with_totp: User) -> None:
    admin = signed_in(admin_with_totp)
    for page in ("/admin/", "/admin/portal/school/", "/admin/portal/user/add/"):
        response = admin.get(page)
        assert response.status_code == 200, page
        assert_front_door_headers(response)
        assert not INLINE.findall(response.content.decode()), page


def test_no_template_has_inline_script_or_style() -> None:
    # PDFs (WeasyPrint) and emails are never pages a browser shows under the policy.
    pages = [t for t in TEMPLATES.rglob("*.html") if t.relative_to(TEMPLATES).parts[0] not in
             ("reports", "email")]  # fmt: skip
    found = [
        f"{template.relative_to(TEMPLATES)}: {hit}"
        for template in pages
        for hit in INLINE.findall(template.read_text(encoding="utf-8"))
    ]
    assert len(pages) > 50
    assert found == []
    assert INLINE.search('<p style="color: red">') and INLINE.search("<script>alert(1)</script>")
    assert not INLINE.search('<script type="module" src="/static/x.mjs"></script>')


def test_rendered_pages_have_no_inline_script(head_a: Client, ks1: Collection, db: None) -> None:
    for page in ("/", f"/collections/{ks1.pk}/", "/people/", "/codes/", "/accessibility/"):
        response = head_a.get(page)
        assert response.status_code == 200, page
        assert not INLINE.findall(response.content.decode()), page
    assert not INLINE.findall(Client().get("/accounts/login/").content.decode())
    # The authenticator app's QR code is an inline SVG: drawn with attributes, not styles.
    make_user("new.officer", Role.LA_DATA, email="new.officer@la.example")
    newcomer = Client()  # setting up an app asks for the password again first
    newcomer.post("/accounts/login/", {"login": "new.officer", "password": PASSWORD})
    newcomer.post("/accounts/reauthenticate/", {"password": PASSWORD})
    setup = newcomer.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    assert not INLINE.findall(setup.content.decode())


def test_cookies_work_over_http_in_the_embedded_default(school_a: School) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": school_a.urn, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] == "" and session["httponly"] is True
    assert session["max-age"] == ""  # ends when the browser closes
    assert client.get("/").status_code == 200


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


# -- Uploads refused at the door -----------------------------------------------------------------


class Downstream(FileUploadHandler):
    """Stands after the guard: counts the bytes the guard let through to the real handlers."""

    seen: ClassVar[list[int]] = []

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        Downstream.seen.append(0)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        Downstream.seen[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def temp_uploads(tmp_path: Path) -> Iterator[Path]:
    """Every upload goes to a temporary file in a folder of ours, watched by Downstream."""
    folder = tmp_path / "uploading"
    folder.mkdir()
    Downstream.seen.clear()
    handlers = [
        "keystage.web.ops.upload_handlers.GuardedUploadHandler",
        f"{__name__}.Downstream",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    with override_settings(
        FILE_UPLOAD_HANDLERS=handlers, FILE_UPLOAD_TEMP_DIR=str(folder), MAX_UPLOAD_BYTES=200_000
    ):
        yield folder


def test_a_declared_size_over_the_cap_is_refused_unread(
    head_a: Client, ks1: Collection, temp_uploads: Path
) -> None:
    body = b"--b\r\nContent-Disposition: form-data; name=file; filename=ks1.xml\r\n\r\n<?xml"
    # The test client's payload fails the test if anyone reads past these few bytes.
    response = head_a.generic(
        "POST", f"/collections/{ks1.pk}/", body,
        content_type="multipart/form-data; boundary=b", CONTENT_LENGTH=str(10**9),
    )  # fmt: skip
    assert response.status_code == 413
    page = response.content.decode().replace("\xa0", " ")
    assert "Your file is too large" in page and "govuk-error-summary" in page
    assert "The file is about 953.7 MB; the largest we accept is 195.3 KB" in page
    assert f'href="/collections/{ks1.pk}/"' in page  # back to the file request
    assert Downstream.seen == [] and list(temp_uploads.iterdir()) == []
    assert not Submission.objects.exists()


def test_a_file_outgrowing_the_cap_is_stopped_mid_stream(
    head_a: Client, ks1: Collection, school_a: School, la_folder: Path, temp_uploads: Path
) -> None:
    big = b"<?xml version='1.0'?><CTfile>" + b" " * 300_000 + b"</CTfile>"
    response = upload(head_a, ks1, big)
    assert response.status_code == 413
    said = response.content.decode().replace("\xa0", " ")
    assert "“ks1.xml” is larger than 195.3 KB, the largest we accept" in said
    assert len(Downstream.seen) == 1 and Downstream.seen[0] <= 200_000  # never the whole file
    assert list(temp_uploads.iterdir()) == []  # the temporary file was deleted
    assert not Submission.objects.exists()
    # The same form still takes a file within the cap.
    assert upload(head_a, ks1, ctf_bytes(la_folder, school_a)).status_code == 302


def test_a_file_that_is_plainly_not_a_ctf_is_refused_at_its_first_bytes(
    head_a: Client, ks1: Collection, temp_uploads: Path
) -> None:
    response = upload(head_a, ks1, PDF + b"x" * 150_000, name="results.xml")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is a PDF. Upload the CTF (an XML file) exported from your MIS." in page
    assert "govuk-error-summary" in page
    assert Downstream.seen == [0]  # not one byte went on to be stored
    assert list(temp_uploads.iterdir()) == []
    assert not Submission.objects.exists()


def test_the_data_team_import_keeps_a_pdf(la_client: Client, ks1: Collection) -> None:
    """Imports keep every file, even one that is not a CTF: the guard does not sniff them."""
    response = la_client.post(
        "/la/unattributed/", {"ctf_files": [SimpleUploadedFile("notes.pdf", PDF)]}
    )
    assert response.status_code == 302


def test_a_page_that_takes_no_files_refuses_a_large_body(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/login/",
        {"login": "x", "file": SimpleUploadedFile("big.bin", b"\0" * (3 * 1024 * 1024))},
    )
    assert response.status_code == 413


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.callback


def test_every_page_that_takes_files_has_an_upload_policy() -> None:
    """A new upload form must be in upload_handlers.POLICIES, or it takes only 2 MB."""
    takes_files = {
        name
        for name, view in _patterns(get_resolver())
        if name.startswith("portal:") and "request.FILES" in inspect.getsource(inspect.unwrap(view))
    }
    assert "portal:collection" in takes_files
    assert takes_files <= set(upload_handlers.POLICIES), takes_files - set(upload_handlers.POLICIES)


# -- Real gunicorn on loopback: 413 from the headers alone ---------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYSTAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env |= {
        "KEYSTAGE_DATA": str(tmp_path / "data"),
        "KEYSTAGE_SECRET_KEY": "gunicorn-test-only-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "keystage.web.settings",
        "KEYSTAGE_LOG_FORMAT": "json",
        "KEYSTAGE_REQUEST_LOG": "1",
        "KEYSTAGE_WEB_WORKERS": "1",
        "KEYSTAGE_WEB_THREADS": "2",
    }
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--no-control-socket", "keystage.web.wsgi:application",
    ]  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(port, server, tmp_path / "gunicorn.log")
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_for(port: int, server: subprocess.Popen[str], log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen:\n{log.read_text()}")


def _raw_post(port: int, declared: int, sent: bytes) -> bytes:
    """Sends the headers and a few bytes of a body declared far larger, then only listens."""
    head = (
        f"POST /collections/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        # A guard against a hang, not a timing: a server waiting for the body never answers.
        conn.settimeout(30)
        conn.sendall(head + sent)
        answer = b""
        while b"\r\n\r\n" not in answer or b"</html>" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_gunicorn_answers_413_without_waiting_for_the_body(
    gunicorn: tuple[int, subprocess.Popen[str]], tmp_path: Path
) -> None:
    port, _ = gunicorn
    answer = _raw_post(port, 20 * 1024**3, b"--b\r\nContent-Disposition: form-data; name=file")
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large" or status_line.startswith(
        b"HTTP/1.1 413"
    )
    assert b"Your file is too large" in rest
    rid = re.search(rb"(?i)x-request-id: ([0-9a-f]{32})", rest)
    assert rid is not None
    # The app's JSON log line for this request, with the same id.
    lines = _json_lines((tmp_path / "gunicorn.log").read_text())
    mine = [line for line in lines if line.get("request_id") == rid.group(1).decode()]
    request_lines = [line for line in mine if line["logger"] == "keystage.request"]
    assert request_lines and request_lines[0]["status"] == 413
    assert request_lines[0]["method"] == "POST" and request_lines[0]["path"] == "/collections/1/"


def _json_lines(text: str) -> list[dict[str, Any]]:
    found = []
    for line in text.splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


# -- No internals on error pages -----------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_failing_page_shows_no_traceback_and_gives_the_reference(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    for internal in ("Traceback", "ZeroDivisionError", "secret detail", "settings.py", "line 42"):
        assert internal not in page
    assert response["X-Request-ID"] in page
    assert_front_door_headers(response)


def test_not_found_bad_request_and_expired_form_pages(client: Client, db: None) -> None:
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    wrong_host = client.get("/", HTTP_HOST="attacker.example")
    assert wrong_host.status_code == 400
    assert "problem with what you sent" in wrong_host.content.decode()
    assert "DisallowedHost" not in wrong_host.content.decode()
    strict = Client(enforce_csrf_checks=True)
    expired = strict.post("/accounts/login/", {"login": "x", "password": "y"})
    assert expired.status_code == 403 and "This form has expired" in expired.content.decode()
    assert "CSRF" not in expired.content.decode()


# -- The admin: two-factor first, and only through the service's sign-in --------------------------


@pytest.mark.parametrize("kind", ["superuser", "staff"])
def test_the_admin_requires_two_factor(school_a: School, kind: str) -> None:
    if kind == "superuser":
        person = make_user("la.root", Role.LA_ADMIN, is_superuser=True, is_staff=True)
    else:  # a school's head given admin access: staff, but no LA role
        person = User.objects.get(username=school_a.urn)
        person.is_staff = True
        person.save()
    response = signed_in(person).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_admin_login_form_cannot_skip_the_second_factor(admin_with_totp: User) -> None:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "la.root", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session  # the password alone signed nobody in
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_admin_is_refused_to_a_signed_in_non_staff_user(head_a: Client) -> None:
    assert head_a.get("/admin/login/").status_code == 403


# -- Request ids and JSON log lines --------------------------------------------------------------


def test_request_id_is_ours_unless_a_trusted_proxy_gives_one(client: Client, db: None) -> None:
    offered = "proxy-id-0123456789"
    ignored = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)
    assert ignored["X-Request-ID"] != offered  # anyone could send it: not trusted by default
    with override_settings(KEYSTAGE_BEHIND_PROXY=True):
        taken = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)
        forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x"\n{"level":"INFO"}')
    assert taken["X-Request-ID"] == offered
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The production handler (JSON lines, with the context filter), on our loggers at INFO."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    tops = [logging.getLogger(n) for n in ("keystage", "django.tasks")]
    watched = [*tops, logging.getLogger("keystage.request")]
    levels = [lg.level for lg in watched]
    for lg in tops:
        lg.addHandler(handler)
    for lg in watched:
        lg.setLevel(logging.INFO)
    yield out
    for lg in tops:
        lg.removeHandler(handler)
    for lg, level in zip(watched, levels, strict=True):
        lg.setLevel(level)


def test_each_request_logs_one_json_line_with_who_and_how_long(
    head_a: Client, school_a: School, ks1: Collection, json_log: io.StringIO
) -> None:
    response = head_a.get(f"/collections/{ks1.pk}/?q=pupil-name")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    (line,) = [x for x in lines if x["logger"] == "keystage.request"]
    head = User.objects.get(username=school_a.urn)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == f"/collections/{ks1.pk}/"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float)
    assert (line["user_id"], line["role"], line["school_id"]) == (head.pk, "head", school_a.pk)
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "pupil-name" not in json_log.getvalue()  # no query strings in the log


def test_lines_logged_inside_a_request_and_a_task_carry_its_ids(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path, json_log: io.StringIO
) -> None:
    refused = upload(head_a, ks1, PDF, name="results.xml")
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    (refusal,) = [x for x in lines if x["logger"] == "keystage.web.ops.upload_handlers"]
    assert refusal["request_id"] == refused["X-Request-ID"] and refusal["level"] == "WARNING"
    submission = Submission.objects.get(school=school_a)
    finished = [x for x in lines if x["logger"] == "django.tasks" and "SUCCESSFUL" in x["message"]]
    assert finished and finished[0]["submission_id"] == submission.pk
    assert finished[0]["task"] == "check_upload" and "request_id" not in finished[0]


def test_a_hostile_message_cannot_forge_a_log_line() -> None:
    record = logging.makeLogRecord({"name": "x", "msg": 'a\n{"level": "CRITICAL"}', "args": ()})
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["message"] == 'a\n{"level": "CRITICAL"}'


# -- Sessions --------------------------------------------------------------------------------


def test_a_session_left_idle_ends(head_a: Client, ks1: Collection) -> None:
    assert head_a.get("/").status_code == 200
    with time_machine.travel(time.time() + 61 * 60, tick=False):
        response = head_a.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_in_use_still_ends_after_ten_hours(head_a: Client) -> None:
    start = time.time()
    for minutes in range(0, 600, 30):  # a page every half hour keeps it from going idle
        with time_machine.travel(start + minutes * 60, tick=False):
            assert head_a.get("/").status_code == 200, minutes
    with time_machine.travel(start + 601 * 60, tick=False):
        response = head_a.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
