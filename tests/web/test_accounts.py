"""Signing in: by URN or email, throttled per account, two-factor for the LA, reset by email."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.core.management import call_command
from django.test import Client
from portal_builders import make_admin, make_officer, make_staff
from portal_support import PASSWORD, signed_in

from keystage.web.models import Role, School, User


def sign_in(client: Client, login: str, password: str = PASSWORD) -> object:
    return client.post("/accounts/login/", {"login": login, "password": password})


def test_a_head_signs_in_with_the_schools_urn(school_a: School) -> None:
    client = Client()
    response = sign_in(client, school_a.urn)
    assert response.status_code == 302
    assert school_a.name in client.get("/").content.decode()


def test_staff_sign_in_with_their_email(school_a: School) -> None:
    make_staff(school_a, "officer@school.example", username="officer")  # signs in by email
    client = Client()
    assert sign_in(client, "officer@school.example").status_code == 302


def test_a_wrong_password_says_so(school_a: School) -> None:
    response = sign_in(Client(), school_a.urn, "not-it")
    assert response.status_code == 200
    assert "The URN or password is not right" in response.content.decode()


def test_failures_lock_one_account_not_the_whole_school(school_a: School) -> None:
    make_staff(school_a, "colleague@school.example")
    same_address = Client()
    for _ in range(6):
        sign_in(same_address, school_a.urn, "guessing")
    throttled = sign_in(same_address, school_a.urn)  # even the right password waits now
    assert throttled.status_code != 302
    assert "tried to sign in too many times" in throttled.content.decode()
    assert sign_in(Client(), "colleague@school.example").status_code == 302


def test_password_reset_sends_an_email(school_a: School) -> None:
    response = Client().post("/accounts/password/reset/", {"email": school_a.main_email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [school_a.main_email]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link is not None
    client = Client()
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    done = client.post(
        form_url, {"password1": "a-new-long-pass-77", "password2": "a-new-long-pass-77"}
    )
    assert done.status_code == 302
    assert User.objects.get(username=school_a.urn).check_password("a-new-long-pass-77")


@pytest.fixture
def data_officer(db: None) -> User:
    return make_officer("data.officer", two_factor=False)


def test_la_users_must_set_up_two_factor_first(data_officer: User) -> None:
    client = signed_in(data_officer)
    response = client.get("/la/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the middle one is now
    return format_hotp_value(hotp_value(secret, counter))


def test_la_users_with_an_authenticator_are_asked_for_a_code(data_officer: User) -> None:
    secret = generate_totp_secret()
    TOTP.activate(data_officer, secret)
    client = Client()
    response = sign_in(client, "data.officer")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/la/").status_code == 302  # not yet signed in
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/la/").status_code == 200


def test_schools_may_turn_on_two_factor(school_a: School) -> None:
    head = User.objects.get(username=school_a.urn)
    assert signed_in(head).get("/accounts/2fa/").status_code == 200
    assert not Authenticator.objects.filter(user=head).exists()
    assert signed_in(head).get("/").status_code == 200  # not required of schools


def test_nobody_can_sign_themselves_up(db: None) -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "me",
            "email": "me@x.org",
            "password1": "a-long-pass-1",
            "password2": "a-long-pass-1",
        },
    )
    assert not User.objects.filter(username="me").exists()
    assert response.status_code in (200, 302, 403, 404)


def test_the_head_adds_staff_who_are_emailed_a_link(school_a: School, head_a: Client) -> None:
    response = head_a.post(
        "/people/",
        {"first_name": "Sam", "last_name": "Officer", "email": "Sam.Officer@school.example"},
    )
    assert response.status_code == 302
    sam = User.objects.get(email="sam.officer@school.example")
    assert sam.school == school_a and sam.role == Role.STAFF and not sam.can_sign
    assert not sam.has_usable_password()
    assert mail.outbox[-1].to == ["sam.officer@school.example"]


def test_staff_cannot_manage_people(school_a: School) -> None:
    staff = make_staff(school_a, "officer@school.example")
    assert signed_in(staff).get("/people/").status_code == 404


def test_the_admin_is_behind_two_factor(db: None, school_a: School) -> None:
    admin = make_admin("la.admin", superuser=True, two_factor=False)
    client = signed_in(admin)
    assert client.get("/admin/portal/school/")["Location"] == "/accounts/2fa/totp/activate/"
    TOTP.activate(admin, generate_totp_secret())
    page = client.get("/admin/portal/school/")
    assert page.status_code == 200 and school_a.name in page.content.decode()
    assert signed_in(User.objects.get(username=school_a.urn)).get("/admin/").status_code == 302


@pytest.mark.django_db
def test_createsuperuser_makes_an_la_administrator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Django command works as documented: a school role would need a school."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough pass phrase 2026")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.org")
    made = User.objects.get(username="root")
    assert made.is_superuser and made.role == Role.LA_ADMIN and made.school is None
