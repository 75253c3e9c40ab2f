"""The data team's locks, queries to schools, and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from portal_builders import make_admin, make_officer
from portal_support import PASSWORD, ctf_bytes, run_tasks, signed_in, upload

from keystage.web.models import AuditEvent, Collection, Lock, Role, School, Submission, TeamQuery
from keystage.web.submissions.state import State, standing


@pytest.fixture
def submitted(head_a: Client, school_a: School, ks1: Collection, la_folder: Path) -> Submission:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    head_a.post(
        f"/collections/{ks1.pk}/confirm/",
        {"signer_name": "Ada Head", "signer_role": "Head", "responsible": "Y2 team",
         "moderation_done": "on", "outcomes_agreed": "on", "password": PASSWORD},
    )  # fmt: skip
    return Submission.objects.get(school=school_a, is_current=True)


def test_a_locked_school_cannot_upload_and_unlocking_needs_a_reason(
    la_client: Client, head_a: Client, school_a: School, ks1: Collection, la_folder: Path
) -> None:
    la_client.post(f"/la/collections/{ks1.pk}/schools/{school_a.pk}/lock/")
    assert Lock.objects.filter(school=school_a, unlocked_at__isnull=True).exists()
    response = upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    assert response.status_code == 400
    assert (
        "locked" in response.content.decode()
        and "Contact the data team" in response.content.decode()
    )
    assert not Submission.objects.exists()

    la_client.post(f"/la/collections/{ks1.pk}/schools/{school_a.pk}/unlock/")
    assert Lock.objects.filter(school=school_a, unlocked_at__isnull=True).exists()  # no reason
    la_client.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/unlock/",
        {"reason": "The school found a wrong result"},
    )
    held = Lock.objects.get(school=school_a)
    assert held.unlocked_at is not None and held.unlock_reason == "The school found a wrong result"
    assert upload(head_a, ks1, ctf_bytes(la_folder, school_a)).status_code == 302
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "lock" in actions and "unlock" in actions and "upload" in actions


def test_locking_the_collection_stops_every_school(
    la_client: Client, schools: list[School], ks1: Collection, la_folder: Path
) -> None:
    # Nobody has submitted: each school is listed, and the officer leaves none out.
    shown = [str(school.pk) for school in schools]
    la_client.post(f"/la/collections/{ks1.pk}/lock/", {"shown": shown})
    for school in schools:
        head = signed_in(school.users.get(role=Role.HEAD))
        assert upload(head, ks1, ctf_bytes(la_folder, school)).status_code == 400
        assert standing(school, ks1, ks1.opens).locked
    assert not Submission.objects.exists()


def test_a_data_team_query_keeps_the_school_from_submitted(
    la_client: Client, head_a: Client, school_a: School, ks1: Collection, submitted: Submission
) -> None:
    today = ks1.opens
    assert standing(school_a, ks1, today).state == State.SUBMITTED
    response = la_client.post(
        f"/la/collections/{ks1.pk}/schools/{school_a.pk}/query/",
        {"subject": "Writing results", "upn": "", "body": "Every pupil is GDS in writing?"},
    )
    query = TeamQuery.objects.get()
    assert response.status_code == 302
    assert school_a.main_email in mail.outbox[-1].to
    assert f"/queries/{query.pk}/" in mail.outbox[-1].body
    assert standing(school_a, ks1, today).state == State.QUERIES

    home = head_a.get("/").content.decode()
    assert "Writing results" in home
    head_a.post(f"/queries/{query.pk}/", {"body": "Yes: moderated by the LA in May."})
    assert query.messages.count() == 2
    assert head_a.post(f"/la/queries/{query.pk}/close/").status_code == 404
    assert query.messages.count() == 2 and TeamQuery.objects.get().status != "closed"
    assert la_client.get(f"/la/queries/{query.pk}/close/").status_code == 405
    assert (
        f'action="/la/queries/{query.pk}/close/"'
        in la_client.get(f"/la/queries/{query.pk}/").content.decode()
    )
    la_client.post(f"/la/queries/{query.pk}/close/")
    query.refresh_from_db()
    assert query.status == "closed" and query.closed_at is not None
    assert standing(school_a, ks1, today).state == State.SUBMITTED
    page = head_a.get(f"/queries/{query.pk}/").content.decode()
    assert "moderated by the LA in May" in page and "closed this query" in page


def test_the_audit_trail_records_and_filters(
    db: None, school_a: School, head_a: Client, ks1: Collection, submitted: Submission
) -> None:
    Client().post("/accounts/login/", {"login": school_a.urn, "password": "wrong"})
    Client().post("/accounts/login/", {"login": school_a.urn, "password": PASSWORD})
    head_a.get(f"/files/{submitted.pk}/download/")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sign_in", "sign_in_failed", "upload", "confirm", "download"} <= actions
    download = AuditEvent.objects.get(action="download")
    assert download.school == school_a.laestab and download.ip == "127.0.0.1"

    page = (
        signed_in(make_admin("la.admin")).get("/la/audit/", {"action": "download"}).content.decode()
    )
    assert "downloaded the file as sent" in page and "signed the confirmation of" not in page
    assert (
        signed_in(make_officer("officer2")).get("/la/audit/").status_code == 404
    )  # administrators only


def test_the_audit_trail_outlives_what_it_describes(
    school_a: School, ks1: Collection, submitted: Submission
) -> None:
    before = AuditEvent.objects.count()
    submitted.confirmations.all().delete()
    submitted.delete()
    assert AuditEvent.objects.count() == before
