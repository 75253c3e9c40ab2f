"""A head resets their password with the school's URN, as they sign in; the link goes to that
head's own address only; an unknown URN or address gets the same page as a known one; and the
pages say who to ask about an account, for each role."""

from __future__ import annotations

import pytest
from account_support import emailed_link, signed_in_as
from django.conf import settings
from django.core import mail
from django.test import Client
from portal_builders import make_staff
from portal_support import signed_in

from keystage.web.models import School, User

RESET = "/accounts/password/reset/"
NEW = "river copper violet meadow"
DATA_TEAM = settings.DEFAULT_FROM_EMAIL  # KEYSTAGE_FROM_EMAIL: the data team's address
TEAM = f"{settings.LA_NAME} assessment data team"


def ask_reset(typed: str) -> object:
    return Client().post(RESET, {"email": typed})


def test_a_head_resets_with_the_schools_urn(school_a: School) -> None:
    response = ask_reset(f" {school_a.urn} ")
    assert response.status_code == 302  # type: ignore[attr-defined]
    [sent] = mail.outbox
    assert sent.to == [school_a.main_email]
    client = Client()
    form = client.get(emailed_link(school_a.main_email, "/accounts/password/reset/key/"),
                      follow=True).redirect_chain[-1][0]  # fmt: skip
    assert client.post(form, {"password1": NEW, "password2": NEW}).status_code == 302
    assert signed_in_as(client) == school_a.urn
    assert User.objects.get(username=school_a.urn).check_password(NEW)


def test_by_urn_only_that_heads_link_goes_to_a_federations_shared_address(
    school_a: School, school_b: School
) -> None:
    executive = "executive.head@federation.example"
    User.objects.filter(username__in=[school_a.urn, school_b.urn]).update(email=executive)
    ask_reset(school_b.urn)
    [sent] = mail.outbox
    assert sent.to == [executive]
    assert school_b.urn in sent.body and school_a.urn not in sent.body
    client = Client()
    form = client.get(emailed_link(executive, "/accounts/password/reset/key/"),
                      follow=True).redirect_chain[-1][0]  # fmt: skip
    client.post(form, {"password1": NEW, "password2": NEW})
    assert User.objects.get(username=school_b.urn).check_password(NEW)
    assert not User.objects.get(username=school_a.urn).check_password(NEW)


def test_unknown_urns_and_addresses_get_the_same_page_as_known_ones(school_a: School) -> None:
    known_urn, known_address = ask_reset(school_a.urn), ask_reset(school_a.main_email)
    unknown_urn, unknown_address = ask_reset("999999"), ask_reset("nobody@nowhere.example")
    answers = [known_urn, known_address, unknown_urn, unknown_address]
    assert {(r.status_code, r["Location"]) for r in answers} == {  # type: ignore[attr-defined]
        (302, "/accounts/password/reset/done/")
    }
    sent_to = [message.to for message in mail.outbox]
    assert sent_to.count([school_a.main_email]) == 2
    # An address with no account is told so (allauth's way), with who to ask: never a link.
    [unknown] = [m for m in mail.outbox if m.to == ["nobody@nowhere.example"]]
    assert "/accounts/password/reset/key/" not in unknown.body
    assert "sign up" not in unknown.body and DATA_TEAM in unknown.body
    assert len(mail.outbox) == 3  # nothing for the unknown URN: it has no address


def test_a_turned_off_account_is_sent_nothing_by_urn(school_a: School) -> None:
    User.objects.filter(username=school_a.urn).update(is_active=False)
    assert ask_reset(school_a.urn)["Location"] == "/accounts/password/reset/done/"  # type: ignore[index]
    assert mail.outbox == []


def test_links_by_urn_and_by_address_share_one_limit(school_a: School) -> None:
    """allauth's limit of links to one address (5 in 5 minutes) counts whichever is typed."""
    for n in range(5):
        typed = school_a.urn if n % 2 else school_a.main_email
        assert ask_reset(typed).status_code == 302  # type: ignore[attr-defined]
    assert ask_reset(school_a.urn).status_code == 429  # type: ignore[attr-defined]
    assert len(mail.outbox) == 5


def test_the_reset_page_asks_for_a_urn_or_an_address_and_says_who_to_ask(db: None) -> None:
    page = Client().get(RESET).content.decode()
    assert "URN or email address" in page
    assert "If you are a head teacher, enter your school’s 6-digit URN" in page  # noqa: RUF001
    assert f"head teachers, ask the {TEAM}: <a" in page
    assert f'href="mailto:{DATA_TEAM}"' in page
    assert "school staff, ask your head teacher" in page
    assert "ask your LA administrator" in page


def test_a_mistyped_address_says_what_to_type(db: None) -> None:
    response = Client().post(RESET, {"email": "head@school"})
    assert response.status_code == 200
    assert "or your school’s 6-digit URN" in response.content.decode().replace("&#x27;", "’")  # noqa: RUF001
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("who", "asks", "never"),
    [
        ("head", f"ask the {TEAM}: <a", "head teacher."),
        ("staff", "If you think it should, ask your head teacher.", DATA_TEAM),
        ("la", "If you think it should, ask your LA administrator.", "head teacher"),
    ],
)
def test_the_403_page_says_who_to_ask_for_each_role(
    school_a: School, officer: User, who: str, asks: str, never: str
) -> None:
    account = {
        "head": lambda: User.objects.get(username=school_a.urn),
        "staff": lambda: make_staff(school_a, "s@school.example"),
        "la": lambda: officer,
    }[who]()
    response = signed_in(account).get("/admin/login/")  # a signed-in account that is not admin
    page = response.content.decode()
    assert response.status_code == 403 and "You cannot use this page" in page
    assert asks in page and never not in page
