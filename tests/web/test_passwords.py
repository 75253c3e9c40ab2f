"""New passwords: at least 12 characters, not a common one, not like the account's names or
its school's, with a hint that asks for a passphrase."""

from __future__ import annotations

import pytest
from account_support import emailed_link
from django.test import Client
from portal_support import PASSWORD, signed_in

from keystage.web.models import School, User

HINT = "Three or four random words are easy to remember and hard to guess"
GOOD = "lantern maple harbour quartz"


def reset_page(school: School) -> tuple[Client, str]:
    """A head's password reset link, opened: the page to choose a new password on."""
    Client().post("/accounts/password/reset/", {"email": school.main_email})
    client = Client()
    page = client.get(emailed_link(school.main_email, "/accounts/password/reset/key/"), follow=True)
    assert page.status_code == 200
    return client, page.redirect_chain[-1][0]


def choose(client: Client, url: str, password: str) -> object:
    return client.post(url, {"password1": password, "password2": password})


@pytest.mark.parametrize(
    ("weak", "because"),
    [
        ("password", "too short"),
        ("123456", "too short"),
        ("password1234", "too common"),
        ("123456789012", "entirely numeric"),
        ("qwertyqwerty", "too common"),
    ],
)
def test_a_weak_new_password_is_refused(school_a: School, weak: str, because: str) -> None:
    client, url = reset_page(school_a)
    response = choose(client, url, weak)
    assert response.status_code == 200
    assert because in response.content.decode()
    head = User.objects.get(username=school_a.urn)
    assert not head.check_password(weak) and head.check_password(PASSWORD)


def test_a_password_like_the_schools_name_is_refused(school_a: School) -> None:
    client, url = reset_page(school_a)
    like_the_school = school_a.name.replace(" ", "").lower()
    assert len(like_the_school) >= 12
    response = choose(client, url, like_the_school)
    assert "too like your school&#x27;s name" in response.content.decode()
    assert not User.objects.get(username=school_a.urn).check_password(like_the_school)


def test_a_passphrase_is_accepted_and_the_page_asks_for_one(school_a: School) -> None:
    client, url = reset_page(school_a)
    assert HINT in client.get(url).content.decode()
    response = choose(client, url, GOOD)
    assert response.status_code == 302
    assert User.objects.get(username=school_a.urn).check_password(GOOD)


def test_changing_a_password_has_the_same_rules_and_hint(school_a: School) -> None:
    head = signed_in(User.objects.get(username=school_a.urn))
    page = head.get("/accounts/password/change/")
    assert HINT in page.content.decode()
    refused = head.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "123456", "password2": "123456"},
    )
    assert refused.status_code == 200 and "too short" in refused.content.decode()
    changed = head.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": GOOD, "password2": GOOD},
    )
    assert changed.status_code == 302
    assert User.objects.get(username=school_a.urn).check_password(GOOD)


def test_a_password_set_before_the_rules_must_be_changed_at_sign_in(school_a: School) -> None:
    head = User.objects.get(username=school_a.urn)
    head.set_password("password")  # as accepted before
    head.save()
    client = Client()
    assert client.post("/accounts/login/", {"login": school_a.urn, "password": "password"})[
        "Location"
    ].startswith("/")
    sent = client.get("/")
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password/change/"
    page = client.get(sent["Location"])
    assert "does not meet the service" in page.content.decode()
    client.post(
        "/accounts/password/change/",
        {"oldpassword": "password", "password1": GOOD, "password2": GOOD},
    )
    assert client.get("/").status_code == 200


def test_a_password_that_keeps_the_rules_goes_straight_in(school_a: School) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": school_a.urn, "password": PASSWORD})
    assert client.get("/").status_code == 200
