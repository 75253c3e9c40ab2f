"""The confirmation form: when it opens, who signs, the password asked again, voided by upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from portal_builders import make_staff
from portal_support import (
    PASSWORD,
    ctf_bytes,
    run_tasks,
    signed_in,
    upload,
    with_old_pupil,
)

from keystage.web.models import Collection, Confirmation, School, Submission

SIGNED = {
    "signer_name": "Ada Head",
    "signer_role": "Head teacher",
    "responsible": "Year 2: Mr Brown, Ms Green",
    "moderation_done": "on",
    "outcomes_agreed": "on",
    "password": PASSWORD,
}


@pytest.fixture
def ready(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    return Submission.objects.get(school=school_a, is_current=True)


def test_the_head_signs_and_the_state_is_submitted(
    head_a: Client, ks1: Collection, ready: Submission
) -> None:
    response = head_a.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    assert response.status_code == 302
    signed = Confirmation.objects.get()
    assert signed.submission == ready and signed.signer_name == "Ada Head"
    assert signed.moderation_done and signed.outcomes_agreed
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Submitted" in page and "confirmed by Ada Head" in page
    assert "Submitted" in head_a.get("/").content.decode()


def test_a_wrong_password_does_not_sign(head_a: Client, ks1: Collection, ready: Submission) -> None:
    response = head_a.post(f"/collections/{ks1.pk}/confirm/", {**SIGNED, "password": "wrong"})
    assert response.status_code == 400
    assert "The password is not right" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_every_declaration_is_required(head_a: Client, ks1: Collection, ready: Submission) -> None:
    response = head_a.post(f"/collections/{ks1.pk}/confirm/", {"password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Enter your full name",
        "Confirm that internal moderation is complete",
        "Confirm that the outcomes have been agreed",
    ):
        assert message in page
    assert 'href="#id_signer_name"' in page  # the error summary links to the field
    assert not Confirmation.objects.exists()


def test_the_form_is_closed_while_queries_are_unanswered(
    head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a, change=with_old_pupil))
    run_tasks()
    response = head_a.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    assert "Answer every query first" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_staff_sign_only_when_the_head_allows(
    school_a: School, ks1: Collection, ready: Submission, head_a: Client
) -> None:
    staff = make_staff(school_a, "officer@school.example")
    officer = signed_in(staff)
    response = officer.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    assert response.status_code == 403
    assert "has not given your account the right to sign" in response.content.decode()
    assert not Confirmation.objects.exists()

    head_a.post(f"/people/{staff.pk}/", {"can_upload": "on", "can_sign": "on", "active": "on"})
    officer.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    assert Confirmation.objects.get().signed_by == staff


def test_an_upload_after_signing_voids_the_confirmation(
    head_a: Client, school_a: School, ks1: Collection, ready: Submission, la_folder: Path
) -> None:
    head_a.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    signed = Confirmation.objects.get()
    assert signed.voided_at is not None and signed.voided_by is not None
    assert signed.voided_by.version == 2
    page = head_a.get(f"/collections/{ks1.pk}/").content.decode()
    assert "Ready to confirm" in page
    assert "no longer stands" in page


def test_a_refused_upload_after_signing_leaves_it_standing(
    head_a: Client, school_a: School, school_b: School, ks1: Collection, ready: Submission,
    la_folder: Path,
) -> None:  # fmt: skip
    head_a.post(f"/collections/{ks1.pk}/confirm/", SIGNED)
    upload(head_a, ks1, ctf_bytes(la_folder, school_b))
    run_tasks()
    assert Confirmation.objects.get().voided_at is None
    assert "Submitted" in head_a.get(f"/collections/{ks1.pk}/").content.decode()
