"""A new member of staff is invited, not sent a password reset: the email says who set the
account up, for which school, what the service is for, how to sign in and how long the link
works; the link opens "Set your password"; the head sends it again when it has expired."""

from __future__ import annotations

import datetime as dt

import time_machine
from account_support import invitation_link, signed_in_as
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from portal_builders import make_staff

from keystage.web.models import School, User

GOOD = "lantern maple harbour quartz"
SAM = {"first_name": "Sam", "last_name": "Officer", "email": "sam.officer@school.example"}


def add_sam(head: Client, school: School) -> User:
    User.objects.filter(username=school.urn).update(first_name="Priya", last_name="Shah")
    assert head.post("/people/", SAM).status_code == 302
    return User.objects.get(email=SAM["email"])


def set_password(client: Client, link: str, password: str = GOOD) -> object:
    form = client.get(link, follow=True).redirect_chain[-1][0]
    return client.post(form, {"password1": password, "password2": password})


@override_settings(PASSWORD_RESET_TIMEOUT=2 * 24 * 3600)
def test_a_new_member_of_staff_gets_an_invitation_not_a_password_reset(
    school_a: School, head_a: Client
) -> None:
    add_sam(head_a, school_a)
    [sent] = mail.outbox
    assert sent.to == [SAM["email"]]
    words = f"{sent.subject}\n{sent.body}"
    assert school_a.name in sent.subject
    assert "Priya Shah, head teacher of " + school_a.name in " ".join(sent.body.split())
    assert "upload the Common Transfer File" in sent.body  # what the service is for
    assert f"sign in with your email address, {SAM['email']}" in sent.body
    assert "(2 days from when we sent this email)" in sent.body  # the setting's expiry
    assert "Ask your head teacher to send you another" in sent.body
    assert "/accounts/invitation/" in sent.body
    for reset_words in ("reset", "Reset", "someone else has requested", "safely ignored"):
        assert reset_words not in words


def test_the_link_opens_set_your_password_and_signs_them_in(
    school_a: School, head_a: Client
) -> None:
    sam = add_sam(head_a, school_a)
    link = invitation_link(SAM["email"])
    client = Client()
    page = client.get(link, follow=True)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Set your password" in text and "Reset" not in text and "reset" not in text
    assert f"You will sign in with your email address, {SAM['email']}" in text
    assert set_password(client, link).status_code == 302  # type: ignore[attr-defined]
    assert signed_in_as(client) == sam.username
    sam.refresh_from_db()
    assert sam.has_usable_password() and sam.check_password(GOOD)
    used = Client().get(link, follow=True).content.decode()  # each link works once
    assert "This invitation link does not work" in used


def test_the_new_password_keeps_the_rules(school_a: School, head_a: Client) -> None:
    sam = add_sam(head_a, school_a)
    client = Client()
    refused = set_password(client, invitation_link(SAM["email"]), "password")
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert "too short" in refused.content.decode()  # type: ignore[attr-defined]
    sam.refresh_from_db()
    assert not sam.has_usable_password()


def test_an_expired_link_says_who_sends_it_again(school_a: School, head_a: Client) -> None:
    add_sam(head_a, school_a)
    link = invitation_link(SAM["email"])
    later = timezone.now() + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        page = Client().get(link, follow=True).content.decode()
    assert "This invitation link does not work" in page and "has expired" in page
    assert "school staff, ask your head teacher" in page


def test_the_head_sends_the_invitation_again_until_a_password_is_chosen(
    school_a: School, head_a: Client
) -> None:
    sam = add_sam(head_a, school_a)
    listed = head_a.get("/people/").content.decode()
    assert "Invited, not set yet" in listed and "Send the invitation again" in listed
    again = head_a.post(f"/people/{sam.pk}/invitation/", follow=True)
    assert "We have emailed sam.officer@school.example an invitation" in again.content.decode()
    assert [m.to for m in mail.outbox] == [[SAM["email"]], [SAM["email"]]]
    set_password(Client(), invitation_link(SAM["email"]))
    assert "Send the invitation again" not in head_a.get("/people/").content.decode()
    done = head_a.post(f"/people/{sam.pk}/invitation/", follow=True)
    assert "has chosen a password already" in done.content.decode()
    assert len(mail.outbox) == 2


def test_sending_again_is_limited(school_a: School, head_a: Client) -> None:
    """Five links to one address in five minutes (allauth's limit for reset links): a page
    cannot flood someone's mailbox."""
    sam = add_sam(head_a, school_a)
    for _ in range(6):
        page = head_a.post(f"/people/{sam.pk}/invitation/", follow=True)
    assert "Wait 5 minutes" in page.content.decode()
    assert len(mail.outbox) == 1 + 5


def test_staff_cannot_send_invitations(school_a: School, head_a: Client) -> None:
    sam = add_sam(head_a, school_a)
    colleague = make_staff(school_a, "c@school.example")
    client = Client()
    client.force_login(colleague, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.post(f"/people/{sam.pk}/invitation/").status_code == 404
    assert len(mail.outbox) == 1
