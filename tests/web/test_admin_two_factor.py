"""The admin: two-factor sign-in first, and only through the service's sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from portal_builders import head_of, make_admin
from portal_support import PASSWORD, signed_in

from keystage.web.models import School


@pytest.mark.parametrize("kind", ["superuser", "staff"])
def test_the_admin_requires_two_factor(school_a: School, kind: str) -> None:
    if kind == "superuser":
        person = make_admin("la.root", superuser=True, two_factor=False)
    else:  # a school's head given admin access: staff, but no LA role
        person = head_of(school_a)
        person.is_staff = True
        person.save()
    response = signed_in(person).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_admin_login_form_cannot_skip_the_second_factor(db: None) -> None:
    make_admin("la.root", superuser=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "la.root", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session  # the password alone signed nobody in
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_admin_is_refused_to_a_signed_in_non_staff_user(head_a: Client) -> None:
    assert head_a.get("/admin/login/").status_code == 403
