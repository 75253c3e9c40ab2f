"""Receipts to the school (its main address and its head): a school user's first sign-in, a
changed email address (to the old address too), a signature; and the signed confirmation form
as a PDF, for the school's own people and the LA only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from account_support import emailed_link, sign_in
from django.core import mail
from django.test import Client
from portal_builders import make_confirmation, make_officer, make_staff, make_submission
from portal_support import ctf_bytes, run_tasks, signed_in, upload
from pypdf import PdfReader

from keystage.web.models import Collection, School, Submission, User

SIGNED = {"signer_name": "Ada Head", "signer_role": "Head teacher",
          "responsible": "Year 2: Mr Brown", "moderation_done": "on", "outcomes_agreed": "on",
          "password": "correct-horse-battery-1"}  # fmt: skip


def receipts() -> list[Any]:
    return [m for m in mail.outbox if m.subject.startswith("Receipt")]


def test_a_heads_first_sign_in_sends_the_school_a_receipt_and_the_next_does_not(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(Client(), school_a.urn).status_code == 302
    [receipt] = receipts()
    assert receipt.to == [school_a.main_email]  # the head's address is the school's here
    assert "signed in to Submit assessment data" in receipt.body
    assert "for the first time" in receipt.body and school_a.name in receipt.body
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(Client(), school_a.urn).status_code == 302
    assert len(receipts()) == 1


def test_a_staff_members_first_sign_in_tells_the_school_and_the_head(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(username=school_a.urn).update(email="head@school-a.example")
    make_staff(school_a, "sam@school-a.example", first_name="Sam", last_name="Officer")
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(Client(), "sam@school-a.example").status_code == 302
    [receipt] = receipts()
    assert sorted(receipt.to) == sorted([school_a.main_email, "head@school-a.example"])
    assert "Sam Officer (school staff) signed in" in " ".join(receipt.body.split())
    assert "turn the account off on the People page" in " ".join(receipt.body.split())


def test_the_las_first_sign_in_sends_no_receipt(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    make_officer("new.officer", two_factor=False)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(), "new.officer")
    assert receipts() == []


def test_a_changed_address_sends_a_receipt_to_the_school_and_the_old_address(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    sam = make_staff(school_a, "sam@school-a.example", first_name="Sam", last_name="Officer")
    client = signed_in(sam)
    client.post("/accounts/reauthenticate/", {"password": "correct-horse-battery-1"})
    client.post("/accounts/email/change/", {"email": "sam.new@school-a.example"})
    assert receipts() == []  # not until the new address is confirmed
    link = emailed_link("sam.new@school-a.example", "/accounts/confirm-email/")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    [receipt] = receipts()
    assert sorted(receipt.to) == sorted([school_a.main_email, "sam@school-a.example"])
    body = " ".join(receipt.body.split())
    assert "Old address: sam@school-a.example" in body
    assert "New address: sam.new@school-a.example" in body


def test_a_signature_sends_a_receipt_with_the_link_to_its_pdf(
    school_a: School, head_a: Client, ks1: Collection, la_folder: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    version = Submission.objects.get(school=school_a, is_current=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert head_a.post(f"/collections/{ks1.pk}/confirm/", SIGNED).status_code == 302
    [receipt] = receipts()
    assert receipt.to == [school_a.main_email]
    body = " ".join(receipt.body.split())
    assert "Ada Head (Head teacher) signed the confirmation form" in body
    assert f"version {version.version} of your file" in body
    assert f"/files/{version.pk}/confirmation.pdf" in body


@pytest.fixture
def signed_b(school_b: School, ks1: Collection) -> Submission:
    version = make_submission(school_b, ks1, checked=True)
    make_confirmation(version, signer_name="Bea Bsignatory", responsible="Year 2: Ms Green")
    return version


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_schools_people_and_the_la_download_the_signed_form(
    school_b: School, signed_b: Submission, head_b: Client, officer: User
) -> None:
    school_pdf = f"/files/{signed_b.pk}/confirmation.pdf"
    staff = signed_in(make_staff(school_b, "x@b.example"))
    la = (signed_in(officer), f"/la/files/{signed_b.pk}/confirmation.pdf")
    for client, url in ((head_b, school_pdf), (staff, school_pdf), la):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = " ".join(_text(response.content).split())
        assert "Bea Bsignatory" in text and school_b.name in text
        assert "internal moderation of these assessments is complete" in text


def test_another_school_cannot_download_the_signed_form(
    signed_b: Submission, head_a: Client
) -> None:
    assert head_a.get(f"/files/{signed_b.pk}/confirmation.pdf").status_code == 404
    assert head_a.get(f"/la/files/{signed_b.pk}/confirmation.pdf").status_code == 404


def test_a_version_nobody_signed_has_no_form(
    school_a: School, ks1: Collection, head_a: Client
) -> None:
    version = make_submission(school_a, ks1, checked=True)
    assert head_a.get(f"/files/{version.pk}/confirmation.pdf").status_code == 404
