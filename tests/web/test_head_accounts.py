"""Head teachers' accounts made in bulk from the school list (username = URN, the register's
name and the LA's address), each head invited in a task; the readiness page of the coming
window: who has never signed in, when their invitation went, and sending it again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from account_support import sign_in
from django.core import mail
from django.test import Client
from django.utils import timezone
from portal_builders import make_admin, make_window
from portal_support import PASSWORD, run_tasks, signed_in

from keystage.web.accounts.tasks import send_invitations
from keystage.web.models import AuditEvent, Collection, Role, School, User
from keystage.web.schools.register import apply, load_register


@pytest.fixture
def register(db: None, la_folder: Path) -> list[School]:
    """The LA's three schools, as loaded: two with their head's address, none with an account."""
    apply(load_register(la_folder / "schools.csv"))
    found = list(School.objects.order_by("laestab"))
    for n, school in enumerate(found[:2]):
        School.objects.filter(pk=school.pk).update(
            head_title="Mrs", head_first_name=f"Head{n}", head_last_name="Teacher",
            head_email=f"head{n}@school.example",
        )  # fmt: skip
    return list(School.objects.order_by("laestab"))


@pytest.fixture
def la_admin(db: None) -> Client:
    return signed_in(make_admin("la.admin"))


def test_the_la_makes_the_heads_accounts_and_invites_them(
    register: list[School], la_admin: Client
) -> None:
    page = la_admin.get("/la/schools/heads/").content.decode()
    assert "2 open schools with no account yet" in page
    assert "1 open school with no head teacher's email address" in page
    assert la_admin.post("/la/schools/heads/").status_code == 302
    made = User.objects.filter(role=Role.HEAD).order_by("username")
    assert sorted(a.username for a in made) == sorted(s.urn for s in register[:2])
    first = made.get(username=register[0].urn)
    assert (first.get_full_name(), first.email) == ("Head0 Teacher", "head0@school.example")
    assert first.school == register[0] and not first.has_usable_password()
    assert mail.outbox == []  # sent by the task, not the page
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["head0@school.example", "head1@school.example"]
    assert all(a.invited_at is not None for a in User.objects.filter(role=Role.HEAD))
    assert AuditEvent.objects.get(action="account").what == "made 2 head teachers' accounts"
    la_admin.post("/la/schools/heads/")  # again: nothing more to make
    assert User.objects.filter(role=Role.HEAD).count() == 2
    page = la_admin.get("/la/schools/heads/").content.decode()
    assert "no account yet" not in page and register[2].name in page  # still no address


def test_the_data_team_cannot_make_accounts(register: list[School], la_client: Client) -> None:
    assert "no account yet" in la_client.get("/la/schools/heads/").content.decode()
    assert la_client.post("/la/schools/heads/").status_code == 404
    assert not User.objects.filter(role=Role.HEAD).exists()


def test_a_queued_invitation_run_twice_is_sent_once(
    register: list[School], la_admin: Client
) -> None:
    la_admin.post("/la/schools/heads/")
    admin = User.objects.get(username="la.admin")
    ids = list(User.objects.filter(role=Role.HEAD).values_list("pk", flat=True))
    queued_at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    run_tasks()
    assert len(mail.outbox) == 2
    send_invitations.enqueue(ids, admin.pk, queued_at)  # a copy queued before they were sent
    run_tasks()
    assert len(mail.outbox) == 2


@pytest.fixture
def phonics(db: None) -> Collection:
    """Phonics, opening in a fortnight: the window the LA gets ready for."""
    today = timezone.localdate()
    return make_window("PHON", opens=today + dt.timedelta(days=14),
                       deadline=today + dt.timedelta(days=40),
                       closes=today + dt.timedelta(days=50))  # fmt: skip


def test_the_readiness_page_shows_the_heads_not_signed_in_and_sends_again(
    register: list[School], la_admin: Client, la_client: Client, phonics: Collection,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    la_admin.post("/la/schools/heads/")
    run_tasks()
    assert la_client.get("/la/heads/")["Location"] == f"/la/collections/{phonics.pk}/heads/"
    head0 = User.objects.get(username=register[0].urn)
    head0.set_password(PASSWORD)
    head0.save()
    sign_in(Client(), head0.username)  # one head is ready
    page = la_client.get(f"/la/collections/{phonics.pk}/heads/").content.decode()
    assert "Of the 3 schools expected to send Phonics" in " ".join(page.split())
    assert "1 head teacher has signed in" in " ".join(page.split())
    assert register[0].name not in page  # ready: not listed
    assert register[1].name in page and "Never signed in" in page
    assert f"Sent {timezone.localdate():%-d %B %Y}" in page
    assert register[2].name in page and "No account" in page
    mail.outbox.clear()
    la_client.post(f"/la/collections/{phonics.pk}/heads/invitations/")
    run_tasks()
    assert [m.to for m in mail.outbox] == [["head1@school.example"]]  # not the ready head


def test_a_turned_off_account_is_not_sent_an_invitation(
    register: list[School], la_admin: Client, la_client: Client, phonics: Collection
) -> None:
    la_admin.post("/la/schools/heads/")
    run_tasks()
    User.objects.filter(role=Role.HEAD).update(is_active=False)
    mail.outbox.clear()
    la_client.post(f"/la/collections/{phonics.pk}/heads/invitations/")
    run_tasks()
    assert mail.outbox == []
    assert (
        "Account turned off"
        in la_client.get(f"/la/collections/{phonics.pk}/heads/").content.decode()
    )
