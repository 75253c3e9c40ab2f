"""The LA makes accounts in the admin: a role and, for a school's people, a school; a head's
account is named by the URN and invited by email from the LA; no combination of the add or
change form is ever a server error."""

from __future__ import annotations

import html
import itertools

import pytest
from account_support import invitation_link, sign_in, signed_in_as
from django.conf import settings
from django.core import mail
from django.test import Client
from portal_builders import make_admin, make_officer, make_school

from keystage.web.models import Role, School, User

ADD = "/admin/portal/user/add/"
GOOD = "lantern maple harbour quartz"


@pytest.fixture
def la_admin(db: None) -> Client:
    person = make_admin("la.root", superuser=True, first_name="Alex")
    client = Client(raise_request_exception=False)
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.fixture
def new_school(schools: list[School]) -> School:
    """A school the register has just added: no head teacher's account yet."""
    return make_school(laestab="3309999", urn="199999", name="Meadow Lane Primary",
                       main_email="office@meadowlane.example")  # fmt: skip


def new_account(**fields: object) -> dict[str, object]:
    """The add form as sent: what a test does not say is empty."""
    form: dict[str, object] = {
        "role": "", "school": "", "first_name": "", "last_name": "", "email": "",
        "username": "", "usable_password": "false", "password1": "", "password2": "", "_save": "",
    }  # fmt: skip
    form.update(fields)
    return form


def errors_on(page: str) -> str:
    """The page from its error note on, unescaped: empty when it has none."""
    return html.unescape(page[page.find("errornote") :]) if "errornote" in page else ""


def test_the_la_makes_a_heads_account_named_by_the_urn_and_invites_the_school(
    la_admin: Client, new_school: School
) -> None:
    response = la_admin.post(ADD, new_account(
        role=Role.HEAD, school=new_school.pk, email="Head@MeadowLane.example",
    ))  # fmt: skip
    assert response.status_code == 302
    head = User.objects.get(school=new_school, role=Role.HEAD)
    assert head.username == new_school.urn and head.email == "head@meadowlane.example"
    assert not head.has_usable_password()
    [sent] = mail.outbox
    body = " ".join(sent.body.split())
    assert sent.to == [head.email] and new_school.name in sent.subject
    assert body.startswith("Dear head teacher,")  # the LA gave no name
    assert f"data team has set up the head teacher's account for {new_school.name}" in body
    assert f"sign in with your school's URN, {new_school.urn}" in body
    assert f"Ask the {settings.LA_NAME} assessment data team to send you another" in body
    client = Client()
    form = client.get(invitation_link(head.email), follow=True).redirect_chain[-1][0]
    assert client.post(form, {"password1": GOOD, "password2": GOOD}).status_code == 302
    assert signed_in_as(client) == new_school.urn
    assert sign_in(Client(), new_school.urn, GOOD).status_code == 302


def test_the_la_may_set_a_first_password_instead(la_admin: Client, new_school: School) -> None:
    response = la_admin.post(ADD, new_account(
        role=Role.HEAD, school=new_school.pk, email="head@meadowlane.example",
        usable_password="true", password1=GOOD, password2=GOOD,
    ))  # fmt: skip
    assert response.status_code == 302 and mail.outbox == []
    assert sign_in(Client(), new_school.urn, GOOD).status_code == 302


def test_a_head_without_a_school_is_refused_in_words(la_admin: Client, schools: object) -> None:
    response = la_admin.post(ADD, new_account(role=Role.HEAD, email="head@x.example"))
    assert response.status_code == 200
    assert "a head teacher's account belongs to one school" in errors_on(response.content.decode())
    assert not User.objects.filter(email="head@x.example").exists() and mail.outbox == []


def test_a_school_for_an_la_account_is_refused(la_admin: Client, school_a: School) -> None:
    response = la_admin.post(ADD, new_account(
        role=Role.LA_DATA, school=school_a.pk, email="officer@la.example", username="new.officer",
    ))  # fmt: skip
    assert response.status_code == 200
    assert "the LA's accounts belong to no school" in errors_on(response.content.decode())
    assert not User.objects.filter(username="new.officer").exists()


def test_a_second_head_account_for_a_school_is_refused(la_admin: Client, school_a: School) -> None:
    response = la_admin.post(ADD, new_account(
        role=Role.HEAD, school=school_a.pk, email="another.head@x.example",
    ))  # fmt: skip
    assert response.status_code == 200
    assert "has a head teacher's account already" in errors_on(response.content.decode())


def test_staff_made_by_the_la_sign_in_with_their_address(
    la_admin: Client, school_a: School
) -> None:
    response = la_admin.post(ADD, new_account(
        role=Role.STAFF, school=school_a.pk, email="Jo.Bloggs@school.example", first_name="Jo",
    ))  # fmt: skip
    assert response.status_code == 302
    jo = User.objects.get(email="jo.bloggs@school.example")
    assert jo.username == jo.email and jo.school == school_a and jo.role == Role.STAFF
    assert "sign in with your email address, jo.bloggs@school.example" in mail.outbox[0].body


ROLES = ["", Role.HEAD, Role.STAFF, Role.LA_DATA, Role.LA_ADMIN]


def expected_to_make(role: str, has_school: bool, username: str, urn: str) -> bool:
    """The form's rules, as an LA administrator reads them on the page (a first password set
    now must be typed)."""
    if not role or has_school != (role in (Role.HEAD, Role.STAFF)):
        return False
    if role in (Role.LA_DATA, Role.LA_ADMIN):
        return bool(username) and not username.isdigit()
    return username in ("", urn if role == Role.HEAD else "")


@pytest.mark.parametrize(
    ("role", "has_school", "username", "password"),
    list(
        itertools.product(
            ROLES, [True, False], ["", "someone.else", "199999"], ["invite", "set", "not typed"]
        )
    ),
)
def test_every_combination_of_the_add_form_is_a_page_not_an_error(
    la_admin: Client, new_school: School, role: str, has_school: bool, username: str, password: str
) -> None:
    typed = GOOD if password == "set" else ""
    response = la_admin.post(ADD, new_account(
        role=role, school=new_school.pk if has_school else "", email="person@new.example",
        username=username, usable_password="false" if password == "invite" else "true",
        password1=typed, password2=typed,
    ))  # fmt: skip
    made = User.objects.filter(email="person@new.example").first()
    if expected_to_make(role, has_school, username, new_school.urn) and password != "not typed":
        assert response.status_code == 302, errors_on(response.content.decode())
        assert made is not None and made.role == role
        assert made.school == (new_school if has_school else None)
        assert len(mail.outbox) == (1 if password == "invite" else 0)
    else:
        assert response.status_code == 200
        assert "errornote" in response.content.decode()
        assert made is None and mail.outbox == []


def change_form(account: User, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "username": account.username, "email": account.email, "first_name": account.first_name,
        "last_name": account.last_name, "role": account.role,
        "school": account.school.pk if account.school else "", "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00", "_save": "",
    }  # fmt: skip
    form.update(changes)
    return form


@pytest.mark.parametrize(
    ("who", "changes", "refused"),
    [
        ("head", {"school": ""}, "a head teacher's account belongs to one school"),
        ("head", {"role": Role.STAFF, "school": ""}, "a member of staff's account belongs"),
        ("head", {"role": Role.LA_DATA}, "the LA's accounts belong to no school"),
        ("officer", {"role": Role.HEAD}, "a head teacher's account belongs to one school"),
        ("head", {"first_name": "Priya"}, ""),
        ("officer", {"role": Role.LA_ADMIN}, ""),
    ],
)
def test_the_change_form_keeps_role_and_school_in_step(
    la_admin: Client, school_a: School, who: str, changes: dict[str, object], refused: str
) -> None:
    if who == "head":
        account = User.objects.get(username=school_a.urn)
    else:
        account = make_officer("officer.b", two_factor=False)
    response = la_admin.post(
        f"/admin/portal/user/{account.pk}/change/", change_form(account, **changes)
    )
    page = response.content.decode()
    if refused:
        assert response.status_code == 200 and refused in errors_on(page)
        assert "Constraint" not in page
        assert User.objects.get(pk=account.pk).role == account.role
    else:
        assert response.status_code == 302, errors_on(page)


def test_the_la_sends_an_invitation_again_from_the_list(la_admin: Client, school_a: School) -> None:
    head = User.objects.get(username=school_a.urn)
    response = la_admin.post(
        "/admin/portal/user/", {"action": "send_invitation", "_selected_action": [head.pk]}
    )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == [head.email] and "/accounts/invitation/" in sent.body
