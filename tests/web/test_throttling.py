"""Wrong passwords are limited per account from one address (whatever name of the account is
typed) and per address, counted in the database; a stranger elsewhere cannot lock a head out,
a council network is not locked out by a few mistakes, and a reset link always lets its owner in.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from account_support import (
    actions,
    current_code,
    emailed_link,
    from_address,
    sign_in,
    signed_in_as,
)
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import override_settings
from django.utils import timezone
from portal_support import PASSWORD, make_user

from keystage.web.models import AuditEvent, Role, School

# The promise (docs/security.md), in 15 minutes: 5 wrong passwords for one account from one
# address, whatever name of it is typed; 100 from one address whatever the names.
GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS = 5
GUESSES_FROM_ONE_ADDRESS = 100

SCHOOL_NETWORK = "10.20.30.40"
STRANGER = "203.0.113.7"
THROTTLED = "tried to sign in too many times"


def guess(client: object, login: str, times: int) -> None:
    for n in range(times):
        response = sign_in(client, login, f"wrong-guess-{n}")  # type: ignore[arg-type]
        assert response.status_code == 200 and THROTTLED not in response.content.decode()


def test_guesses_count_per_account_whatever_name_is_typed(school_a: School) -> None:
    address = from_address(STRANGER)
    guess(address, school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    # The head's email address names the same account: no fresh guesses with it.
    refused = sign_in(address, school_a.main_email)
    assert refused.status_code == 200 and THROTTLED in refused.content.decode()
    assert signed_in_as(address) is None


def test_a_stranger_elsewhere_cannot_lock_a_head_out(school_a: School) -> None:
    guess(from_address(STRANGER), school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    assert THROTTLED in sign_in(from_address(STRANGER), school_a.urn).content.decode()
    at_school = from_address(SCHOOL_NETWORK)
    assert sign_in(at_school, school_a.urn).status_code == 302
    assert signed_in_as(at_school) == school_a.urn


def test_a_few_mistakes_across_a_council_network_lock_nobody_out(schools: list[School]) -> None:
    council = from_address(SCHOOL_NETWORK)  # every school of the LA behind one address
    first, *others = schools
    for school in others:
        guess(council, school.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS - 1)
    guess(council, "not-a-urn", 10)
    assert sign_in(council, first.urn).status_code == 302


def test_one_address_trying_every_name_is_stopped(schools: list[School]) -> None:
    """Spread over ten minutes, so that a limit per minute would not stop it."""
    spraying = from_address(STRANGER)
    start = timezone.now()
    for minute in range(10):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            guess(spraying, f"9{minute:05d}", GUESSES_FROM_ONE_ADDRESS // 10)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        refused = sign_in(spraying, schools[0].urn)  # an account it never tried, right password
        assert THROTTLED in refused.content.decode()
        assert sign_in(from_address(SCHOOL_NETWORK), schools[0].urn).status_code == 302


def test_the_refusal_ends_fifteen_minutes_after_the_last_wrong_password(school_a: School) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess(from_address(STRANGER), school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert THROTTLED in sign_in(from_address(STRANGER), school_a.urn).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(from_address(STRANGER), school_a.urn).status_code == 302


def test_a_throttled_head_resets_their_password_and_is_signed_in(school_a: School) -> None:
    at_school = from_address(SCHOOL_NETWORK)
    guess(at_school, school_a.urn, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    assert THROTTLED in sign_in(at_school, school_a.urn).content.decode()
    at_school.post("/accounts/password/reset/", {"email": school_a.main_email})
    link = emailed_link(school_a.main_email, "/accounts/password/reset/key/")
    form = at_school.get(link, follow=True).redirect_chain[-1][0]
    new = "river copper violet meadow"
    assert at_school.post(form, {"password1": new, "password2": new}).status_code == 302
    assert signed_in_as(at_school) == school_a.urn


def test_a_reset_link_still_asks_an_la_account_for_its_code(db: None) -> None:
    officer = make_user("data.officer", Role.LA_DATA, email="data.officer@la.example")
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    client = from_address(SCHOOL_NETWORK)
    client.post("/accounts/password/reset/", {"email": officer.email})
    form = client.get(
        emailed_link(officer.email, "/accounts/password/reset/key/"), follow=True
    ).redirect_chain[-1][0]
    new = "harbour lantern quartz maple"
    done = client.post(form, {"password1": new, "password2": new})
    assert done["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/la/").status_code == 302  # not in until the code
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/la/").status_code == 200


def test_failures_and_refusals_are_in_the_audit_trail(school_a: School) -> None:
    guess(from_address(STRANGER), school_a.main_email, GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS)
    sign_in(from_address(STRANGER), school_a.urn)
    failed = actions(AuditEvent.Action.SIGN_IN_FAILED)
    assert len(failed) == GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS
    assert {event.ip for event in failed} == {STRANGER}
    assert {event.school for event in failed} == {school_a.laestab}
    [refused] = actions(AuditEvent.Action.THROTTLED)
    assert refused.ip == STRANGER and refused.school == school_a.laestab
    assert refused.detail["tried"] == school_a.urn
    # A right password is no failure: it leaves nothing behind but the sign-in.
    assert sign_in(from_address(SCHOOL_NETWORK), school_a.urn).status_code == 302
    assert len(actions(AuditEvent.Action.SIGN_IN_FAILED)) == GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS


@override_settings(KEYSTAGE_BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_it_saw(school_a: School) -> None:
    """REMOTE_ADDR is the proxy's; the last X-Forwarded-For entry is the one the proxy added,
    whatever the browser sent before it."""
    for n in range(GUESSES_PER_ACCOUNT_FROM_ONE_ADDRESS):
        proxied = from_address("127.0.0.1")
        proxied.post(
            "/accounts/login/",
            {"login": school_a.urn, "password": "wrong-guess"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {STRANGER}",
        )
    assert {event.ip for event in actions(AuditEvent.Action.SIGN_IN_FAILED)} == {STRANGER}

    def right_password_from(address: str) -> object:
        return from_address("127.0.0.1").post(
            "/accounts/login/",
            {"login": school_a.urn, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=address,
        )

    assert THROTTLED in right_password_from(STRANGER).content.decode()
    assert right_password_from(SCHOOL_NETWORK).status_code == 302
