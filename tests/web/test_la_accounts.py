"""The LA's hold on any account: finding it (the whole LA), and, for LA administrators alone,
turning it off and on, removing two-factor sign-in for a lost phone, and giving a school's head
teacher's account to its new head; each audited. The data team may send an invitation again."""

from __future__ import annotations

from typing import Any

import pytest
from account_support import invitation_link, sign_in, signed_in_as
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from portal_builders import head_of, make_admin, make_officer, make_staff
from portal_support import PASSWORD, signed_in

from keystage.web.models import AuditEvent, School, User

NEW = "lantern maple harbour quartz"


@pytest.fixture
def admin(db: None) -> User:
    return make_admin("la.admin")


@pytest.fixture
def la_admin(admin: User) -> Client:
    return signed_in(admin)


def test_the_la_finds_an_account_by_urn_name_or_address(
    school_a: School, school_b: School, la_client: Client
) -> None:
    make_staff(school_a, "sam.officer@school-a.example", first_name="Sam", last_name="Officer")
    for text, found, not_found in (
        (school_a.urn, school_a.urn, school_b.urn),
        ("officer", "sam.officer@school-a.example", school_a.urn),
        ("sam.officer@", "sam.officer@school-a.example", school_b.urn),
        (school_b.name.split()[0], school_b.urn, "sam.officer"),
    ):
        page = la_client.get("/la/accounts/", {"q": text}).content.decode()
        assert f">{found}</a>" in page, text
        assert f">{not_found}</a>" not in page, text
    assert "No account matches" in la_client.get("/la/accounts/", {"q": "nobody"}).content.decode()


def test_an_administrator_turns_an_account_off_and_on(
    school_a: School, la_admin: Client, head_a: Client
) -> None:
    head = head_of(school_a)
    assert la_admin.post(f"/la/accounts/{head.pk}/active/", {"active": "off"}).status_code == 302
    head.refresh_from_db()
    assert not head.is_active
    assert head_a.get("/").status_code == 302  # the head's open session ends at its next page
    refused = Client()
    assert sign_in(refused, school_a.urn)["Location"] == "/accounts/inactive/"
    assert signed_in_as(refused) is None  # and cannot sign in again
    la_admin.post(f"/la/accounts/{head.pk}/active/", {"active": "on"})
    assert sign_in(Client(), school_a.urn).status_code == 302
    events = AuditEvent.objects.filter(action="account").order_by("id")
    assert [e.what for e in events] == [f"turned off the account {school_a.urn}",
                                        f"turned on the account {school_a.urn}"]  # fmt: skip
    assert {e.school for e in events} == {school_a.laestab}


def test_only_administrators_turn_accounts_off_and_not_their_own(
    school_a: School, la_client: Client, la_admin: Client, admin: User
) -> None:
    head = head_of(school_a)
    assert la_client.post(f"/la/accounts/{head.pk}/active/", {"active": "off"}).status_code == 404
    la_admin.post(f"/la/accounts/{admin.pk}/active/", {"active": "off"})
    head.refresh_from_db()
    admin.refresh_from_db()
    assert head.is_active and admin.is_active
    assert not AuditEvent.objects.filter(action="account").exists()


def test_an_administrator_removes_two_factor_for_a_lost_phone(
    la_admin: Client, la_client: Client
) -> None:
    lost = make_officer("lost.phone")
    assert la_client.post(f"/la/accounts/{lost.pk}/two-factor/").status_code == 404
    assert Authenticator.objects.filter(user=lost).exists()
    page = la_admin.get(f"/la/accounts/{lost.pk}/").content.decode()
    assert "Remove two-factor sign-in" in page
    assert la_admin.post(f"/la/accounts/{lost.pk}/two-factor/").status_code == 302
    assert not Authenticator.objects.filter(user=lost).exists()
    [event] = AuditEvent.objects.filter(action="mfa_changed")
    assert event.what == "two-factor sign-in removed from lost.phone by the LA"
    # Their password still signs them in; then they set up the app before anything else.
    client = Client()
    assert sign_in(client, "lost.phone").status_code == 302
    assert client.get("/la/")["Location"].startswith("/accounts/2fa/totp/activate")


def test_the_data_team_sends_an_invitation_again(
    school_a: School, la_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    head = head_of(school_a)
    assert head.invited_at is None
    back = "/la/heads/"
    response = la_client.post(f"/la/accounts/{head.pk}/invitation/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    [sent] = mail.outbox
    assert sent.to == [head.email] and "/accounts/invitation/" in sent.body
    head.refresh_from_db()
    assert head.invited_at is not None
    elsewhere = la_client.post(f"/la/accounts/{head.pk}/invitation/",
                               {"next": "https://evil.example/"})  # fmt: skip
    assert elsewhere["Location"] == f"/la/accounts/{head.pk}/"


def test_a_school_with_a_new_head_gets_its_account_handed_on(
    school_a: School, la_admin: Client, head_a: Client, django_capture_on_commit_callbacks: Any
) -> None:
    head = head_of(school_a)
    old_email = head.email
    School.objects.filter(pk=school_a.pk).update(
        head_title="Ms", head_first_name="Nia", head_last_name="Okafor",
        head_email="n.okafor@school-a.example",
    )  # fmt: skip
    page = la_admin.get(f"/la/schools/{school_a.pk}/head/").content.decode()
    assert "The register names a different head teacher" in page
    assert 'value="n.okafor@school-a.example"' in page  # the form starts from the register
    with django_capture_on_commit_callbacks(execute=True):
        response = la_admin.post(f"/la/schools/{school_a.pk}/head/", {
            "title": "Ms", "first_name": "Nia", "last_name": "Okafor",
            "email": "N.Okafor@school-a.example",
        })  # fmt: skip
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.username, head.get_full_name(), head.email) == (
        school_a.urn, "Nia Okafor", "n.okafor@school-a.example")  # fmt: skip
    assert not head.has_usable_password() and head.last_login is None
    assert head_a.get("/").status_code == 302  # the old head's browser is signed out
    assert sign_in(Client(), school_a.urn, PASSWORD).status_code == 200  # their password fails
    receipt = next(m for m in mail.outbox if m.subject.startswith("Receipt"))
    assert old_email in receipt.to and "n.okafor@school-a.example" in receipt.to
    client = Client()
    form = client.get(invitation_link("n.okafor@school-a.example"), follow=True)
    assert (
        client.post(form.redirect_chain[-1][0], {"password1": NEW, "password2": NEW}).status_code
        == 302
    )
    assert signed_in_as(client) == school_a.urn
    [event] = AuditEvent.objects.filter(action="account")
    assert event.detail["old_email"] == old_email and event.school == school_a.laestab


def test_only_administrators_hand_on_an_account_and_never_to_a_taken_address(
    school_a: School, la_client: Client, la_admin: Client
) -> None:
    make_staff(school_a, "taken@school-a.example")
    data = {"first_name": "Nia", "last_name": "Okafor", "email": "taken@school-a.example"}
    refused = la_admin.post(f"/la/schools/{school_a.pk}/head/", data)
    assert refused.status_code == 400 and "belongs to another account" in refused.content.decode()
    data["email"] = "n.okafor@school-a.example"
    assert la_client.post(f"/la/schools/{school_a.pk}/head/", data).status_code == 404
    assert head_of(school_a).first_name != "Nia"
