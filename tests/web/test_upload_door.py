"""Uploads refused at the door: a declared size over the cap is refused unread, a file
outgrowing it is stopped mid-stream, a file plainly not a CTF at its first bytes, and a real
gunicorn answers 413 from the headers alone; every page that takes files has a policy."""

from __future__ import annotations

import inspect
import json
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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from front_door_support import PDF
from portal_support import ctf_bytes, upload

from keystage.web.models import Collection, School, Submission
from keystage.web.ops import upload_handlers

ROOT = Path(__file__).resolve().parents[2]


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
