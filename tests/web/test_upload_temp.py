"""Partial uploads left by a web process killed mid-upload are swept; an upload in flight never.

A large upload streams into a temporary file named for the time its upload began and the
process receiving it. A process killed (SIGKILL) while an upload streams in leaves its partial
file; the sweep removes it once it is older than the longest an upload may take, and leaves an
upload still arriving alone. The guard stops an upload that runs past that longest.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from portal_support import ctf_bytes

from keystage.web.models import Collection, School, Submission
from keystage.web.ops import upload_handlers, upload_temp
from keystage.web.ops.scheduler import start_scheduler
from keystage.web.ops.upload_handlers import GuardedUploadHandler, longest_upload_seconds

# A web process receiving an upload: Django parses a multipart body with the configured
# handlers from a socket that delivers the file's first 3 MB (more than is kept in memory),
# says so on stdout, then waits for the rest, which never comes: the test kills it.
RECEIVING = r"""
import sys, django
django.setup()
from django.core.handlers.wsgi import WSGIRequest

head = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Jo Bloggs.xml\"\r\n"
        b"Content-Type: text/xml\r\n\r\n<?xml version=\"1.0\"?>")

class Socket:
    def __init__(self):
        self.left = [head, b" " * 3 * 1024 * 1024]
    def read(self, size=-1):
        if self.left:
            return self.left.pop(0)
        print("receiving", flush=True)
        sys.stdin.read()  # the rest of the body never comes
        return b""
    readline = read

request = WSGIRequest({
    "REQUEST_METHOD": "POST", "PATH_INFO": "/collections/1/", "SERVER_NAME": "testserver",
    "SERVER_PORT": "80", "wsgi.input": Socket(), "CONTENT_LENGTH": str(20 * 1024 * 1024),
    "CONTENT_TYPE": "multipart/form-data; boundary=b",
})
request.FILES
"""


@pytest.fixture
def uploading(tmp_path: Path) -> Iterator[Path]:
    """The folder uploads stream into, this test's own (the sweep takes no other's files)."""
    folder = tmp_path / "data" / "uploading"
    folder.mkdir(parents=True)
    with override_settings(FILE_UPLOAD_TEMP_DIR=folder):
        yield folder


def ours(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(upload_temp.PREFIX))


def killed_mid_upload(tmp_path: Path) -> Path:
    """Runs a web process's upload, kills it mid-stream, and returns the file it left."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTAGE_")}
    env |= {"KEYSTAGE_DATA": str(tmp_path / "data"), "KEYSTAGE_SECRET_KEY": "x" * 50,
            "DJANGO_SETTINGS_MODULE": "keystage.web.settings"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", RECEIVING], env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stdout.readline() == "receiving\n"
        left = ours(tmp_path / "data" / "uploading")
        assert len(left) == 1, left
        assert f"-{process.pid}-" in left[0].name  # the process receiving it
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    return left[0]


def in_flight() -> upload_temp.NamedTemporaryFileUploadHandler:
    """An upload arriving in this process, its first bytes written, its file open."""
    handler = upload_temp.NamedTemporaryFileUploadHandler()
    handler.new_file("file", "Jo Bloggs.xml", "text/xml", 10 * 1024 * 1024)
    handler.receive_data_chunk(b"<?xml version='1.0'?><CTfile>", 0)
    return handler


def test_a_killed_process_leaves_a_file_the_sweep_removes_never_one_in_flight(
    uploading: Path, tmp_path: Path
) -> None:
    left = killed_mid_upload(tmp_path)
    assert left.stat().st_size > 3 * 1024 * 1024  # the partial upload, left behind
    assert "Bloggs" not in left.name  # named by us, never by the sender's file name
    assert upload_temp.sweep().removed == []  # it could still be an upload arriving
    began = upload_temp.started_at(left.name)
    assert began is not None
    later = began + longest_upload_seconds() + upload_temp.CLOCK_MARGIN_SECONDS + 1
    with time_machine.travel(later, tick=False):
        arriving = in_flight()
        done = upload_temp.sweep()
    assert done.removed == [left.name] and done.in_flight == 1
    assert not left.exists() and done.bytes_freed > 3 * 1024 * 1024
    # The upload in flight carries on, whole.
    arriving.receive_data_chunk(b"</CTfile>", 29)
    received = arriving.file_complete(38)
    assert received.read() == b"<?xml version='1.0'?><CTfile></CTfile>"
    received.close()
    assert ours(uploading) == []  # closed when its request ends: deleted


def test_an_upload_in_flight_at_the_longest_age_is_kept(uploading: Path) -> None:
    started = time.time()
    with time_machine.travel(started, tick=False):
        arriving = in_flight()
    with time_machine.travel(started + longest_upload_seconds(), tick=False):
        assert upload_temp.sweep().in_flight == 1
    assert [p.name for p in ours(uploading)] == [Path(arriving.file.temporary_file_path()).name]
    arriving.upload_interrupted()
    assert ours(uploading) == []


def test_the_sweep_touches_no_file_that_is_not_an_upload_of_ours(uploading: Path) -> None:
    others = [uploading / "notes.txt", uploading / "tmp1234.upload.xml"]
    for other in others:
        other.write_text("not ours")
    (uploading / f"{upload_temp.name_prefix(0, 1)}abc{upload_temp.SUFFIX}").mkdir()
    done = upload_temp.sweep(now=time.time())
    assert done.removed == [] and all(p.exists() for p in others)


def test_the_guard_stops_an_upload_that_runs_past_the_longest(ks1: Collection) -> None:
    request = RequestFactory().post(f"/collections/{ks1.pk}/")
    started = time.time()
    with time_machine.travel(started, tick=False):
        guard = GuardedUploadHandler(request)
        guard.new_file("file", "ks1.xml", "text/xml", 1000)
        guard.receive_data_chunk(b"<?xml version='1.0'?>", 0)
    with time_machine.travel(started + longest_upload_seconds() - 1, tick=False):
        guard.receive_data_chunk(b"<CTfile>", 21)  # slow, but within the longest
    with (
        time_machine.travel(started + longest_upload_seconds() + 1, tick=False),
        pytest.raises(StopUpload),
    ):
        guard.receive_data_chunk(b"</CTfile>", 29)
    refusal = request.upload_refusal  # type: ignore[attr-defined]
    assert refusal.status == 400 and "Try again on a faster connection" in refusal.message


def test_the_longest_follows_the_largest_upload_allowed(db: None) -> None:
    at_slowest = settings.MAX_IMPORT_BYTES / upload_handlers.SLOWEST_BYTES_PER_SECOND
    assert longest_upload_seconds() >= at_slowest
    with override_settings(MAX_IMPORT_BYTES=settings.MAX_IMPORT_BYTES * 4):
        assert longest_upload_seconds() >= 4 * at_slowest


def test_a_large_upload_is_received_and_leaves_nothing(
    uploading: Path, head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    padded = ctf_bytes(la_folder, school_a) + b"\n" * (3 * 1024 * 1024)  # not kept in memory
    response = head_a.post(f"/collections/{ks1.pk}/",
                           {"file": SimpleUploadedFile("ks1.xml", padded)})  # fmt: skip
    assert response.status_code == 302
    assert Submission.objects.get(school=school_a).size == len(padded)
    assert ours(uploading) == []


def test_the_command_sweeps_and_says_what_it_did(uploading: Path, db: None) -> None:
    old = time.time() - longest_upload_seconds() - upload_temp.CLOCK_MARGIN_SECONDS - 60
    for pid in (111, 222):
        (uploading / f"{upload_temp.name_prefix(old, pid)}x{upload_temp.SUFFIX}").write_bytes(
            b"x" * 2048
        )
    out = io.StringIO()
    call_command("sweepuploads", "--dry-run", stdout=out)
    assert "Would remove 2 partial uploads (4.0\xa0KB)" in out.getvalue()
    assert len(ours(uploading)) == 2
    call_command("sweepuploads", stdout=out)
    assert "Removed 2 partial uploads" in out.getvalue() and ours(uploading) == []


@pytest.mark.django_db(transaction=True)
def test_a_workers_scheduler_thread_sweeps(uploading: Path) -> None:
    old = time.time() - longest_upload_seconds() - upload_temp.CLOCK_MARGIN_SECONDS - 60
    left = uploading / f"{upload_temp.name_prefix(old, 333)}x{upload_temp.SUFFIX}"
    left.write_bytes(b"x")
    stop = threading.Event()
    thread = start_scheduler(interval=3600, stop=stop, worker_id="sweep-test")
    try:
        for _ in range(600):  # a guard against a hang, not a timing: it sweeps at its first tick
            if not left.exists():
                break
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(30)
    assert not left.exists()
