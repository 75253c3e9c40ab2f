"""Email addresses: nobody can take another account's; a new one counts only once its link is
opened; a head's address is the LA's to set, and heads of a federation may share one, which
then cannot be used to sign in (the URN can)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from account_support import emailed_link, sign_in, signed_in_as
from allauth.account.models import EmailAddress
from django.contrib.admin.sites import site
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone
from portal_builders import make_admin, make_staff
from portal_support import PASSWORD, signed_in

from keystage.web.common import addresses
from keystage.web.models import Role, School, User

STAFF_PASSWORD = "staff members own passphrase"
TAKEN = "This email address belongs to another account"


@pytest.fixture
def staff_b(school_b: School) -> User:
    address = "b.officer@school-b.example"
    person = make_staff(school_b, address, first_name="Bea")
    person.set_password(STAFF_PASSWORD)
    person.save()
    return person


def reauthenticated(user: User, password: str = STAFF_PASSWORD) -> Client:
    client = signed_in(user)
    client.post("/accounts/reauthenticate/", {"password": password})
    return client


def change_to(client: Client, email: str) -> object:
    return client.post("/accounts/email/change/", {"email": email})


def test_another_schools_address_cannot_be_taken(school_a: School, staff_b: User) -> None:
    client = reauthenticated(staff_b)
    response = change_to(client, school_a.main_email.upper())
    assert response.status_code == 400
    assert TAKEN in response.content.decode()
    # allauth's own form and actions on this page do nothing either.
    client.post("/accounts/email/", {"action_add": "", "email": school_a.main_email})
    client.post("/accounts/email/", {"action_primary": "", "email": school_a.main_email})
    assert not EmailAddress.objects.filter(email__iexact=school_a.main_email).exists()
    staff_b.refresh_from_db()
    assert staff_b.email == "b.officer@school-b.example"
    assert mail.outbox == []


def test_signing_in_by_an_address_lands_only_in_its_own_account(
    school_a: School, staff_b: User
) -> None:
    """As the old page left it: another school's address on this account, even as primary."""
    EmailAddress.objects.create(user=staff_b, email=school_a.main_email, primary=True)
    impostor = Client()
    assert sign_in(impostor, school_a.main_email, STAFF_PASSWORD).status_code == 200
    assert signed_in_as(impostor) is None
    head = Client()
    assert sign_in(head, school_a.main_email).status_code == 302
    assert signed_in_as(head) == school_a.urn


def test_a_reset_link_goes_only_to_the_account_with_the_address(
    school_a: School, staff_b: User
) -> None:
    EmailAddress.objects.create(user=staff_b, email=school_a.main_email, primary=True)
    Client().post("/accounts/password/reset/", {"email": school_a.main_email})
    [sent] = mail.outbox
    assert sent.to == [school_a.main_email]
    assert school_a.urn in sent.body and staff_b.username not in sent.body


def test_a_head_cannot_change_the_address_the_la_set(school_a: School) -> None:
    head = User.objects.get(username=school_a.urn)
    client = reauthenticated(head, PASSWORD)
    page = client.get("/accounts/email/")
    assert page.status_code == 200
    assert "sets your school’s email address" in page.content.decode()  # noqa: RUF001
    assert change_to(client, "new.head@elsewhere.example").status_code == 403
    head.refresh_from_db()
    assert head.email == school_a.main_email and mail.outbox == []


def test_staff_change_their_address_by_the_link_sent_to_it(staff_b: User) -> None:
    # As for a member of staff the head added: their first password came by a reset link.
    Client().post("/accounts/password/reset/", {"email": staff_b.email})
    client = reauthenticated(staff_b)
    assert change_to(client, "Bea.New@school-b.example").status_code == 302
    link = emailed_link("bea.new@school-b.example", "/accounts/confirm-email/")
    staff_b.refresh_from_db()
    assert staff_b.email == "b.officer@school-b.example"  # not until the link is opened
    page = client.get("/accounts/email/").content.decode()
    assert "Changing to" in page and "bea.new@school-b.example" in page
    assert sign_in(Client(), "bea.new@school-b.example", STAFF_PASSWORD).status_code == 200
    page = client.get(link)
    assert "bea.new@school-b.example" in page.content.decode()
    assert client.post(link).status_code == 302
    staff_b.refresh_from_db()
    assert staff_b.email == staff_b.username == "bea.new@school-b.example"
    assert sign_in(Client(), "bea.new@school-b.example", STAFF_PASSWORD).status_code == 302
    assert sign_in(Client(), "b.officer@school-b.example", STAFF_PASSWORD).status_code == 200


def test_the_link_is_sent_again_once_the_wait_is_over_or_the_change_called_off(
    staff_b: User,
) -> None:
    client = reauthenticated(staff_b)
    change_to(client, "bea.new@school-b.example")
    assert len(mail.outbox) == 1
    page = client.get("/accounts/email/").content.decode()
    assert 'action="/accounts/email/resend/"' in page
    assert 'formaction="/accounts/email/keep/"' in page
    too_soon = client.post("/accounts/email/resend/", follow=True).content.decode()
    assert "Wait 3 minutes" in too_soon and len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4)):
        client = reauthenticated(staff_b)
        again = client.post("/accounts/email/resend/", follow=True).content.decode()
        assert "We have emailed the link to bea.new@school-b.example again" in again
        assert len(mail.outbox) == 2
        kept = client.post("/accounts/email/keep/", follow=True).content.decode()
    assert "Your address stays b.officer@school-b.example" in kept
    assert addresses.pending(staff_b) is None and "Changing to" not in kept


def test_a_head_cannot_send_or_call_off_a_link(school_a: School) -> None:
    client = reauthenticated(User.objects.get(username=school_a.urn), PASSWORD)
    assert client.post("/accounts/email/resend/").status_code == 403
    assert client.post("/accounts/email/keep/").status_code == 403
    assert client.get("/accounts/email/keep/").status_code == 405


def test_a_change_asks_for_the_password_again(staff_b: User) -> None:
    client = signed_in(staff_b)  # signed in long ago, as far as the session knows
    response = change_to(client, "bea.new@school-b.example")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert mail.outbox == []


def test_a_link_for_an_address_someone_got_meanwhile_does_not_work(
    school_a: School, staff_b: User
) -> None:
    client = reauthenticated(staff_b)
    change_to(client, "shared.office@example.org")
    link = emailed_link("shared.office@example.org", "/accounts/confirm-email/")
    User.objects.filter(username=school_a.urn).update(email="shared.office@example.org")
    client.post(link)
    staff_b.refresh_from_db()
    assert staff_b.email == "b.officer@school-b.example"


def test_heads_of_a_federation_share_an_address_and_sign_in_by_urn(
    school_a: School, school_b: School
) -> None:
    executive = "executive.head@federation.example"
    User.objects.filter(username__in=[school_a.urn, school_b.urn]).update(email=executive)
    client = Client()
    response = sign_in(client, executive)
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "6-digit URN instead" in response.content.decode()
    assert sign_in(client, school_b.urn).status_code == 302
    assert signed_in_as(client) == school_b.urn


def admin_form_errors(account: User, email: str, role: str) -> dict[str, list[str]]:
    """The admin's form for an account, with a new address: its errors."""
    admin = site._registry[User]
    request = RequestFactory().get("/")
    request.user = make_admin("la.root", superuser=True)
    form_class = admin.get_form(request, account)
    form = form_class(instance=account)
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("password", None)
    data.update(email=email, role=role, date_joined_0="2026-01-01", date_joined_1="09:00:00")
    bound = form_class(data=data, instance=account)
    bound.is_valid()
    return {name: [str(e) for e in errors] for name, errors in bound.errors.items()}


def test_the_la_may_give_heads_one_address_but_nobody_else(
    school_a: School, school_b: School, staff_b: User
) -> None:
    head_b = User.objects.get(username=school_b.urn)
    assert "email" not in admin_form_errors(head_b, school_a.main_email, Role.HEAD)
    User.objects.filter(username="la.root").delete()
    [refused] = admin_form_errors(staff_b, school_a.main_email, Role.STAFF)["email"]
    assert refused.startswith(TAKEN)


def test_a_head_cannot_give_staff_an_address_in_use(school_a: School, head_b: Client) -> None:
    response = head_b.post(
        "/people/", {"first_name": "Sam", "last_name": "Officer", "email": school_a.main_email}
    )
    assert response.status_code == 400
    assert not User.objects.filter(role=Role.STAFF).exists()
