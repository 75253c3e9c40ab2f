"""Bad files: a clear message on the page, never a 500, and the current version unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.test import Client, override_settings
from portal_support import ctf_bytes, run_tasks, signed_in, upload

from keystage.web.models import Collection, RefusedUpload, School, Submission, User

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CTfile><Header><DocumentName>&lol2;</DocumentName></Header></CTfile>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CTfile><Header><DocumentName>&xxe;</DocumentName></Header></CTfile>"""


@pytest.fixture
def accepted(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return Submission.objects.get(school=school_a, is_current=True)


def assert_unchanged(accepted: Submission) -> None:
    current = Submission.objects.get(school=accepted.school, is_current=True)
    assert current.pk == accepted.pk
    assert current.pupil_set.count() == accepted.pupils > 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xml", b"", "The file is empty"),
        ("report.xml", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "This file is a PDF"),
        ("results.xml", b"PK\x03\x04" + b"\0" * 200, "spreadsheet or a zip file"),
        ("results.csv", b"UPN,Surname\n", "is not an XML file"),
    ],
)
def test_refused_before_storing(
    head_a: Client, ks1: Collection, accepted: Submission, name: str, content: bytes, message: str
) -> None:
    response = upload(head_a, ks1, content, name=name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert Submission.objects.count() == 1
    assert_unchanged(accepted)


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_over_the_cap_is_refused(head_a: Client, ks1: Collection, accepted: Submission) -> None:
    response = upload(head_a, ks1, b"<?xml version='1.0'?><CTfile>" + b" " * 2048 + b"</CTfile>")
    assert response.status_code == 413  # refused mid-stream (upload_handlers.py)
    assert "the largest we accept is 0 MB" not in response.content.decode()
    assert "the largest we accept" in response.content.decode()
    assert_unchanged(accepted)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (BILLION_LAUGHS, "FILE-HOSTILE"),
        (EXTERNAL_ENTITY, "FILE-HOSTILE"),
        (b"<?xml version='1.0'?><CTfile><Header>", "FILE-NOT-XML"),
        (b"<?xml version='1.0'?><ATfile><Header/></ATfile>", "FILE-NOT-CTF"),
        ("<CTfile><Header/></CTfile>".encode("utf-16-le"), "FILE-NOT-XML"),  # UTF-16, no BOM
    ],
)
def test_hostile_or_malformed_files_are_refused_at_upload_and_kept_apart(
    head_a: Client, ks1: Collection, accepted: Submission, content: bytes, code: str
) -> None:
    response = upload(head_a, ks1, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "We did not accept" in page
    assert f"Check code {code}" in page
    assert "Version 1 is still your current version" in page
    assert "root:" not in page  # nothing of /etc/passwd
    kept = RefusedUpload.objects.get(school=accepted.school)
    assert (kept.number, kept.code) == (1, code) and kept.message in page
    assert kept.file.size == len(content)  # kept for the record, as sent
    assert Submission.objects.filter(school=accepted.school).count() == 1  # no version taken
    run_tasks()
    assert_unchanged(accepted)


def test_another_schools_file_leaves_the_current_version(
    head_a: Client, ks1: Collection, accepted: Submission, school_b: School, la_folder: Path
) -> None:
    refused = upload(head_a, ks1, ctf_bytes(la_folder, school_b)).content.decode()
    assert "We did not accept" in refused and "Check code HDR-SCHOOL" in refused
    run_tasks()
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "We did not accept your last upload" in page
    assert_unchanged(accepted)


def test_a_closed_collection_refuses_uploads(
    ks1: Collection, accepted: Submission, school_a: School, la_folder: Path
) -> None:
    after = dt.datetime.combine(ks1.closes + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    with time_machine.travel(after, tick=False):
        head = signed_in(User.objects.get(username=school_a.urn))
        response = upload(head, ks1, ctf_bytes(la_folder, school_a))
    assert response.status_code == 400
    assert "This collection closed on" in response.content.decode()
    assert_unchanged(accepted)
